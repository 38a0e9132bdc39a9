package detect

import (
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

func TestAPITokenRevoked(t *testing.T) {
	var plain, night, viaTor, failedRevoke, created orgLog
	plain.add("system.api_token.revoke", 0, as(admin), target("Token", "00T1", "okta-terraform"))
	night.add("system.api_token.revoke", sundayNight, as(admin), target("Token", "00T1", "siem-shipper"))
	viaTor.add("system.api_token.revoke", 0, as(admin), target("Token", "00T1", "siem-shipper"), from(torIP, frankfurt))
	failedRevoke.add("system.api_token.revoke", 0, as(admin), target("Token", "00T1", "ci"), failure(""))
	created.add("system.api_token.create", 0, as(admin), target("Token", "00T1", "ci"))
	runCases(t, APITokenRevoked, []detCase{
		{name: "a token revoked", events: plain.events, want: []got{{admin, intents.SeverityLow, 1}}},
		{name: "on Sunday night", events: night.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "from a Tor exit", events: viaTor.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "a revocation that failed", events: failedRevoke.events, want: []got{{admin, intents.SeverityLow, 1}}},
		{name: "a token created", events: created.events},
	})
	checkStreaming(t, APITokenRevoked, viaTor.events)
}

// appActor is an OAuth client acting: rate limits are mostly broken by
// integrations, not people.
func appActor(id, name string) opt {
	return func(e *intents.Event) {
		e.Actor = intents.Actor{ID: id, Type: "PublicClientApp", AlternateID: name, DisplayName: name}
	}
}

func TestRateLimitViolation(t *testing.T) {
	var violation, sustained, warnings, twoBursts, userViolation, other orgLog
	violation.add("system.org.rate_limit.violation", 0, appActor("0oa9", "provisioning-bot"), message("Rate limit violation"))
	repeat(&sustained, 12, 0, 2*time.Minute, "system.client.rate_limit.violation", appActor("0oa9", "enumerator"),
		from(attackerIP, frankfurt))
	repeat(&warnings, 2, 0, time.Minute, "system.org.rate_limit.warning", appActor("0oa9", "provisioning-bot"))
	twoBursts.add("core.concurrency.org.limit.violation", 0, appActor("0oa9", "provisioning-bot"))
	twoBursts.add("core.concurrency.org.limit.violation", 3*time.Hour, appActor("0oa9", "provisioning-bot"))
	userViolation.add("system.operation.rate_limit.violation", 0, as(john))
	other.add("system.org.rate_limit.expiration", 0, appActor("0oa9", "provisioning-bot"))
	other.add("user.session.start", 0)

	runCases(t, RateLimitViolation, []detCase{
		{name: "a violation by an integration", events: violation.events, want: []got{{"", intents.SeverityMedium, 1}}},
		{name: "12 violations in 22 min", events: sustained.events, want: []got{{"", intents.SeverityMedium, 12}}},
		{name: "warnings only", events: warnings.events, want: []got{{"", intents.SeverityLow, 2}}},
		{name: "two violations hours apart", events: twoBursts.events,
			want: []got{{"", intents.SeverityMedium, 1}, {"", intents.SeverityMedium, 1}}},
		{name: "a user's own violation", events: userViolation.events, want: []got{{john, intents.SeverityMedium, 1}}},
		{name: "no violation, no warning", events: other.events},
	})
	fs := detection(t, RateLimitViolation).Run(testConfig(), sustained.events)
	if len(fs) != 1 || !has(fs[0].Evidence, "12 limit events") {
		t.Errorf("12 violations: %s, want them sustained", dump(fs))
	}
	checkStreaming(t, RateLimitViolation, sustained.events)
}
