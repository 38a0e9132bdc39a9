package okta

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/detect"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

// demoHarness is a harness on the demo org, whose System Log the
// simulator moves so that demo.Now is now.
func demoHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	return newHarness(t, setup{fixture: demo.Org(), cfg: cfg})
}

// sentFilters lists the decoded `filter` parameters of the requests to
// exactly path among the requests seen (h.seen.all() or a part of it).
func sentFilters(seen []string, path string) []string {
	var out []string
	for _, line := range seen {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		u, err := url.Parse(f[1])
		if err != nil || u.Path != path {
			continue
		}
		out = append(out, u.Query().Get("filter"))
	}
	return out
}

// passes counts the reads of path that started afresh (without an `after`
// cursor) at the end of a window: one per pass over a window, however
// many pages it has. The slices a busy window's pass reads at once start
// before the window's end (newest first, where its first page ended) and
// belong to that pass.
func passes(seen []string, path string) int {
	var fresh []url.Values
	latest := ""
	for _, line := range seen {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		if u, err := url.Parse(f[1]); err == nil && u.Path == path && !u.Query().Has("after") {
			v := u.Query()
			fresh = append(fresh, v)
			latest = max(latest, v.Get("until"))
		}
	}
	n := 0
	for _, v := range fresh {
		if v.Get("sortOrder") != "DESCENDING" || v.Get("until") == latest {
			n++
		}
	}
	return n
}

// storyUsers is every login the stories involve.
func storyUsers(stories []demo.Story) map[string]bool {
	out := map[string]bool{}
	for _, s := range stories {
		for _, u := range s.Users {
			out[u] = true
		}
	}
	return out
}

// since returns the requests a harness saw after the first n.
func since(h *harness, n int) []string { return h.seen.all()[n:] }

func TestThreatsOnTheDemoOrg(t *testing.T) {
	h := demoHarness(t, Config{})
	ctx := context.Background()
	stories := demo.Stories()
	mark := len(h.seen.all())
	res, err := h.client.Query(ctx, intents.Intent{Kind: intents.Threats, Window: intents.Duration(168 * time.Hour)})
	if err != nil {
		t.Fatalf("Query(threats 168h) error = %v", err)
	}
	seen := since(h, mark)
	for _, s := range stories {
		t.Run(s.ID, func(t *testing.T) {
			for _, det := range s.Detections {
				found := slices.ContainsFunc(res.Findings, func(f intents.Finding) bool {
					return f.Detection == det && slices.Contains(s.Users, f.User) &&
						slices.ContainsFunc(f.Events, func(id string) bool { return slices.Contains(s.Events, id) })
				})
				if !found {
					t.Errorf("Query(threats 168h): no %s finding on %v naming the story's events; findings: %v", det, s.Users, summaries(res.Findings))
				}
			}
		})
	}
	t.Run("ordinary users", func(t *testing.T) {
		involved := storyUsers(stories)
		for _, f := range res.Findings {
			if !involved[f.User] {
				t.Errorf("Query(threats 168h): finding %s on %q, who has only ordinary activity: %s", f.Detection, f.User, f.Summary)
			}
			if len(f.Events) == 0 {
				t.Errorf("Query(threats 168h): finding %s on %q names no events", f.Detection, f.User)
			}
		}
	})
	t.Run("grouped by user, worst first", func(t *testing.T) {
		var order []string
		for _, f := range res.Findings {
			if len(order) == 0 || order[len(order)-1] != f.User {
				if slices.Contains(order, f.User) {
					t.Fatalf("Query(threats 168h): findings of %s are not together: %v", f.User, summaries(res.Findings))
				}
				order = append(order, f.User)
			}
		}
		want := []string{"chris.morgan@company.com", "john@company.com"} // both Critical (100)
		if len(order) < 2 || !slices.Contains(want, order[0]) || !slices.Contains(want, order[1]) {
			t.Errorf("Query(threats 168h): users in order %v, want %v first", order, want)
		}
	})
	t.Run("proposals resolved", func(t *testing.T) {
		if len(res.Proposals) == 0 {
			t.Fatal("Query(threats 168h) proposed nothing")
		}
		for _, p := range res.Proposals {
			if p.User != nil && !strings.HasPrefix(p.User.ID, "00u") {
				t.Errorf("Query(threats 168h): proposal %s for %q has no Okta user id", p.Kind, p.User.Name)
			}
			if p.Confidence <= 0 || len(p.Evidence) == 0 {
				t.Errorf("Query(threats 168h): proposal %s for %v has confidence %d and %d evidence items", p.Kind, p.User, p.Confidence, len(p.Evidence))
			}
		}
	})
	t.Run("one filtered pass", func(t *testing.T) {
		if n := passes(seen, "/api/v1/logs"); n != 1 {
			t.Errorf("Query(threats 168h) read the System Log in %d passes, want 1", n)
		}
		for _, f := range sentFilters(seen, "/api/v1/logs") {
			if !strings.Contains(f, `eventType sw "user.session."`) || strings.Contains(f, "group.user_membership") {
				t.Errorf("Query(threats 168h) sent filter %q, want the detections' event types", f)
			}
		}
	})
	t.Run("events behind the findings", func(t *testing.T) {
		named := namedEvents(res.Findings)
		for _, e := range res.Events {
			if !named[e.UUID] {
				t.Errorf("Query(threats 168h) lists event %s (%s) that no finding names", e.UUID, e.EventType)
			}
		}
		if len(res.Events) == 0 {
			t.Error("Query(threats 168h) lists no events")
		}
	})
	t.Run("the filter loses nothing", func(t *testing.T) {
		// The detections over the whole, unfiltered log find the same.
		var all []intents.Event
		for e, err := range h.client.Events(ctx, intents.LogFilter{Since: time.Now().Add(-168 * time.Hour)}) {
			if err != nil {
				t.Fatalf("Events() error = %v", err)
			}
			all = append(all, e)
		}
		want := findingKeys(detect.Run(detect.DefaultConfig(), all))
		if diff := cmp.Diff(want, findingKeys(res.Findings)); diff != "" {
			t.Errorf("Query(threats 168h) findings differ from the detections over the unfiltered log (-unfiltered +threats):\n%s", diff)
		}
	})
}

// findingKeys identifies findings by detection, user and events, sorted.
func findingKeys(fs []intents.Finding) []string {
	var out []string
	for _, f := range fs {
		ev := slices.Clone(f.Events)
		sort.Strings(ev)
		out = append(out, f.Detection+" "+f.User+" "+strings.Join(ev, ","))
	}
	sort.Strings(out)
	return out
}

func summaries(fs []intents.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Detection+"@"+f.User)
	}
	return out
}

// inflight counts the requests a transport has in flight and the most it
// ever had.
type inflight struct {
	base http.RoundTripper
	mu   sync.Mutex
	now  int
	peak int
}

func (t *inflight) RoundTrip(r *http.Request) (*http.Response, error) {
	t.mu.Lock()
	t.now++
	t.peak = max(t.peak, t.now)
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		t.now--
		t.mu.Unlock()
	}()
	return t.base.RoundTrip(r)
}

// startPeak forgets the peak so far.
func (t *inflight) startPeak() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.peak = 0
}

func (t *inflight) peakSeen() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.peak
}

func TestInvestigateJohn(t *testing.T) {
	counter := &inflight{base: http.DefaultTransport.(*http.Transport).Clone()}
	h := demoHarness(t, Config{HTTPClient: &http.Client{Transport: counter}})
	ctx := context.Background()
	john, err := h.client.ResolveUser(ctx, "john@company.com") // also fetches the token
	if err != nil {
		t.Fatalf("ResolveUser(john) error = %v", err)
	}
	in := intents.Intent{Kind: intents.Investigate, User: "john@company.com"}
	mark := len(h.seen.all())
	h.sim.SetLatency(20 * time.Millisecond) // calls last long enough to overlap when they run together
	counter.startPeak()
	res, err := h.client.Query(ctx, in)
	h.sim.SetLatency(0)
	if err != nil {
		t.Fatalf("Query(investigate john) error = %v", err)
	}
	seen := since(h, mark)

	t.Run("profile", func(t *testing.T) {
		p := res.Profile
		if p == nil || p.User.ID != john.ID || len(p.Factors) == 0 || len(p.Groups) == 0 || len(p.Apps) == 0 || res.Subject != john.Login {
			t.Fatalf("Query(investigate john) profile = %+v, subject %q; want john with factors, groups and apps", p, res.Subject)
		}
	})
	t.Run("reads run concurrently", func(t *testing.T) {
		if n := counter.peakSeen(); n < 2 {
			t.Errorf("Query(investigate john) had at most %d request in flight, want the profile and log reads together; requests %q", n, seen)
		}
	})
	t.Run("one filtered pass", func(t *testing.T) {
		want := `(actor.id eq "` + john.ID + `" or target.id eq "` + john.ID + `")`
		got := sentFilters(seen, "/api/v1/logs")
		if len(got) == 0 || got[0] != want {
			t.Errorf("Query(investigate john) sent filters %q, want %q", got, want)
		}
		if n := passes(seen, "/api/v1/logs"); n != 1 {
			t.Errorf("Query(investigate john) read the System Log in %d passes, want 1", n)
		}
	})
	t.Run("findings name the story", func(t *testing.T) {
		tor := demo.Stories()[0]
		for _, det := range tor.Detections {
			if !slices.ContainsFunc(res.Findings, func(f intents.Finding) bool { return f.Detection == det && len(f.Events) > 0 }) {
				t.Errorf("Query(investigate john) has no %s finding: %v", det, summaries(res.Findings))
			}
		}
		shown := map[string]bool{}
		for _, e := range res.Events {
			shown[e.UUID] = true
		}
		for _, id := range tor.Events {
			if !shown[id] {
				t.Errorf("Query(investigate john) does not list the story's event %s", id)
			}
		}
	})

	var suspend *intents.Action
	for i, p := range res.Proposals {
		if p.User == nil || p.User.ID != john.ID || p.User.Name != john.Login {
			t.Errorf("Query(investigate john) proposes %s for %+v, not john", p.Kind, p.User)
		}
		if p.Kind == intents.SuspendUser {
			suspend = &res.Proposals[i]
		}
	}
	if suspend == nil {
		t.Fatalf("Query(investigate john) proposals %+v, want suspend_user", res.Proposals)
	}
	t.Run("suspend proposed with its evidence", func(t *testing.T) {
		if suspend.Confidence < 74 {
			t.Errorf("Query(investigate john) suspend confidence = %d, want at least 74 (Critical)", suspend.Confidence)
		}
		var texts []string
		for _, e := range suspend.Evidence {
			texts = append(texts, e.Text)
		}
		all := strings.Join(texts, "\n")
		for _, want := range []string{"12 failed sign-ins", "185.220.101.1", "successful sign-in from the same IP", "7 applications"} {
			if !strings.Contains(all, want) {
				t.Errorf("Query(investigate john) suspend evidence lacks %q:\n%s", want, all)
			}
		}
	})
	t.Run("json", func(t *testing.T) { checkResultJSON(t, res) })
	t.Run("approve suspends him", func(t *testing.T) {
		p, err := h.client.Preview(ctx, intents.Intent{Kind: suspend.Kind, User: suspend.User.ID, Reason: suspend.Reason})
		if err != nil {
			t.Fatalf("Preview(suspend john) error = %v", err)
		}
		if _, err := h.client.Execute(ctx, p); err != nil {
			t.Fatalf("Execute(suspend john) error = %v", err)
		}
		for _, u := range h.sim.Snapshot().Users {
			if u["id"] == john.ID && u["status"] != "SUSPENDED" {
				t.Errorf("after Execute(suspend john), john's status = %v, want SUSPENDED", u["status"])
			}
		}
		// Suspended now: investigating again does not propose it again.
		again, err := h.client.Query(ctx, in)
		if err != nil {
			t.Fatalf("Query(investigate john) again error = %v", err)
		}
		for _, p := range again.Proposals {
			if p.Kind == intents.SuspendUser {
				t.Errorf("Query(investigate john) proposes suspend_user for a suspended user")
			}
		}
	})
}

// checkResultJSON checks the keys `oktabot ask --json` prints for findings
// and proposals.
func checkResultJSON(t *testing.T, res intents.Result) {
	t.Helper()
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatalf("json.Marshal(result) error = %v", err)
	}
	var out struct {
		Findings  []map[string]json.RawMessage `json:"findings"`
		Proposals []map[string]json.RawMessage `json:"proposals"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("json.Unmarshal(result) error = %v", err)
	}
	if len(out.Findings) == 0 || len(out.Proposals) == 0 {
		t.Fatalf("result JSON has %d findings and %d proposals, want some of each", len(out.Findings), len(out.Proposals))
	}
	for i, f := range out.Findings {
		for _, k := range []string{"detection", "severity", "score", "user", "summary", "evidence", "events"} {
			if _, ok := f[k]; !ok {
				t.Errorf("findings[%d] JSON lacks %q: %v", i, k, keysOf(f))
			}
		}
		var evs []string
		if err := json.Unmarshal(f["events"], &evs); err != nil || len(evs) == 0 {
			t.Errorf("findings[%d].events = %s, want event uuids", i, f["events"])
		}
	}
	for i, p := range out.Proposals {
		for _, k := range []string{"kind", "user", "confidence", "evidence"} {
			if _, ok := p[k]; !ok {
				t.Errorf("proposals[%d] JSON lacks %q: %v", i, k, keysOf(p))
			}
		}
	}
}

func keysOf(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestInvestigateErrors(t *testing.T) {
	h := newHarness(t, setup{fixture: testOrg()})
	ctx := context.Background()
	tests := []struct {
		name string
		in   intents.Intent
		want error
	}{
		{"unknown user", intents.Intent{Kind: intents.Investigate, User: "nobody@company.com"}, intents.ErrNotFound},
		{"no user", intents.Intent{Kind: intents.Investigate}, intents.ErrInvalid},
		{"login history without user", intents.Intent{Kind: intents.LoginHistory}, intents.ErrInvalid},
		{"unknown country", intents.Intent{Kind: intents.SuspiciousLogins, Countries: []string{"Atlantis"}}, intents.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.client.Query(ctx, tt.in)
			if !errors.Is(err, tt.want) {
				t.Errorf("Query(%+v) error = %v, want %v", tt.in, err, tt.want)
			}
		})
	}
}
