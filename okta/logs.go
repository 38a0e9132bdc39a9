package okta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oauth"
)

const (
	// logPageMax is the System Log's largest page.
	logPageMax = 1000
	// defaultLogSince is how far back a LogFilter without Since reads, as
	// Okta does by default.
	defaultLogSince = 7 * 24 * time.Hour
	// logCallTimeout bounds one System Log call: Okta cuts a query off
	// after 30 seconds (500, E0000009), so the client waits longer than
	// that to hear it (other calls keep the configured timeout).
	logCallTimeout = 40 * time.Second
	// minLogSplit is the shortest window a timed-out query is split into.
	minLogSplit = time.Minute
	// Okta's limits on the System Log's q: keywords and their length.
	maxLogKeywords   = 10
	maxLogKeywordLen = 40
)

// logQuery is one System Log read: its window [since, until) (a zero
// until: up to the newest event, a polling query when ascending).
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
		if err := checkKeywords(q.q); err != nil {
			yield(intents.Event{}, err)
			return
		}
		n := 0
		for ev, err := range items(c.readLog(ctx, q, cursor{})) {
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

// checkKeywords refuses a q Okta would refuse (400 E0000001): more than
// 10 keywords, or one longer than 40 characters.
func checkKeywords(q string) error {
	words := strings.Fields(q)
	if len(words) > maxLogKeywords {
		return invalid("read the system log", fmt.Sprintf("the search has %d words; Okta takes at most %d", len(words), maxLogKeywords))
	}
	for _, w := range words {
		if n := utf8.RuneCountInString(w); n > maxLogKeywordLen {
			return invalid("read the system log", fmt.Sprintf("the search word %q has %d characters; Okta takes at most %d", clipKeyword(w, 20), n, maxLogKeywordLen))
		}
	}
	return nil
}

// clipKeyword shortens s to n runes with an ellipsis.
func clipKeyword(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
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
	// Okta reads times to the millisecond; so does a cursor's window.
	q.since, q.until = q.since.Truncate(time.Millisecond), q.until.Truncate(time.Millisecond)
	return q
}

// logPages streams q's pages from the page request at ("": the first),
// as readLog does.
func (c *Client) logPages(ctx context.Context, q logQuery, at string) iter.Seq2[page[intents.Event], error] {
	return c.readLog(ctx, q, cursor{page: at})
}

// ascending streams the events of q oldest first, page by page as Okta
// lists them (no slicing): the read threats feeds to the streaming
// detections.
func (c *Client) ascending(ctx context.Context, q logQuery) iter.Seq2[page[intents.Event], error] {
	q.descending = false
	if q.pageSize == 0 {
		q.pageSize = logPageMax
	}
	return c.readLog(ctx, q, cursor{})
}

// readLog streams pages of q's events from cursor from (zero: the start),
// prefetching: a goroutine fetches the next page while the consumer
// decodes and handles the current one, at most one page ahead. The
// goroutine ends when the consumer stops.
func (c *Client) readLog(ctx context.Context, q logQuery, from cursor) iter.Seq2[page[intents.Event], error] {
	return func(yield func(page[intents.Event], error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		type result struct {
			p   page[json.RawMessage]
			err error
		}
		ch := make(chan result, 1)
		go func() {
			defer close(ch)
			err := c.readParts(ctx, q, q.partsFrom(from), func(p page[json.RawMessage]) bool {
				select {
				case ch <- result{p: p}:
					return true
				case <-ctx.Done():
					return false
				}
			})
			if err != nil {
				select {
				case ch <- result{err: err}:
				case <-ctx.Done():
				}
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
			if !yield(c.decodeLogPage(q, r.p), nil) {
				return
			}
		}
	}
}

// checkLog checks that a cursor is one of a System Log listing: its window
// and, when it names a page, a page of the System Log.
func (k cursor) checkLog() error {
	if k.since.IsZero() || k.until.IsZero() || k.page != "" && !strings.HasPrefix(k.page, "/api/v1/logs?") {
		return invalid("page cursor", "the page cursor is not one of this listing")
	}
	return nil
}

// logPart is a part of a query's window, [lo, hi) (a zero hi: up to the
// newest event), read by following Okta's next links from page ("": a
// fresh request of the part), after the event at pos.
type logPart struct {
	lo, hi time.Time
	page   string
	pos    time.Time
}

// partsFrom is the window left to read from cursor k, in reading order:
// the rest of the chain of links k is in, then the part of the window
// that chain does not cover (k.rest on: older when newest first).
func (q logQuery) partsFrom(k cursor) []logPart {
	if k.page == "" {
		return []logPart{{lo: q.since, hi: q.until}}
	}
	first := logPart{lo: q.since, hi: q.until, page: k.page, pos: k.pos}
	if q.descending {
		if k.rest.After(q.since) {
			first.lo = k.rest
			return []logPart{first, {lo: q.since, hi: k.rest}}
		}
		return []logPart{first}
	}
	if !k.rest.IsZero() && (q.until.IsZero() || k.rest.Before(q.until)) {
		first.hi = k.rest
		return []logPart{first, {lo: k.rest, hi: q.until}}
	}
	return []logPart{first}
}

// partCursor is the cursor of part's next page: its chain's request (a
// fresh one of the part when it has none) and the end of the part, where
// the rest of the window begins.
func (q logQuery) partCursor(part logPart) cursor {
	k := cursor{page: part.page, since: q.since, until: q.until, pos: part.pos, rest: part.lo}
	if !q.descending {
		k.rest = part.hi
	}
	if k.page == "" {
		k.page = q.request(part.lo, part.hi)
	}
	return k
}

// readParts reads the parts of q's window in order, sending each page
// (which the receiver may stop by returning false). A part whose query
// Okta cuts off (500, E0000009: it ran for 30 seconds) is not asked
// again: what is left of it is split, by day, then in halves, down to
// minLogSplit; events a split reads again (those of the millisecond it
// starts at) are left out.
func (c *Client) readParts(ctx context.Context, q logQuery, parts []logPart, send func(page[json.RawMessage]) bool) error {
	var sent map[string]bool // uuids of the events at sentAt, sent before a split
	var sentAt time.Time     // the published time of the last event sent
	for len(parts) > 0 {
		part := parts[0]
		k := q.partCursor(part)
		p, err := c.fetchLogRaw(ctx, q, k.page)
		if err != nil {
			if !isLogTimeout(err) {
				return err
			}
			left := part
			if !part.pos.IsZero() {
				if q.descending {
					left.hi = part.pos.Truncate(time.Millisecond).Add(time.Millisecond)
				} else {
					left.lo = part.pos.Truncate(time.Millisecond)
				}
			}
			split := splitWindow(left.lo, left.hi, q.descending)
			if split == nil {
				return err
			}
			c.log.Info("okta: a System Log query took Okta too long; reading its window in parts", "parts", len(split), "from", left.lo, "to", left.hi)
			parts = append(split, parts[1:]...)
			continue
		}
		p.at = k
		if len(sent) > 0 {
			p.items = dropResent(p.items, sent, sentAt)
		}
		sent = nil
		if n := len(p.items); n > 0 {
			part.pos = publishedOf(p.items[n-1])
			sent, sentAt = atMillisecond(p.items, part.pos), part.pos
		}
		more := p.more
		p.next.since, p.next.until, p.next.pos, p.next.rest = q.since, q.until, part.pos, k.rest
		if !more && len(parts) > 1 {
			// The next page is the first of the next part.
			p.next = q.partCursor(parts[1])
		}
		p.more = more || len(parts) > 1
		if !send(p) {
			return nil
		}
		if more {
			part.page = p.next.page
			parts[0] = part
			continue
		}
		sent = nil
		parts = parts[1:]
	}
	return nil
}

// atMillisecond is the set of uuids of the events at the end of a page
// published in the millisecond of t.
func atMillisecond(raws []json.RawMessage, t time.Time) map[string]bool {
	out := map[string]bool{}
	ms := t.Truncate(time.Millisecond)
	for i := len(raws) - 1; i >= 0; i-- {
		if !publishedOf(raws[i]).Truncate(time.Millisecond).Equal(ms) {
			break
		}
		out[uuidOf(raws[i])] = true
	}
	return out
}

// dropResent removes from the head of a page the events already sent:
// those of the millisecond of pos (where the previous page ended) whose
// uuid is in sent. Pages are in reading order, so only the head can hold
// that millisecond; the rest of the page is not decoded.
func dropResent(raws []json.RawMessage, sent map[string]bool, pos time.Time) []json.RawMessage {
	ms := pos.Truncate(time.Millisecond)
	head := 0
	for head < len(raws) && publishedOf(raws[head]).Truncate(time.Millisecond).Equal(ms) {
		head++
	}
	if head == 0 {
		return raws
	}
	kept := slices.DeleteFunc(slices.Clone(raws[:head]), func(raw json.RawMessage) bool { return sent[uuidOf(raw)] })
	return append(kept, raws[head:]...)
}

// splitWindow splits [lo, hi) (a zero hi: up to now, the last part open)
// into parts in reading order: whole UTC days when it is longer than a
// day, else two halves; nil when it is no longer than minLogSplit.
func splitWindow(lo, hi time.Time, descending bool) []logPart {
	end := hi
	if end.IsZero() {
		end = time.Now().UTC()
	}
	if end.Sub(lo) <= minLogSplit {
		return nil
	}
	var cuts []time.Time
	if end.Sub(lo) > 24*time.Hour {
		for d := lo.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour); d.Before(end); d = d.Add(24 * time.Hour) {
			cuts = append(cuts, d)
		}
	} else {
		cuts = []time.Time{lo.Add(end.Sub(lo) / 2).Truncate(time.Millisecond)}
	}
	var out []logPart
	from := lo
	for _, t := range cuts {
		out = append(out, logPart{lo: from, hi: t})
		from = t
	}
	out = append(out, logPart{lo: from, hi: hi})
	if descending {
		slices.Reverse(out)
	}
	return out
}

// callTimeout bounds one attempt of a call to path: the configured
// timeout, and at least logCallTimeout for the System Log.
func (t *transport) callTimeout(path string) time.Duration {
	if path == "/api/v1/logs" && t.timeout < logCallTimeout {
		return logCallTimeout
	}
	return t.timeout
}

// logQueryCutOff reports a System Log answer the transport must not ask
// again: a 500 is how Okta ends a query it ran for 30 seconds, and the
// same query would run as long; readParts splits its window instead.
func logQueryCutOff(path string, status int) bool {
	return path == "/api/v1/logs" && status == http.StatusInternalServerError
}

// isLogTimeout reports Okta's answer to a System Log query it cut off
// after 30 seconds: 500 (E0000009).
func isLogTimeout(err error) bool {
	e, ok := intents.AsError(err)
	return ok && e.Status == http.StatusInternalServerError
}

// request is the first request of q's window part [lo, hi): the only
// System Log request this package makes; every following page is Okta's
// next link.
func (q logQuery) request(lo, hi time.Time) string {
	v := url.Values{}
	v.Set("since", oktaLogTime(lo))
	if !hi.IsZero() { // zero: up to the newest event
		v.Set("until", oktaLogTime(hi))
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
	return "/api/v1/logs?" + v.Encode()
}

func oktaLogTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// fetchLogPage reads one page of the System Log: q's first, or the page
// request at.
func (c *Client) fetchLogPage(ctx context.Context, q logQuery, at string) (page[intents.Event], error) {
	if at == "" {
		at = q.request(q.since, q.until)
	}
	raw, err := c.fetchLogRaw(ctx, q, at)
	if err != nil {
		return page[intents.Event]{}, err
	}
	return c.decodeLogPage(q, raw), nil
}

// fetchLogRaw reads one page of the System Log, the request at (path and
// query on the org), without decoding its events, so that decoding one
// page and fetching the next can overlap.
func (c *Client) fetchLogRaw(ctx context.Context, q logQuery, at string) (page[json.RawMessage], error) {
	const op, scope = "read the system log", intents.ScopeLogsRead
	resp, body, err := c.rawCall(ctx, op, scope, http.MethodGet, c.s.org.String()+at, nil)
	if err != nil {
		return page[json.RawMessage]{}, err
	}
	raws, err := splitList(body)
	if err != nil {
		return page[json.RawMessage]{}, &intents.Error{Err: intents.ErrUnavailable, Op: "okta: " + op, Detail: "Okta's answer is not a JSON list"}
	}
	next, err := c.nextLink(op, resp.Header)
	if err != nil {
		return page[json.RawMessage]{}, err
	}
	p := page[json.RawMessage]{at: cursor{page: at}, items: raws, next: cursor{page: next}}
	// A polling query always links a next page (a poll cursor), a bounded
	// one while more events match: the end is no next link, an empty page
	// or an event past the window. Events come sorted, so the last one
	// says whether any is past it.
	p.more = next != "" && next != at && len(raws) > 0 && !q.past(publishedOf(raws[len(raws)-1]))
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
		ev.Security.TorExit = c.s.detect.TorExits.Has(ev.Client.IP)
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

// uuidOf reads an event's uuid.
func uuidOf(raw json.RawMessage) string {
	var ev struct {
		UUID string `json:"uuid"`
	}
	_ = json.Unmarshal(raw, &ev)
	return ev.UUID
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
	defer func() { _ = resp.Body.Close() }() // the body is done with; a close error changes nothing
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp, nil, c.translate(ctx, op, scope, &callState{}, nil, nil, oauth.StripURLError(err))
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
