package detect

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
)

// change is a Change from JSON values ("" for an absent side).
func change(path, from, to string) intents.Change {
	c := intents.Change{Path: path}
	if from != "" {
		c.From = json.RawMessage(from)
	}
	if to != "" {
		c.To = json.RawMessage(to)
	}
	return c
}

// changed adds the changes to the event's first target.
func changed(cs ...intents.Change) opt {
	return func(e *intents.Event) { e.Targets[0].Changes = append(e.Targets[0].Changes, cs...) }
}

func TestRateChange(t *testing.T) {
	tests := []struct {
		c      intents.Change
		points int // 0: not a weakening
	}{
		{change("actions.signon.requireFactor", `true`, `false`), wMFARemoved},
		{change("actions.signon.requireFactor", `false`, `true`), 0},
		{change("actions.appSignOn.verificationMethod.factorMode", `"2FA"`, `"1FA"`), wMFARemoved},
		{change("actions.appSignOn.verificationMethod.factorMode", `"1FA"`, `"2FA"`), 0},
		{change("actions.signon.access", `"DENY"`, `"ALLOW"`), wAccessAllowed},
		{change("actions.appSignOn.access", `"DENY"`, `"ALLOW"`), wAccessAllowed},
		{change("actions.appSignOn.access", `"ALLOW"`, `"DENY"`), 0},
		{change("actions.signon.factorPromptMode", `"ALWAYS"`, `"SESSION"`), wPromptLess},
		{change("actions.signon.factorPromptMode", `"SESSION"`, `"DEVICE"`), wPromptLess},
		{change("actions.signon.factorPromptMode", `"DEVICE"`, `"ALWAYS"`), 0},
		{change("actions.signon.factorPromptMode", `"SESSION"`, ``), 0}, // requireFactor says it
		{change("actions.appSignOn.verificationMethod.constraints",
			`[{"possession":{"phishingResistant":"REQUIRED","deviceBound":"REQUIRED"}}]`, `[]`), wPhishResistOff},
		{change("actions.appSignOn.verificationMethod.constraints", `[]`, `[{"possession":{"phishingResistant":"REQUIRED"}}]`), 0},
		{change("actions.signon.factorLifetime", `15`, `480`), wLonger},
		{change("actions.appSignOn.verificationMethod.reauthenticateIn", `"PT2H"`, `"PT12H"`), wLonger},
		{change("actions.appSignOn.verificationMethod.reauthenticateIn", `"P1D"`, `"PT2H"`), 0},
		{change("actions.signon.session.maxSessionIdleMinutes", `120`, `720`), wLonger},
		{change("actions.signon.session.maxSessionLifetimeMinutes", `720`, `0`), wLonger}, // 0: no limit
		{change("actions.signon.session.maxSessionLifetimeMinutes", `0`, `720`), 0},
		{change("actions.signon.session.usePersistentCookie", `false`, `true`), wLonger},
		{change("conditions.people.users.exclude", `[]`, `["00u1"]`), wExempted},
		{change("conditions.people.groups.exclude", `["00g1"]`, `[]`), 0},
		{change("conditions.network.exclude", ``, `["nzo1"]`), wExempted},
		{change("conditions.network.include", `["nzo1","nzo2"]`, `["nzo1"]`), wExempted},
		{change("conditions.network.include", `["nzo1"]`, `["nzo1","nzo2"]`), 0},
		{change("settings.factors.okta_otp.enroll.self", `"REQUIRED"`, `"OPTIONAL"`), wPromptLess},
		{change("settings.authenticators", `[{"key":"okta_verify","enroll":{"self":"REQUIRED"}}]`,
			`[{"key":"okta_verify","enroll":{"self":"OPTIONAL"}}]`), wPromptLess},
		{change("name", `"Require MFA"`, `"Require MFA (old)"`), 0},
		{change("priority", `1`, `2`), 0},
	}
	for _, tt := range tests {
		w, ok := rateChange(tt.c)
		if ok != (tt.points > 0) || w.points != tt.points || ok && w.why == "" {
			t.Errorf("rateChange(%s: %s → %s) = %+v, %v; want %d points", tt.c.Path, tt.c.From, tt.c.To, w, ok, tt.points)
		}
	}
}

// TestSecurityConfigChangeWeakening: a rule update that takes out MFA
// scores above a neutral edit of the same rule, and both say what changed,
// before → after.
func TestSecurityConfigChangeWeakening(t *testing.T) {
	signOn := map[string]string{"policyType": "OKTA_SIGN_ON"}
	rule := targetDetail("PolicyRule", "0pr1", "Engineering: require MFA", signOn)
	policy := targetDetail("PolicyEntity", "00p1", "Engineering", signOn)
	var weak, neutral, bare orgLog
	weak.add("policy.rule.update", 0, as(admin), rule, policy, changed(
		change("actions.signon.factorPromptMode", `"SESSION"`, ``),
		change("actions.signon.requireFactor", `true`, `false`)))
	neutral.add("policy.rule.update", 0, as(admin), rule, policy, changed(change("name", `"Require MFA"`, `"Engineering: require MFA"`)))
	bare.add("policy.rule.update", 0, as(admin), rule, policy)

	run := func(l orgLog) intents.Finding {
		t.Helper()
		fs := detection(t, SecurityConfigChange).Run(testConfig(), l.events)
		checkFindings(t, l.events, fs)
		if len(fs) != 1 {
			t.Fatalf("Run() = %s, want one finding", dump(fs))
		}
		return fs[0]
	}
	w, n, b := run(weak), run(neutral), run(bare)
	if w.Score <= n.Score || n.Score != b.Score {
		t.Errorf("scores: weakened %d, neutral edit %d, no changeDetails %d; want weakened > neutral = none", w.Score, n.Score, b.Score)
	}
	if w.Severity != intents.SeverityHigh {
		t.Errorf("weakened rule: severity %s (%d), want High:%s", w.Severity, w.Score, dump([]intents.Finding{w}))
	}
	texts := func(f intents.Finding) []string {
		var out []string
		for _, e := range f.Evidence {
			out = append(out, e.Text)
		}
		return out
	}
	if i := slices.IndexFunc(w.Evidence, func(e intents.Evidence) bool {
		return strings.HasPrefix(e.Text, "requireFactor: true → false")
	}); i != 1 || w.Evidence[i].Points != wMFARemoved {
		t.Errorf("weakened rule evidence %q: want requireFactor: true → false right after the base, +%d", texts(w), wMFARemoved)
	}
	if !slices.Contains(texts(w), "factorPromptMode: SESSION → (unset)") {
		t.Errorf("weakened rule evidence %q: want the prompt mode's change too", texts(w))
	}
	if !strings.Contains(w.Summary, "weakened by "+admin) || !strings.HasSuffix(w.Summary, "(requireFactor: true → false)") {
		t.Errorf("weakened rule summary %q", w.Summary)
	}
	if !slices.Contains(texts(n), "name: Require MFA → Engineering: require MFA") || !strings.Contains(n.Summary, "updated by") ||
		!strings.HasSuffix(n.Summary, "(name: Require MFA → Engineering: require MFA)") {
		t.Errorf("neutral edit: summary %q, evidence %q; want the name's change, before → after", n.Summary, texts(n))
	}
}

// TestWeakenedRuleFirstUse: the finding on a weakened rule names the
// first sign-in the rule let through without MFA afterwards, with its
// time and IP, and weighs more when that sign-in came through a proxy.
// Sign-ins before the change, through other rules, or with MFA are not it.
func TestWeakenedRuleFirstUse(t *testing.T) {
	signOn := map[string]string{"policyType": "OKTA_SIGN_ON"}
	rule := targetDetail("Rule", "0pr1", "Engineering: require MFA", nil)
	otherRule := targetDetail("Rule", "0pr2", "Require MFA", nil)
	dashboard := target("AppInstance", "0oadash", "Okta Dashboard")
	eval := "policy.evaluate_sign_on"
	signIn := func(l *orgLog, at time.Duration, who string, r opt, decision string, mfa bool, opts ...opt) (evalID, startID string) {
		sid := session("s-" + who + at.String())
		base := append([]opt{as(who), sid}, opts...)
		evalID = l.add(eval, at, append(slices.Clone(base), dashboard, r, outcome(decision, "Sign-on policy evaluation resulted in "+decision))...).UUID
		l.add("user.authentication.auth_via_mfa", at+5*time.Second, append(slices.Clone(base), debug("factor", "PASSWORD_AS_FACTOR"))...)
		if mfa {
			l.add("user.authentication.auth_via_mfa", at+20*time.Second, append(slices.Clone(base), debug("factor", "OKTA_VERIFY_PUSH"))...)
		}
		startID = l.add("user.session.start", at+25*time.Second, base...).UUID
		return evalID, startID
	}
	build := func(attackerProxied bool) (orgLog, []string) {
		var l orgLog
		signIn(&l, -time.Hour, alice, rule, "ALLOW", false) // before the change
		l.add("policy.rule.update", 0, as(admin), targetDetail("PolicyRule", "0pr1", "Engineering: require MFA", signOn),
			targetDetail("PolicyEntity", "00p1", "Engineering", signOn), changed(change("actions.signon.requireFactor", `true`, `false`)))
		signIn(&l, 20*time.Minute, alice, otherRule, "ALLOW", false)       // another rule
		signIn(&l, 30*time.Minute, alice, rule, "CHALLENGE", true)         // MFA asked after all
		signIn(&l, 40*time.Minute, "bob@company.com", rule, "ALLOW", true) // a second factor anyway
		opts := []opt{from(torIP, frankfurt)}
		if attackerProxied {
			opts = append(opts, proxied)
		} else {
			opts = []opt{from("203.0.113.9", frankfurt)}
		}
		e, s := signIn(&l, 2*time.Hour, john, rule, "ALLOW", false, opts...)
		signIn(&l, 3*time.Hour, alice, rule, "ALLOW", false)
		return l, []string{e, s}
	}

	l, linked := build(true)
	fs := detection(t, SecurityConfigChange).Run(testConfig(), l.events)
	checkFindings(t, l.events, fs)
	if len(fs) != 1 {
		t.Fatalf("Run() = %s, want one finding", dump(fs))
	}
	f := fs[0]
	want := []intents.Evidence{
		{Text: "first sign-in through it without MFA: john@company.com at 16:00 UTC Nov 24 from 185.220.101.1 (Tor exit node) in Frankfurt, Germany; 2 such sign-ins in all", Points: wWeakenedUsed},
		{Text: "that sign-in came through a Tor exit node", Points: wUsedRisky},
	}
	if diff := cmp.Diff(want, f.Evidence[len(f.Evidence)-2:]); diff != "" {
		t.Errorf("weakened rule evidence (-want +got):\n%s%s", diff, dump(fs))
	}
	for _, id := range linked {
		if !slices.Contains(f.Events, id) {
			t.Errorf("finding events %v lack the linked sign-in's %s", f.Events, id)
		}
	}
	if f.Severity != intents.SeverityCritical {
		t.Errorf("weakened rule used through a proxy: %s (%d), want Critical%s", f.Severity, f.Score, dump(fs))
	}

	plain, _ := build(false)
	pf := detection(t, SecurityConfigChange).Run(testConfig(), plain.events)
	if len(pf) != 1 || pf[0].Score != f.Score-wUsedRisky || !has(pf[0].Evidence, "first sign-in through it without MFA: john@company.com at 16:00 UTC Nov 24 from 203.0.113.9") {
		t.Errorf("weakened rule used from an ordinary IP: %s; want the use named, without the proxy's weight", dump(pf))
	}

	// Without the change's details nothing was known to be weakened, so
	// nothing is linked.
	var bare orgLog
	for _, e := range l.events {
		if e.EventType == "policy.rule.update" {
			e.Targets = slices.Clone(e.Targets)
			e.Targets[0].Changes = nil
		}
		bare.events = append(bare.events, e)
	}
	bf := detection(t, SecurityConfigChange).Run(testConfig(), bare.events)
	if len(bf) != 1 || len(bf[0].Events) != 1 || has(bf[0].Evidence, "first sign-in") {
		t.Errorf("rule update without changeDetails: %s; want the change alone", dump(bf))
	}
}

// TestNetworkZoneRuleDisabled: network_zone.rule.disabled (a zone's rule
// turned off; Elastic's "Attempt to Modify an Okta Network Zone") is a
// security configuration change whose protection no longer applies.
func TestNetworkZoneRuleDisabled(t *testing.T) {
	var off orgLog
	off.add("network_zone.rule.disabled", 0, as(admin), target("NetworkZone", "nzo1", "BlockedIpZone"))
	fs := detection(t, SecurityConfigChange).Run(testConfig(), off.events)
	checkFindings(t, off.events, fs)
	if len(fs) != 1 || !has(fs[0].Evidence, "the protection it gave no longer applies") {
		t.Fatalf("network_zone.rule.disabled: %s; want one finding, its protection off", dump(fs))
	}
}
