package detect

import (
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// typed is a failed sign-in whose username box held text: Okta logs it as
// the actor's alternateId, with no user id.
func typed(text string) opt {
	return func(e *intents.Event) {
		e.Actor = intents.Actor{ID: "unknown", Type: "User", AlternateID: text, DisplayName: "unknown"}
		e.Outcome = intents.EventOutcome{Result: "FAILURE", Reason: "VERIFICATION_ERROR"}
	}
}

const secret = "Tr0ub4dor&3xyz"

func TestPasswordShaped(t *testing.T) {
	for s, want := range map[string]bool{
		secret: true, "P@ssw0rd!": true, "correcthorse9Battery": true, "hunter2!hunter2!": true,
		"john@company.com": false, "john.smith2": false, "CORP\\jsmith": false, "0oa1b2c3d4E5f6G7h8i9": false,
		"jsmith": false, "Pass 1234!": false, "unknown": false, "Ab1!": false,
	} {
		if got := passwordShaped(s); got != want {
			t.Errorf("passwordShaped(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestPasswordInUsername(t *testing.T) {
	var retyped, alone, email, plainLogin, success orgLog
	retyped.add(signIn, 0, typed(secret))
	retyped.add(signIn, 40*time.Second, as(john))

	alone.add(signIn, 0, typed(secret), from(attackerIP, frankfurt))
	alone.add(signIn, time.Minute, as(john)) // another IP: no owner

	email.add(signIn, 0, typed("jhon@company.com"))
	plainLogin.add(signIn, 0, typed("jsmith"))
	success.add(signIn, 0, func(e *intents.Event) { e.Actor.AlternateID = secret }) // not a failure

	runCases(t, PasswordInUsername, []detCase{
		{name: "then the owner signed in from the same IP", events: retyped.events, want: []got{{john, intents.SeverityMedium, 2}}},
		{name: "nobody signed in after", events: alone.events, want: []got{{"", intents.SeverityMedium, 1}}},
		{name: "a mistyped email", events: email.events},
		{name: "a plain login", events: plainLogin.events},
		{name: "a success", events: success.events},
	})

	// The value is never shown: not in the summary, the evidence, the
	// user, the reason or the facts of any finding or proposal.
	for _, l := range []orgLog{retyped, alone} {
		a := Analyze(testConfig(), l.events)
		var b strings.Builder
		for _, f := range only(a.Findings, PasswordInUsername) {
			b.WriteString(f.User + f.Summary + ReasonOf(f) + strings.Join(factsOf(f), " "))
			for _, e := range f.Evidence {
				b.WriteString(e.Text)
			}
		}
		for _, p := range a.Proposals {
			b.WriteString(p.Reason + strings.Join(p.Facts, " "))
			for _, e := range p.Evidence {
				b.WriteString(e.Text)
			}
		}
		if strings.Contains(b.String(), secret) || strings.Contains(b.String(), "ub4dor") {
			t.Errorf("a password_in_username finding shows what was typed:\n%s", b.String())
		}
		if len(only(a.Findings, PasswordInUsername)) == 0 {
			t.Errorf("Analyze() found no password_in_username to check")
		}
	}
	fs := detection(t, PasswordInUsername).Run(testConfig(), retyped.events)
	if len(fs) != 1 || len(suggest(fs[0])) != 1 || suggest(fs[0])[0] != intents.ExpirePassword {
		t.Errorf("suggest(password in the log, owner known) = %v, want expire_password", suggestions(fs))
	}
	checkStreaming(t, PasswordInUsername, retyped.events)
}
