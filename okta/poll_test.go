package okta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// pollEvent is a detection event (a sign-in) in Okta's shape; a zero
// published leaves it to the simulator (its now).
func pollEvent(uuid, typ string, published time.Time) oktasim.Object {
	type O = oktasim.Object
	ev := O{"uuid": uuid, "eventType": typ, "displayMessage": typ, "severity": "INFO",
		"actor":   O{"id": "00u1", "type": "User", "alternateId": "john@company.com", "displayName": "John Doe"},
		"outcome": O{"result": "SUCCESS"}}
	if !published.IsZero() {
		ev["published"] = published.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	return ev
}

// postEvents adds events over the simulator's control plane, as a live
// demo does, and returns their uuids.
func postEvents(t *testing.T, h *harness, events ...oktasim.Object) []string {
	t.Helper()
	b, err := json.Marshal(events)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := h.srv.Client().Post(h.srv.URL+"/_sim/events", "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("POST /_sim/events: %v", err)
	}
	defer func() { _ = resp.Body.Close() }() // the body is done with; a close error changes nothing
	var ans struct {
		Accepted int      `json:"accepted"`
		UUIDs    []string `json:"uuids"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&ans) != nil || ans.Accepted != len(events) {
		t.Fatalf("POST /_sim/events = %d, accepted %d of %d", resp.StatusCode, ans.Accepted, len(events))
	}
	return ans.UUIDs
}

// pollRun is what one Poll gave: the uuids read in order, its pages and
// the error it ended with.
type pollRun struct {
	uuids []string
	pages []LogPage
	err   error
}

// last is the cursor of the last page read ("" if none).
func (r pollRun) last() string {
	if len(r.pages) == 0 {
		return ""
	}
	return r.pages[len(r.pages)-1].Cursor
}

// runPoll reads a Poll to its end; after, when set, is called after each
// page (to change the simulator mid-read).
func runPoll(seq iter.Seq2[LogPage, error], after func(LogPage)) pollRun {
	var r pollRun
	for p, err := range seq {
		if err != nil {
			r.err = err
			break
		}
		r.pages = append(r.pages, p)
		for _, e := range p.Events {
			r.uuids = append(r.uuids, e.UUID)
		}
		if after != nil {
			after(p)
		}
	}
	return r
}

func seqNames(prefix string, from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("%s%02d", prefix, i))
	}
	return out
}

// A poll backfills from since, page by page, ends on an empty page
// (CaughtUp) whose cursor still works; events posted later are read from
// the stored cursor, by a new client as after a restart, each once, in
// order; a caught-up poll reads nothing.
func TestPollBackfillThenLive(t *testing.T) {
	h := newHarness(t, setup{fixture: &oktasim.Fixture{}})
	ctx := context.Background()
	start := time.Now().Add(-10 * time.Minute)
	var old []oktasim.Object
	for i, id := range seqNames("b", 1, 25) {
		old = append(old, pollEvent(id, "user.session.start", start.Add(time.Duration(i)*time.Second)))
	}
	old = append(old, pollEvent("too-old", "user.session.start", time.Now().Add(-2*time.Hour)))
	if _, err := h.sim.AddEvents(old); err != nil {
		t.Fatal(err)
	}

	back := runPoll(h.client.poll(ctx, "", time.Now().Add(-time.Hour), 10), nil)
	if back.err != nil {
		t.Fatalf("backfill: %v", back.err)
	}
	if diff := cmp.Diff(seqNames("b", 1, 25), back.uuids); diff != "" {
		t.Errorf("backfill (-want +got):\n%s", diff)
	}
	var sizes []int
	for i, p := range back.pages {
		sizes = append(sizes, len(p.Events))
		if p.CaughtUp != (i == len(back.pages)-1) {
			t.Errorf("backfill page %d of %d: CaughtUp = %v", i+1, len(back.pages), p.CaughtUp)
		}
		if !strings.HasPrefix(p.Cursor, h.srv.URL+"/api/v1/logs?") {
			t.Errorf("backfill page %d: cursor %q, want Okta's next link on the org", i+1, p.Cursor)
		}
	}
	if diff := cmp.Diff([]int{10, 10, 5, 0}, sizes); diff != "" {
		t.Errorf("backfill page sizes (-want +got):\n%s", diff)
	}
	stored := back.last()

	// Caught up: the stored cursor reads nothing and is still a cursor.
	idle := runPoll(h.client.Poll(ctx, stored, time.Time{}), nil)
	if idle.err != nil || len(idle.uuids) != 0 || len(idle.pages) != 1 || !idle.pages[0].CaughtUp || idle.last() == "" {
		t.Fatalf("caught-up poll = %+v, want one empty CaughtUp page with a cursor", idle)
	}

	posted := postEvents(t, h,
		pollEvent("live01", "user.session.start", time.Time{}),
		pollEvent("", "user.authentication.auth_via_mfa", time.Time{}),
		pollEvent("live03", "user.mfa.okta_verify.deny_push", time.Time{}))
	posted = append(posted, postEvents(t, h, pollEvent("live04", "user.session.start", time.Time{}))...)

	// A restart: a new client, the stored cursor.
	restarted, err := New(Config{OrgURL: h.srv.URL, ClientID: testClientID, PrivateKey: rsaJWK(t, testRSA(), "kid-test")})
	if err != nil {
		t.Fatal(err)
	}
	live := runPoll(restarted.poll(ctx, idle.last(), time.Time{}, 3), nil)
	if live.err != nil {
		t.Fatalf("poll after the POST: %v", live.err)
	}
	if diff := cmp.Diff(posted, live.uuids); diff != "" {
		t.Errorf("poll from the stored cursor after the POST (-want +got):\n%s", diff)
	}
	if p := live.pages[len(live.pages)-1]; !p.CaughtUp {
		t.Errorf("the poll did not end caught up: %+v", p)
	}
	again := runPoll(restarted.Poll(ctx, live.last(), time.Time{}), nil)
	if again.err != nil || len(again.uuids) != 0 {
		t.Errorf("poll after reading everything = %q, %v; want nothing", again.uuids, again.err)
	}
}

// A 429 storm on /api/v1/logs mid-read: a short one is waited out and the
// poll completes; one beyond the transport's retries ends the poll with
// ErrRateLimited and no cursor past unread events, and after the storm
// the poll from the last cursor reads every event exactly once.
func TestPollRateLimitStorm(t *testing.T) {
	h := newHarness(t, setup{fixture: &oktasim.Fixture{}, cfg: Config{MaxRetries: 1}})
	ctx := context.Background()
	start := time.Now().Add(-5 * time.Minute)
	var evs []oktasim.Object
	for i, id := range seqNames("s", 1, 30) {
		evs = append(evs, pollEvent(id, "user.session.start", start.Add(time.Duration(i)*time.Second)))
	}
	if _, err := h.sim.AddEvents(evs); err != nil {
		t.Fatal(err)
	}
	since := time.Now().Add(-time.Hour)

	t.Run("waited out", func(t *testing.T) {
		first := true
		r := runPoll(h.client.poll(ctx, "", since, 10), func(LogPage) {
			if first {
				h.sim.Throttle(oktasim.BucketLogs, 1) // fewer than the retries
				first = false
			}
		})
		if r.err != nil {
			t.Fatalf("poll through a short storm: %v", r.err)
		}
		if diff := cmp.Diff(seqNames("s", 1, 30), r.uuids); diff != "" {
			t.Errorf("poll through a short storm (-want +got):\n%s", diff)
		}
		if n := h.sim.Throttled(); n != 1 {
			t.Errorf("the simulator refused %d calls, want 1", n)
		}
	})

	t.Run("beyond the retries", func(t *testing.T) {
		before := h.sim.Throttled()
		pages := 0
		r := runPoll(h.client.poll(ctx, "", since, 10), func(LogPage) {
			if pages++; pages == 1 {
				h.sim.Throttle(oktasim.BucketLogs, -1) // until switched off
			}
		})
		h.sim.Throttle(oktasim.BucketLogs, 0)
		if !errors.Is(r.err, intents.ErrRateLimited) {
			t.Fatalf("poll in a storm ended with %v, want ErrRateLimited", r.err)
		}
		if n := h.sim.Throttled() - before; n < 2 {
			t.Errorf("the simulator refused %d calls, want the first try and a retry", n)
		}
		if diff := cmp.Diff(seqNames("s", 1, 10), r.uuids); diff != "" {
			t.Fatalf("pages before the storm (-want +got):\n%s", diff)
		}
		rest := runPoll(h.client.poll(ctx, r.last(), time.Time{}, 10), nil)
		if rest.err != nil {
			t.Fatalf("poll after the storm: %v", rest.err)
		}
		if diff := cmp.Diff(seqNames("s", 1, 30), append(r.uuids, rest.uuids...)); diff != "" {
			t.Errorf("events across the storm (-want +got):\n%s", diff)
		}
	})
}

// A stored cursor that is not a polling read of this org's System Log is
// refused before anything is asked of Okta.
func TestPollCursorRefused(t *testing.T) {
	h := newHarness(t, setup{fixture: &oktasim.Fixture{}})
	ctx := context.Background()
	good := runPoll(h.client.Poll(ctx, "", time.Now().Add(-time.Minute)), nil)
	if good.err != nil || good.last() == "" {
		t.Fatalf("a fresh poll: %+v", good)
	}
	u, err := url.Parse(good.last())
	if err != nil {
		t.Fatal(err)
	}
	query := u.RawQuery
	tests := map[string]string{
		"garbage":         "c1.q1w2e3",
		"not a URL":       "%zz",
		"relative":        "/api/v1/logs?" + query,
		"another host":    "https://evil.example.com/api/v1/logs?" + query,
		"another port":    "http://" + u.Hostname() + ":1/api/v1/logs?" + query,
		"https for http":  "https://" + u.Host + "/api/v1/logs?" + query,
		"with userinfo":   "http://x:y@" + u.Host + "/api/v1/logs?" + query,
		"another path":    h.srv.URL + "/api/v1/users?after=00u1",
		"a logs subpath":  h.srv.URL + "/api/v1/logs/../users?" + query,
		"a bounded read":  h.srv.URL + "/api/v1/logs?" + query + "&until=2026-01-01T00:00:00.000Z",
		"newest first":    h.srv.URL + "/api/v1/logs?since=2026-01-01T00:00:00.000Z&sortOrder=DESCENDING",
		"no position":     h.srv.URL + "/api/v1/logs?limit=10",
		"a control route": h.srv.URL + "/_sim/events?" + query,
	}
	logsBefore := h.sim.CallCount("GET", "/api/v1/logs")
	for name, cursor := range tests {
		t.Run(name, func(t *testing.T) {
			r := runPoll(h.client.Poll(ctx, cursor, time.Now()), nil)
			if !errors.Is(r.err, intents.ErrInvalid) || len(r.pages) != 0 {
				t.Errorf("Poll(%q) = %d pages, %v; want ErrInvalid and no page", cursor, len(r.pages), r.err)
			}
		})
	}
	if r := runPoll(h.client.Poll(ctx, "", time.Time{}), nil); !errors.Is(r.err, intents.ErrInvalid) {
		t.Errorf("Poll without cursor or since = %v, want ErrInvalid", r.err)
	}
	if n := h.sim.CallCount("GET", "/api/v1/logs") - logsBefore; n != 0 {
		t.Errorf("refused cursors made %d System Log calls, want none", n)
	}
	if r := runPoll(h.client.Poll(ctx, good.last(), time.Time{}), nil); r.err != nil {
		t.Errorf("Poll from a good cursor: %v", r.err)
	}
}

// The detection event types are filtered by Okta: every System Log
// request of a poll carries the filter, and events no detection reads
// are not returned.
func TestPollFilterPushed(t *testing.T) {
	h := newHarness(t, setup{fixture: &oktasim.Fixture{}})
	ctx := context.Background()
	at := time.Now().Add(-time.Minute)
	_, err := h.sim.AddEvents([]oktasim.Object{
		pollEvent("d1", "user.session.start", at),
		pollEvent("n1", "group.lifecycle.create", at),
		pollEvent("d2", "user.account.lock", at),
		pollEvent("n2", "application.user_membership.add", at),
		pollEvent("d3", "policy.rule.update", at),
		pollEvent("n3", "system.import.start", at),
	})
	if err != nil {
		t.Fatal(err)
	}
	r := runPoll(h.client.poll(ctx, "", at.Add(-time.Minute), 2), nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if diff := cmp.Diff([]string{"d1", "d2", "d3"}, r.uuids); diff != "" {
		t.Errorf("polled events (-want +got):\n%s", diff)
	}
	want := anyOf(typeTerms(detectionEventTypes())...)
	n := 0
	for _, line := range h.seen.all() {
		f := strings.Fields(line)
		if len(f) < 2 || !strings.HasPrefix(f[1], "/api/v1/logs?") {
			continue
		}
		n++
		u, err := url.Parse(f[1])
		if err != nil {
			t.Fatal(err)
		}
		if got := u.Query().Get("filter"); got != want {
			t.Errorf("request %s: filter %q, want the detection types %q", f[1], got, want)
		}
	}
	if n < 2 {
		t.Errorf("%d System Log requests, want the pages and the empty one", n)
	}
}
