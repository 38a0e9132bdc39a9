package detect

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// Okta logs the push request (system.push.send_factor_verify_push) with
// the client that signed in, and the answer (auth_via_mfa with factor
// OKTA_VERIFY_PUSH, or deny_push) with the client that answered; both
// carry the session's externalSessionId. One request is logged once per
// enrolled device, milliseconds apart.

const attackerIP = "203.0.113.77"

var (
	newDeviceAndIP = debug("behaviors", "{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=POSITIVE, New State=NEGATIVE, New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}")
	newIPOnly      = debug("behaviors", "{New Geo-Location=NEGATIVE, New Device=NEGATIVE, New IP=POSITIVE, New State=NEGATIVE, New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}")
	knownClient    = debug("behaviors", "{New Geo-Location=NEGATIVE, New Device=NEGATIVE, New IP=NEGATIVE, New State=NEGATIVE, New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}")
	oktaVerifyApp  = agent("OktaVerify/9.28.0 (iPhone; iOS 18.1)", "UNKNOWN", "iOS")
)

// requestPush logs one push request sent to two enrolled devices.
func requestPush(l *orgLog, at time.Duration, sess string, opts ...opt) {
	opts = append([]opt{session(sess), from(attackerIP, frankfurt)}, opts...)
	l.add(sendPush, at, opts...)
	l.add(sendPush, at+400*time.Millisecond, opts...)
}

func TestPushOriginMismatch(t *testing.T) {
	var approved, spam, newIP, sameIP, known, noSession, otherSessions orgLog
	// one push (logged twice), approved from the user's phone at home
	requestPush(&approved, 0, "idxA", newDeviceAndIP)
	approved.add(viaMFA, 20*time.Second, session("idxA"), pushFactor, oktaVerifyApp)

	// four pushes, three denied from home, one left unanswered
	for i := range 4 {
		at := time.Duration(i) * time.Minute
		requestPush(&spam, at, "idxB", newDeviceAndIP)
		if i < 3 {
			spam.add(denyPush, at+15*time.Second, session("idxB"), oktaVerifyApp, failure("User rejected Okta push verify"))
		}
	}

	// only New IP on the requester, in the user's own country, approved
	// elsewhere: a café's wifi and a phone on its mobile network, as often
	requestPush(&newIP, 0, "idxC", newIPOnly, from(attackerIP, oakland))
	newIP.add(viaMFA, 20*time.Second, session("idxC"), pushFactor, oktaVerifyApp)

	// negatives: the answer from the requester's own IP; a requester Okta
	// knows; no session to tie them; request and answer in two sessions
	requestPush(&sameIP, 0, "idxD", newDeviceAndIP)
	sameIP.add(viaMFA, 20*time.Second, session("idxD"), pushFactor, from(attackerIP, frankfurt))
	requestPush(&known, 0, "idxE", knownClient)
	known.add(viaMFA, 20*time.Second, session("idxE"), pushFactor, oktaVerifyApp)
	requestPush(&noSession, 0, "unknown", newDeviceAndIP)
	noSession.add(viaMFA, 20*time.Second, session("unknown"), pushFactor, oktaVerifyApp)
	requestPush(&otherSessions, 0, "idxF", newDeviceAndIP)
	otherSessions.add(viaMFA, 20*time.Second, session("idxG"), pushFactor, oktaVerifyApp)

	runCases(t, PushOriginMismatch, []detCase{
		{name: "requested from a new device and IP, approved from home", events: approved.events, want: []got{{john, intents.SeverityHigh, 3}}},
		{name: "push spam answered from home", events: spam.events, want: []got{{john, intents.SeverityHigh, 11}}},
		{name: "only a new IP, approved elsewhere", events: newIP.events, want: []got{{john, intents.SeverityMedium, 3}}},
		{name: "answered from the requester's IP", events: sameIP.events},
		{name: "a requester Okta knows", events: known.events},
		{name: "no session", events: noSession.events},
		{name: "request and answer in different sessions", events: otherSessions.events},
	})

	fs := detection(t, PushOriginMismatch).Run(testConfig(), approved.events)
	if len(fs) != 1 || !strings.Contains(fs[0].Summary, "Okta Verify 1 push to "+john) || !strings.Contains(fs[0].Summary, "approved at") {
		t.Errorf("push_origin_mismatch on one push logged twice: summary %q, want 1 push and its approval", dump(fs))
	}
	fs = detection(t, PushOriginMismatch).Run(testConfig(), spam.events)
	if len(fs) != 1 || !has(fs[0].Evidence, "4 pushes and 0 were answered") || has(fs[0].Evidence, evPushOriginAccepted) {
		t.Errorf("push_origin_mismatch on push spam: %s, want 4 pushes counted as spam and no approval", dump(fs))
	}
	checkStreaming(t, PushOriginMismatch, approved.events)
	checkStreaming(t, PushOriginMismatch, spam.events)
}

func TestPushOriginRemedies(t *testing.T) {
	var approved, denied orgLog
	requestPush(&approved, 0, "idxA", newDeviceAndIP, proxied)
	approved.add(viaMFA, 20*time.Second, session("idxA"), pushFactor, oktaVerifyApp)
	requestPush(&denied, 0, "idxB", newDeviceAndIP)
	denied.add(denyPush, 20*time.Second, session("idxB"), oktaVerifyApp, failure("User rejected Okta push verify"))
	tests := []struct {
		name   string
		events []intents.Event
		want   []intents.Kind
	}{
		{"approved through a proxy: end the session, suspend", approved.events, []intents.Kind{intents.ClearSessions, intents.SuspendUser}},
		{"denied: the password is known, expire it", denied.events, []intents.Kind{intents.ExpirePassword}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := detection(t, PushOriginMismatch).Run(testConfig(), tc.events)
			if len(fs) != 1 {
				t.Fatalf("push_origin_mismatch found %s, want one finding", dump(fs))
			}
			if got := suggest(fs[0]); !slices.Equal(got, tc.want) {
				t.Errorf("suggest(%s) = %v, want %v", fs[0].Summary, got, tc.want)
			}
			var kinds []intents.Kind
			for _, a := range Remedies(ByUser(fs)[0]) {
				kinds = append(kinds, a.Kind)
			}
			if !slices.Equal(kinds, tc.want) {
				t.Errorf("Remedies() = %v, want %v (the score reaches each)", kinds, tc.want)
			}
		})
	}
}
