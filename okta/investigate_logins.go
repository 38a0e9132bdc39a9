package okta

import (
	"context"
	"iter"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/detect"
)

// The sign-in listings: failed_logins, suspicious_logins and
// login_history. The first page reads the whole window once (filtered by
// Okta), runs the kind's detections over all of it and lists the newest
// events; later pages (Intent.After) only list.

// primarySignIns are the event types of a person's own sign-in.
func primarySignIns() []string {
	return []string{"user.session.start", "user.authentication.auth_via_IDP", "user.authentication.auth_via_social"}
}

// failedLogins answers failed_logins: failed sign-ins, optionally of one
// user, with failed_login_burst run over the window (bursts per user,
// credential stuffing and password spraying per IP).
func (c *Client) failedLogins(ctx context.Context, in intents.Intent, res *intents.Result, from cursor, limit int) error {
	who, err := c.actorTerm(ctx, in.User, res)
	if err != nil {
		return err
	}
	since, until := window(in)
	q := logQuery{since: since, until: until, filter: allOf(
		anyOf(term("eventType", "eq", "user.session.start"), term("eventType", "sw", "user.authentication.")),
		anyOf(term("outcome.result", "eq", "FAILURE"), term("outcome.result", "eq", "DENY")),
		who,
	)}
	return c.listing(ctx, res, q, from, limit, failedSignIn, func(evs []intents.Event) []intents.Finding {
		return runDetections(c.s.detect, evs, detect.FailedLoginBurst)
	})
}

// failedSignIn reports a failed primary sign-in as the detections count
// them: MFA challenges and app sign-ons are not sign-ins, an Identity
// Engine password check is.
func failedSignIn(e intents.Event) bool { return detect.IsFailedSignIn(e) }

// suspiciousLogins answers suspicious_logins: sign-in attempts from the
// intent's countries (else the configured watch list) or through an
// anonymizing proxy, with suspicious_country_login and
// anonymizing_proxy_login run over them.
func (c *Client) suspiciousLogins(ctx context.Context, in intents.Intent, res *intents.Result, from cursor, limit int) error {
	cfg := c.s.detect
	if len(in.Countries) > 0 {
		names, err := countryNames(in.Countries)
		if err != nil {
			return err
		}
		cfg.SuspiciousCountries = names
	}
	who, err := c.actorTerm(ctx, in.User, res)
	if err != nil {
		return err
	}
	w := newWatch(cfg)
	detections := []string{detect.SuspiciousCountryLogin, detect.AnonymizingProxyLogin}
	if len(in.Countries) > 0 {
		// Countries asked for by name: sign-ins from them, and only
		// them. A proxy exit elsewhere is not "from Russia".
		w.countriesOnly = true
		detections = detections[:1]
	}
	since, until := window(in)
	q := logQuery{since: since, until: until, filter: allOf(
		anyOf(term("eventType", "eq", "user.session.start"), term("eventType", "sw", "user.authentication."),
			term("eventType", "eq", "policy.evaluate_sign_on")),
		w.filter(),
		who,
	)}
	return c.listing(ctx, res, q, from, limit, w.matches, func(evs []intents.Event) []intents.Finding {
		return runDetections(cfg, evs, detections...)
	})
}

// loginHistory answers login_history: one user's sign-ins with where they
// came from and how they ended, and every detection run over them
// (impossible travel, watch-listed countries, proxies …).
func (c *Client) loginHistory(ctx context.Context, in intents.Intent, res *intents.Result, from cursor, limit int) error {
	if strings.TrimSpace(in.User) == "" {
		return invalid("login history", "give the user whose sign-ins to list")
	}
	who, err := c.actorTerm(ctx, in.User, res)
	if err != nil {
		return err
	}
	since, until := window(in)
	q := logQuery{since: since, until: until, filter: allOf(anyOf(typeTerms(primarySignIns())...), who)}
	return c.listing(ctx, res, q, from, limit, nil, func(evs []intents.Event) []intents.Finding {
		return byUser(detect.ByUser(detect.Run(c.s.detect, evs)))
	})
}

// listing lists the newest events of q that keep accepts (nil: all) and,
// on the first page, runs analyse over every one of the window and
// proposes the fixes its findings call for. A cursor (Intent.After) keeps
// the window of the first page: one without a page reads it again from
// its start, one with a page lists on from there.
func (c *Client) listing(ctx context.Context, res *intents.Result, q logQuery, from cursor, limit int,
	keep func(intents.Event) bool, analyse func([]intents.Event) []intents.Finding) error {
	if from != (cursor{}) {
		if err := from.checkLog(); err != nil {
			return err
		}
		q.since, q.until = from.since, from.until
	}
	res.Since, res.Until = q.since, q.until
	if from.page != "" {
		q.descending, q.pageSize = true, int(pageSize(limit, logPageMax))
		var pages iter.Seq2[page[intents.Event], error] = c.readLog(ctx, q, from)
		if keep != nil {
			pages = kept(pages, keep)
		}
		var err error
		res.Events, res.Next, res.Truncated, err = collect(pages, from, limit)
		res.Read = len(res.Events)
		return err
	}
	g, err := c.gather(c.descending(ctx, q, keep), limit)
	if err != nil {
		return err
	}
	g.tell(res)
	res.Findings = analyse(g.events)
	known := knownUsers(g.events)
	if res.Proposals, err = c.resolveTargets(ctx, remedies(res.Findings, known), known); err != nil {
		return err
	}
	res.Events, res.Truncated = firstN(g.events, limit)
	if res.Truncated {
		res.Next = g.next
	}
	return nil
}

// actorTerm is the filter term that keeps the events a user acted in, or
// "" for no user. The user is resolved first (ResolveUser) and matched by
// id and login; only without okta.users.read is the name used as typed,
// and the result says so.
func (c *Client) actorTerm(ctx context.Context, who string, res *intents.Result) (string, error) {
	who = strings.TrimSpace(who)
	if who == "" {
		return "", nil
	}
	u, ok, err := c.logPerson(ctx, who, res)
	switch {
	case err != nil:
		return "", err
	case ok:
		return anyOf(term("actor.id", "eq", u.ID), term("actor.alternateId", "eq", u.Login)), nil
	}
	return term("actor.alternateId", "eq", who), nil
}

// countryNames turns names or ISO codes ("RU", "North Korea", "KP,IR")
// into the System Log's country names.
func countryNames(in []string) ([]string, error) {
	var out []string
	for _, s := range in {
		for _, part := range strings.Split(s, ",") {
			if part = strings.TrimSpace(part); part == "" {
				continue
			}
			name, ok := intents.CountryName(part)
			if !ok {
				return nil, invalid("suspicious logins", strconv.Quote(part)+" is not a country I know: give a name or an ISO code such as RU or North Korea")
			}
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	return out, nil
}

// watch is what makes a sign-in suspicious: a watch-listed country, Okta's
// isProxy, or an address on the configured proxy/Tor list.
type watch struct {
	countries []string       // System Log names
	proxies   []netip.Prefix // from detect.Config.ProxyIPs
	pushable  bool           // every proxy prefix can be said in Okta's filter
	// countriesOnly keeps sign-ins from the countries alone, not those
	// through a proxy (the countries were asked for by name).
	countriesOnly bool
}

func newWatch(cfg detect.Config) watch {
	w := watch{pushable: true}
	for _, s := range cfg.SuspiciousCountries {
		name, ok := intents.CountryName(s)
		if !ok {
			name = strings.TrimSpace(s)
		}
		if name != "" && !slices.Contains(w.countries, name) {
			w.countries = append(w.countries, name)
		}
	}
	for _, s := range cfg.ProxyIPs {
		p, err := parsePrefix(s)
		if err != nil {
			continue // detect.Config.Validate refused it already
		}
		w.proxies = append(w.proxies, p)
		if _, ok := ipFilterPrefix(p); !ok {
			w.pushable = false
		}
	}
	return w
}

// filter is the part of Okta's filter that keeps suspicious sign-ins, or
// "" when a proxy prefix cannot be said in it (the events are then kept by
// matches alone).
func (w watch) filter() string {
	if w.countriesOnly {
		var terms []string
		for _, c := range w.countries {
			terms = append(terms, term("client.geographicalContext.country", "eq", c))
		}
		return anyOf(terms...)
	}
	if !w.pushable {
		return ""
	}
	terms := []string{"securityContext.isProxy eq true"} // a boolean: not quoted
	for _, c := range w.countries {
		terms = append(terms, term("client.geographicalContext.country", "eq", c))
	}
	for _, p := range w.proxies {
		s, _ := ipFilterPrefix(p)
		if p.IsSingleIP() {
			terms = append(terms, term("client.ipAddress", "eq", s))
		} else {
			terms = append(terms, term("client.ipAddress", "sw", s))
		}
	}
	return anyOf(terms...)
}

// matches reports whether a sign-in is suspicious.
func (w watch) matches(e intents.Event) bool {
	if (e.Security.IsProxy || e.Security.TorExit) && !w.countriesOnly {
		return true
	}
	if e.Client.Country != "" {
		name, ok := intents.CountryName(e.Client.Country)
		if !ok {
			name = e.Client.Country
		}
		for _, c := range w.countries {
			if strings.EqualFold(c, name) {
				return true
			}
		}
	}
	if a, err := netip.ParseAddr(e.Client.IP); err == nil && !w.countriesOnly {
		a = a.Unmap()
		for _, p := range w.proxies {
			if p.Contains(a) {
				return true
			}
		}
	}
	return false
}

// parsePrefix reads an address or a CIDR prefix.
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// ipFilterPrefix is how a prefix is said in Okta's filter: a single
// address as itself (eq), an IPv4 prefix on an octet boundary as the
// text its addresses start with (sw "185.220.101."). Other prefixes cannot
// be said.
func ipFilterPrefix(p netip.Prefix) (string, bool) {
	if p.IsSingleIP() {
		return p.Addr().String(), true
	}
	if !p.Addr().Is4() || p.Bits()%8 != 0 || p.Bits() == 0 {
		return "", false
	}
	octets := p.Addr().As4()
	parts := make([]string, p.Bits()/8)
	for i := range parts {
		parts[i] = strconv.Itoa(int(octets[i]))
	}
	return strings.Join(parts, ".") + ".", true
}
