package okta

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// Every System Log read takes its window from the intent, end included:
// a window that ends two hours ago lists nothing of the last two hours,
// whatever the kind.
func TestEveryLogReadEndsAtTheIntentsEnd(t *testing.T) {
	h := newHarness(t, setup{fixture: testOrg()})
	now := time.Now().UTC()
	from, until := now.Add(-6*time.Hour).Truncate(time.Second), now.Add(-2*time.Hour).Truncate(time.Second)
	// john fails to sign in from Russia (through a proxy) before, inside and after the window.
	for _, ev := range []struct {
		uuid string
		ago  time.Duration
	}{{"before", -7 * time.Hour}, {"inside", -3 * time.Hour}, {"after", -1 * time.Hour}} {
		e := logEvent(ev.uuid, ev.ago, "user.session.start", "00u1", "john@company.com", "FAILURE", "Russia")
		e["target"] = []any{}
		if err := h.sim.AddLogs(e); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		in     intents.Intent
		listed bool // the "inside" event is listed
	}{
		{intents.Intent{Kind: intents.Logs, User: "john@company.com"}, true},
		{intents.Intent{Kind: intents.AdminActions}, false},
		{intents.Intent{Kind: intents.SecurityEvents}, false},
		{intents.Intent{Kind: intents.FailedLogins}, true},
		{intents.Intent{Kind: intents.SuspiciousLogins}, true},
		{intents.Intent{Kind: intents.LoginHistory, User: "john@company.com"}, true},
		{intents.Intent{Kind: intents.Investigate, User: "john@company.com"}, true},
		{intents.Intent{Kind: intents.Threats}, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.in.Kind), func(t *testing.T) {
			in := tt.in
			in.Since, in.Until = from, until
			mark := len(h.seen.all())
			res, err := h.client.Query(t.Context(), in)
			if err != nil {
				t.Fatalf("Query(%s since %v until %v) error = %v", in.Kind, from, until, err)
			}
			if !res.Since.Equal(from) || !res.Until.Equal(until) {
				t.Errorf("Query(%s) answered over [%v, %v), want [%v, %v)", in.Kind, res.Since, res.Until, from, until)
			}
			reads := 0
			for _, line := range since(h, mark) {
				f := strings.Fields(line)
				u, err := url.Parse(f[1])
				if err != nil || u.Path != "/api/v1/logs" {
					continue
				}
				reads++
				got, err := time.Parse(time.RFC3339, u.Query().Get("until"))
				if err != nil || got.After(until) {
					t.Errorf("Query(%s) asked Okta for %s: until %q, want at most %v", in.Kind, f[1], u.Query().Get("until"), until)
				}
			}
			if reads == 0 {
				t.Errorf("Query(%s) read no System Log", in.Kind)
			}
			var uuids []string
			for _, e := range res.Events {
				uuids = append(uuids, e.UUID)
				if e.Published.Before(from) || !e.Published.Before(until) {
					t.Errorf("Query(%s) listed %s of %v, outside the window", in.Kind, e.UUID, e.Published)
				}
			}
			if tt.listed && !slices.Contains(uuids, "inside") {
				t.Errorf("Query(%s) listed %v, want the event inside the window", in.Kind, uuids)
			}
			if res.Read < len(res.Events) || (tt.listed && res.Read == 0) {
				t.Errorf("Query(%s) says it read %d events and lists %d", in.Kind, res.Read, len(res.Events))
			}
			if res.Stopped != "" {
				t.Errorf("Query(%s) says the read stopped early (%s)", in.Kind, res.Stopped)
			}
		})
	}
}

// signInBurst adds n failed sign-ins of john from one Tor-like proxy, a
// minute apart, the newest a minute ago, and returns them newest first.
func signInBurst(t *testing.T, h *harness, n int) []oktasim.Object {
	t.Helper()
	var evs []oktasim.Object
	for i := range n {
		e := logEvent(fmt.Sprintf("burst-%04d", i), -time.Duration(i+1)*time.Minute, "user.session.start", "00u1", "john@company.com", "FAILURE", "Russia")
		e["target"] = []any{}
		evs = append(evs, e)
	}
	if err := h.sim.AddLogs(evs...); err != nil {
		t.Fatal(err)
	}
	return evs
}

// A window with more events than one answer reads is read down to the
// bound: the answer says so (Stopped, Reached) and keeps it apart from
// a listing that shows fewer rows than it read (Truncated).
func TestCappedReadSaysWhereItStopped(t *testing.T) {
	const bound = 40
	h := newHarness(t, setup{fixture: testOrg(), cfg: Config{MaxEventsRead: bound}})
	evs := signInBurst(t, h, 100)
	newest := parseTime(evs[bound-1]["published"].(string))
	for _, tt := range []struct {
		in           intents.Intent
		listed       int
		truncated    bool
		mayListFewer bool
	}{
		{intents.Intent{Kind: intents.FailedLogins, Window: intents.Duration(3 * time.Hour)}, bound, false, false},
		{intents.Intent{Kind: intents.FailedLogins, Window: intents.Duration(3 * time.Hour), Limit: 10}, 10, true, false},
		{intents.Intent{Kind: intents.Investigate, User: "john@company.com", Window: intents.Duration(3 * time.Hour)}, bound, false, false},
		// threats streams its window through detect's engine and is not
		// bound: TestThreatsSweepWeek.
	} {
		res, err := h.client.Query(t.Context(), tt.in)
		if err != nil {
			t.Fatalf("Query(%s) error = %v", tt.in.Kind, err)
		}
		reached := res.Reached.Equal(newest) || (tt.mayListFewer && res.Reached.After(newest)) // the sweep reads the org's other events too
		if res.Stopped != intents.StopCap || res.Read != bound || !reached {
			t.Errorf("Query(%s) stopped %q at %v after %d events, want %q at %v after %d", tt.in.Kind, res.Stopped, res.Reached, res.Read, intents.StopCap, newest, bound)
		}
		if (len(res.Events) != tt.listed && !tt.mayListFewer) || res.Truncated != tt.truncated {
			t.Errorf("Query(%s limit %d) lists %d events (truncated %v), want %d (truncated %v)", tt.in.Kind, tt.in.Limit, len(res.Events), res.Truncated, tt.listed, tt.truncated)
		}
		if len(res.Notes) > 0 {
			t.Errorf("Query(%s) notes %q; the cap is said by Stopped", tt.in.Kind, res.Notes)
		}
	}
}

// A read Okta stops after its first page — its rate limit not waited out
// within the request, or its 30-second cut-off even on the narrowest part
// of the window — answers with what it read and says why it stopped; one
// stopped before any page is an error.
func TestReadStoppedByOkta(t *testing.T) {
	in := intents.Intent{Kind: intents.FailedLogins, Window: intents.Duration(48 * time.Hour)}
	t.Run("rate limit", func(t *testing.T) {
		h := newHarness(t, setup{fixture: testOrg()})
		signInBurst(t, h, 1500) // two pages of 1,000
		h.sim.SetRateLimit(oktasim.FamilyLogs, 1, time.Hour)
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second) // shorter than the wait for the reset
		defer cancel()
		res, err := h.client.Query(ctx, in)
		if err != nil {
			t.Fatalf("Query(failed logins) error = %v; want the first page, marked incomplete", err)
		}
		if res.Stopped != intents.StopRateLimit || res.Read != logPageMax || res.Reached.IsZero() {
			t.Errorf("Query(failed logins) stopped %q at %v after %d events, want %q after the first page of %d", res.Stopped, res.Reached, res.Read, intents.StopRateLimit, logPageMax)
		}
		if n := h.answered("/api/v1/logs", 429); n == 0 {
			t.Errorf("the simulator refused no System Log call: the limit was not reached")
		}
	})
	t.Run("query timeout", func(t *testing.T) {
		h := newHarness(t, setup{fixture: testOrg()})
		signInBurst(t, h, 1500)
		for range 200 {
			h.failAfter("GET", "/api/v1/logs", 1, 500) // every call after the first: Okta's 30-second cut-off
		}
		res, err := h.client.Query(t.Context(), in)
		if err != nil {
			t.Fatalf("Query(failed logins) error = %v; want the first page, marked incomplete", err)
		}
		if res.Stopped != intents.StopTimeout || res.Read != logPageMax {
			t.Errorf("Query(failed logins) stopped %q after %d events, want %q after the first page of %d", res.Stopped, res.Read, intents.StopTimeout, logPageMax)
		}
	})
	t.Run("before the first page", func(t *testing.T) {
		h := newHarness(t, setup{fixture: testOrg()})
		signInBurst(t, h, 10)
		for range 200 {
			h.failOnce("GET", "/api/v1/logs", 500)
		}
		if res, err := h.client.Query(t.Context(), in); err == nil {
			t.Errorf("Query(failed logins) = %d events (stopped %q), want an error: nothing was read", len(res.Events), res.Stopped)
		}
	})
}
