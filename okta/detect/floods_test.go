package detect

import (
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

const (
	resetEmail = "system.email.password_reset.sent_message"
	unlockSMS  = "system.sms.send_account_unlock_message"
	resetCall  = "system.voice.send_password_reset_call"
)

func TestResetMessageFlood(t *testing.T) {
	var emails, phones, takeover, four, slow, spread orgLog
	// self-service recovery: Okta logs the user as actor and target
	repeat(&emails, 5, 0, 3*time.Minute, resetEmail, targetUserOpt(john))

	for i := range 6 {
		typ := unlockSMS
		if i%2 == 1 {
			typ = resetCall
		}
		phones.add(typ, time.Duration(i)*time.Minute, targetUserOpt(john), from(torIP, frankfurt))
	}

	repeat(&takeover, 5, 0, time.Minute, resetEmail, targetUserOpt(john), from(attackerIP, frankfurt))
	takeover.add("user.account.reset_password", 20*time.Minute, targetUserOpt(john), from(attackerIP, frankfurt))

	// negatives: four messages; five over a day; five for five users
	repeat(&four, 4, 0, time.Minute, resetEmail, targetUserOpt(john))
	repeat(&slow, 5, 0, 5*time.Hour, resetEmail, targetUserOpt(john))
	for i, u := range []string{john, alice, admin, "bob@company.com", "carol@company.com"} {
		spread.add(resetEmail, time.Duration(i)*time.Minute, as(u), targetUserOpt(u))
	}

	runCases(t, ResetMessageFlood, []detCase{
		{name: "five reset emails in 12 min", events: emails.events, want: []got{{john, intents.SeverityMedium, 5}}},
		{name: "six texts and calls from Tor", events: phones.events, want: []got{{john, intents.SeverityHigh, 6}}},
		{name: "five emails, then the password reset", events: takeover.events, want: []got{{john, intents.SeverityHigh, 6}}},
		{name: "four emails", events: four.events},
		{name: "five emails over a day", events: slow.events},
		{name: "one email each for five users", events: spread.events},
	})
	if fs := detection(t, ResetMessageFlood).Run(testConfig(), phones.events); len(fs) != 1 || !has(fs[0].Evidence, "sent to a phone") {
		t.Errorf("texts and calls: %s, want the phone weighed", dump(fs))
	}
	fs := detection(t, ResetMessageFlood).Run(testConfig(), takeover.events)
	if len(fs) != 1 || !has(fs[0].Evidence, evResetFloodChanged) || len(suggest(fs[0])) != 2 {
		t.Errorf("a flood then a reset: %s, suggest %v: want the change counted and a takeover's remedies", dump(fs), suggestions(fs))
	}
	if fs := detection(t, ResetMessageFlood).Run(testConfig(), emails.events); len(fs) != 1 || suggest(fs[0]) != nil {
		t.Errorf("a flood alone: suggest %v, want nothing to do to the user", suggestions(fs))
	}
	checkStreaming(t, ResetMessageFlood, takeover.events)
}
