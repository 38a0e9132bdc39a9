package oktasim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// postEventsBody sends POST /_sim/events, without a token.
func postEventsBody(t *testing.T, ts *httptest.Server, body string) apiResult {
	t.Helper()
	return postControl(t, ts, "/_sim/events", body)
}

// postControl sends a POST to a control-plane path, without a token.
func postControl(t *testing.T, ts *httptest.Server, path, body string) apiResult {
	t.Helper()
	resp, err := ts.Client().Post(ts.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer func() { _ = resp.Body.Close() }() // the body is done with; a close error changes nothing
	buf, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	return apiResult{status: resp.StatusCode, header: resp.Header, body: buf}
}

// pollFrom reads one page of a polling query (or link) and returns its
// uuids and its next link, which must be there.
func pollFrom(t *testing.T, ts *httptest.Server, tok, link string) ([]string, string) {
	t.Helper()
	res := call(t, ts, tok, "GET", link, nil)
	if res.status != http.StatusOK {
		t.Fatalf("GET %s = %d %s", link, res.status, res.body)
	}
	next := links(t, res)["next"]
	if next == "" {
		t.Fatalf("GET %s: no next link on a polling query", link)
	}
	return uuids(res.list(t)), next
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// Events posted at run time need no token, keep their order, get a random
// uuid and the simulator's now when they have none, and a polling reader
// that was caught up finds them on its next link, then is caught up again.
func TestPostEvents(t *testing.T) {
	_, ts, clock := logSim(t)
	tok := bearer(t, ts, "okta.logs.read")
	first := ts.URL + "/api/v1/logs?sortOrder=ASCENDING&since=" + at(2)
	got, next := pollFrom(t, ts, tok, first)
	if diff := cmp.Diff([]string{"e09", "e10"}, got); diff != "" {
		t.Fatalf("backfill (-want +got):\n%s", diff)
	}
	got, next = pollFrom(t, ts, tok, next)
	if len(got) != 0 {
		t.Fatalf("caught-up poll = %q, want nothing", got)
	}

	clock.advance(time.Second)
	res := postEventsBody(t, ts, `[
		{"uuid":"live1","eventType":"user.session.start"},
		{"eventType":"user.session.start","displayMessage":"second"},
		{"uuid":"live3","eventType":"user.session.end","published":null}
	]`)
	if res.status != http.StatusOK {
		t.Fatalf("POST /_sim/events = %d %s", res.status, res.body)
	}
	ans := res.object(t)
	ids := ans["uuids"].([]any)
	if ans["accepted"] != float64(3) || len(ids) != 3 || ids[0] != "live1" || ids[2] != "live3" {
		t.Fatalf("POST /_sim/events = %s, want accepted 3 with live1, a new uuid, live3", res.body)
	}
	made, _ := ids[1].(string)
	if !uuidRE.MatchString(made) {
		t.Errorf("generated uuid %q, want a random (version 4) UUID", made)
	}
	// The same event twice: each gets its own uuid.
	var twice []string
	for range 2 {
		again := postEventsBody(t, ts, `[{"eventType":"user.session.start"}]`)
		if again.status != http.StatusOK {
			t.Fatalf("POST of one event = %d %s", again.status, again.body)
		}
		twice = append(twice, again.object(t)["uuids"].([]any)[0].(string))
	}
	if twice[0] == twice[1] || twice[0] == made {
		t.Errorf("posted events got uuids %q, %q and %q; want each its own", made, twice[0], twice[1])
	}

	res = call(t, ts, tok, "GET", next, nil)
	list := res.list(t)
	if diff := cmp.Diff([]string{"live1", made, "live3", twice[0], twice[1]}, uuids(list)); diff != "" {
		t.Fatalf("poll after the POST (-want +got):\n%s", diff)
	}
	for _, e := range list {
		if p := e.(map[string]any)["published"]; p != formatTime(clock.now()) {
			t.Errorf("event %v published %v, want the simulator's now %s", e.(map[string]any)["uuid"], p, formatTime(clock.now()))
		}
	}
	next = links(t, res)["next"]
	got, next = pollFrom(t, ts, tok, next)
	if len(got) != 0 {
		t.Errorf("poll after reading the posted events = %q, want nothing (caught up)", got)
	}
	if u, _ := url.Parse(next); u.Query().Get("until") != "" {
		t.Errorf("caught-up next link %s has an until; a poll cursor has none", next)
	}
}

// A body that is not an array of objects, or an event whose published is
// not a time, is refused with 400 in Okta's shape and adds nothing, not
// even the good events before it.
func TestPostEventsRefused(t *testing.T) {
	s, ts, _ := logSim(t)
	before := len(s.Snapshot().Logs)
	for _, body := range []string{
		``,
		`null`,
		`{"eventType":"user.session.start"}`,
		`[1]`,
		`[{"eventType":"a"}, "b"]`,
		`[{"eventType":"a"}, {"eventType":"b","published":"yesterday"}]`,
		`[{"eventType":"a"}, {"eventType":"b","published":12}]`,
		`[{"eventType":"a"}`,
	} {
		res := postEventsBody(t, ts, body)
		if res.status != http.StatusBadRequest || res.errorCode(t) != codeValidation {
			t.Errorf("POST /_sim/events %s = %d %s, want 400 %s", body, res.status, res.body, codeValidation)
		}
	}
	if after := len(s.Snapshot().Logs); after != before {
		t.Errorf("the System Log has %d events after refused POSTs, want %d", after, before)
	}
	if _, err := s.AddEvents([]Object{{"eventType": "a"}, {"published": "never"}}); err == nil {
		t.Error("AddEvents with a bad published: no error")
	}
	if after := len(s.Snapshot().Logs); after != before {
		t.Errorf("the System Log has %d events after a refused AddEvents, want %d", after, before)
	}
}

// The control plane is not part of Okta's API: nothing under /api/ adds
// events.
func TestPostEventsNotUnderAPI(t *testing.T) {
	s, ts, _ := logSim(t)
	tok := bearer(t, ts, "okta.logs.read okta.users.manage")
	for _, path := range []string{"/api/v1/_sim/events", "/api/_sim/events", "/api/v1/logs"} {
		res := call(t, ts, tok, "POST", path, []Object{{"eventType": "x"}})
		if res.status == http.StatusOK {
			t.Errorf("POST %s = 200, want it refused", path)
		}
	}
	for _, e := range s.Snapshot().Logs {
		if e["eventType"] == "x" {
			t.Errorf("an event was added through the API: %v", e)
		}
	}
}

// Throttle answers a bucket's calls 429 as a full window does, for n
// calls or until switched off, and leaves other buckets alone.
func TestThrottle(t *testing.T) {
	s, ts, clock := logSim(t)
	tok := bearer(t, ts, "okta.logs.read okta.users.read")
	logs := "/api/v1/logs?since=" + at(2)
	s.Throttle(FamilyLogs, 2)
	for i := range 2 {
		res := call(t, ts, tok, "GET", logs, nil)
		if res.status != http.StatusTooManyRequests || res.errorCode(t) != codeRateLimit {
			t.Fatalf("throttled call %d = %d %s, want 429 %s", i, res.status, res.body, codeRateLimit)
		}
		if res.header.Get("X-Rate-Limit-Remaining") != "0" || res.header.Get("X-Rate-Limit-Limit") == "0" {
			t.Errorf("throttled call %d headers %v: want Remaining 0 and a bucket limit (not a concurrency 429)", i, res.header)
		}
		if reset, _ := strconv.ParseInt(res.header.Get("X-Rate-Limit-Reset"), 10, 64); reset <= clock.now().Unix() {
			t.Errorf("throttled call %d: X-Rate-Limit-Reset %d, want after now %d", i, reset, clock.now().Unix())
		}
	}
	if res := call(t, ts, tok, "GET", logs, nil); res.status != http.StatusOK {
		t.Fatalf("call after the throttled ones = %d %s, want 200", res.status, res.body)
	}

	s.Throttle(BucketLogs, -1)
	for range 3 {
		if res := call(t, ts, tok, "GET", logs, nil); res.status != http.StatusTooManyRequests {
			t.Fatalf("call during a storm = %d, want 429", res.status)
		}
	}
	if res := call(t, ts, tok, "GET", "/api/v1/users", nil); res.status != http.StatusOK {
		t.Errorf("users during a logs storm = %d %s, want 200", res.status, res.body)
	}
	s.Throttle(FamilyLogs, 0)
	if res := call(t, ts, tok, "GET", logs, nil); res.status != http.StatusOK {
		t.Errorf("call after the storm = %d %s, want 200", res.status, res.body)
	}
	if n := s.Throttled(); n != 5 {
		t.Errorf("Throttled() = %d, want 5", n)
	}
}
