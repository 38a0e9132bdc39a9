package detect

import (
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

const svcAD = "svc-oktaad@company.com"

func TestADAgentActivity(t *testing.T) {
	agentUA := agent("Okta AD Agent/3.17.0 (Microsoft Windows NT 10.0.17763.0; .NET CLR 4.0.30319.42000; 64-bit OS; 64-bit Process)", "UNKNOWN", "Windows")
	dc := target("Agent", "0agdc01", "DC01")
	fromDC := from("10.1.2.3", sanFrancisco)
	var created, createdNewPlace, usual, newIP, newUA, first, failedCreate orgLog
	created.add("system.agent.ad.create", 0, as(admin), dc)

	createdNewPlace.add(signIn, -time.Hour, as(admin))
	createdNewPlace.add("system.agent.ad.create", 0, as(admin), dc, from("203.0.113.50", frankfurt), agent(pythonUA, "UNKNOWN", "Unknown"))

	repeat(&usual, 4, 0, time.Hour, "system.agent.ad.read_config", as(svcAD), dc, fromDC, agentUA)

	repeat(&newIP, 3, 0, time.Hour, "system.agent.ad.read_config", as(svcAD), dc, fromDC, agentUA)
	newIP.add("system.agent.ad.config_change_detected", 4*time.Hour, as(svcAD), dc, from("203.0.113.50", frankfurt), agentUA)

	repeat(&newUA, 3, 0, time.Hour, "system.agent.ad.read_config", as(svcAD), dc, fromDC, agentUA)
	newUA.add("system.agent.ad.read_config", 4*time.Hour, as(svcAD), dc, fromDC, agent(pythonUA, "UNKNOWN", "Unknown"))

	first.add("system.agent.ad.read_config", 0, as(svcAD), dc, from("203.0.113.50", frankfurt), agentUA)

	failedCreate.add("system.agent.ad.create", 0, as(admin), dc, failure("INSUFFICIENT_PERMISSIONS"))

	runCases(t, ADAgentActivity, []detCase{
		{name: "an agent registered", events: created.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "an agent registered from a new IP and client", events: createdNewPlace.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "an agent at work from its host", events: usual.events},
		{name: "an agent from a new IP", events: newIP.events, want: []got{{svcAD, intents.SeverityMedium, 1}}},
		{name: "an agent with a new client", events: newUA.events, want: []got{{svcAD, intents.SeverityMedium, 1}}},
		{name: "an agent's first event read", events: first.events},
		{name: "a registration refused", events: failedCreate.events},
	})
}

// TestADAgentSurge: an agent far busier within an hour than its hourly
// average over the events read (Panther's z-score of AD agent activity).
func TestADAgentSurge(t *testing.T) {
	agentUA := agent("Okta AD Agent/3.17.0 (Microsoft Windows NT 10.0.17763.0; .NET CLR 4.0.30319.42000; 64-bit OS; 64-bit Process)", "UNKNOWN", "Windows")
	work := []opt{as(svcAD), target("Agent", "0agdc01", "DC01"), from("10.1.2.3", sanFrancisco), agentUA}
	const typ = "system.agent.ad.read_config"
	var surge, steady, shortHistory, small orgLog
	// 12 h at 6 an hour, then 40 in 20 minutes.
	for _, l := range []*orgLog{&surge, &small} {
		repeat(l, 72, 0, 10*time.Minute, typ, work...)
	}
	repeat(&surge, 40, 12*time.Hour, 30*time.Second, typ, work...)
	// 20 in 20 minutes: 5 times the average, but under 30.
	repeat(&small, 20, 12*time.Hour, time.Minute, typ, work...)
	// 12 h at 40 an hour, then 45 in 20 minutes: busy, but not 5 times busier.
	repeat(&steady, 480, 0, 90*time.Second, typ, work...)
	repeat(&steady, 45, 12*time.Hour, 20*time.Second, typ, work...)
	// 2 h at 6 an hour, then 40 in 20 minutes: too little read to know the average.
	repeat(&shortHistory, 12, 0, 10*time.Minute, typ, work...)
	repeat(&shortHistory, 40, 2*time.Hour, 30*time.Second, typ, work...)
	runCases(t, ADAgentActivity, []detCase{
		{name: "40 in 20 minutes after 6 an hour", events: surge.events, want: []got{{svcAD, intents.SeverityMedium, 44}}},
		{name: "busy as ever", events: steady.events},
		{name: "under the count", events: small.events},
		{name: "less than the baseline read", events: shortHistory.events},
	})
	checkStreaming(t, ADAgentActivity, surge.events)
	f := only(Analyze(testConfig(), surge.events).Findings, ADAgentActivity)
	if len(f) != 1 || !strings.Contains(f[0].Evidence[0].Text, evADSurge) || !strings.Contains(f[0].Evidence[0].Text, "over the 11 h") {
		t.Fatalf("Analyze(surge) = %+v, want one surge saying the events read reach 11 h before the hour", f)
	}
}
