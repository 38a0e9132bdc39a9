package oktasim_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"
)

// TestRuleUpdateChangeDetails: a sign-on rule replaced through the real
// SDK is logged as policy.rule.update whose rule target carries
// changeDetails with the fields that changed, and only those, as the
// SDK's LogTargetChangeDetails reads them.
func TestRuleUpdateChangeDetails(t *testing.T) {
	env := newSDK(t, false)
	ctx := t.Context()
	c := env.client
	replace := func(signon *oktasdk.OktaSignOnPolicyRuleSignonActions) {
		t.Helper()
		got, _, err := c.PolicyAPI.GetPolicyRule(ctx, "00p1", "0pr1").Execute()
		if err != nil || got.OktaSignOnPolicyRule == nil {
			t.Fatalf("GetPolicyRule = %+v, %v", got, err)
		}
		rule := got.OktaSignOnPolicyRule
		rule.Actions = &oktasdk.OktaSignOnPolicyRuleActions{Signon: signon}
		if _, _, err := c.PolicyAPI.ReplacePolicyRule(ctx, "00p1", "0pr1").
			PolicyRule(oktasdk.ListPolicyRules200ResponseInner{OktaSignOnPolicyRule: rule}).Execute(); err != nil {
			t.Fatalf("ReplacePolicyRule: %v", err)
		}
	}
	require, prompt, idle := true, "SESSION", int32(120)
	replace(&oktasdk.OktaSignOnPolicyRuleSignonActions{RequireFactor: &require, FactorPromptMode: &prompt,
		Session: &oktasdk.OktaSignOnPolicyRuleSignonSessionActions{MaxSessionIdleMinutes: &idle}})
	off := false
	replace(&oktasdk.OktaSignOnPolicyRuleSignonActions{RequireFactor: &off,
		Session: &oktasdk.OktaSignOnPolicyRuleSignonSessionActions{MaxSessionIdleMinutes: &idle}})

	events, _, err := c.SystemLogAPI.ListLogEvents(ctx).Since(time.Now().Add(-time.Hour)).
		Filter(`eventType eq "policy.rule.update"`).Execute()
	if err != nil || len(events) != 2 {
		t.Fatalf("ListLogEvents(policy.rule.update) = %d events, %v; want 2", len(events), err)
	}
	last := events[1]
	if len(last.Target) == 0 || last.Target[0].GetId() != "0pr1" || last.Target[0].ChangeDetails == nil {
		t.Fatalf("policy.rule.update targets = %+v, want the rule with changeDetails", last.Target)
	}
	cd := last.Target[0].ChangeDetails
	got, _ := json.Marshal(map[string]any{"from": cd.From, "to": cd.To})
	want := `{"from":{"actions":{"signon":{"factorPromptMode":"SESSION","requireFactor":true}}},"to":{"actions":{"signon":{"requireFactor":false}}}}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("changeDetails (-want +got):\n%s", diff)
	}
	for _, tg := range last.Target[1:] {
		if tg.ChangeDetails != nil {
			t.Errorf("target %s (%s) has changeDetails %+v; only the rule changed", tg.GetId(), tg.GetType(), tg.ChangeDetails)
		}
	}
}
