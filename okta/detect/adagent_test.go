package detect

import (
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
