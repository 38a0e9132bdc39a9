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
	runCases(t, ProtectedActionChange, []detCase{
		{name: "settings changed", events: plain.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "protection turned off", events: off.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "on Sunday night", events: night.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "another security setting", events: other.events},
	})
	checkStreaming(t, ProtectedActionChange, off.events)
}
