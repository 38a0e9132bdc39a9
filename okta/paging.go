package okta

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

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

// nextAfter returns the `after` cursor of the rel="next" link, or "".
func nextAfter(h http.Header) string {
	next, ok := parseLinks(h)["next"]
	if !ok {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil {
		return ""
	}
	return u.Query().Get("after")
}

// page is one page of a list.
type page[T any] struct {
	items []T
	at    string // the cursor this page was fetched with
	next  string // the cursor of the next page
	more  bool   // a next page may hold items
}

// fetchFunc makes one SDK list call for the page after the cursor ("" for
// the first page), passing ctx to Execute.
type fetchFunc func(ctx context.Context, after string) (*oktasdk.APIResponse, error)

// listPages streams the pages of an SDK list call, starting at after. It
// follows the Link rel="next" cursor with the caller's context (never the
// SDK's Next(), which ignores it and can panic), stops when there is no
// next link or the cursor repeats, and stops whenever the consumer does.
func listPages[T any](ctx context.Context, c *Client, op, scope, after string, fetch fetchFunc, conv func(json.RawMessage) (T, error)) iter.Seq2[page[T], error] {
	return func(yield func(page[T], error) bool) {
		seen := map[string]bool{}
		for {
			resp, body, err := c.sdkCall(ctx, op, scope, func(ctx context.Context) (*oktasdk.APIResponse, error) {
				return fetch(ctx, after)
			})
			if err != nil {
				yield(page[T]{}, err)
				return
			}
			raws, err := decodeList(body)
			if err != nil {
				yield(page[T]{}, &intents.Error{Err: intents.ErrUnavailable, Op: "okta: " + op, Detail: "Okta's answer is not a JSON list"})
				return
			}
			p := page[T]{at: after, items: make([]T, 0, len(raws))}
			for _, raw := range raws {
				item, err := conv(raw)
				if err != nil {
					c.log.Warn("okta: skipped an item that does not decode", "op", op, "err", err)
					continue
				}
				p.items = append(p.items, item)
			}
			seen[after] = true
			p.next = nextAfter(resp.Header)
			p.more = p.next != "" && !seen[p.next] && len(raws) > 0
			if !yield(p, nil) || !p.more {
				return
			}
			after = p.next
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

// cursor is the opaque paging cursor of a capped result: the Okta cursor
// of a page and how many of its items were already shown.
type cursor struct {
	after string
	skip  int
}

func (k cursor) String() string {
	if k.after == "" && k.skip == 0 {
		return ""
	}
	v := url.Values{"after": {k.after}}
	if k.skip > 0 {
		v.Set("skip", strconv.Itoa(k.skip))
	}
	return v.Encode()
}

// parseCursor reads a cursor made by cursor.String.
func parseCursor(s string) (cursor, error) {
	if s == "" {
		return cursor{}, nil
	}
	v, err := url.ParseQuery(s)
	if err != nil || !v.Has("after") {
		return cursor{}, invalid("page cursor", "the page cursor is not one this bot made")
	}
	k := cursor{after: v.Get("after")}
	if s := v.Get("skip"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > maxResultCap {
			return cursor{}, invalid("page cursor", "the page cursor is not one this bot made")
		}
		k.skip = n
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
			pending = cursor{after: p.next}.String()
			continue
		}
		for i := skip; i < len(p.items); i++ {
			if len(out) == limit {
				return out, cursor{after: p.at, skip: i}.String(), true, nil
			}
			out = append(out, p.items[i])
		}
		skip = 0
		if len(out) == limit {
			if !p.more {
				break
			}
			pending = cursor{after: p.next}.String()
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
