package okta

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/detect"
	"github.com/oktabot/oktabot/okta/oktasim"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

// demoStory finds a story of the demo org by id.
func demoStory(t *testing.T, stories []demo.Story, id string) demo.Story {
	t.Helper()
	for _, s := range stories {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no story %s among %d", id, len(stories))
	return demo.Story{}
}

// torSignIn is story a's successful sign-in from the Tor exit node among
// events.
func torSignIn(t *testing.T, events []intents.Event, tor demo.Story) intents.Event {
	t.Helper()
	for _, e := range events {
		if e.EventType == "user.session.start" && e.Outcome.Result == "SUCCESS" && slices.Contains(tor.Events, e.UUID) {
			return e
		}
	}
	t.Fatalf("the Tor story's sign-in is not among the %d events", len(events))
	return intents.Event{}
}

// checkWeakenedRule checks the threat sweep's finding on story e: the
// rule's change before → after, rated as a weakening, and the sign-in that
// used the weakened rule first (story a's, from Tor) with its time and IP.
func checkWeakenedRule(t *testing.T, res intents.Result, stories []demo.Story) {
	t.Helper()
	policy, tor := demoStory(t, stories, "mfa-removed"), demoStory(t, stories, "tor-takeover")
	i := slices.IndexFunc(res.Findings, func(f intents.Finding) bool {
		return f.Detection == detect.SecurityConfigChange && f.User == policy.Users[0] && strings.HasPrefix(f.Summary, "Policy rule")
	})
	if i < 0 {
		t.Fatalf("no security_config_change finding on %s's rule change; findings: %v", policy.Users[0], summaries(res.Findings))
	}
	f := res.Findings[i]
	texts := make([]string, len(f.Evidence))
	for k, ev := range f.Evidence {
		texts[k] = ev.Text
	}
	if !strings.Contains(f.Summary, "weakened") || !strings.HasSuffix(f.Summary, "(requireFactor: true → false)") {
		t.Errorf("finding summary %q: want the rule weakened, requireFactor: true → false", f.Summary)
	}
	if !slices.ContainsFunc(f.Evidence, func(ev intents.Evidence) bool {
		return strings.HasPrefix(ev.Text, "requireFactor: true → false") && ev.Points > 0
	}) {
		t.Errorf("finding evidence %q: want a weighed requireFactor: true → false", texts)
	}
	signIn := torSignIn(t, res.Events, tor)
	want := "first sign-in through it without MFA: john@company.com at " + signIn.Published.UTC().Format("15:04 MST Jan 2") +
		" from 185.220.101.1"
	if !slices.ContainsFunc(texts, func(s string) bool { return strings.HasPrefix(s, want) }) {
		t.Errorf("finding evidence %q: want %q…", texts, want)
	}
	if !slices.Contains(f.Events, signIn.UUID) {
		t.Errorf("finding events %v do not name the Tor sign-in %s", f.Events, signIn.UUID)
	}
	if f.Severity != intents.SeverityCritical {
		t.Errorf("finding %s (%d): a rule weakened, then used through Tor, is Critical", f.Severity, f.Score)
	}
}

// TestPolicyWeakeningStory: the demo org's policy-weakening story, read by
// the adapter through the real SDK against the simulator, shows
// requireFactor: true → false in the admin actions and in the sweep's
// finding, and the finding names the sign-in that used the weakened rule.
func TestPolicyWeakeningStory(t *testing.T) {
	h := demoHarness(t, Config{})
	ctx := t.Context()
	stories := demo.Stories()

	res, err := h.client.Query(ctx, intents.Intent{Kind: intents.Threats, Window: intents.Duration(168 * time.Hour)})
	if err != nil {
		t.Fatalf("Query(threats 168h) error = %v", err)
	}
	checkWeakenedRule(t, res, stories)

	admin, err := h.client.Query(ctx, intents.Intent{Kind: intents.AdminActions, Window: intents.Duration(48 * time.Hour)})
	if err != nil {
		t.Fatalf("Query(admin-actions 48h) error = %v", err)
	}
	i := slices.IndexFunc(admin.Events, func(e intents.Event) bool { return e.EventType == "policy.rule.update" })
	if i < 0 {
		t.Fatalf("Query(admin-actions 48h) lists no policy.rule.update among %d events", len(admin.Events))
	}
	e := admin.Events[i]
	if len(e.Targets) == 0 {
		t.Fatalf("policy.rule.update %s has no targets", e.UUID)
	}
	want := intents.Change{Path: "actions.signon.requireFactor", From: json.RawMessage(`true`), To: json.RawMessage(`false`)}
	if !slices.ContainsFunc(e.Targets[0].Changes, func(c intents.Change) bool {
		return c.Path == want.Path && string(c.From) == string(want.From) && string(c.To) == string(want.To)
	}) {
		t.Errorf("policy.rule.update %s rule target changes %+v, want %s", e.UUID, e.Targets[0].Changes, want)
	}
}

// TestThreatsOnTheDemoOrgAnyDay: the demo org built for other presents
// and team zones (its stories on their weekdays and hours) still gives
// every story to `threats 7d`, the Tor takeover to `threats 24h`, and the
// weakened rule's first use to the finding on the change.
func TestThreatsOnTheDemoOrgAnyDay(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		now  time.Time
		zone *time.Location
	}{
		{"Saturday 02:00 in Chicago", time.Date(2026, time.November, 21, 2, 0, 0, 0, chicago), chicago},
		{"Tuesday noon UTC", time.Date(2026, time.November, 17, 12, 0, 0, 0, time.UTC), time.UTC},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, setup{fixture: demo.OrgAt(oktasim.DialectOIE, tc.now, tc.zone)})
			stories := demo.StoriesAt(oktasim.DialectOIE, tc.now, tc.zone)
			week, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.Threats, Window: intents.Duration(168 * time.Hour)})
			if err != nil {
				t.Fatalf("Query(threats 168h) error = %v", err)
			}
			found := func(res intents.Result, s demo.Story, det string) bool {
				return slices.ContainsFunc(res.Findings, func(f intents.Finding) bool {
					return f.Detection == det && slices.Contains(s.Users, f.User) &&
						slices.ContainsFunc(f.Events, func(id string) bool { return slices.Contains(s.Events, id) })
				})
			}
			for _, s := range stories {
				for _, det := range s.Detections {
					if !found(week, s, det) {
						t.Errorf("threats 168h: no %s finding on %v naming story %s's events; findings: %v", det, s.Users, s.ID, summaries(week.Findings))
					}
				}
			}
			checkWeakenedRule(t, week, stories)

			day, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.Threats, Window: intents.Day})
			if err != nil {
				t.Fatalf("Query(threats 24h) error = %v", err)
			}
			tor := demoStory(t, stories, "tor-takeover")
			for _, det := range []string{detect.FailedLoginBurst, detect.SuccessAfterFailures, detect.AnonymizingProxyLogin} {
				if !found(day, tor, det) {
					t.Errorf("threats 24h: no %s finding on the Tor story; findings: %v", det, summaries(day.Findings))
				}
			}
		})
	}
}
