package detect

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// Where sign-ins come from: suspicious_country_login,
// anonymizing_proxy_login and impossible_travel.

const (
	baseCountry       = 40  // a watch-listed country: Medium, High with one more signal
	baseProxyLogin    = 40  // an anonymizing proxy (Sigma: high once it succeeds)
	wListedProxy      = 10  // on the configured proxy/Tor list
	wProxySucceeded   = 10  // a sign-in through the proxy succeeded
	wRelayLogin       = -30 // Apple iCloud Private Relay: the likely cause is an iPhone
	baseTravel        = 50  // impossible travel: High (Panther)
	wTravelCountry    = 10  // the two sign-ins were in different countries
	wTravelShort      = -30 // a jump under TravelMinKm: geolocation noise
	wTravelQuick      = -10 // under TravelMinGap apart: VPN or mobile network switch
	wTravelProxy      = -20 // a proxy or VPN at either end: the location is the exit's
	wProxyAdmin       = 20  // administration done through the proxy (Sigma's admin functions through a proxy)
	baseGeoSpread     = 40  // sign-ins from Thresholds.GeoSpread countries in its window: Medium
	evProxyAdmin      = "administration through it"
	earthRadiusKm     = 6371.0
	minSpeedHours     = 1.0 / 3600 // a zero gap counts as one second
	evProxySucceeded  = "a sign-in through it succeeded"
	evTravelProxyText = "a proxy or VPN at either end: its location is the exit's, not the person's"
)

// suspiciousCountryLogin finds successful sign-ins and SSO from a
// watch-listed country, one finding per user and country.
func suspiciousCountryLogin(tl *timeline) []finding {
	type key struct{ user, country string }
	groups := map[key][]int{}
	var order []key
	for i, e := range tl.events {
		if !(isSignIn(e) || isSSO(e)) || !tl.isWatched(e) {
			continue
		}
		u := actorLogin(e)
		if u == "" {
			continue
		}
		k := key{u, e.Client.Country}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	var out []finding
	for _, k := range order {
		idx := groups[k]
		first := tl.events[idx[0]]
		top := tl.strongest(idx)
		var ev evidence
		ev.add(baseCountry, "%s from %s, a watch-listed country", plural(len(idx), "successful sign-in", "successful sign-ins"), first.Client.Place())
		if p, ok := tl.firstProxied(idx); ok {
			tl.proxyEvidence(&ev, p, "sign-in")
		}
		behaviorEvidence(&ev, top)
		riskEvidence(&ev, top)
		tl.adminEvidence(&ev, k.user)

		where := first.Client.Place() + " (watch-listed country)"
		if ips := tl.ips(idx); ips != "" {
			where = ips + " in " + where
		}
		summary := k.user + " signed in from " + where + " at " + tl.clock(first.Published)
		if len(idx) > 1 {
			summary = k.user + " signed in " + itoa(len(idx)) + " times from " + where + ", first at " + tl.clock(first.Published)
		}
		more, sso := tl.appsEvidence(&ev, k.user, idx[0])
		out = append(out, tl.newFinding(SuspiciousCountryLogin, k.user, summary+more, ev, append(idx, sso...)))
	}
	return out
}

// anonymizingProxyLogin finds sign-in attempts through an anonymizing
// proxy, one finding per user and IP.
func anonymizingProxyLogin(tl *timeline) []finding {
	type key struct{ user, ip string }
	groups := map[key][]int{}
	var order []key
	for i, e := range tl.events {
		if !(isSignInAttempt(e) || adminAction(e)) || tl.proxy(e) == notProxy {
			continue
		}
		u := actorLogin(e)
		if u == "" {
			continue
		}
		k := key{u, e.Client.IP}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	var out []finding
	for _, k := range order {
		all := groups[k]
		var idx, admin []int
		for _, i := range all {
			if isSignInAttempt(tl.events[i]) {
				idx = append(idx, i)
			}
			if adminAction(tl.events[i]) {
				admin = append(admin, i)
			}
		}
		first := tl.events[all[0]]
		var ev evidence
		kind := tl.proxy(first)
		through := "an anonymizing proxy"
		if kind == torExit {
			through = "a Tor exit node"
		}
		what := plural(len(idx), "sign-in attempt", "sign-in attempts")
		if len(idx) == 0 {
			what = plural(len(admin), "administrative action", "administrative actions")
		}
		ev.add(baseProxyLogin, "%s through %s: %s%s", what, through, first.Client.IP, network(first))
		switch kind {
		case torExit:
			ev.add(wListedProxy, "the IP is on the Tor Project's exit list")
		case listedProxy:
			ev.add(wListedProxy, "the IP is on the configured proxy list")
		case relayProxy:
			ev.add(wRelayLogin, "it is Apple iCloud Private Relay, on by default on many Apple devices")
		}
		ok, denied := -1, 0
		for _, i := range idx {
			e := tl.events[i]
			if ok < 0 && (isSignIn(e) || isSSO(e) || (e.EventType == "user.authentication.auth_via_mfa" && succeeded(e))) {
				ok = i
			}
			if blocked(e) {
				denied++
			}
		}
		outcome := ", none succeeded"
		if ok >= 0 {
			ev.add(wProxySucceeded, "%s at %s", evProxySucceeded, tl.clock(tl.events[ok].Published))
			outcome = ", a sign-in succeeded at " + tl.clock(tl.events[ok].Published)
		} else if len(idx) > 0 && denied == len(idx) {
			ev.add(wBlocked, "every attempt failed or was denied")
		}
		if len(admin) > 0 {
			ev.add(wProxyAdmin, "%s: %s", evProxyAdmin, adminActions(tl, admin))
		}
		if w, found := tl.firstWatched(idx); found {
			tl.watchEvidence(&ev, w, "sign-in")
		}
		top := tl.strongest(all)
		behaviorEvidence(&ev, top)
		riskEvidence(&ev, top)
		tl.adminEvidence(&ev, k.user)

		summary := what + " for " + k.user + " through " + tl.ipLabel(first) + outcome
		if len(idx) == 0 {
			summary = what + " by " + k.user + " through " + tl.ipLabel(first)
		}
		if len(admin) > 0 && len(idx) > 0 {
			summary += ", " + plural(len(admin), "administrative action", "administrative actions") + " through it"
		}
		idx = all
		if ok < 0 {
			summary += ", first at " + tl.clock(first.Published)
		} else {
			more, sso := tl.appsEvidence(&ev, k.user, ok)
			summary += more
			idx = append(idx, sso...)
		}
		out = append(out, tl.newFinding(AnonymizingProxyLogin, k.user, summary, ev, idx))
	}
	return out
}

// adminAction reports administration: the Admin Console reached, a role
// granted or revoked, a security setting, API token, app or user created
// or changed.
func adminAction(e intents.Event) bool {
	t := e.EventType
	switch {
	case adminConsole(e), isPrivilegeGrant(t), isPrivilegeRevoke(t), isConfigChange(t), t == "user.lifecycle.create",
		strings.HasPrefix(t, "system.api_token."), strings.HasPrefix(t, "application.lifecycle."),
		strings.HasPrefix(t, "security.protected_action."), strings.HasPrefix(t, "system.agent.ad."):
		return true
	}
	return false
}

// adminActions lists the event types of the events idx, each once.
func adminActions(tl *timeline, idx []int) string {
	var types []string
	for _, i := range idx {
		if t := tl.events[i].EventType; !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	return shorten(strings.Join(types, ", "), 160)
}

// impossibleTravel finds consecutive successful sign-ins of one user that
// imply a speed above the threshold, and sign-ins of one user from many
// countries in a short time.
func impossibleTravel(tl *timeline) []finding {
	return append(tl.travel(), tl.geoSpread()...)
}

// geoSpread finds one user's successful sign-ins from GeoSpread.Count or
// more countries within its window, each hop reachable or not (Elastic's
// sessions from different geolocations, Splunk's logins from multiple
// cities). Sign-ins through a proxy or a relay are left out: their place
// is the exit's; so are sign-ins from one of the org's network zones
// (client.zone named), such as a corporate VPN with exits abroad.
func (tl *timeline) geoSpread() []finding {
	r := tl.cfg.Thresholds.GeoSpread
	byUser := map[string][]int{}
	for i, e := range tl.events {
		if !isSignIn(e) || e.Client.Country == "" || tl.proxy(e) != notProxy || tl.isRelay(e) || inZone(e.Client) {
			continue
		}
		if u := actorLogin(e); u != "" {
			byUser[u] = append(byUser[u], i)
		}
	}
	country := func(e intents.Event) string { return e.Client.Country }
	var out []finding
	for _, u := range sortedKeys(byUser) {
		idx := byUser[u]
		for _, run := range tl.distinctRunsBy(idx, r, country) {
			part := idx[run[0] : run[1]+1]
			var countries []string
			for _, i := range part {
				if c := tl.events[i].Client.Country; !slices.Contains(countries, c) {
					countries = append(countries, c)
				}
			}
			first, last := tl.events[part[0]], tl.events[part[len(part)-1]]
			var ev evidence
			ev.add(baseGeoSpread, "%s from %d countries in %s (threshold %d in %s): %s", plural(len(part), "sign-in", "sign-ins"),
				len(countries), span(last.Published.Sub(first.Published)), r.Count, span(r.Window), strings.Join(countries, ", "))
			if w, ok := tl.firstWatched(part); ok {
				tl.watchEvidence(&ev, w, "a sign-in")
			}
			tl.adminEvidence(&ev, u)
			summary := u + " signed in from " + strings.Join(countries, ", ") + " within " + span(last.Published.Sub(first.Published)) +
				", first at " + tl.clock(first.Published)
			out = append(out, tl.newFinding(ImpossibleTravel, u, summary, ev, part))
		}
	}
	return out
}

// inZone reports a client in one of the org's network zones.
func inZone(c intents.EventClient) bool {
	z := strings.TrimSpace(c.Zone)
	return z != "" && !strings.EqualFold(z, "null") && !strings.EqualFold(z, "unknown")
}

// travel finds consecutive successful sign-ins of one user that imply a
// speed above the threshold.
func (tl *timeline) travel() []finding {
	th := tl.cfg.Thresholds
	last := map[string]int{}
	var out []finding
	for i, e := range tl.events {
		if !isSignIn(e) || !hasGeo(e.Client) {
			continue
		}
		u := actorLogin(e)
		if u == "" {
			continue
		}
		j, seen := last[u]
		last[u] = i
		if !seen {
			continue
		}
		p := tl.events[j]
		if p.Client.IP == e.Client.IP {
			continue
		}
		km := distanceKm(p.Client, e.Client)
		gap := e.Published.Sub(p.Published)
		speed := km / max(gap.Hours(), minSpeedHours)
		if speed <= th.TravelSpeedKmh {
			continue
		}
		var ev evidence
		ev.add(baseTravel, "%s km in %s: %s km/h (threshold %s km/h)", thousands(km), span(gap), thousands(speed), thousands(th.TravelSpeedKmh))
		if p.Client.Country != "" && e.Client.Country != "" && p.Client.Country != e.Client.Country {
			ev.add(wTravelCountry, "from %s to %s", p.Client.Country, e.Client.Country)
		}
		tl.watchEvidence(&ev, e, "the second sign-in")
		behaviorEvidence(&ev, e)
		riskEvidence(&ev, e)
		tl.adminEvidence(&ev, u)
		if km < th.TravelMinKm {
			ev.add(wTravelShort, "only %s km apart: likely IP geolocation noise", thousands(km))
		}
		if gap < th.TravelMinGap {
			ev.add(wTravelQuick, "%s apart: often a VPN or a mobile network switch", span(gap))
		}
		if tl.proxy(p) != notProxy || tl.proxy(e) != notProxy || tl.isRelay(p) || tl.isRelay(e) {
			ev.add(wTravelProxy, evTravelProxyText)
		}
		summary := u + " signed in from " + placeOrIP(p) + " at " + tl.clock(p.Published) + ", then from " +
			placeOrIP(e) + " at " + tl.clock(e.Published) + ": " + thousands(km) + " km in " + span(gap) +
			" (" + thousands(speed) + " km/h)"
		out = append(out, tl.newFinding(ImpossibleTravel, u, summary, ev, []int{j, i}))
	}
	return out
}

// strongest is the event among idx with the most Okta behaviors and risk;
// the earliest on a tie.
func (tl *timeline) strongest(idx []int) intents.Event {
	best, bestScore := idx[0], -1
	for _, i := range idx {
		var ev evidence
		behaviorEvidence(&ev, tl.events[i])
		riskEvidence(&ev, tl.events[i])
		s, _ := Score(ev)
		if s > bestScore {
			best, bestScore = i, s
		}
	}
	return tl.events[best]
}

// fromIPs is " from 1.2.3.4" or " from 3 IPs", or "" when no IP is known.
func (tl *timeline) fromIPs(idx []int) string {
	if s := tl.ips(idx); s != "" {
		return " from " + s
	}
	return ""
}

// ips is "1.2.3.4 (anonymizing proxy)" for one IP, "3 IPs" for more.
func (tl *timeline) ips(idx []int) string {
	var ips []string
	first := -1
	for _, i := range idx {
		ip := tl.events[i].Client.IP
		if ip != "" && !slices.Contains(ips, ip) {
			ips = append(ips, ip)
			if first < 0 {
				first = i
			}
		}
	}
	switch len(ips) {
	case 0:
		return ""
	case 1:
		return tl.ipLabel(tl.events[first])
	}
	return plural(len(ips), "IP", "IPs")
}

func placeOrIP(e intents.Event) string {
	if p := e.Client.Place(); p != "" {
		return p + " (" + e.Client.IP + ")"
	}
	return e.Client.IP
}

// hasGeo reports whether c has a geolocation (Okta omits it, which decodes
// as 0, 0).
func hasGeo(c intents.EventClient) bool {
	return c.Lat != 0 || c.Lon != 0
}

// distanceKm is the great-circle (haversine) distance between two clients.
func distanceKm(a, b intents.EventClient) float64 {
	rad := func(d float64) float64 { return d * math.Pi / 180 }
	lat1, lat2 := rad(a.Lat), rad(b.Lat)
	dlat, dlon := lat2-lat1, rad(b.Lon-a.Lon)
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1)*math.Cos(lat2)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}

// thousands formats a rounded number with thousands separators: "9,412".
func thousands(f float64) string {
	s := strconv.FormatInt(int64(math.Round(f)), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
