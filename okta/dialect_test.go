package okta

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/detect"
	"github.com/oktabot/oktabot/okta/oktasim"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

// TestThreatsInBothDialects sweeps the demo org written as an Identity
// Engine org and as a Classic org: the detections find every story in
// both, and the same findings (detection and user) in both.
func TestThreatsInBothDialects(t *testing.T) {
	ctx := context.Background()
	found := map[string][]string{}
	for _, d := range []string{oktasim.DialectOIE, oktasim.DialectClassic} {
		t.Run(d, func(t *testing.T) {
			h := newHarness(t, setup{fixture: demo.OrgIn(d)})
			res, err := h.client.Query(ctx, intents.Intent{Kind: intents.Threats, Window: intents.Duration(168 * time.Hour)})
			if err != nil {
				t.Fatalf("Query(threats 168h) error = %v", err)
			}
			for _, s := range demo.StoriesIn(d) {
				for _, det := range s.Detections {
					if !slices.ContainsFunc(res.Findings, func(f intents.Finding) bool {
						return f.Detection == det && slices.Contains(s.Users, f.User) &&
							slices.ContainsFunc(f.Events, func(id string) bool { return slices.Contains(s.Events, id) })
					}) {
						t.Errorf("%s: no %s finding on %v naming the story's events; findings: %v", s.ID, det, s.Users, summaries(res.Findings))
					}
				}
			}
			// John's 12 wrong passwords from Tor are failed sign-ins,
			// never MFA failures.
			for _, f := range res.Findings {
				if f.Detection == "mfa_failures" {
					t.Errorf("finding %s on %s: %s", f.Detection, f.User, f.Summary)
				}
			}
			keys := summaries(res.Findings)
			slices.Sort(keys)
			found[d] = keys
		})
	}
	if len(found) == 2 {
		if diff := cmp.Diff(found[oktasim.DialectClassic], found[oktasim.DialectOIE]); diff != "" {
			t.Errorf("the detections find other things in the two dialects (-classic +oie):\n%s", diff)
		}
	}
}

// TestSecurityEventsShowPushDenials: `security-events` lists Emily's
// denied pushes on the demo org in both dialects: Classic's deny_push
// events, Identity Engine's failed push checks (it logs no deny_push).
func TestSecurityEventsShowPushDenials(t *testing.T) {
	for _, d := range []string{oktasim.DialectOIE, oktasim.DialectClassic} {
		t.Run(d, func(t *testing.T) {
			h := newHarness(t, setup{fixture: demo.OrgIn(d)})
			story := demo.StoriesIn(d)[1]
			// "/okta logs type:user.mfa.okta_verify.deny_push" (free text:
			// "push denials") finds them in either dialect too.
			logs, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.Logs, User: "emily.chen@company.com",
				EventType: "user.mfa.okta_verify.deny_push", Window: intents.Duration(72 * time.Hour)})
			if err != nil {
				t.Fatalf("Query(logs deny_push emily 72h) error = %v", err)
			}
			if n := len(logs.Events); n != 7 {
				t.Errorf("logs type:user.mfa.okta_verify.deny_push lists %d events for emily, want the story's 7 push denials", n)
			}
			res, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.SecurityEvents, User: "emily.chen@company.com",
				Window: intents.Duration(72 * time.Hour)})
			if err != nil {
				t.Fatalf("Query(security-events emily 72h) error = %v", err)
			}
			var denials []string
			for _, e := range res.Events {
				if !slices.Contains(story.Events, e.UUID) {
					continue
				}
				push := e.EventType == "user.mfa.okta_verify.deny_push" ||
					e.EventType == "user.authentication.auth_via_mfa" && e.Debug["factor"] == "OKTA_VERIFY_PUSH" && e.Outcome.Reason == "INVALID_CREDENTIALS"
				if !push {
					t.Errorf("security-events lists %s (%s %s), no push denial", e.UUID, e.EventType, e.Debug["factor"])
				}
				denials = append(denials, e.UUID)
			}
			if len(denials) != 7 {
				t.Errorf("security-events lists %d of the story's 7 push denials: %v", len(denials), denials)
			}
		})
	}
}

// TestUnlockBlockedUserThroughAProposal: on the demo org (both dialects)
// the threat sweep finds story g's lock from new devices and proposes
// unlock_user for the user, who is ACTIVE; the proposal previews and
// executes, and the block is gone.
func TestUnlockBlockedUserThroughAProposal(t *testing.T) {
	for _, d := range []string{oktasim.DialectOIE, oktasim.DialectClassic} {
		t.Run(d, func(t *testing.T) {
			ctx := t.Context()
			h := newHarness(t, setup{fixture: demo.OrgIn(d), cfg: Config{Scopes: allScopes()}})
			stories := demo.StoriesIn(d)
			story := stories[len(stories)-1]
			login := story.Users[0]
			res, err := h.client.Query(ctx, intents.Intent{Kind: intents.Threats, Window: intents.Duration(168 * time.Hour)})
			if err != nil {
				t.Fatalf("Query(threats 168h) error = %v", err)
			}
			i := slices.IndexFunc(res.Proposals, func(a intents.Action) bool {
				return a.Kind == intents.UnlockUser && a.User != nil && a.User.Name == login
			})
			if i < 0 {
				t.Fatalf("Query(threats 168h) proposes no unlock_user for %s: %+v", login, res.Proposals)
			}
			unlock := res.Proposals[i]
			p, err := h.client.Preview(ctx, intents.Intent{Kind: unlock.Kind, User: unlock.User.ID, Reason: unlock.Reason})
			if err != nil {
				t.Fatalf("Preview(unlock %s) error = %v", login, err)
			}
			if p.Before != blockedUnknown {
				t.Errorf("Preview(unlock %s).Before = %q, want %q", login, p.Before, blockedUnknown)
			}
			if _, err := h.client.Execute(ctx, p); err != nil {
				t.Fatalf("Execute(unlock %s) error = %v", login, err)
			}
			if b, err := h.client.userBlocks(ctx, unlock.User.ID); err != nil || len(b) != 0 {
				t.Errorf("after the unlock, %s's blocks = %v, %v; want none", login, b, err)
			}
		})
	}
}

// TestInvestigateBlockedUser: investigating story g's user, who is ACTIVE
// but blocked from new devices, proposes the unlock.
func TestInvestigateBlockedUser(t *testing.T) {
	h := demoHarness(t, Config{})
	stories := demo.Stories()
	login := stories[len(stories)-1].Users[0]
	res, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.Investigate, User: login, Window: intents.Duration(168 * time.Hour)})
	if err != nil {
		t.Fatalf("Query(investigate %s) error = %v", login, err)
	}
	if !slices.Equal(res.Profile.Blocks, []string{"UNKNOWN_DEVICES"}) {
		t.Errorf("Query(investigate %s).Profile.Blocks = %v, want UNKNOWN_DEVICES", login, res.Profile.Blocks)
	}
	if !slices.ContainsFunc(res.Proposals, func(a intents.Action) bool { return a.Kind == intents.UnlockUser }) {
		t.Errorf("Query(investigate %s) proposals %+v, want unlock_user", login, res.Proposals)
	}
}

// TestBehaviorShapesThroughTheAdapter: Okta writes debugData.behaviors and
// risk as a braced string, a JSON array of "Name=VALUE" strings or a JSON
// object; decoded by the adapter, all three give the same findings.
func TestBehaviorShapesThroughTheAdapter(t *testing.T) {
	event := func(behaviors, risk string) string {
		return `{"uuid":"u1","published":"2026-10-12T02:14:08.640Z","eventType":"user.session.start","displayMessage":"User login to Okta",
			"actor":{"id":"00u1","type":"User","alternateId":"rachel@company.com","displayName":"Rachel"},
			"client":{"ipAddress":"95.24.117.201","geographicalContext":{"city":"Moscow","country":"Russia","geolocation":{"lat":55.75,"lon":37.61}}},
			"outcome":{"result":"SUCCESS"},"debugContext":{"debugData":{"behaviors":` + behaviors + `,"risk":` + risk + `}}}`
	}
	shapes := map[string]string{
		"braced": event(`"{New Geo-Location=POSITIVE, New Device=POSITIVE, New IP=POSITIVE, New Country=POSITIVE}"`, `"{reasons=Anomalous Device, New Country, level=HIGH}"`),
		"array":  event(`["New Geo-Location=POSITIVE","New Device=POSITIVE","New IP=POSITIVE","New Country=POSITIVE"]`, `["reasons=Anomalous Device, New Country","level=HIGH"]`),
		"object": event(`{"New Geo-Location":"POSITIVE","New Device":"POSITIVE","New IP":"POSITIVE","New Country":"POSITIVE"}`, `{"reasons":["Anomalous Device","New Country"],"level":"HIGH"}`),
	}
	var want []intents.Finding
	for _, name := range []string{"braced", "array", "object"} {
		e, err := decodeEvent([]byte(shapes[name]))
		if err != nil {
			t.Fatalf("decodeEvent(%s) error = %v", name, err)
		}
		got := detect.Run(detect.DefaultConfig(), []intents.Event{e})
		if name == "braced" {
			want = got
			if len(want) == 0 {
				t.Fatal("no findings for the braced shape")
			}
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("findings with behaviors as %s differ from the braced string's (-braced +%s):\n%s", name, name, diff)
		}
	}
}
