package oktasim

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strconv"
)

// Paging limits, as Okta's.
const (
	defaultPageLimit = 200
	maxPageLimit     = 200
	defaultLogLimit  = 100
	maxLogLimit      = 1000
)

// pageLimit reads the limit parameter: def when absent, at most max.
func pageLimit(r *http.Request, def, maxLimit int) (int, error) {
	raw := r.URL.Query().Get("limit")
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, errValidation("limit", "limit: must be a positive number")
	}
	return min(n, maxLimit), nil
}

// Cursors are opaque, as Okta's: a client can only follow the next links
// it was given. A cursor is its position sealed (AES-GCM) with a key of
// this process and bound to what it continues (a list, or one System Log
// query): a readable id, a crafted value or another query's cursor is
// refused with Okta's 400 E0000001.
var cursorAEAD = newCursorAEAD()

func newCursorAEAD() cipher.AEAD {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // never fails (crypto/rand)
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	a, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return a
}

// sealCursor makes an opaque cursor of a position bound to bind.
func sealCursor(pos []byte, bind string) string {
	nonce := make([]byte, cursorAEAD.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(cursorAEAD.Seal(nonce, nonce, pos, []byte(bind)))
}

// openCursor reads a cursor made by sealCursor with the same bind.
func openCursor(tok, bind string) ([]byte, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	n := cursorAEAD.NonceSize()
	if err != nil || len(b) < n {
		return nil, false
	}
	pos, err := cursorAEAD.Open(nil, b[:n], b[n:], []byte(bind))
	return pos, err == nil
}

// listBind binds the cursors of the entity lists.
const listBind = "list"

// errCursor is Okta's answer to an `after` it did not issue.
func errCursor() *apiError {
	return errValidation("after", "after: the cursor is not valid: follow the next link of the previous page")
}

// pageOf picks one page from list: the entities after the cursor after
// (one setLinks issued) that keep reports true, at most limit. next is the
// id of the last entity when a following page holds more, "" when there is
// none; setLinks seals it. When the cursor's entity is gone (deleted
// meanwhile), list must be sorted by seq to find the place.
func (o *org) pageOf(list []*entity, after string, limit int, keep func(*entity) bool) (page []*entity, next string, err error) {
	start := 0
	if after != "" {
		id, ok := openCursor(after, listBind)
		if !ok {
			return nil, "", errCursor()
		}
		after = string(id)
		seq, ok := o.seqOf[after]
		if !ok {
			return nil, "", errCursor()
		}
		start = -1
		for i, e := range list {
			if e.id == after {
				start = i + 1
				break
			}
		}
		if start < 0 {
			start = sort.Search(len(list), func(i int) bool { return list[i].seq > seq })
		}
	}
	for i := start; i < len(list); i++ {
		e := list[i]
		if keep != nil && !keep(e) {
			continue
		}
		if len(page) == limit {
			return page, page[len(page)-1].id, nil
		}
		page = append(page, e)
	}
	return page, "", nil
}

// baseURL is the org URL as the client reached it.
func baseURL(r *http.Request) string { return scheme(r) + "://" + r.Host }

// setLinks adds one Link header per rel (never comma-joined: the SDK's
// paging loops on a joined header): self, and next when next (the id
// pageOf returned) is set, with an opaque cursor.
func setLinks(w http.ResponseWriter, r *http.Request, next string) {
	if next == "" {
		addLinks(w, r, nil)
		return
	}
	q := r.URL.Query()
	q.Set("after", sealCursor([]byte(next), listBind))
	addLinks(w, r, q)
}

// addLinks adds the self link and, when next is set, the next link: this
// request's path with the query next.
func addLinks(w http.ResponseWriter, r *http.Request, next url.Values) {
	self := baseURL(r) + r.URL.RequestURI()
	w.Header().Add("Link", "<"+self+`>; rel="self"`)
	if next == nil {
		return
	}
	u := url.URL{Scheme: scheme(r), Host: r.Host, Path: r.URL.Path, RawQuery: next.Encode()}
	w.Header().Add("Link", "<"+u.String()+`>; rel="next"`)
}

// linker makes the "_links" of an entity for a request.
type linker func(base string, e *entity) []byte

// writeEntities answers a JSON array of entities with their links.
func writeEntities(w http.ResponseWriter, r *http.Request, page []*entity, next string, links linker) {
	var buf bytes.Buffer
	base := baseURL(r)
	buf.WriteByte('[')
	for i, e := range page {
		if i > 0 {
			buf.WriteByte(',')
		}
		appendEntity(&buf, e.raw, linksOf(links, base, e))
	}
	buf.WriteByte(']')
	setLinks(w, r, next)
	writeRaw(w, http.StatusOK, buf.Bytes())
}

// writeEntity answers one entity with its links.
func writeEntity(w http.ResponseWriter, r *http.Request, status int, e *entity, links linker) {
	var buf bytes.Buffer
	appendEntity(&buf, e.raw, linksOf(links, baseURL(r), e))
	writeRaw(w, status, buf.Bytes())
}

func linksOf(links linker, base string, e *entity) []byte {
	if links == nil {
		return nil
	}
	return links(base, e)
}

// appendEntity writes raw (a JSON object) with "_links" spliced in.
func appendEntity(buf *bytes.Buffer, raw, links []byte) {
	if len(links) == 0 || len(raw) < 2 {
		buf.Write(raw)
		return
	}
	buf.Write(raw[:len(raw)-1])
	if len(raw) > 2 {
		buf.WriteByte(',')
	}
	buf.WriteString(`"_links":`)
	buf.Write(links)
	buf.WriteByte('}')
}

// linkSet builds a "_links" object: name → href (and method when not GET).
type linkSet struct {
	buf   bytes.Buffer
	first bool
}

func newLinkSet() *linkSet {
	ls := &linkSet{first: true}
	ls.buf.WriteByte('{')
	return ls
}

func (ls *linkSet) add(name, href, method string) *linkSet {
	if !ls.first {
		ls.buf.WriteByte(',')
	}
	ls.first = false
	ls.buf.WriteString(strconv.Quote(name))
	ls.buf.WriteString(`:{"href":`)
	ls.buf.WriteString(strconv.Quote(href))
	if method != "" {
		ls.buf.WriteString(`,"method":`)
		ls.buf.WriteString(strconv.Quote(method))
	}
	ls.buf.WriteByte('}')
	return ls
}

func (ls *linkSet) bytes() []byte {
	ls.buf.WriteByte('}')
	return ls.buf.Bytes()
}
