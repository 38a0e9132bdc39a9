package detect

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// timeline is one run's view of the events: sorted by time once,
// de-duplicated, with what every detection needs to look up. It lives for
// one call of Run and is never shared.
type timeline struct {
	cfg       Config // with defaults
	countries map[string]bool
	proxies   []netip.Prefix
	relays    map[int]bool
	loc       *time.Location

	events []intents.Event
	ids    map[string]string // login → Okta user id
	admins map[string]bool   // logins known or seen to be administrators

	failures []attempt // failed sign-ins, built on first use

	// since is how far back the events read reach: the streaming
	// engine's oldest held event, older than any window's events it
	// passes; zero: the first of events.
	since time.Time
}

// reach is how far back before t the events read go.
func (tl *timeline) reach(t time.Time) time.Duration {
	from := tl.since
	if from.IsZero() && len(tl.events) > 0 {
		from = tl.events[0].Published
	}
	return t.Sub(from)
}

// noUUID starts the locator that stands in for the uuid of an event that
// has none.
const noUUID = "no-uuid:"

// eventKey identifies one event for de-duplication: the same uuid at the
// same time with the same type is the same event delivered twice.
type eventKey struct {
	uuid string
	at   int64
	typ  string
}

func newTimeline(cfg Config, events []intents.Event) *timeline {
	cfg = cfg.withDefaults()
	tl := &timeline{
		cfg:       cfg,
		countries: make(map[string]bool),
		relays:    make(map[int]bool),
		loc:       cfg.OfficeHours.Location,
		ids:       make(map[string]string),
		admins:    make(map[string]bool),
	}
	for _, c := range cfg.SuspiciousCountries {
		tl.countries[strings.ToLower(strings.TrimSpace(c))] = true
	}
	for _, s := range cfg.ProxyIPs {
		if p, err := parseProxy(s); err == nil {
			tl.proxies = append(tl.proxies, p)
		}
	}
	for _, n := range cfg.PrivateRelayASNs {
		tl.relays[n] = true
	}
	for _, a := range cfg.Admins {
		tl.admins[strings.TrimSpace(a)] = true
	}

	// Sort indices rather than the (large) events, then copy once.
	seen := make(map[eventKey]bool, len(events))
	order := make([]int, 0, len(events))
	for i, e := range events {
		if e.UUID != "" {
			k := eventKey{e.UUID, e.Published.UnixNano(), e.EventType}
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		order = append(order, i)
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Or(compareEvents(&events[a], &events[b]), a-b) })
	tl.events = make([]intents.Event, len(order))
	for k, i := range order {
		tl.events[k] = events[i]
	}
	for i := range tl.events {
		if e := &tl.events[i]; e.UUID == "" {
			// Okta gives every event a uuid; a finding must still name
			// an event that has none, so it gets a locator instead.
			e.UUID = noUUID + e.EventType + "@" + e.Published.UTC().Format(time.RFC3339Nano)
		}
	}

	for _, e := range tl.events {
		tl.learn(e)
	}
	return tl
}

// compareEvents orders events by time, then by fields that make the order
// independent of the input's.
func compareEvents(a, b *intents.Event) int {
	return cmp.Or(
		a.Published.Compare(b.Published),
		cmp.Compare(a.UUID, b.UUID),
		cmp.Compare(a.EventType, b.EventType),
		cmp.Compare(a.Actor.AlternateID, b.Actor.AlternateID),
		cmp.Compare(a.Client.IP, b.Client.IP),
		cmp.Compare(a.Outcome.Result, b.Outcome.Result),
		cmp.Compare(a.Outcome.Reason, b.Outcome.Reason),
		cmp.Compare(a.DisplayMessage, b.DisplayMessage),
	)
}

// learn records user ids and administrators from one event.
func (tl *timeline) learn(e intents.Event) {
	for _, a := range append([]intents.Actor{e.Actor}, e.Targets...) {
		if isUserActor(a) && a.AlternateID != "" && a.ID != "" && a.ID != "unknown" {
			if _, ok := tl.ids[a.AlternateID]; !ok {
				tl.ids[a.AlternateID] = a.ID
			}
		}
	}
	if !succeeded(e) {
		return
	}
	actor := actorLogin(e)
	switch {
	case e.EventType == "user.session.access_admin_app",
		e.EventType == "system.api_token.create",
		isPrivilegeGrant(e.EventType),
		isConfigChange(e.EventType):
		if actor != "" {
			tl.admins[actor] = true
		}
	}
	if e.EventType == "user.account.privilege.grant" {
		if login, _ := targetUser(e); login != "" {
			tl.admins[login] = true
		}
	}
}

// clock formats t for a summary: "14:25 UTC Nov 28".
func (tl *timeline) clock(t time.Time) string {
	return t.In(tl.loc).Format("15:04 MST Jan 2")
}

// isWatched reports whether e came from a watch-listed country.
func (tl *timeline) isWatched(e intents.Event) bool {
	c := strings.ToLower(strings.TrimSpace(e.Client.Country))
	return c != "" && tl.countries[c]
}

// proxyKind says how e's client is anonymized.
type proxyKind int

const (
	notProxy    proxyKind = iota
	okProxy               // Okta's securityContext.isProxy
	listedProxy           // on the configured proxy list
	torExit               // on the Tor Project's exit list
	relayProxy            // Apple iCloud Private Relay
)

func (tl *timeline) proxy(e intents.Event) proxyKind {
	if e.Security.TorExit || tl.cfg.TorExits.Has(e.Client.IP) {
		return torExit
	}
	if tl.listed(e.Client.IP) {
		return listedProxy
	}
	if !e.Security.IsProxy {
		return notProxy
	}
	if tl.isRelay(e) {
		return relayProxy
	}
	return okProxy
}

func (tl *timeline) listed(ip string) bool {
	if ip == "" || len(tl.proxies) == 0 {
		return false
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range tl.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// isRelay reports whether e's network is Apple iCloud Private Relay.
func (tl *timeline) isRelay(e intents.Event) bool {
	if tl.relays[e.Security.ASNumber] && e.Security.ASNumber != 0 {
		return true
	}
	s := strings.ToLower(e.Security.ISP + " " + e.Security.ASOrg + " " + e.Security.Domain)
	return strings.Contains(s, "private relay")
}

// ipLabel is "185.220.101.1 (Tor exit node)", "(anonymizing proxy)", or
// the bare IP when nothing is known about it.
func (tl *timeline) ipLabel(e intents.Event) string {
	ip := e.Client.IP
	if ip == "" {
		ip = "an unknown IP"
	}
	switch tl.proxy(e) {
	case torExit:
		return ip + " (Tor exit node)"
	case listedProxy, okProxy:
		return ip + " (anonymizing proxy)"
	case relayProxy:
		return ip + " (Apple iCloud Private Relay)"
	}
	return ip
}

// offHours reports whether t is outside the office hours.
func (tl *timeline) offHours(t time.Time) bool {
	o := tl.cfg.OfficeHours
	if o.Disabled || o.Start == o.End {
		return false
	}
	lt := t.In(tl.loc)
	if !slices.Contains(o.Days, lt.Weekday()) {
		return true
	}
	h := lt.Hour()
	if o.Start < o.End {
		return h < o.Start || h >= o.End
	}
	return h < o.Start && h >= o.End // hours that wrap past midnight
}

// userID is the Okta id of login, when the events name it.
func (tl *timeline) userID(login string) string {
	return tl.ids[login]
}

// after is the index of the first event later than t.
func (tl *timeline) after(t time.Time) int {
	i, _ := slices.BinarySearchFunc(tl.events, t, func(e intents.Event, t time.Time) int {
		if e.Published.After(t) {
			return 1
		}
		return -1
	})
	return i
}
