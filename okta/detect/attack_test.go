package detect

import (
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
)

var techniqueID = regexp.MustCompile(`^T1[0-9]{3}(\.[0-9]{3})?$`)

// checkAttack checks a finding's ATT&CK ids: at least one, each a
// technique its detection lists (checkFindings calls it for every finding
// a test makes).
func checkAttack(t *testing.T, f intents.Finding) {
	t.Helper()
	if len(f.Attack) == 0 {
		t.Errorf("finding %s %q carries no ATT&CK technique", f.Detection, f.Summary)
	}
	for _, id := range f.Attack {
		if !slices.Contains(Attack(f.Detection), id) {
			t.Errorf("finding %s carries %s, which Attack(%s) = %v does not list", f.Detection, id, f.Detection, Attack(f.Detection))
		}
	}
}

// TestAttackOnEveryDetection fails when a catalogue detection has no ATT&CK
// technique, or names one that is malformed or unnamed.
func TestAttackOnEveryDetection(t *testing.T) {
	for _, d := range Catalogue() {
		ids := Attack(d.ID)
		if len(ids) == 0 {
			t.Errorf("detection %s has no ATT&CK technique: add it to attackIDs in attack.go", d.ID)
		}
		for _, id := range ids {
			if !techniqueID.MatchString(id) {
				t.Errorf("Attack(%s) has %q, not a technique id such as T1110.003", d.ID, id)
			}
			if TechniqueName(id) == "" {
				t.Errorf("Attack(%s) has %s, which techniques does not name", d.ID, id)
			}
		}
	}
	for id := range attackIDs {
		if rank(id) == len(Catalogue()) {
			t.Errorf("attackIDs has %s, which is not in the catalogue", id)
		}
	}
}

// TestAttackOnEveryFinding runs the catalogue over a log with something
// for every detection and checks each finding carries its techniques.
func TestAttackOnEveryFinding(t *testing.T) {
	fs := Run(testConfig(), allEvents())
	if len(fs) == 0 {
		t.Fatal("Run(allEvents) found nothing")
	}
	for _, f := range fs {
		checkAttack(t, f)
	}
}

// TestAttackPerFinding checks the techniques chosen per finding: a
// configuration change by the object it changes, failed sign-ins by their
// shape.
func TestAttackPerFinding(t *testing.T) {
	change := func(typ string, o ...opt) []intents.Event {
		var l orgLog
		l.add(typ, time.Hour, append([]opt{as(admin)}, o...)...)
		return l.events
	}
	rule := []opt{targetDetail("PolicyRule", "0pr1", "MFA", nil), targetDetail("PolicyEntity", "00p1", "Default", nil)}
	tests := []struct {
		name, id string
		events   []intents.Event
		want     []string
	}{
		{"policy rule deactivated", SecurityConfigChange, change("policy.rule.deactivate", rule...), []string{"T1556.006", "T1562.007"}},
		{"policy deleted", SecurityConfigChange, change("policy.lifecycle.delete", rule[1]), []string{"T1556.006", "T1562.007"}},
		{"network zone deactivated", SecurityConfigChange, change("zone.deactivate", target("NetworkZone", "nzo1", "BlockedIpZone")), []string{"T1562.007"}},
		{"identity provider created", SecurityConfigChange, change("system.idp.lifecycle.create", target("IdentityProvider", "0oa1", "Evil IdP")), []string{"T1484.002", "T1556.007"}},
		{"log stream deactivated", SecurityConfigChange, change("system.log_stream.lifecycle.deactivate", target("LogStream", "0ls1", "SIEM")), []string{"T1562.008"}},
		{"app sign-on policy changed", SecurityConfigChange, change("application.policy.sign_on.update", target("AppInstance", "0oa2", "Salesforce")), []string{"T1556.009"}},
		{"one user guessed", FailedLoginBurst, burst(1), []string{"T1110.001"}},
		{"one IP against many users", FailedLoginBurst, burst(30), []string{"T1110.003", "T1110.004"}},
		{"protected actions turned off", ProtectedActionChange, change("security.protected_action.settings.update"), []string{"T1562", "T1556"}},
		{"a Super administrator's password reset", ProtectedActionChange,
			change("security.protected_action.attempt", target("ProtectedAction", "", "Reset passwords for super admins"), targetUserOpt(john)),
			[]string{"T1078.004"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := detection(t, tc.id).Run(testConfig(), tc.events)
			checkFindings(t, tc.events, fs)
			if len(fs) == 0 {
				t.Fatalf("%s found nothing", tc.id)
			}
			if diff := cmp.Diff(tc.want, fs[0].Attack); diff != "" {
				t.Errorf("%s finding %q attack (-want +got):\n%s", tc.id, fs[0].Summary, diff)
			}
		})
	}
}

// burst is failed sign-ins from one IP: 12 for one user, or one or two
// each for users users.
func burst(users int) []intents.Event {
	var l orgLog
	if users == 1 {
		repeat(&l, 12, time.Hour, time.Minute, signIn, as(alice), from("203.0.113.9", london), failure("INVALID_CREDENTIALS"))
		return l.events
	}
	for i := range users {
		u := "user" + itoa(i) + "@company.com"
		for j := range 2 {
			l.add(signIn, time.Hour+time.Duration(i*2+j)*10*time.Second, as(u), from("203.0.113.9", london), failure("INVALID_CREDENTIALS"))
		}
	}
	return l.events
}
