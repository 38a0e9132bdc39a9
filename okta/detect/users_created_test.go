package detect

import (
	"slices"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

func TestUserCreated(t *testing.T) {
	const bob = "bob@company.com"
	create := "user.lifecycle.create"
	var plain, thenAdmin, byAPI, lateAdmin, failed, night, viaTor orgLog
	plain.add(create, 0, as(admin), targetUserOpt(bob))
	thenAdmin.add(create, 0, as(admin), targetUserOpt(bob))
	thenAdmin.add("user.account.privilege.grant", 20*time.Minute, as(admin), targetUserOpt(bob), debug("privilegeGranted", "Super administrator"))
	byAPI.add(create, 0, appActor("0oa9", "hr-sync"), targetUserOpt(bob))
	lateAdmin.add(create, 0, as(admin), targetUserOpt(bob))
	lateAdmin.add("user.account.privilege.grant", 30*time.Hour, as(admin), targetUserOpt(bob), debug("privilegeGranted", "Read only admin"))
	failed.add(create, 0, as(admin), targetUserOpt(bob), failure("E0000001"))
	night.add(create, sundayNight, as(admin), targetUserOpt(bob))
	viaTor.add(create, sundayNight, as(admin), targetUserOpt(bob), from(torIP, frankfurt))

	runCases(t, UserCreated, []detCase{
		{name: "a user created: hiring", events: plain.events},
		{name: "then made Super administrator", events: thenAdmin.events, want: []got{{bob, intents.SeverityHigh, 2}}},
		{name: "by an integration (HR sync)", events: byAPI.events},
		{name: "made an admin a day later", events: lateAdmin.events},
		{name: "a creation that failed", events: failed.events},
		{name: "on Sunday night", events: night.events},
		{name: "on Sunday night from Tor", events: viaTor.events, want: []got{{bob, intents.SeverityMedium, 1}}},
	})
	fs := detection(t, UserCreated).Run(testConfig(), thenAdmin.events)
	if len(fs) != 1 || !slices.Equal(suggest(fs[0]), []intents.Kind{intents.ClearSessions, intents.SuspendUser}) {
		t.Errorf("suggest(new user made admin) = %v, want clear sessions and suspend", suggestions(fs))
	}
	if fs := detection(t, UserCreated).Run(testConfig(), viaTor.events); len(fs) != 1 || suggest(fs[0]) != nil {
		t.Errorf("suggest(a user created from Tor) = %v, want nothing to do to the new user yet", suggestions(fs))
	}
	checkStreaming(t, UserCreated, thenAdmin.events)
}
