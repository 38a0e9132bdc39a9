package oktasim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
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
	polling      bool // ascending without until: a stream that never ends
}

type logCursor struct {
	at  time.Time
	seq int64
}

func (c logCursor) String() string {
	return strconv.FormatInt(c.at.UnixNano(), 10) + "_" + strconv.FormatInt(c.seq, 10)
}

func parseCursor(s string) (*logCursor, bool) {
	a, b, ok := strings.Cut(s, "_")
	nano, err1 := strconv.ParseInt(a, 10, 64)
	seq, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return nil, false
	}
	return &logCursor{at: time.Unix(0, nano), seq: seq}, true
}

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
	switch strings.ToUpper(v.Get("sortOrder")) {
	case "", "ASCENDING":
	case "DESCENDING":
		q.desc, q.polling = true, false
	default:
		return nil, errValidation("sortOrder", "sortOrder: must be ASCENDING or DESCENDING")
	}
	if f := v.Get("filter"); f != "" {
		if q.filter, err = parseFilter(f); err != nil {
			return nil, errBadSearch("filter: " + err.Error())
		}
	}
	for _, t := range strings.Fields(v.Get("q")) {
		q.terms = append(q.terms, strings.ToLower(t))
	}
	if a := v.Get("after"); a != "" {
		c, ok := parseCursor(a)
		if !ok {
			return nil, errValidation("after", "after: not a System Log cursor")
		}
		q.after = c
	}
	return q, nil
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

// search runs a query: the page, the cursor to continue from, and whether
// more events in the window match after the page.
func (o *org) searchLogs(q *logQuery) (page [][]byte, next *logCursor, more bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	evs := o.logs.events
	var last *logEvent
	if !q.desc {
		i := sort.Search(len(evs), func(i int) bool { return !evs[i].at.Before(q.since) })
		if q.after != nil {
			j := sort.Search(len(evs), func(i int) bool { return !evs[i].before(q.after.at, q.after.seq+1) })
			i = max(i, j)
		}
		for ; i < len(evs) && !more && evs[i].at.Before(q.until); i++ {
			switch {
			case !q.matches(evs[i]):
			case len(page) == q.limit:
				more = true
			default:
				page = append(page, evs[i].json())
				last = evs[i]
			}
		}
	} else {
		i := sort.Search(len(evs), func(i int) bool { return !evs[i].at.Before(q.until) }) - 1
		if q.after != nil {
			j := sort.Search(len(evs), func(i int) bool { return !evs[i].before(q.after.at, q.after.seq) }) - 1
			i = min(i, j)
		}
		for ; i >= 0 && !more && !evs[i].at.Before(q.since); i-- {
			switch {
			case !q.matches(evs[i]):
			case len(page) == q.limit:
				more = true
			default:
				page = append(page, evs[i].json())
				last = evs[i]
			}
		}
	}
	if last != nil {
		return page, &logCursor{at: last.at, seq: last.seq}, more
	}
	return page, q.after, more
}

// listLogs is GET /api/v1/logs. Like Okta, a polling query (ascending,
// without until) always answers a next link: it is a poll cursor, also on
// the last page. A bounded or descending query has a next link only while
// more events match, as Okta's other lists.
func (s *Server) listLogs(w http.ResponseWriter, r *http.Request, _ *caller) error {
	q, err := parseLogQuery(r, s.now())
	if err != nil {
		return err
	}
	page, next, more := s.org.searchLogs(q)
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
	cursor := ""
	if next != nil {
		cursor = next.String()
	}
	switch {
	case q.polling:
		setLogLinks(w, r, cursor)
	case more:
		setLinks(w, r, cursor)
	default:
		setLinks(w, r, "")
	}
	writeRaw(w, http.StatusOK, buf.Bytes())
	return nil
}

// setLogLinks is setLinks for the System Log: next is always there; with
// nothing read yet it repeats the request.
func setLogLinks(w http.ResponseWriter, r *http.Request, cursor string) {
	if cursor != "" {
		setLinks(w, r, cursor)
		return
	}
	self := baseURL(r) + r.URL.RequestURI()
	w.Header().Add("Link", "<"+self+`>; rel="self"`)
	w.Header().Add("Link", "<"+self+`>; rel="next"`)
}
