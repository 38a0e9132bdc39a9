package detect

import (
	"testing"

	"github.com/oktabot/oktabot/intents"
)

func TestProtectedActionChange(t *testing.T) {
	const update = "security.protected_action.settings.update"
	var plain, off, night, other orgLog
	plain.add(update, 0, as(admin), target("ProtectedActionSettings", "pa1", "Protected actions"))
	off.add(update, 0, as(admin), target("ProtectedActionSettings", "pa1", "Protected actions"), changed(change("enabled", `true`, `false`)))
	night.add(update, sundayNight, as(admin), target("ProtectedActionSettings", "pa1", "Protected actions"))
	other.add("security.authenticator.lifecycle.update", 0, as(admin))
	// Okta logs a Super administrator's password reset as a protected
	// action attempted: the action first among the targets, the user after.
	const attempt = "security.protected_action.attempt"
	action := func(name string) opt { return target("ProtectedAction", "", name) }
	var superReset, reauthFailed, otherAction orgLog
	superReset.add(attempt, 0, as(john), action("Reset passwords for super admins"), targetUserOpt(admin))
	reauthFailed.add(attempt, 0, as(john), action("Reset passwords for super admins"), targetUserOpt(admin), failure("VERIFICATION_ERROR"))
	otherAction.add(attempt, 0, as(admin), action("Deactivate applications"))
	runCases(t, ProtectedActionChange, []detCase{
		{name: "a Super administrator's password reset", events: superReset.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "… whose re-authentication failed", events: reauthFailed.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "another protected action", events: otherAction.events},
		{name: "settings changed", events: plain.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "protection turned off", events: off.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "on Sunday night", events: night.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "another security setting", events: other.events},
	})
	checkStreaming(t, ProtectedActionChange, off.events)
	checkStreaming(t, ProtectedActionChange, superReset.events)
}
