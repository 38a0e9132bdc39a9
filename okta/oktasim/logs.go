package oktasim

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// logEvent is one System Log event. raw is encoded on first use (a fixture
// of 200,000 events loads without encoding them all).
type logEvent struct {
	at  time.Time // published
	seq int64     // insertion order: breaks ties and makes cursors
	obj Object
	raw atomic.Pointer[[]byte]
}

func (e *logEvent) json() []byte {
	if p := e.raw.Load(); p != nil {
		return *p
	}
	b, err := json.Marshal(e.obj)
	if err != nil {
		b = []byte("{}")
	}
	e.raw.Store(&b)
	return b
}

func (e *logEvent) before(at time.Time, seq int64) bool {
	return e.at.Before(at) || e.at.Equal(at) && e.seq < seq
}

// logStore keeps events sorted by (published, seq).
type logStore struct {
	events []*logEvent
	seq    int64
}

// insertLocked adds events, keeping the order. Callers hold o.mu for writing.
func (ls *logStore) insertLocked(evs []*logEvent) {
	inOrder := true
	for _, e := range evs {
		ls.seq++
		e.seq = ls.seq
		if n := len(ls.events); n > 0 && e.at.Before(ls.events[n-1].at) {
			inOrder = false
		}
		ls.events = append(ls.events, e)
	}
	if !inOrder {
		sort.SliceStable(ls.events, func(i, j int) bool { return ls.events[i].before(ls.events[j].at, ls.events[j].seq) })
	}
}

// addLogs copies, dates and inserts events; shift moves their times.
func (o *org) addLogs(events []Object, shift time.Duration) error {
	evs := make([]*logEvent, 0, len(events))
	for i, src := range events {
		obj, err := copyObject(src)
		if err != nil {
			return fmt.Errorf("log event %d: %w", i, err)
		}
		at, ok := parseTime(obj["published"])
		if !ok {
			return fmt.Errorf("log event %d (%s): published %v is not a time", i, describe(obj), obj["published"])
		}
		at = at.Add(shift)
		obj["published"] = formatTime(at)
		if id, _ := obj["uuid"].(string); id == "" {
			obj["uuid"] = stableUUID(i, src)
		}
		evs = append(evs, &logEvent{at: at, obj: obj})
	}
	o.mu.Lock()
	o.logs.insertLocked(evs)
	o.mu.Unlock()
	return nil
}

// logQuery is a parsed GET /api/v1/logs.
type logQuery struct {
	since, until time.Time
	filter       expr
	terms        []string // q keywords, lower case
	limit        int
	desc         bool
	after        *logCursor
	polling      bool   // ascending without until: a stream that never ends
	bind         string // what its cursors are bound to
}

// logCursor is a position in the System Log: the last event read.
type logCursor struct {
	at  time.Time
	seq int64
}

func (c logCursor) bytes() []byte {
	b := make([]byte, 16)
	binary.BigEndian.PutUint64(b, uint64(c.at.UnixNano()))
	binary.BigEndian.PutUint64(b[8:], uint64(c.seq))
	return b
}

func cursorOf(b []byte) (*logCursor, bool) {
	if len(b) != 16 {
		return nil, false
	}
	return &logCursor{at: time.Unix(0, int64(binary.BigEndian.Uint64(b))), seq: int64(binary.BigEndian.Uint64(b[8:]))}, true
}

// Okta's limits on q: at most 10 keywords, each at most 40 characters.
const (
	maxKeywords   = 10
	maxKeywordLen = 40
)

const badDate = "Invalid date. Dates must be of the form yyyy-MM-dd'T'HH:mm:ss.SSSZZ, e.g. 2013-01-01T12:00:00.000-07:00."

func parseLogQuery(r *http.Request, now time.Time) (*logQuery, error) {
	v := r.URL.Query()
	q := &logQuery{until: now.Add(time.Nanosecond)} // until is exclusive; now itself is in
	var err error
	if q.limit, err = pageLimit(r, defaultLogLimit, maxLogLimit); err != nil {
		return nil, err
	}
	if s := v.Get("until"); s != "" {
		t, ok := parseTime(s)
		if !ok {
			return nil, errValidation("until", "until: "+badDate)
		}
		q.until = t
	} else {
		q.polling = true // unless DESCENDING, below
	}
	q.since = q.until.Add(-7 * 24 * time.Hour)
	if s := v.Get("since"); s != "" {
		t, ok := parseTime(s)
		if !ok {
			return nil, errValidation("since", "since: "+badDate)
		}
		q.since = t
	}
	if q.until.Before(q.since) {
		return nil, errValidation("until", "until: must be after since")
	}
	order := strings.ToUpper(v.Get("sortOrder"))
	switch order {
	case "", "ASCENDING":
		order = "ASCENDING"
	case "DESCENDING":
		q.desc, q.polling = true, false
	default:
		return nil, errValidation("sortOrder", "sortOrder: must be ASCENDING or DESCENDING")
	}
	if f := v.Get("filter"); f != "" {
		if q.filter, err = parseLogFilter(f); err != nil {
			return nil, errBadSearch("filter: " + err.Error())
		}
	}
	words := strings.Fields(v.Get("q"))
	if len(words) > maxKeywords {
		return nil, errValidation("q", fmt.Sprintf("q: at most %d keywords", maxKeywords))
	}
	for _, t := range words {
		if utf8.RuneCountInString(t) > maxKeywordLen {
			return nil, errValidation("q", fmt.Sprintf("q: a keyword has at most %d characters", maxKeywordLen))
		}
		q.terms = append(q.terms, strings.ToLower(t))
	}
	// A cursor continues one query: the same filter, keywords, order and
	// start (until moves as a newest-first query pages on).
	q.bind = strings.Join([]string{"logs", v.Get("filter"), v.Get("q"), order, formatTime(q.since)}, "\x00")
	if a := v.Get("after"); a != "" {
		pos, ok := openCursor(a, q.bind)
		if ok {
			q.after, ok = cursorOf(pos)
		}
		if !ok {
			return nil, errCursor()
		}
	}
	return q, nil
}

// parseLogFilter parses a System Log filter: eq and ne compare strings
// exactly, as Okta's System Log does, and published (which Okta does not
// index) is refused: since and until bound the time.
func parseLogFilter(src string) (expr, error) {
	e, err := parseFilter(src)
	if err != nil {
		return nil, err
	}
	err = e.walk(func(c *comparison) error {
		if c.path == "published" {
			return fmt.Errorf("published cannot be filtered on: use since and until")
		}
		c.exact = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// matches reports whether an event passes the filter and q.
func (q *logQuery) matches(e *logEvent) bool {
	if q.filter != nil && !q.filter.eval(objectResolver(e.obj)) {
		return false
	}
	for _, t := range q.terms {
		if !containsTerm(e.obj, t) {
			return false
		}
	}
	return true
}

// containsTerm reports whether any string value of v holds term (lower
// case) as a keyword: case-insensitively, not inside a longer word.
func containsTerm(v any, term string) bool {
	switch x := v.(type) {
	case string:
		return hasKeyword(strings.ToLower(x), term)
	case map[string]any:
		for _, e := range x {
			if containsTerm(e, term) {
				return true
			}
		}
	case []any:
		return slices.ContainsFunc(x, func(e any) bool { return containsTerm(e, term) })
	}
	return false
}

func hasKeyword(s, term string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], term)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(term)
		if (start == 0 || !isWordChar(s[start-1])) && (end == len(s) || !isWordChar(s[end])) {
			return true
		}
		i = start + 1
	}
}

func isWordChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80
}

// searchLogs runs a query: the page, the cursor to continue from, and
// whether more events in the window match after the page. It stops with
// timedOut after scanning more than maxScan events of the window (0: no
// limit), as Okta cuts a query off after 30 seconds.
func (o *org) searchLogs(q *logQuery, maxScan int) (page [][]byte, next *logCursor, more, timedOut bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	evs := o.logs.events
	var last *logEvent
	scanned := 0
	scan := func(e *logEvent) bool {
		if scanned++; maxScan > 0 && scanned > maxScan {
			timedOut = true
			return false
		}
		switch {
		case !q.matches(e):
		case len(page) == q.limit:
			more = true
		default:
			page = append(page, e.json())
			last = e
		}
		return !more
	}
	if !q.desc {
		i := sort.Search(len(evs), func(i int) bool { return !evs[i].at.Before(q.since) })
		if q.after != nil {
			j := sort.Search(len(evs), func(i int) bool { return !evs[i].before(q.after.at, q.after.seq+1) })
			i = max(i, j)
		}
		for ; i < len(evs) && evs[i].at.Before(q.until) && scan(evs[i]); i++ {
		}
	} else {
		i := sort.Search(len(evs), func(i int) bool { return !evs[i].at.Before(q.until) }) - 1
		if q.after != nil {
			j := sort.Search(len(evs), func(i int) bool { return !evs[i].before(q.after.at, q.after.seq) }) - 1
			i = min(i, j)
		}
		for ; i >= 0 && !evs[i].at.Before(q.since) && scan(evs[i]); i-- {
		}
	}
	if timedOut {
		return nil, nil, false, true
	}
	if last != nil {
		return page, &logCursor{at: last.at, seq: last.seq}, more, false
	}
	return page, q.after, more, false
}

// LogQueryLimit makes System Log queries that would take Okta too long
// fail as Okta's do after 30 seconds: HTTP 500, errorCode E0000009. The
// zero value (the default) never times out.
type LogQueryLimit struct {
	// MaxWindow: a query whose since–until window is longer times out.
	MaxWindow time.Duration
	// MaxScanned: a query that scans more events of its window (matching
	// or not) times out.
	MaxScanned int
}

// SetLogQueryLimit sets when System Log queries time out.
func (s *Server) SetLogQueryLimit(l LogQueryLimit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logLimit = l
}

// errQueryTimeout is Okta's answer to a System Log query cut off after 30
// seconds.
func errQueryTimeout() *apiError {
	return &apiError{status: http.StatusInternalServerError, code: codeInternal, summary: summaryInternal,
		causes: []string{"The query took too long to run: narrow the time range or the filter"}}
}

// listLogs is GET /api/v1/logs. Like Okta, a polling query (ascending,
// without until) always answers a next link: it is a poll cursor, also on
// the last page. A bounded or descending query has a next link only while
// more events match, as Okta's other lists. Cursors are opaque and bound
// to the query; a newest-first next link also moves until to the last
// event read.
func (s *Server) listLogs(w http.ResponseWriter, r *http.Request, _ *caller) error {
	q, err := parseLogQuery(r, s.now())
	if err != nil {
		return err
	}
	s.mu.Lock()
	lim := s.logLimit
	s.mu.Unlock()
	if lim.MaxWindow > 0 && q.until.Sub(q.since) > lim.MaxWindow {
		return errQueryTimeout()
	}
	page, next, more, timedOut := s.org.searchLogs(q, lim.MaxScanned)
	if timedOut {
		return errQueryTimeout()
	}
	var buf bytes.Buffer
	buf.Grow(len(page) * 1024)
	buf.WriteByte('[')
	for i, b := range page {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(b)
	}
	buf.WriteByte(']')
	switch {
	case q.polling && len(page) == 0:
		// Nothing new: the same cursor again.
		self := baseURL(r) + r.URL.RequestURI()
		w.Header().Add("Link", "<"+self+`>; rel="self"`)
		w.Header().Add("Link", "<"+self+`>; rel="next"`)
	case q.polling || more:
		addLinks(w, r, q.nextQuery(r, next))
	default:
		addLinks(w, r, nil)
	}
	writeRaw(w, http.StatusOK, buf.Bytes())
	return nil
}

// nextQuery is the query of the next link after the event at next: the
// request's, with since made explicit (its default would move with until),
// until moved to the end of next's millisecond when newest first, and an
// opaque cursor.
func (q *logQuery) nextQuery(r *http.Request, next *logCursor) url.Values {
	v := r.URL.Query()
	v.Set("since", formatTime(q.since))
	if q.desc {
		v.Set("until", formatTime(next.at.Truncate(time.Millisecond).Add(time.Millisecond)))
	}
	v.Set("after", sealCursor(next.bytes(), q.bind))
	return v
}
