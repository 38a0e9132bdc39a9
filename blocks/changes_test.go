package blocks

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// policyChange is story e of the demo org as the adapter decodes it: the
// Engineering sign-on rule loses its MFA requirement.
func policyChange() intents.Event {
	j := func(s string) json.RawMessage { return json.RawMessage(s) }
	return intents.Event{
		UUID: "e-rule", Published: ago(3 * time.Hour), EventType: "policy.rule.update", DisplayMessage: "Update policy rule",
		Severity: "INFO", Actor: intents.Actor{ID: "00uLISA", Type: "User", AlternateID: "lisa.nguyen@company.com", DisplayName: "Lisa Nguyen"},
		Targets: []intents.Actor{
			{ID: "0pr1", Type: "PolicyRule", AlternateID: "unknown", DisplayName: "Engineering: require MFA",
				Detail: map[string]string{"policyType": "OKTA_SIGN_ON"},
				Changes: []intents.Change{
					{Path: "actions.signon.factorPromptMode", From: j(`"SESSION"`)},
					{Path: "actions.signon.requireFactor", From: j(`true`), To: j(`false`)},
				}},
			{ID: "00p1", Type: "PolicyEntity", AlternateID: "unknown", DisplayName: "Engineering"},
		},
		Client:  intents.EventClient{IP: "64.125.163.141", City: "San Francisco", State: "California", Country: "United States"},
		Outcome: intents.EventOutcome{Result: "SUCCESS"},
	}
}

// weakenedFinding is the finding okta/detect makes of policyChange and the
// Tor sign-in that followed.
func weakenedFinding() intents.Finding {
	return intents.Finding{Detection: "security_config_change", Severity: intents.SeverityCritical, Score: 80, User: "lisa.nguyen@company.com",
		Summary: `Policy rule "Engineering: require MFA" of policy "Engineering" weakened by lisa.nguyen@company.com at 09:00 UTC Nov 28 (requireFactor: true → false)`,
		Evidence: []intents.Evidence{
			{Text: `policy rule updated "Engineering: require MFA" of policy "Engineering"`, Points: 25},
			{Text: "requireFactor: true → false — MFA is no longer required at sign-in", Points: 25},
			{Text: "factorPromptMode: SESSION → (unset)"},
			{Text: "it governs sign-on or MFA", Points: 5},
			{Text: "first sign-in through it without MFA: john@company.com at 09:38 UTC Nov 28 from 185.220.101.1 (Tor exit node / anonymizing proxy) in Frankfurt am Main, Germany", Points: 15},
			{Text: "that sign-in came through an anonymizing proxy", Points: 10},
		},
		Events: []string{"e-rule", "e-ok"}, Attack: []string{"T1556.006", "T1562.007"}}
}

// TestChangesGolden: an admin action and a finding show what a policy
// change changed, before → after.
func TestChangesGolden(t *testing.T) {
	opts := Options{Now: testNow}
	admin := intents.Event{
		UUID: "e-auth", Published: ago(2*time.Hour + 50*time.Minute), EventType: "security.authenticator.lifecycle.deactivate",
		DisplayMessage: "Deactivate authenticator", Severity: "INFO", Actor: policyChange().Actor,
		Targets: []intents.Actor{{ID: "aut1", Type: "Authenticator", AlternateID: "security_question", DisplayName: "Security Question"}},
		Client:  policyChange().Client, Outcome: intents.EventOutcome{Result: "SUCCESS"},
	}
	tests := []struct {
		name string
		r    intents.Result
	}{
		{"admin_actions_policy_change", intents.Result{Intent: intents.Intent{Kind: intents.AdminActions, Window: 2 * intents.Day},
			Events: []intents.Event{admin, policyChange()}, Since: ago(48 * time.Hour), Until: testNow}},
		{"security_events_policy_weakened", intents.Result{Intent: intents.Intent{Kind: intents.SecurityEvents, Window: intents.Day},
			Findings: []intents.Finding{weakenedFinding()}, Events: []intents.Event{policyChange()}, Since: ago(24 * time.Hour), Until: testNow}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := Result(tc.r, opts)
			if err := Validate(m); err != nil {
				t.Fatalf("Validate(Result(%s)) = %v", tc.name, err)
			}
			golden(t, tc.name+".json", messageJSON(t, m))
			text, _ := Plain(m)
			golden(t, tc.name+".txt", []byte(text+"\n"))
		})
	}
	t.Run("finding block", func(t *testing.T) {
		rc := &rctx{r: intents.Result{Intent: intents.Intent{Kind: intents.Investigate, User: "lisa.nguyen@company.com"}}, o: opts, tz: opts.zone(), c: levelCaps(0)}
		m := Message{Text: "finding", Blocks: []slack.Block{rc.findingBlock("finding_1", weakenedFinding(), "lisa.nguyen@company.com")}}
		golden(t, "finding_policy_weakened.json", messageJSON(t, m))
	})
}

// Admin actions fold a run of the same change by one admin into one row;
// a change that records its before → after stands alone.
func TestAdminActionsFoldRuns(t *testing.T) {
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	lisa := intents.Actor{Type: "User", AlternateID: "lisa@company.com", DisplayName: "Lisa Nguyen"}
	var evs []intents.Event
	for i, app := range []string{"GitHub", "AWS", "Slack", "Zoom", "Box", "Jira", "Confluence", "Workday"} {
		evs = append(evs, intents.Event{UUID: fmt.Sprint("add", i), EventType: "application.user_membership.add", DisplayMessage: "Add user to application membership",
			Published: at.Add(-time.Duration(i) * time.Minute), Actor: lisa, Outcome: intents.EventOutcome{Result: "SUCCESS"},
			Targets: []intents.Actor{{Type: "AppInstance", AlternateID: app, DisplayName: app + " (catalogue)"}}})
	}
	evs = append(evs, intents.Event{UUID: "rule", EventType: "policy.rule.update", DisplayMessage: "Update policy rule",
		Published: at.Add(-time.Hour), Actor: lisa, Outcome: intents.EventOutcome{Result: "SUCCESS"},
		Targets: []intents.Actor{{Type: "PolicyRule", DisplayName: "Engineering: require MFA",
			Changes: []intents.Change{{Path: "actions.signon.requireFactor", From: json.RawMessage("true"), To: json.RawMessage("false")}}}}})
	r := intents.Result{Intent: intents.Intent{Kind: intents.AdminActions, Window: intents.Duration(48 * time.Hour)}, Events: evs,
		Since: at.Add(-48 * time.Hour), Until: at, Read: len(evs)}
	text, _ := Plain(Result(r, Options{Now: at}))
	for _, want := range []string{"×8", "→ 8 targets: GitHub, AWS, Slack and 5 more", "requireFactor: true → false", "2 rows"} {
		if !strings.Contains(text, want) {
			t.Errorf("admin actions lack %q:\n%s", want, text)
		}
	}
	if strings.Count(text, "Add user to application membership") != 1 {
		t.Errorf("the eight adds are not one row:\n%s", text)
	}
}
