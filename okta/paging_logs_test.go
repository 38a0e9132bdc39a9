package okta

import (
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// busyOrg has one user, busy@company.com (00ubusy), with n sign-on
// events over the last 6 days; the uuids come newest first, as Okta sorts
// them (of events of the same millisecond, the one written last first).
// Every three events share a millisecond, so pages and slices end inside
// such a group.
func busyOrg(n int) (*oktasim.Fixture, []string) {
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	fx := &oktasim.Fixture{Now: now}
	step := 6 * 24 * time.Hour / time.Duration(n)
	var want []string
	for i := range n {
		at := now.Add(-time.Hour - time.Duration(i/3*3)*step).Truncate(time.Millisecond)
		id := fmt.Sprintf("ev%05d", i)
		fx.Logs = append(fx.Logs, oktasim.Object{
			"uuid": id, "published": at.Format("2006-01-02T15:04:05.000Z"), "eventType": "user.authentication.sso",
			"outcome": oktasim.Object{"result": "SUCCESS"},
			"actor":   oktasim.Object{"id": "00ubusy", "type": "User", "alternateId": "busy@company.com", "displayName": "Busy Bee"},
		})
		want = append(want, id)
	}
	for i := 0; i < len(want); i += 3 {
		slices.Reverse(want[i:min(i+3, len(want))])
	}
	return fx, want
}

// logRequests are the System Log requests the harness saw since mark.
func logRequests(t *testing.T, h *harness, mark int) []url.Values {
	t.Helper()
	var out []url.Values
	for _, line := range since(h, mark) {
		f := strings.Fields(line)
		if u, err := url.Parse(f[1]); err == nil && u.Path == "/api/v1/logs" {
			out = append(out, u.Query())
		}
	}
	return out
}

// An investigation of a busy user reads a window of many pages (slices at
// once, each following the simulator's opaque next links) and sees every
// event exactly once, newest first.
func TestInvestigationReadsEveryEventOnce(t *testing.T) {
	fx, want := busyOrg(5000)
	h := newHarness(t, setup{fixture: fx})
	mark := len(h.seen.all())
	res, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.Investigate, User: "busy@company.com", Limit: maxResultCap})
	if err != nil {
		t.Fatalf("Query(investigate busy) error = %v", err)
	}
	got := make([]string, 0, len(res.Events))
	for _, e := range res.Events {
		got = append(got, e.UUID)
	}
	sorted := slices.Clone(got)
	slices.Sort(sorted)
	if n := len(slices.Compact(sorted)); n != len(got) {
		t.Errorf("Query(investigate busy) listed %d events, %d of them distinct: some were read twice", len(got), n)
	}
	if !slices.Equal(got, want) {
		missing := 0
		for _, id := range want {
			if !slices.Contains(got, id) {
				missing++
			}
		}
		t.Errorf("Query(investigate busy) listed %d events (%d missing), want all %d newest first", len(got), missing, len(want))
	}
	reqs := logRequests(t, h, mark)
	followed := 0
	for _, v := range reqs {
		if v.Has("after") {
			followed++
		}
	}
	if len(reqs) <= 3 || followed == 0 {
		t.Errorf("the investigation made %d System Log requests, %d of them next links; want more than 3 pages, some through next links", len(reqs), followed)
	}
	// The first page, then the rest of the window in slices read at once.
	if fresh := len(reqs) - followed; fresh != 1+logSlices {
		t.Errorf("the investigation started %d reads, want the window's first page and %d slices", fresh, logSlices)
	}
	if res.Truncated {
		t.Errorf("Query(investigate busy) is truncated")
	}
}

// A page cursor names Okta's next link; Okta refuses one that was crafted,
// and the adapter one that is not of the System Log: either is reported
// as invalid rather than listing anything.
func TestCraftedAfterRefused(t *testing.T) {
	fx, _ := busyOrg(30)
	h := newHarness(t, setup{fixture: fx})
	now := time.Now().UTC()
	for name, page := range map[string]string{
		"made-up after":  "/api/v1/logs?sortOrder=DESCENDING&limit=5&after=ev00004",
		"readable after": "/api/v1/logs?sortOrder=DESCENDING&limit=5&after=1748736000000000000_5",
	} {
		t.Run(name, func(t *testing.T) {
			k := cursor{page: page, since: now.Add(-24 * time.Hour), until: now}
			_, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.Logs, After: k.String(), Limit: 5})
			if e, ok := intents.AsError(err); !ok || !errors.Is(err, intents.ErrInvalid) || e.Status != 400 {
				t.Errorf("Query(logs) from a cursor on %s: error = %v, want Okta's 400 as ErrInvalid", page, err)
			}
		})
	}
	t.Run("a users page", func(t *testing.T) {
		mark := len(h.seen.all())
		k := cursor{page: "/api/v1/users?limit=5", since: now.Add(-24 * time.Hour), until: now}
		_, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.Logs, After: k.String(), Limit: 5})
		if !errors.Is(err, intents.ErrInvalid) || len(since(h, mark)) != 0 {
			t.Errorf("Query(logs) from a cursor on the users list: error = %v after calls %q, want ErrInvalid before any", err, since(h, mark))
		}
	})
}

// /okta logs over 60 days on an org whose log queries time out past a
// day and a half of window or 40 scanned events returns every event once:
// the window is read by day, and a busy day in halves.
func TestLogsSplitLongWindow(t *testing.T) {
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	fx := &oktasim.Fixture{Now: now}
	var want []string
	add := func(at time.Time, id string) {
		fx.Logs = append(fx.Logs, oktasim.Object{"uuid": id, "published": at.Format("2006-01-02T15:04:05.000Z"), "eventType": "user.session.start",
			"actor": oktasim.Object{"id": "00u1", "type": "User", "alternateId": "john@company.com"}})
		want = append(want, id)
	}
	for d := range 59 {
		for i := range 2 {
			add(now.Add(-time.Duration(d)*24*time.Hour-time.Duration(i+1)*5*time.Hour), fmt.Sprintf("d%02d-%d", d, i))
		}
		if d == 20 { // a busy day: 100 events in its hours
			for i := range 100 {
				add(now.Add(-time.Duration(d)*24*time.Hour-11*time.Hour-time.Duration(i)*6*time.Minute), fmt.Sprintf("d%02d-busy%03d", d, i))
			}
		}
	}
	h := newHarness(t, setup{fixture: fx})
	h.sim.SetLogQueryLimit(oktasim.LogQueryLimit{MaxWindow: 36 * time.Hour, MaxScanned: 40})
	mark := len(h.seen.all())
	res, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.Logs, Window: intents.Duration(60 * 24 * time.Hour), Limit: 1000})
	if err != nil {
		t.Fatalf("Query(logs 60d) error = %v", err)
	}
	got := map[string]int{}
	for i, e := range res.Events {
		got[e.UUID]++
		if i > 0 && e.Published.After(res.Events[i-1].Published) {
			t.Errorf("event %d (%s) is newer than the one before it: not newest first", i, e.UUID)
		}
	}
	for _, id := range want {
		if got[id] != 1 {
			t.Errorf("event %s listed %d times, want once", id, got[id])
		}
	}
	if len(res.Events) != len(want) || res.Truncated {
		t.Errorf("Query(logs 60d) = %d events (truncated %v), want %d", len(res.Events), res.Truncated, len(want))
	}
	timeouts := 0
	for _, line := range since(h, mark) {
		if strings.Contains(line, "/api/v1/logs") && strings.Fields(line)[2] == "500" {
			timeouts++
		}
	}
	if timeouts == 0 || timeouts > 10 {
		t.Errorf("%d System Log queries timed out, want a few (the whole window, the busy day and its halves), not a retry of each", timeouts)
	}
}

// q is checked before any call: Okta takes at most 10 keywords of at
// most 40 characters.
func TestLogKeywordLimits(t *testing.T) {
	h := newHarness(t, setup{fixture: testOrg()})
	for name, q := range map[string]string{
		"11 keywords":          "a b c d e f g h i j k",
		"a 41-character word":  strings.Repeat("x", 41),
		"41 characters in one": "ok " + strings.Repeat("é", 41),
	} {
		t.Run(name, func(t *testing.T) {
			mark := len(h.seen.all())
			_, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.Logs, Query: q})
			if !errors.Is(err, intents.ErrInvalid) || !strings.Contains(err.Error(), "at most") {
				t.Errorf("Query(logs q=%q) error = %v, want ErrInvalid naming Okta's limit", q, err)
			}
			for ev, err := range h.client.Events(t.Context(), intents.LogFilter{Query: q}) {
				if !errors.Is(err, intents.ErrInvalid) {
					t.Errorf("Events(q=%q) = %v, %v; want ErrInvalid", q, ev.UUID, err)
				}
			}
			if calls := since(h, mark); len(calls) != 0 {
				t.Errorf("q=%q was refused after calls %q, want before any", q, calls)
			}
		})
	}
	t.Run("10 keywords of 40 characters pass", func(t *testing.T) {
		q := strings.TrimSpace(strings.Repeat(strings.Repeat("y", 40)+" ", 10))
		if _, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.Logs, Query: q}); err != nil {
			t.Errorf("Query(logs q=10×40) error = %v", err)
		}
	})
}

// A logs answer's cursor keeps its window: asked again after new events,
// it shows the same events; its Next cursor the next page of that window.
func TestLogsCursorKeepsWindow(t *testing.T) {
	fx, want := busyOrg(60)
	h := newHarness(t, setup{fixture: fx})
	in := intents.Intent{Kind: intents.Logs, User: "busy@company.com", Window: intents.Duration(7 * 24 * time.Hour), Limit: 25}
	first, err := h.client.Query(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	if first.Window == "" || !first.Truncated || first.Next == "" {
		t.Fatalf("Query(logs busy limit 25): window cursor %q, truncated %v, next %q; want a cursor of its window and a next page", first.Window, first.Truncated, first.Next)
	}
	// A new event, just past the first answer's window (until is
	// exclusive).
	newAt := first.Until.Truncate(time.Millisecond)
	if newAt.Before(first.Until) {
		newAt = newAt.Add(time.Millisecond)
	}
	if err := h.sim.AddLogs(oktasim.Object{"uuid": "new", "published": newAt.Format("2006-01-02T15:04:05.000Z"), "eventType": "user.authentication.sso",
		"actor": oktasim.Object{"id": "00ubusy", "type": "User", "alternateId": "busy@company.com"}}); err != nil {
		t.Fatal(err)
	}
	uuids := func(r intents.Result) []string {
		var out []string
		for _, e := range r.Events {
			out = append(out, e.UUID)
		}
		return out
	}
	asked := in
	asked.After = first.Window
	again, err := h.client.Query(t.Context(), asked)
	if err != nil {
		t.Fatal(err)
	}
	if again.Window != first.Window {
		t.Errorf("the window's cursor asked again = %q, want the same %q", again.Window, first.Window)
	}
	if !slices.Equal(uuids(again), want[:25]) || !again.Until.Equal(first.Until) {
		t.Errorf("the first page again = %v (until %v), want %v (until %v)", uuids(again), again.Until, want[:25], first.Until)
	}
	next := in
	next.After = first.Next
	second, err := h.client.Query(t.Context(), next)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(uuids(second), want[25:50]) {
		t.Errorf("the next page = %v, want %v", uuids(second), want[25:50])
	}
	for !time.Now().After(newAt.Add(time.Millisecond)) { // a new query's now is past the new event
		runtime.Gosched()
	}
	fresh, err := h.client.Query(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh.Events) == 0 || fresh.Events[0].UUID != "new" {
		t.Errorf("a new query's newest event = %v, want the new one", uuids(fresh))
	}
}

// A System Log call may take longer than Okta's 30 seconds; other calls
// keep the configured timeout.
func TestLogCallTimeout(t *testing.T) {
	for _, tt := range []struct {
		configured time.Duration
		path       string
		want       time.Duration
	}{
		{30 * time.Second, "/api/v1/logs", 40 * time.Second},
		{400 * time.Millisecond, "/api/v1/logs", 40 * time.Second},
		{time.Minute, "/api/v1/logs", time.Minute},
		{30 * time.Second, "/api/v1/users", 30 * time.Second},
		{400 * time.Millisecond, "/api/v1/users/00u1/factors", 400 * time.Millisecond},
	} {
		tr := &transport{timeout: tt.configured}
		if got := tr.callTimeout(tt.path); got != tt.want {
			t.Errorf("callTimeout(%s) with %v configured = %v, want %v", tt.path, tt.configured, got, tt.want)
		}
	}
}

// Logs about a user are filtered by their Okta id when the app can look
// them up, and by the login as typed when it has only okta.logs.read.
func TestLogsAboutUserFilter(t *testing.T) {
	fx, want := busyOrg(6)
	for _, tt := range []struct {
		name   string
		scopes []string
		typed  string
		filter string
		events int
	}{
		{"resolved to the id", nil, "BUSY@company.com", `actor.id eq "00ubusy"`, len(want)},
		{"logs scope only", []string{intents.ScopeLogsRead}, "busy@company.com", `actor.alternateId eq "busy@company.com"`, len(want)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, setup{fixture: fx, app: oktasim.ServiceApp{Scopes: tt.scopes}, cfg: Config{Scopes: tt.scopes}})
			mark := len(h.seen.all())
			res, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.Logs, User: tt.typed, Window: intents.Duration(7 * 24 * time.Hour)})
			if err != nil {
				t.Fatalf("Query(logs %s) error = %v", tt.typed, err)
			}
			if len(res.Events) != tt.events {
				t.Errorf("Query(logs %s) = %d events, want %d", tt.typed, len(res.Events), tt.events)
			}
			filters := sentFilters(since(h, mark), "/api/v1/logs")
			if len(filters) == 0 || !strings.Contains(filters[0], tt.filter) {
				t.Errorf("Query(logs %s) sent filters %q, want one with %s", tt.typed, filters, tt.filter)
			}
		})
	}
}

// TestLogsTimeoutMidStream: a query Okta cuts off after its first page
// ended inside a millisecond that holds several events is read on from
// that millisecond, and the events of it already sent are not sent again.
func TestLogsTimeoutMidStream(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	start := now.Add(-time.Hour)
	fx := &oktasim.Fixture{}
	var want []string
	for i := range 10 {
		at := start.Add(time.Duration(i) * time.Minute)
		switch {
		case i >= 2 && i <= 4: // one millisecond: the ascending boundary
			at = start.Add(2 * time.Minute)
		case i >= 5 && i <= 7: // another: the newest-first boundary
			at = start.Add(5 * time.Minute)
		}
		id := fmt.Sprintf("e%d", i)
		fx.Logs = append(fx.Logs, oktasim.Object{"uuid": id, "published": at.Format("2006-01-02T15:04:05.000Z"), "eventType": "user.session.start",
			"actor": oktasim.Object{"id": "00u1", "type": "User", "alternateId": "john@company.com"}})
		want = append(want, id)
	}
	for _, descending := range []bool{false, true} {
		t.Run(fmt.Sprintf("descending=%v", descending), func(t *testing.T) {
			h := newHarness(t, setup{fixture: fx})
			q := h.client.logQueryOf(intents.LogFilter{Since: start.Add(-time.Minute), Until: now}, "", descending)
			q.pageSize = 3
			h.failAfter("GET", "/api/v1/logs", 1, 500) // the second page: Okta's 30-second cut-off
			got := map[string]int{}
			n := 0
			for ev, err := range items(h.client.readLog(t.Context(), q, cursor{})) {
				if err != nil {
					t.Fatalf("readLog() error = %v", err)
				}
				got[ev.UUID]++
				n++
			}
			for _, id := range want {
				if got[id] != 1 {
					t.Errorf("event %s read %d times, want once", id, got[id])
				}
			}
			if n != len(want) {
				t.Errorf("read %d events, want %d", n, len(want))
			}
		})
	}
}
