package detect

import (
	"math"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

const allNew = "{New Geo-Location=POSITIVE, New Device=NEGATIVE, New IP=POSITIVE, New State=NEGATIVE, New Country=POSITIVE, Velocity=NEGATIVE, New City=POSITIVE}"

func TestSuspiciousCountryLogin(t *testing.T) {
	var plain, newCountry, withSSO, failedOnly, germany orgLog
	plain.add(signIn, 0, from("203.0.113.20", moscow))
	newCountry.add(signIn, 0, from("203.0.113.20", moscow), debug("behaviors", allNew))
	withSSO.add(signIn, 0, from("203.0.113.20", moscow))
	withSSO.add("user.authentication.sso", time.Minute, from("203.0.113.20", moscow), target("AppInstance", "0oa1", "Slack"))
	withSSO.add(signIn, time.Hour, as(alice))
	failedOnly.add(signIn, 0, from("203.0.113.20", moscow), failure("INVALID_CREDENTIALS"))
	germany.add(signIn, 0, from("203.0.113.21", frankfurt))

	runCases(t, SuspiciousCountryLogin, []detCase{
		{name: "sign-in from Russia", events: plain.events, want: []got{{john, intents.SeverityMedium, 1}}},
		{name: "Okta flags the country as new", events: newCountry.events, want: []got{{john, intents.SeverityHigh, 1}}},
		{name: "sign-in and SSO are one finding", events: withSSO.events, want: []got{{john, intents.SeverityMedium, 2}}},
		{name: "a failed sign-in is not a login", events: failedOnly.events},
		{name: "Germany is not watch-listed", events: germany.events},
		{name: "an empty watch list", events: plain.events, cfg: func(c *Config) { c.SuspiciousCountries = nil }},
		{name: "a configured watch list", events: germany.events, cfg: func(c *Config) { c.SuspiciousCountries = []string{"germany"} },
			want: []got{{john, intents.SeverityMedium, 1}}},
	})
}

func TestAnonymizingProxyLogin(t *testing.T) {
	var okta, tor, relay, direct, other orgLog
	okta.add(signIn, 0, from("203.0.113.30", frankfurt), asn(9009, "m247 europe srl"), proxied)
	repeat(&tor, 3, 0, time.Minute, signIn, from(torIP, frankfurt), failure("INVALID_CREDENTIALS"))
	relay.add(signIn, 0, from("172.225.10.1", sanFrancisco), asn(36183, "akamai technologies inc."), proxied)
	direct.add(signIn, 0)
	other.add("user.account.update_profile", 0, targetUserOpt(john), proxied)
	var created, adminTor, signInTor orgLog
	created.add("user.lifecycle.create", 0, as(admin), targetUserOpt(john), proxied)
	// Sigma's admin functions through a proxy: the Admin Console and a
	// role grant from the Tor exit the administrator signed in from.
	for _, l := range []*orgLog{&adminTor, &signInTor} {
		l.add(signIn, 0, as(admin), from(torIP, frankfurt))
	}
	adminTor.add("user.session.access_admin_app", time.Minute, as(admin), from(torIP, frankfurt), target("AppInstance", "0oaadm", "Okta Admin Console"))
	adminTor.add("user.account.privilege.grant", 3*time.Minute, as(admin), from(torIP, frankfurt), targetUserOpt(john),
		debug("privilegeGranted", "Super administrator"))

	runCases(t, AnonymizingProxyLogin, []detCase{
		{name: "successful sign-in through a proxy Okta flags", events: okta.events, want: []got{{john, intents.SeverityHigh, 1}}},
		{name: "failed sign-ins from a listed Tor exit", events: tor.events, want: []got{{john, intents.SeverityMedium, 3}}},
		{name: "Apple iCloud Private Relay is dampened", events: relay.events, want: []got{{john, intents.SeverityLow, 1}}},
		{name: "a direct sign-in", events: direct.events},
		{name: "a proxied profile update is neither sign-in nor administration", events: other.events},
		{name: "a user created through a proxy", events: created.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "a sign-in through Tor", events: signInTor.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "the Admin Console and a role grant through Tor", events: adminTor.events, want: []got{{admin, intents.SeverityCritical, 3}}},
		{name: "Tor exit not listed and not flagged", events: tor.events, cfg: func(c *Config) { c.ProxyIPs, c.TorExits = nil, nil }},
	})
	checkStreaming(t, AnonymizingProxyLogin, adminTor.events)
}

func TestImpossibleTravel(t *testing.T) {
	var far, slow, jitter, sameIP, viaProxy, noGeo orgLog
	far.add(signIn, 0)
	far.add(signIn, time.Hour, from("203.0.113.40", london))
	slow.add(signIn, 0)
	slow.add(signIn, 8*time.Hour, from("203.0.113.41", newYork))
	jitter.add(signIn, 0)
	jitter.add(signIn, 30*time.Second, from("198.51.100.8", oakland))
	sameIP.add(signIn, 0)
	sameIP.add(signIn, time.Hour, from(home, london))
	viaProxy.add(signIn, 0)
	viaProxy.add(signIn, time.Hour, from("203.0.113.42", london), proxied)
	noGeo.add(signIn, 0)
	noGeo.add(signIn, time.Hour, from("203.0.113.43", place{}))
	// Three countries in two hours, each hop reachable by plane or train
	// (Elastic's sessions from different geolocations).
	amsterdam := place{"Amsterdam", "Netherlands", 52.3676, 4.9041}
	var hops, twoCountries, overADay, hopProxied orgLog
	for _, l := range []*orgLog{&hops, &twoCountries, &hopProxied} {
		l.add(signIn, 0, from("203.0.113.44", london))
		l.add(signIn, time.Hour, from("203.0.113.45", frankfurt))
	}
	hops.add(signIn, 2*time.Hour, from("203.0.113.46", amsterdam))
	twoCountries.add(signIn, 2*time.Hour, from("203.0.113.47", london))
	hopProxied.add(signIn, 2*time.Hour, from("203.0.113.46", amsterdam), proxied)
	var hopZone orgLog
	hopZone.add(signIn, 0, from("203.0.113.44", london))
	hopZone.add(signIn, time.Hour, from("203.0.113.45", frankfurt))
	hopZone.add(signIn, 2*time.Hour, from("203.0.113.46", amsterdam), func(e *intents.Event) { e.Client.Zone = "Corporate VPN" })
	overADay.add(signIn, 0, from("203.0.113.44", london))
	overADay.add(signIn, 4*time.Hour, from("203.0.113.45", frankfurt))
	overADay.add(signIn, 8*time.Hour, from("203.0.113.46", amsterdam))

	runCases(t, ImpossibleTravel, []detCase{
		{name: "San Francisco to London in 1 h", events: far.events, want: []got{{john, intents.SeverityHigh, 2}}},
		{name: "San Francisco to New York in 8 h", events: slow.events},
		{name: "13 km in 30 s is geolocation noise", events: jitter.events, want: []got{{john, intents.SeverityLow, 2}}},
		{name: "the same IP geolocated twice", events: sameIP.events},
		{name: "the second sign-in through a proxy", events: viaProxy.events, want: []got{{john, intents.SeverityMedium, 2}}},
		{name: "no geolocation", events: noGeo.events},
		{name: "a faster threshold", events: far.events, cfg: func(c *Config) { c.Thresholds.TravelSpeedKmh = 10000 }},
		{name: "three countries in 2 h, each hop reachable", events: hops.events, want: []got{{john, intents.SeverityMedium, 3}}},
		{name: "two countries in 2 h", events: twoCountries.events},
		{name: "three countries over 8 h", events: overADay.events},
		{name: "the third country through a proxy", events: hopProxied.events},
		{name: "the third country from the org's VPN zone", events: hopZone.events},
	})
	checkStreaming(t, ImpossibleTravel, hops.events)
}

func TestDistanceKm(t *testing.T) {
	tests := []struct {
		name string
		a, b place
		want float64
	}{
		{"San Francisco to London", sanFrancisco, london, 8616},
		{"San Francisco to New York", sanFrancisco, newYork, 4129},
		{"same place", london, london, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := intents.EventClient{Lat: tc.a.lat, Lon: tc.a.lon}
			b := intents.EventClient{Lat: tc.b.lat, Lon: tc.b.lon}
			if got := distanceKm(a, b); math.Abs(got-tc.want) > 10 {
				t.Errorf("distanceKm(%s) = %.0f km, want %.0f ± 10", tc.name, got, tc.want)
			}
		})
	}
}

func TestThousands(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 999.4: "999", 1000: "1,000", 8616.2: "8,616", 1234567: "1,234,567", -1500: "-1,500"} {
		if got := thousands(in); got != want {
			t.Errorf("thousands(%v) = %q, want %q", in, got, want)
		}
	}
}
