package oktasim

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// A newest-first query pages through its next links: each moves until to
// the last event read and carries an opaque cursor; every event comes
// once, newest first.
func TestLogsDescendingLinks(t *testing.T) {
	_, ts, _ := logSim(t)
	tok := bearer(t, ts, "okta.logs.read")
	next := ts.URL + "/api/v1/logs?sortOrder=DESCENDING&limit=3&since=" + at(20)
	var got []string
	pages := 0
	for next != "" && pages < 10 {
		res := call(t, ts, tok, "GET", next, nil)
		if res.status != 200 {
			t.Fatalf("GET %s = %d %s", next, res.status, res.body)
		}
		page := uuids(res.list(t))
		got = append(got, page...)
		pages++
		next = links(t, res)["next"]
		if next == "" {
			break
		}
		u, err := url.Parse(next)
		if err != nil {
			t.Fatal(err)
		}
		v := u.Query()
		last := res.list(t)[len(page)-1].(map[string]any)
		lastAt, _ := parseTime(last["published"])
		if until, _ := parseTime(v.Get("until")); until.Before(lastAt) || until.After(lastAt.Add(time.Millisecond)) {
			t.Errorf("next link %s: until %s, want it moved to the last event read (%s)", next, v.Get("until"), last["published"])
		}
		after := v.Get("after")
		for _, readable := range page {
			if after == "" || strings.Contains(after, readable) {
				t.Errorf("next link cursor %q: want an opaque cursor, not one naming %q", after, readable)
			}
		}
	}
	want := []string{"e10", "e09", "e08", "e07", "e06", "e05", "e04", "e03", "e02", "e01"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("newest-first pages (-want +got):\n%s", diff)
	}
	if pages != 4 {
		t.Errorf("%d pages, want 4 of at most 3", pages)
	}
}

// An `after` the simulator did not issue for this query is refused with
// Okta's 400 E0000001: a made-up one, a readable position, a cursor of
// another query or of another list.
func TestLogsCraftedCursor(t *testing.T) {
	_, ts, _ := logSim(t)
	tok := bearer(t, ts, "okta.logs.read okta.users.read")
	first := call(t, ts, tok, "GET", "/api/v1/logs?sortOrder=DESCENDING&limit=2&filter="+url.QueryEscape(`outcome.result eq "FAILURE"`), nil)
	next := links(t, first)["next"]
	if res := call(t, ts, tok, "GET", next, nil); res.status != 200 {
		t.Fatalf("following the next link = %d %s", res.status, res.body)
	}
	u, _ := url.Parse(next)
	cursor := u.Query().Get("after")
	for name, q := range map[string]string{
		"made up":         "sortOrder=DESCENDING&after=e09",
		"readable":        "sortOrder=DESCENDING&after=" + url.QueryEscape(logCursor{at: logNow.Add(-2 * time.Hour), seq: 9}.String()),
		"tampered":        "sortOrder=DESCENDING&filter=" + url.QueryEscape(`outcome.result eq "FAILURE"`) + "&after=" + flipFirst(cursor),
		"another filter":  "sortOrder=DESCENDING&filter=" + url.QueryEscape(`outcome.result eq "SUCCESS"`) + "&after=" + cursor,
		"another order":   "filter=" + url.QueryEscape(`outcome.result eq "FAILURE"`) + "&after=" + cursor,
		"a list's cursor": "sortOrder=DESCENDING&after=" + sealCursor([]byte("00u1"), listBind),
	} {
		t.Run(name, func(t *testing.T) {
			res := call(t, ts, tok, "GET", "/api/v1/logs?"+q, nil)
			if res.status != 400 || res.errorCode(t) != "E0000001" {
				t.Errorf("GET /api/v1/logs?%s = %d %s, want 400 E0000001", q, res.status, res.body)
			}
		})
	}
	t.Run("a logs cursor on users", func(t *testing.T) {
		res := call(t, ts, tok, "GET", "/api/v1/users?after="+cursor, nil)
		if res.status != 400 || res.errorCode(t) != "E0000001" {
			t.Errorf("GET /api/v1/users?after=<logs cursor> = %d %s, want 400 E0000001", res.status, res.body)
		}
	})
}

// String is the readable form the simulator's cursors once had.
func (c logCursor) String() string {
	return strconv.FormatInt(c.at.UnixNano(), 10) + "_" + strconv.FormatInt(c.seq, 10)
}

// flipFirst changes the first character of a cursor. (Not the last: in
// unpadded base64 the last character may carry only padding bits, which a
// lenient decoder ignores, so the "tampered" cursor would read the same.)
func flipFirst(s string) string {
	if s == "" {
		return "x"
	}
	c := s[0]
	if c == 'A' {
		c = 'B'
	} else {
		c = 'A'
	}
	return string(c) + s[1:]
}

// Okta's limits: q takes 10 keywords of at most 40 characters; published
// is not filterable; eq compares exactly.
func TestLogsQueryLimits(t *testing.T) {
	_, ts, _ := logSim(t)
	tok := bearer(t, ts, "okta.logs.read")
	tests := []struct {
		name, query string
		status      int
		code        string
		want        []string
	}{
		{"10 keywords", "q=" + url.QueryEscape("a b c d e f g h i attempt"), 200, "", []string{}},
		{"11 keywords", "q=" + url.QueryEscape("a b c d e f g h i j attempt"), 400, "E0000001", nil},
		{"40 characters", "q=" + strings.Repeat("x", 40), 200, "", []string{}},
		{"41 characters", "q=" + strings.Repeat("x", 41), 400, "E0000001", nil},
		{"published", "filter=" + url.QueryEscape(`published gt "2020-01-01T00:00:00.000Z"`), 400, "E0000031", nil},
		{"eq exact", "filter=" + url.QueryEscape(`actor.alternateId eq "john@company.com" and outcome.result eq "FAILURE"`) + "&limit=2", 200, "", []string{"e01", "e03"}},
		{"eq another case", "filter=" + url.QueryEscape(`actor.alternateId eq "John@Company.com"`), 200, "", []string{}},
		{"ne another case", "filter=" + url.QueryEscape(`outcome.result ne "failure"`) + "&limit=2", 200, "", []string{"e01", "e02"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := call(t, ts, tok, "GET", "/api/v1/logs?"+tt.query, nil)
			if res.status != tt.status {
				t.Fatalf("GET /api/v1/logs?%s = %d %s, want %d", tt.query, res.status, res.body, tt.status)
			}
			if tt.code != "" {
				if got := res.errorCode(t); got != tt.code {
					t.Errorf("GET /api/v1/logs?%s errorCode = %s, want %s", tt.query, got, tt.code)
				}
				return
			}
			if diff := cmp.Diff(tt.want, uuids(res.list(t))); diff != "" {
				t.Errorf("GET /api/v1/logs?%s (-want +got):\n%s", tt.query, diff)
			}
		})
	}
}

// With a query limit set, a query over a longer window or scanning more
// events fails as Okta's after 30 seconds: 500 E0000009. Smaller ones pass.
func TestLogsQueryTimeout(t *testing.T) {
	s, ts, _ := logSim(t)
	tok := bearer(t, ts, "okta.logs.read")
	s.SetLogQueryLimit(LogQueryLimit{MaxWindow: 6 * time.Hour})
	for q, status := range map[string]int{
		"since=" + at(5):                       200,
		"since=" + at(7):                       500,
		"since=" + at(20) + "&until=" + at(15): 200,
		"sortOrder=DESCENDING&since=" + at(7):  500,
		"since=" + at(20) + "&until=" + at(10): 500,
		"since=" + at(6) + "&until=" + at(0):   200,
	} {
		res := call(t, ts, tok, "GET", "/api/v1/logs?"+q, nil)
		if res.status != status || status == 500 && res.errorCode(t) != "E0000009" {
			t.Errorf("GET /api/v1/logs?%s = %d %s, want %d", q, res.status, res.body, status)
		}
	}
	s.SetLogQueryLimit(LogQueryLimit{MaxScanned: 4})
	for q, status := range map[string]int{
		"since=" + at(4):                         200, // e07…e10
		"since=" + at(5):                         500, // five events to scan
		"since=" + at(10) + "&limit=2":           200, // stops after the page and one more
		"q=attempt&since=" + at(10) + "&limit=2": 200,
		"q=nothing&since=" + at(10):              500, // scans the whole window for nothing
	} {
		res := call(t, ts, tok, "GET", "/api/v1/logs?"+q, nil)
		if res.status != status || status == 500 && res.errorCode(t) != "E0000009" {
			t.Errorf("MaxScanned 4: GET /api/v1/logs?%s = %d %s, want %d", q, res.status, res.body, status)
		}
	}
	s.SetLogQueryLimit(LogQueryLimit{})
	if res := call(t, ts, tok, "GET", "/api/v1/logs?since="+at(240), nil); res.status != 200 {
		t.Errorf("without a limit: %d %s", res.status, res.body)
	}
}

// Users, groups and apps lists page through opaque cursors too: a next
// link names no id, following the links lists every entity once, and an
// id given as after is refused.
func TestListCursorsOpaque(t *testing.T) {
	_, ts := newSim(t, smallOrg())
	tok := bearer(t, ts, allTestScopes)
	for _, path := range []string{"/api/v1/users", "/api/v1/groups", "/api/v1/apps"} {
		t.Run(path, func(t *testing.T) {
			next := ts.URL + path + "?limit=1"
			var got []string
			for next != "" && len(got) < 20 {
				res := call(t, ts, tok, "GET", next, nil)
				if res.status != 200 {
					t.Fatalf("GET %s = %d %s", next, res.status, res.body)
				}
				page := ids(res.list(t))
				got = append(got, page...)
				next = links(t, res)["next"]
				if next == "" {
					break
				}
				u, _ := url.Parse(next)
				if after := u.Query().Get("after"); after == "" || slices.Contains(page, after) || strings.Contains(after, page[0]) {
					t.Errorf("next link %s: want an opaque cursor, not the id %s", next, page[0])
				}
			}
			sorted := slices.Clone(got)
			slices.Sort(sorted)
			if len(got) < 2 || len(slices.Compact(sorted)) != len(got) {
				t.Errorf("GET %s page by page = %v, want every entity once", path, got)
			}
			res := call(t, ts, tok, "GET", path+"?limit=1&after="+got[0], nil)
			if res.status != 400 || res.errorCode(t) != "E0000001" {
				t.Errorf("GET %s?after=%s = %d %s, want 400 E0000001", path, got[0], res.status, res.body)
			}
		})
	}
}
