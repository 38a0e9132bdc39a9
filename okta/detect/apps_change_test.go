package detect

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
)

func TestAppChanged(t *testing.T) {
	salesforce := target("AppInstance", "0oa1sf", "Salesforce")
	var modified, deactivated, deleted, mass, night, scimPush, created, failedDelete orgLog
	modified.add("application.lifecycle.update", 0, as(admin), salesforce)
	deactivated.add("application.lifecycle.deactivate", 0, as(admin), salesforce)
	deleted.add("application.lifecycle.delete", 0, as(admin), salesforce, from(torIP, frankfurt))
	for i := range 6 {
		mass.add("application.lifecycle.deactivate", time.Duration(i)*2*time.Minute, as(admin),
			target("AppInstance", fmt.Sprintf("0oa%d", i), fmt.Sprintf("App %d", i)))
	}
	night.add("application.lifecycle.delete", sundayNight, as(admin), salesforce)
	// Okta logs a SCIM password push as an app update
	scimPush.add("application.lifecycle.update", 0, as(admin), salesforce, outcome("SUCCESS", "Pushing user passwords"))
	created.add("application.lifecycle.create", 0, as(admin), salesforce)
	failedDelete.add("application.lifecycle.delete", 0, as(admin), salesforce, failure("Insufficient permissions"))

	runCases(t, AppChanged, []detCase{
		{name: "an app modified", events: modified.events, want: []got{{admin, intents.SeverityLow, 1}}},
		{name: "an app deactivated", events: deactivated.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "an app deleted from Tor", events: deleted.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "six apps deactivated in 10 min", events: mass.events, want: []got{{admin, intents.SeverityMedium, 6}}},
		{name: "an app deleted on Sunday night", events: night.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "a SCIM password push", events: scimPush.events},
		{name: "an app created", events: created.events},
		{name: "a deletion refused", events: failedDelete.events, want: []got{{admin, intents.SeverityLow, 1}}},
	})

	if fs := detection(t, AppChanged).Run(testConfig(), mass.events); len(fs) != 1 || !has(fs[0].Evidence, "6 apps changed within 10 min") {
		t.Errorf("six apps deactivated: %s, want one finding counting the mass change", dump(fs))
	}
	a := Analyze(testConfig(), deactivated.events)
	want := []intents.Action{{Kind: intents.ActivateApp, App: &intents.Ref{Type: "app", ID: "0oa1sf", Name: "Salesforce"}}}
	var gotActs []intents.Action
	for _, p := range a.Proposals {
		gotActs = append(gotActs, intents.Action{Kind: p.Kind, App: p.App})
	}
	if diff := cmp.Diff(want, gotActs); diff != "" {
		t.Errorf("Analyze(an app deactivated).Proposals (-want +got):\n%s", diff)
	}
	if a := Analyze(testConfig(), modified.events); len(a.Proposals) != 0 {
		t.Errorf("Analyze(an app modified).Proposals = %v, want none", a.Proposals)
	}
	checkStreaming(t, AppChanged, mass.events)
}
