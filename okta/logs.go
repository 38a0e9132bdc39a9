package okta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/oktabot/oktabot/intents"
)

const (
	// logPageMax is the System Log's largest page.
	logPageMax = 1000
	// defaultLogSince is how far back a LogFilter without Since reads, as
	// Okta does by default.
	defaultLogSince = 7 * 24 * time.Hour
)

// logQuery is one System Log read.
type logQuery struct {
	since, until time.Time
	filter, q    string
	descending   bool
	pageSize     int
}

// Events streams the System Log events matching f, oldest first, page by
// page: the next page is fetched while the caller consumes the current
// one. It stops on an empty page, past f.Until (zero: now), after f.Limit
// events, or when the caller stops. Events are read through the client's
// transport with this package's own decoding (the SDK's LogEvent drops
// client.device and decodes slowly); each keeps Okta's JSON in Raw.
func (c *Client) Events(ctx context.Context, f intents.LogFilter) iter.Seq2[intents.Event, error] {
	q := c.logQueryOf(f, "", false)
	return func(yield func(intents.Event, error) bool) {
		n := 0
		for ev, err := range items(c.logPages(ctx, q, "")) {
			if err != nil {
				yield(intents.Event{}, err)
				return
			}
			if !yield(ev, nil) {
				return
			}
			if n++; f.Limit > 0 && n >= f.Limit {
				return
			}
		}
	}
}

// logQueryOf turns a filter into a query.
func (c *Client) logQueryOf(f intents.LogFilter, either string, descending bool) logQuery {
	now := time.Now().UTC()
	q := logQuery{since: f.Since, until: f.Until, filter: logFilter(f, either), q: f.Query, descending: descending, pageSize: logPageMax}
	if q.until.IsZero() || q.until.After(now) {
		q.until = now
	}
	if q.since.IsZero() {
		q.since = q.until.Add(-defaultLogSince)
	}
	if f.Limit > 0 && f.Limit < logPageMax {
		q.pageSize = f.Limit
	}
	return q
}

// logPages streams pages of events from cursor after, prefetching: a
// goroutine fetches the next page while the consumer decodes and handles
// the current one, at most one page ahead. The goroutine ends when the
// consumer stops.
func (c *Client) logPages(ctx context.Context, q logQuery, after string) iter.Seq2[page[intents.Event], error] {
	return func(yield func(page[intents.Event], error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		type result struct {
			p   page[json.RawMessage]
			err error
		}
		ch := make(chan result, 1)
		go func() {
			defer close(ch)
			cur, seen := after, map[string]bool{}
			for {
				p, err := c.fetchLogRaw(ctx, q, cur)
				select {
				case ch <- result{p, err}:
				case <-ctx.Done():
					return
				}
				seen[cur] = true
				if err != nil || !p.more || seen[p.next] {
					return
				}
				cur = p.next
			}
		}()
		defer func() {
			cancel()
			for range ch { // let the fetcher finish before returning
			}
		}()
		for r := range ch {
			if r.err != nil {
				yield(page[intents.Event]{}, r.err)
				return
			}
			p := c.decodeLogPage(q, r.p)
			if !yield(p, nil) || !p.more {
				return
			}
		}
	}
}

// fetchLogPage reads one page of the System Log.
func (c *Client) fetchLogPage(ctx context.Context, q logQuery, after string) (page[intents.Event], error) {
	raw, err := c.fetchLogRaw(ctx, q, after)
	if err != nil {
		return page[intents.Event]{}, err
	}
	return c.decodeLogPage(q, raw), nil
}

// fetchLogRaw reads one page of the System Log without decoding its
// events, so that decoding one page and fetching the next can overlap.
func (c *Client) fetchLogRaw(ctx context.Context, q logQuery, after string) (page[json.RawMessage], error) {
	const op, scope = "read the system log", intents.ScopeLogsRead
	v := url.Values{}
	v.Set("since", q.since.UTC().Format("2006-01-02T15:04:05.000Z"))
	if !q.until.IsZero() { // zero: up to the newest event
		v.Set("until", q.until.UTC().Format("2006-01-02T15:04:05.000Z"))
	}
	if q.filter != "" {
		v.Set("filter", q.filter)
	}
	if q.q != "" {
		v.Set("q", q.q)
	}
	v.Set("limit", strconv.Itoa(q.pageSize))
	if q.descending {
		v.Set("sortOrder", "DESCENDING")
	} else {
		v.Set("sortOrder", "ASCENDING")
	}
	if after != "" {
		v.Set("after", after)
	}
	u := c.s.org.String() + "/api/v1/logs?" + v.Encode()
	resp, body, err := c.rawCall(ctx, op, scope, http.MethodGet, u, nil)
	if err != nil {
		return page[json.RawMessage]{}, err
	}
	raws, err := splitList(body)
	if err != nil {
		return page[json.RawMessage]{}, &intents.Error{Err: intents.ErrUnavailable, Op: "okta: " + op, Detail: "Okta's answer is not a JSON list"}
	}
	p := page[json.RawMessage]{at: after, items: raws, next: nextAfter(resp.Header)}
	// A polling query always links a next page (a poll cursor), a bounded
	// one while more events match: the end is no next link, an empty page
	// or an event past the window. Events come sorted, so the last one
	// says whether any is past it.
	p.more = p.next != "" && len(raws) > 0 && !q.past(publishedOf(raws[len(raws)-1]))
	return p, nil
}

// decodeLogPage decodes a page's events, up to the first one past the
// window.
func (c *Client) decodeLogPage(q logQuery, raw page[json.RawMessage]) page[intents.Event] {
	p := page[intents.Event]{at: raw.at, next: raw.next, more: raw.more, items: make([]intents.Event, 0, len(raw.items))}
	for _, r := range raw.items {
		ev, err := decodeEvent(r)
		if err != nil {
			c.log.Warn("okta: skipped a System Log event that does not decode", "err", err)
			continue
		}
		if q.past(ev.Published) {
			p.more = false
			break
		}
		p.items = append(p.items, ev)
	}
	return p
}

// past reports whether an event published at t lies beyond the query's
// window in its reading direction (a zero time never does).
func (q logQuery) past(t time.Time) bool {
	if t.IsZero() {
		return false
	}
	if q.descending {
		return t.Before(q.since)
	}
	return !q.until.IsZero() && t.After(q.until)
}

// publishedOf reads an event's published time; zero if it has none.
func publishedOf(raw json.RawMessage) time.Time {
	var ev struct {
		Published string `json:"published"`
	}
	if json.Unmarshal(raw, &ev) != nil {
		return time.Time{}
	}
	return parseTime(ev.Published)
}

// rawCall sends one request through the client's transport (not the SDK)
// and returns the answer and its body on 2xx, else the translated error.
func (c *Client) rawCall(ctx context.Context, op, scope, method, target string, body io.Reader) (*http.Response, []byte, error) {
	st := &callState{}
	req, err := http.NewRequestWithContext(withCallState(ctx, st), method, target, body)
	if err != nil {
		return nil, nil, invalid(op, err.Error())
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, c.translate(ctx, op, scope, st, nil, nil, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp, nil, c.translate(ctx, op, scope, &callState{}, nil, nil, stripURLError(err))
	}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return resp, nil, c.translate(ctx, op, scope, st, resp, b, nil)
	}
	return resp, b, nil
}

// splitList splits a JSON array into its elements in one pass that only
// tracks strings and nesting: decodeList's json.Unmarshal reads every
// byte twice more, which is a fifth of a log scan's time. The elements
// share body's memory and are not validated here: decodeEvent validates
// each one and skips one that is not JSON. An empty body is no elements.
func splitList(body []byte) ([]json.RawMessage, error) {
	if len(body) == 0 {
		return nil, nil
	}
	i := skipSpace(body, 0)
	if i == len(body) || body[i] != '[' {
		return nil, errNotList
	}
	var out []json.RawMessage
	start, depth, inString := -1, 0, false
	for i++; i < len(body); i++ {
		c := body[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case ',':
			if depth == 0 {
				if start < 0 {
					return nil, errNotList
				}
				out = append(out, trimSpace(body[start:i]))
				start = -1
				continue
			}
		case ']', '}':
			if depth == 0 {
				if c != ']' || start < 0 && len(out) > 0 || skipSpace(body, i+1) != len(body) {
					return nil, errNotList
				}
				if start >= 0 {
					out = append(out, trimSpace(body[start:i]))
				}
				return out, nil
			}
			depth--
		case '[', '{':
			depth++
		case '"':
			inString = true
		}
		if start < 0 {
			start = i
		}
	}
	return nil, errNotList
}

var errNotList = errors.New("okta: not a JSON list")

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func trimSpace(b []byte) []byte {
	return bytes.TrimRight(b, " \t\n\r")
}
