package okta

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
)

// parseLinks reads Link headers into rel → URL. Okta sends one header per
// rel; several links comma-joined in one header are read too.
func parseLinks(h http.Header) map[string]string {
	out := map[string]string{}
	for _, v := range h.Values("Link") {
		for len(v) > 0 {
			start := strings.IndexByte(v, '<')
			if start < 0 {
				break
			}
			end := strings.IndexByte(v[start:], '>')
			if end < 0 {
				break
			}
			target := v[start+1 : start+end]
			v = v[start+end+1:]
			// Parameters run to the next link (a comma outside quotes).
			params, rest := v, ""
			inQuote := false
			for i := 0; i < len(v); i++ {
				switch v[i] {
				case '"':
					inQuote = !inQuote
				case ',':
					if !inQuote {
						params, rest = v[:i], v[i+1:]
						i = len(v)
					}
				}
			}
			v = rest
			for _, p := range strings.Split(params, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
					continue
				}
				for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(val), `"`)) {
					if _, seen := out[strings.ToLower(rel)]; !seen {
						out[strings.ToLower(rel)] = target
					}
				}
			}
		}
	}
	return out
}

// nextLink returns the request (path and query) of the rel="next" link,
// or "" when there is none. Okta's next link is followed as given, never
// rebuilt: it must lead to the org itself (the same scheme and host), or
// the answer is refused.
func (c *Client) nextLink(op string, h http.Header) (string, error) {
	next, ok := parseLinks(h)["next"]
	if !ok || next == "" {
		return "", nil
	}
	u, err := url.Parse(next)
	if err != nil || !strings.EqualFold(u.Scheme, c.s.org.Scheme) || !strings.EqualFold(u.Host, c.s.org.Host) || !strings.HasPrefix(u.Path, "/api/v1/") {
		return "", &intents.Error{Err: intents.ErrUnavailable, Op: "okta: " + op,
			Detail: "Okta's next-page link does not lead to the org's API (" + c.s.org.Host + "); it was not followed"}
	}
	return u.RequestURI(), nil
}

// page is one page of a list.
type page[T any] struct {
	items []T
	at    cursor // the request this page was fetched with
	next  cursor // the request of the next page
	more  bool   // a next page may hold items
}

// fetchFunc makes the first SDK list call of a list, passing ctx to
// Execute; the following pages are Okta's next links, requested as given.
type fetchFunc func(ctx context.Context) (*oktasdk.APIResponse, error)

// listPages streams the pages of an SDK list call, starting at the page
// request from ("": the first page, through the SDK). It follows Okta's
// rel="next" links as given, through the client's transport (never the
// SDK's Next(), which ignores the context and can panic) and decodes each
// page as the first; it stops when there is no next link or a page is
// empty, and whenever the consumer does.
func listPages[T any](ctx context.Context, c *Client, op, scope, from string, fetch fetchFunc, conv func(json.RawMessage) (T, error)) iter.Seq2[page[T], error] {
	return func(yield func(page[T], error) bool) {
		seen := map[string]bool{}
		at := from
		for {
			var resp *http.Response
			var body []byte
			var err error
			if at == "" {
				resp, body, err = c.sdkCall(ctx, op, scope, func(ctx context.Context) (*oktasdk.APIResponse, error) {
					return fetch(ctx)
				})
			} else {
				resp, body, err = c.rawCall(ctx, op, scope, http.MethodGet, c.s.org.String()+at, nil)
			}
			if err != nil {
				yield(page[T]{}, err)
				return
			}
			raws, err := decodeList(body)
			if err != nil {
				yield(page[T]{}, &intents.Error{Err: intents.ErrUnavailable, Op: "okta: " + op, Detail: "Okta's answer is not a JSON list"})
				return
			}
			next, err := c.nextLink(op, resp.Header)
			if err != nil {
				yield(page[T]{}, err)
				return
			}
			p := page[T]{at: cursor{page: at}, next: cursor{page: next}, items: make([]T, 0, len(raws))}
			for _, raw := range raws {
				item, err := conv(raw)
				if err != nil {
					c.log.Warn("okta: skipped an item that does not decode", "op", op, "err", err)
					continue
				}
				p.items = append(p.items, item)
			}
			seen[at] = true
			p.more = next != "" && !seen[next] && len(raws) > 0
			if !yield(p, nil) || !p.more {
				return
			}
			at = next
		}
	}
}

// items flattens a page stream.
func items[T any](pages iter.Seq2[page[T], error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for p, err := range pages {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range p.items {
				if !yield(it, nil) {
					return
				}
			}
		}
	}
}

// cursor is the opaque paging cursor of a capped result: the request of
// a page (Okta's next link as given, or the list's first request) and how
// many of its items were already shown. A System Log listing's cursor
// also carries its window, fixed at the first request (a Next button
// pressed later reads on in the same window, never up to a new "now"),
// the time of the last event before the page, and where the part of the
// window that the page's chain of links does not cover begins.
type cursor struct {
	page         string // path and query, on the org
	skip         int
	since, until time.Time // the listing's window (System Log)
	pos          time.Time // the last event read before the page (System Log)
	rest         time.Time // the window beyond the page's chain starts (or, newest first, ends) here; zero: none
}

// cursorVersion prefixes a cursor's text.
const cursorVersion = "c1."

// String encodes the cursor; even the zero cursor (a list's first page)
// is a cursor, never "".
func (k cursor) String() string {
	v := url.Values{"p": {k.page}}
	if k.skip > 0 {
		v.Set("k", strconv.Itoa(k.skip))
	}
	for name, t := range map[string]time.Time{"s": k.since, "u": k.until, "o": k.pos, "r": k.rest} {
		if !t.IsZero() {
			v.Set(name, strconv.FormatInt(t.UnixMilli(), 10))
		}
	}
	// Deflated: a System Log link repeats its filter's words, and the
	// cursor has to fit in a Slack button.
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression) // a valid level never fails
	_, _ = w.Write([]byte(v.Encode()))
	_ = w.Close()
	return cursorVersion + base64.RawURLEncoding.EncodeToString(b.Bytes())
}

// maxCursorText bounds a cursor's decoded text.
const maxCursorText = 16 << 10

// parseCursor reads a cursor made by cursor.String. Its page must be a
// request on the org's API: a cursor comes back from a Slack button, and
// is input.
func parseCursor(s string) (cursor, error) {
	if s == "" {
		return cursor{}, nil
	}
	bad := invalid("page cursor", "the page cursor is not one this bot made")
	z, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(s, cursorVersion))
	if err != nil || !strings.HasPrefix(s, cursorVersion) {
		return cursor{}, bad
	}
	text, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(z)), maxCursorText+1))
	if err != nil || len(text) > maxCursorText {
		return cursor{}, bad
	}
	v, err := url.ParseQuery(string(text))
	if err != nil || !v.Has("p") {
		return cursor{}, bad
	}
	k := cursor{page: v.Get("p")}
	if k.page != "" {
		u, err := url.Parse(k.page)
		if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/api/v1/") || strings.Contains(u.Path, "..") {
			return cursor{}, bad
		}
	}
	if s := v.Get("k"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > maxResultCap {
			return cursor{}, bad
		}
		k.skip = n
	}
	for name, t := range map[string]*time.Time{"s": &k.since, "u": &k.until, "o": &k.pos, "r": &k.rest} {
		if s := v.Get(name); s != "" {
			ms, err := strconv.ParseInt(s, 10, 64)
			if err != nil || ms <= 0 {
				return cursor{}, bad
			}
			*t = time.UnixMilli(ms).UTC()
		}
	}
	return k, nil
}

// collect takes up to limit items from a page stream that started at
// from, skipping from.skip items of its first page. When items remain, it
// returns the cursor that continues after the last one taken. A result
// that fills the cap exactly at a page's end is truncated only if the next
// page holds items (for the System Log that page is already prefetched).
func collect[T any](pages iter.Seq2[page[T], error], from cursor, limit int) ([]T, string, bool, error) {
	var out []T
	skip := from.skip
	pending := "" // cursor of the page after a full result
	for p, err := range pages {
		if err != nil {
			return out, "", false, err
		}
		if pending != "" {
			if len(p.items) > 0 {
				return out, pending, true, nil
			}
			if !p.more {
				break
			}
			pending = p.next.String()
			continue
		}
		for i := skip; i < len(p.items); i++ {
			if len(out) == limit {
				k := p.at
				k.skip = i
				return out, k.String(), true, nil
			}
			out = append(out, p.items[i])
		}
		skip = 0
		if len(out) == limit {
			if !p.more {
				break
			}
			pending = p.next.String()
		}
	}
	return out, "", false, nil
}

// pageSize is the page size to ask for: the cap when it fits in one page,
// so that pages end where the result does.
func pageSize(limit, max int) int32 {
	if limit > 0 && limit < max {
		return int32(limit)
	}
	return int32(max)
}
