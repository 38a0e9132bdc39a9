package detect

import (
	"fmt"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

const lock = "user.account.lock"

func TestAccountLockout(t *testing.T) {
	var one, limit, repeated, tor, wave, unlock orgLog
	one.add(lock, 0, failure("LOCKED_OUT"), message("Max sign in attempts exceeded"))
	limit.add("user.account.lock.limit", 0, failure("LOCKED_OUT"))
	repeat(&repeated, 3, 0, time.Hour, lock, failure("LOCKED_OUT"), message("Max sign in attempts exceeded"))
	tor.add(lock, 0, failure("LOCKED_OUT"), from(torIP, frankfurt), message("Max sign in attempts exceeded"))
	var wantWave []got
	wantWave = append(wantWave, got{"", intents.SeverityHigh, 6})
	for i := range 6 {
		u := fmt.Sprintf("user%d@company.com", i)
		wave.add(lock, time.Duration(i)*40*time.Second, as(u), from("203.0.113.70", london), failure("LOCKED_OUT"))
		wantWave = append(wantWave, got{u, intents.SeverityMedium, 1})
	}
	unlock.add("user.account.unlock", 0, as(admin), targetUserOpt(john))

	runCases(t, AccountLockout, []detCase{
		{name: "one lockout", events: one.events, want: []got{{john, intents.SeverityMedium, 1}}},
		{name: "lock.limit", events: limit.events, want: []got{{john, intents.SeverityMedium, 1}}},
		{name: "locked 3 times in 2 h", events: repeated.events, want: []got{{john, intents.SeverityMedium, 3}}},
		{name: "locked out by a Tor exit", events: tor.events, want: []got{{john, intents.SeverityHigh, 1}}},
		{name: "6 accounts locked in 4 min", events: wave.events, want: wantWave},
		{name: "an unlock", events: unlock.events},
	})
}

func TestThreatDetected(t *testing.T) {
	var insight, riskHigh, suspected, both, denied, quiet, riskDetect orgLog
	ipActor := func(e *intents.Event) {
		e.Actor = intents.Actor{ID: "203.0.113.90", Type: "IP address", AlternateID: "unknown", DisplayName: "203.0.113.90"}
		e.Client.IP = ""
	}
	insight.add("security.threat.detected", 0, ipActor, outcome("SUCCESS", "Password Spray"),
		debug("threatSuspected", "true", "threatDetections", `{"Password Spray":"HIGH","Login Failures":"MEDIUM"}`))
	riskHigh.add(signIn, 0, debug("risk", "{level=HIGH, reasons=Anomalous Device, Anomalous Location}"))
	suspected.add(signIn, 0, debug("threatSuspected", "true"))
	both.add(signIn, 0, debug("risk", "{level=HIGH}"))
	both.add(signIn, time.Hour, debug("threatSuspected", "true"))
	denied.add("security.threat.detected", 0, ipActor, outcome("DENY", "Login Failures"))
	quiet.add(signIn, 0, debug("risk", "{level=LOW}", "threatSuspected", "false"))
	riskDetect.add("user.risk.detect", 0, targetUserOpt(john), debug("risk", "{level=MEDIUM, reasons=Suspicious IP}"))

	runCases(t, ThreatDetected, []detCase{
		{name: "ThreatInsight flags an IP", events: insight.events, want: []got{{"", intents.SeverityHigh, 1}}},
		{name: "risk HIGH on a sign-in", events: riskHigh.events, want: []got{{john, intents.SeverityHigh, 1}}},
		{name: "threat suspected on a sign-in", events: suspected.events, want: []got{{john, intents.SeverityMedium, 1}}},
		{name: "two kinds of signal", events: both.events, want: []got{{john, intents.SeverityHigh, 2}}},
		{name: "ThreatInsight blocked it", events: denied.events, want: []got{{"", intents.SeverityMedium, 1}}},
		{name: "risk LOW, no threat", events: quiet.events},
		{name: "user.risk.detect MEDIUM", events: riskDetect.events, want: []got{{john, intents.SeverityMedium, 1}}},
	})
}

func TestUserReportedSuspicious(t *testing.T) {
	var report, withEvent, other orgLog
	report.add("user.account.report_suspicious_activity_by_enduser", 0, debug(
		"suspiciousActivityEventType", "system.email.new_device_notification.sent_message",
		"suspiciousActivityEventIp", "203.0.113.99", "suspiciousActivityEventCity", "Springfield",
		"suspiciousActivityEventCountry", "United States"))
	reported := withEvent.add(signIn, 0, from("203.0.113.99", london))
	withEvent.add("user.account.report_suspicious_activity_by_enduser", time.Hour, debug(
		"suspiciousActivityEventType", "user.session.start", "suspiciousActivityEventId", reported.UUID))
	other.add("user.account.update_password", 0)
	runCases(t, UserReportedSuspicious, []detCase{
		{name: "a report", events: report.events, want: []got{{john, intents.SeverityHigh, 1}}},
		{name: "a report naming an event we have", events: withEvent.events, want: []got{{john, intents.SeverityHigh, 2}}},
		{name: "a password change", events: other.events},
	})
}

// TestThreatDetectedRiskDetections: user.risk.detect names the detection
// that raised the risk (debugData.risk detectionName and reasons, as Okta
// Identity Threat Protection writes them). Okta Threat Intelligence counts
// at any level; a suspected session hijack is its own evidence, High even
// at MEDIUM risk (Okta's customer detections "ITP Okta Threat Intelligence
// Detection" and "ITP Suspected Session Hijacking").
func TestThreatDetectedRiskDetections(t *testing.T) {
	var intel, hijack, other orgLog
	system := func(e *intents.Event) {
		e.Actor = intents.Actor{ID: "0oa1okta", Type: "PublicClientApp", AlternateID: "unknown", DisplayName: "Okta Identity Threat Protection"}
	}
	intel.add("user.risk.detect", 0, system, targetUserOpt(john),
		debug("risk", "{previousLevel=LOW, level=LOW, detectionName=Okta Threat Intelligence, reasons=Sign-in from an IP address known for malicious activity, issuer=OKTA}"))
	hijack.add("user.risk.detect", 0, system, targetUserOpt(john),
		debug("risk", "{previousLevel=LOW, level=MEDIUM, detectionName=Session Influenced User Risk, reasons=Associated sessionId is suspected to be hijacked, issuer=OKTA}"))
	other.add("user.risk.detect", 0, system, targetUserOpt(john),
		debug("risk", "{previousLevel=MEDIUM, level=LOW, detectionName=Entity Critical Event, reasons=Admin reset the risk, issuer=OKTA}"))
	runCases(t, ThreatDetected, []detCase{
		{name: "Okta Threat Intelligence at LOW", events: intel.events, want: []got{{john, intents.SeverityHigh, 1}}},
		{name: "session hijack at MEDIUM", events: hijack.events, want: []got{{john, intents.SeverityHigh, 1}}},
		{name: "another detection at LOW", events: other.events},
	})
	fs := Run(testConfig(), hijack.events)
	if len(fs) == 0 || !has(fs[0].Evidence, "Okta suspects the session was hijacked") {
		t.Errorf("a hijack's finding does not name it: %s", dump(fs))
	}
}
