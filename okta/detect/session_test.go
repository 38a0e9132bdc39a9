package detect

import (
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

func TestSessionRoaming(t *testing.T) {
	sso := "user.authentication.sso"
	app := target("AppInstance", "0oa1", "Salesforce")
	script := agent("python-requests/2.31.0", "UNKNOWN", "Unknown")
	firefox := agent("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "FIREFOX", "Windows 10")
	var stolen, device, okta, mobile, sameIP, unknown, internal orgLog
	stolen.add(signIn, 0, session("102abc"))
	stolen.add(sso, 10*time.Minute, session("102abc"), app)
	stolen.add(sso, 40*time.Minute, session("102abc"), app, from("203.0.113.5", frankfurt), asn(9009, "m247 europe srl"), script)
	device.add(signIn, 0, debug("dtHash", "d41d8cd9"))
	device.add(signIn, 2*time.Hour, debug("dtHash", "d41d8cd9"), from("198.51.100.99", sanFrancisco), firefox)
	okta.add("security.session.detect_client_roaming", 0, from("203.0.113.6", london), firefox)
	mobile.add(signIn, 0, session("102abd"))
	mobile.add(sso, 30*time.Minute, session("102abd"), app, from("198.51.100.200", oakland))
	sameIP.add(signIn, 0, session("102abe"))
	sameIP.add(sso, 30*time.Minute, session("102abe"), app, firefox)
	unknown.add(signIn, 0, session("unknown"), failure("VERIFICATION_ERROR"))
	unknown.add(signIn, time.Minute, session("unknown"), from("203.0.113.5", frankfurt), script, failure("VERIFICATION_ERROR"))
	internal.add(signIn, 0, session("102abf"))
	internal.add(sso, time.Minute, session("102abf"), from("44.238.82.114", newYork), agent("Okta-Integrations", "UNKNOWN", "Unknown"))

	runCases(t, SessionRoaming, []detCase{
		{name: "a session cookie replayed by a script abroad", events: stolen.events, want: []got{{john, intents.SeverityCritical, 2}}},
		{name: "a device token on another browser and OS", events: device.events, want: []got{{john, intents.SeverityHigh, 2}}},
		{name: "Okta's own roaming verdict", events: okta.events, want: []got{{john, intents.SeverityHigh, 1}}},
		{name: "the same browser on a new network", events: mobile.events},
		{name: "another browser on the same IP", events: sameIP.events},
		{name: "the session id unknown", events: unknown.events},
		{name: "Okta's own integrations", events: internal.events},
	})
}

func TestOtherClient(t *testing.T) {
	chrome := intents.EventClient{UserAgent: "Mozilla/5.0 (Macintosh) Chrome/131.0.0.0", Browser: "CHROME", OS: "Mac OS X"}
	chromeNext := intents.EventClient{UserAgent: "Mozilla/5.0 (Macintosh) Chrome/132.0.0.0", Browser: "CHROME", OS: "Mac OS X"}
	curl := intents.EventClient{UserAgent: "curl/8.4.0", Browser: "UNKNOWN", OS: "Unknown"}
	bare1 := intents.EventClient{UserAgent: "MyApp/1.0"}
	bare2 := intents.EventClient{UserAgent: "MyApp/2.0"}
	bare3 := intents.EventClient{UserAgent: "OtherApp/2.0"}
	tests := []struct {
		name string
		a, b intents.EventClient
		want bool
	}{
		{"a browser upgrade", chrome, chromeNext, false},
		{"a script", chrome, curl, true},
		{"another OS", chrome, intents.EventClient{Browser: "CHROME", OS: "Windows 10"}, true},
		{"unknown agents of one app", bare1, bare2, false},
		{"unknown agents of two apps", bare1, bare3, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := otherClient(tc.a, tc.b); got != tc.want {
				t.Errorf("otherClient(%s) = %v, want %v", tc.name, got, tc.want)
			}
		})
	}
}

// TestSessionTokenChurnAndRootSession: one session presenting many device
// tokens from more than one IP is a cookie carried between devices, even
// with the same browser; and sessions that share a rootSessionId
// (authenticationContext.rootSessionId, which groups the sessions an
// original one spawned) are one session when a cookie is replayed.
func TestSessionTokenChurnAndRootSession(t *testing.T) {
	sso := "user.authentication.sso"
	app := target("AppInstance", "0oa1", "Salesforce")
	firefox := agent("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "FIREFOX", "Windows 10")
	var churn, churnOneIP, threeTokens, replay, otherRoot orgLog
	for i, dt := range []string{"dt01", "dt02", "dt03", "dt04"} {
		ip := []string{home, "198.51.100.60"}[i%2]
		at := time.Duration(i) * 10 * time.Minute
		churn.add(sso, at, session("102churn"), app, debug("dtHash", dt), from(ip, sanFrancisco))
		churnOneIP.add(sso, at, session("102churn"), app, debug("dtHash", dt))
		if i < 3 {
			threeTokens.add(sso, at, session("102churn"), app, debug("dtHash", dt), from(ip, sanFrancisco))
		}
	}
	replay.add(signIn, 0, session("102orig"), rootSession("idxROOT1"))
	replay.add(sso, 30*time.Minute, session("102copy"), rootSession("idxROOT1"), app, from("203.0.113.5", frankfurt), firefox)
	otherRoot.add(signIn, 0, session("102orig"), rootSession("idxROOT1"))
	otherRoot.add(sso, 30*time.Minute, session("102copy"), rootSession("idxROOT2"), app, from("203.0.113.5", frankfurt), firefox)

	runCases(t, SessionRoaming, []detCase{
		{name: "4 device tokens from 2 IPs in one session", events: churn.events, want: []got{{john, intents.SeverityHigh, 4}}},
		{name: "4 device tokens from one IP", events: churnOneIP.events},
		{name: "3 device tokens from 2 IPs", events: threeTokens.events},
		{name: "a root session replayed abroad on another browser", events: replay.events, want: []got{{john, intents.SeverityHigh, 2}}},
		{name: "other root sessions", events: otherRoot.events},
	})
}
