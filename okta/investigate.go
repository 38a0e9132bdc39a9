package okta

import (
	"context"
	"errors"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/detect"
)

// Investigations, over okta/detect's detections: failed_logins,
// suspicious_logins, login_history, investigate, threats and mfa_status.
//
// Every System Log read pushes what it can to Okta's `filter` (event
// types, outcome, actor or target, country, proxy), so that Okta sends
// only the events the answer needs. Each answer reads its window once and
// feeds every detection from that one pass (detect.Analyze, or the
// detections of its kind); investigate reads the user's factors, groups,
// apps and events concurrently. Findings carry the uuids of their events;
// proposals come from detect.Remedies with the score as confidence, their
// user resolved to an Okta id.

// maxAnalyzed is the default bound on the events one investigation holds
// for the detections (Config.MaxEventsRead). A window with more is
// analysed on its newest events and the result says where the read
// stopped (Result.Stopped). threats streams instead and has no bound.
const maxAnalyzed = 200_000

// queryInvestigation answers the investigation kinds.
func (c *Client) queryInvestigation(ctx context.Context, in intents.Intent, res *intents.Result, from cursor, limit int) error {
	switch in.Kind {
	case intents.FailedLogins:
		return c.failedLogins(ctx, in, res, from, limit)
	case intents.SuspiciousLogins:
		return c.suspiciousLogins(ctx, in, res, from, limit)
	case intents.LoginHistory:
		return c.loginHistory(ctx, in, res, from, limit)
	case intents.Investigate:
		return c.investigate(ctx, in, res, limit)
	case intents.Threats:
		return c.threats(ctx, in, res, limit)
	case intents.MFAStatus:
		return c.queryMFA(ctx, in, res)
	}
	return invalid("query", string(in.Kind)+" is not an investigation")
}

// window is the intent's time window (Intent.Span): its bounds, or its
// length ending now, to the millisecond, as Okta reads them.
func window(in intents.Intent) (since, until time.Time) {
	since, until = in.Span(time.Now().UTC())
	return since.UTC().Truncate(time.Millisecond), until.UTC().Truncate(time.Millisecond)
}

// investigate answers `investigate USER [window]`: the user's status,
// factors, groups and apps, their System Log events of the window (as
// actor or target) with every detection run over them, and the fixes the
// findings call for. The four reads run concurrently once the user is
// resolved.
func (c *Client) investigate(ctx context.Context, in intents.Intent, res *intents.Result, limit int) error {
	u, err := c.ResolveUser(ctx, in.User)
	if err != nil {
		return err
	}
	since, until := window(in)
	res.Since, res.Until, res.Subject = since, until, u.Login
	p := &intents.UserProfile{User: u}
	q := logQuery{since: since, until: until, filter: anyOf(term("actor.id", "eq", u.ID), term("target.id", "eq", u.ID))}
	var g gathered
	grp, gctx := newGroup(ctx)
	grp.Go(func() (err error) { p.Factors, err = c.Factors(gctx, u.ID); return err })
	grp.Go(func() (err error) { p.Groups, err = c.userGroups(gctx, u.ID); return err })
	grp.Go(func() (err error) { p.Apps, err = c.userApps(gctx, u.ID); return err })
	grp.Go(func() (err error) { p.Blocks, err = c.userBlocks(gctx, u.ID); return err })
	grp.Go(func() (err error) { g, err = c.gather(c.descending(gctx, q, nil), 0); return err })
	if err := grp.Wait(); err != nil {
		return err
	}
	res.Profile = p
	g.tell(res)

	a := detect.Analyze(c.s.detect, g.events)
	res.Findings = byUser(a.Users)
	known := knownUsers(g.events)
	known[strings.ToLower(u.Login)] = u.ID
	var props []intents.Action
	for _, pr := range a.Proposals {
		if pr.User != nil && pr.User.ID != u.ID && !strings.EqualFold(pr.User.Name, u.Login) {
			continue // another user's fix: it belongs to their investigation
		}
		if pr.User != nil {
			if !appliesTo(pr.Kind, u.Status) && !unlockable(pr.Kind, u.Status, p.Blocks) {
				continue
			}
			pr.User = &intents.Ref{Type: "user", ID: u.ID, Name: u.Login}
		}
		props = append(props, pr)
	}
	if res.Proposals, err = c.resolveTargets(ctx, props, known); err != nil {
		return err
	}
	named := namedEvents(res.Findings)
	shown := slices.DeleteFunc(g.events, func(e intents.Event) bool { return quiet(e.EventType) && !named[e.UUID] })
	res.Events, res.Truncated = firstN(shown, limit)
	return nil
}

// threats answers `threats [window]`: the whole org's window, restricted
// to the event types the detections read, read oldest first page by page
// into detect's streaming engine (windows per user, IP and rule reaching
// a day back, or further when a detection spans more), which holds a
// compact form of the recent events only; the findings grouped by user
// worst first, the fixes proposed and the events behind the findings. It
// reads the whole window however many events it holds; a read Okta stops
// early answers with what it read and says where it stopped.
func (c *Client) threats(ctx context.Context, in intents.Intent, res *intents.Result, limit int) error {
	since, until := window(in)
	res.Since, res.Until = since, until
	q := logQuery{since: since, until: until, filter: c.detectionFilter()}
	e := detect.NewEngine(c.s.detect, detect.Limits{Window: max(detect.DefaultWindow, detect.Span(c.s.detect))})
	known := map[string]string{}
	s, err := c.stream(c.ascending(ctx, q), func(evs []intents.Event) {
		e.Feed(evs)
		maps.Copy(known, knownUsers(evs))
	})
	if err != nil {
		return err
	}
	s.tell(res)
	a := e.Analysis()
	res.Findings = byUser(a.Users)
	if res.Proposals, err = c.resolveTargets(ctx, a.Proposals, known); err != nil {
		return err
	}
	behind := e.FindingEvents()
	slices.Reverse(behind) // newest first, as the other answers list events
	res.Events, res.Truncated = firstN(behind, limit)
	return nil
}

// streamed is what a streaming read (stream) covered.
type streamed struct {
	read    int
	stopped intents.Stop // why it ended before the end of the window; "" read it all
	last    time.Time    // the newest event it read
}

// tell puts what the read covered in the result. A read stopped early
// read the window from its start up to last: the note says that the
// newer events were not read.
func (s streamed) tell(res *intents.Result) {
	res.Read, res.Stopped = s.read, s.stopped
	if s.stopped == "" {
		return
	}
	at := "its start"
	if !s.last.IsZero() {
		at = s.last.UTC().Format(time.RFC3339)
	}
	res.Notes = append(res.Notes, "The read went oldest first and stopped at "+at+" ("+string(s.stopped)+
		"): the window's events after it were not read.")
}

// stream hands each page of a page stream (oldest first) to each and
// keeps none of it. A read that Okta stops after its first page — a rate
// limit not waited out, a query cut off after 30 seconds even on the
// narrowest part of the window — ends with what it read and says why, as
// gather does; before any page it is an error.
func (c *Client) stream(pages iter.Seq2[page[intents.Event], error], each func([]intents.Event)) (streamed, error) {
	var s streamed
	got := false
	keepRaw := c.rawKeeper()
	for p, err := range pages {
		if err != nil {
			stop, partial := stoppedBy(err)
			if !got || !partial {
				return s, err
			}
			c.log.Warn("okta: a System Log read stopped early; answering with what it read", "reason", stop, "read", s.read, "err", err)
			s.stopped = stop
			return s, nil
		}
		got = true
		for i := range p.items {
			if !keepRaw(p.items[i]) {
				p.items[i].Raw = nil // the detections read the decoded fields (a team rule may read the raw JSON)
			}
		}
		each(p.items)
		s.read += len(p.items)
		if n := len(p.items); n > 0 {
			s.last = p.items[n-1].Published
		}
	}
	return s, nil
}

// detectionEventTypes are the event types (a trailing "." is a prefix)
// the detections of okta/detect read; threats asks Okta for these only.
// A test checks that the detections find the same on the demo org with and
// without this filter.
func detectionEventTypes() []string {
	return []string{
		"user.session.", "user.authentication.", "policy.evaluate_sign_on", "user.mfa.", "system.push.",
		"user.account.", "group.privilege.", "iam.resourceset.bindings.", "system.mfa.factor.", "security.",
		"user.risk.", "system.api_token.", "policy.lifecycle.", "policy.rule.", "zone.", "system.idp.lifecycle.",
		"application.policy.sign_on.", "system.log_stream.lifecycle.",
		"network_zone.rule.",
		"app.generic.unauth_app_access_attempt",
		"app.oauth2.as.token.detect_reuse", "app.oauth2.token.detect_reuse", "app.oauth2.as.token.grant", "app.oauth2.token.grant",
		"app.oauth2.client.read_client_secret", "system.agent.ad.",
		"application.lifecycle.create", "application.lifecycle.activate", "application.lifecycle.update",
		"application.user_membership.show_password",
		"device.user.add", "device.enrollment.create", "system.sms.send_phone_verification_message",
		"system.voice.send_phone_verification_call",
		"system.email.password_reset.sent_message", "system.email.account_unlock.sent_message",
		"system.sms.send_password_reset_message", "system.sms.send_account_unlock_message",
		"system.voice.send_password_reset_call", "system.voice.send_account_unlock_call", "user.credential.enroll",
		"system.org.rate_limit.", "system.client.rate_limit.", "system.client.concurrency_rate_limit.",
		"system.operation.rate_limit.", "core.concurrency.org.limit.violation", "application.integration.rate_limit_exceeded",
		"app.oauth2.client_id_rate_limit_warning", "application.lifecycle.deactivate",
		"application.lifecycle.delete", "user.lifecycle.create",
	}
}

// typeTerms are the filter terms of event types; a trailing "." or "*"
// is a prefix.
func typeTerms(types []string) []string {
	out := make([]string, 0, len(types))
	for _, t := range types {
		switch {
		case strings.HasSuffix(t, "*"):
			out = append(out, term("eventType", "sw", strings.TrimSuffix(t, "*")))
		case strings.HasSuffix(t, "."):
			out = append(out, term("eventType", "sw", t))
		default:
			out = append(out, term("eventType", "eq", t))
		}
	}
	return out
}

// quiet reports the event types an investigation does not list unless a
// finding names them: every sign-in's policy evaluation and session end.
func quiet(eventType string) bool {
	return eventType == "policy.evaluate_sign_on" || eventType == "user.session.end"
}

// appliesTo reports whether a proposed fix applies to a user in status:
// suspend to ACTIVE users, unlock to LOCKED_OUT ones, nothing to
// deactivated ones.
func appliesTo(k intents.Kind, status string) bool {
	switch {
	case status == "DEPROVISIONED":
		return false
	case k == intents.SuspendUser:
		return status == "ACTIVE"
	case k == intents.UnlockUser:
		return status == "LOCKED_OUT"
	}
	return true
}

// gathered is one investigation read: the matching events of the window,
// newest first, without their raw JSON.
type gathered struct {
	events []intents.Event
	next   string // the cursor that lists on after the first `limit` events
	// stopped says why the read ended before the start of the window
	// (empty: it read all of it); reached is the oldest time it read.
	stopped intents.Stop
	reached time.Time
}

// tell puts what the read covered in the result: how many events it
// read, and where and why it stopped early.
func (g gathered) tell(res *intents.Result) {
	res.Read = len(g.events)
	res.Stopped, res.Reached = g.stopped, g.reached
}

// descending streams the events of q newest first, keeping those keep
// accepts (nil: all), a busy window read in slices at once
// (sliced). Page cursors stay Okta's links, so a listing made of the kept
// events pages on consistently.
func (c *Client) descending(ctx context.Context, q logQuery, keep func(intents.Event) bool) iter.Seq2[page[intents.Event], error] {
	q.descending = true
	if q.pageSize == 0 {
		q.pageSize = logPageMax
	}
	return c.sliced(ctx, q, keep)
}

// kept filters the items of a page stream.
func kept(pages iter.Seq2[page[intents.Event], error], keep func(intents.Event) bool) iter.Seq2[page[intents.Event], error] {
	return func(yield func(page[intents.Event], error) bool) {
		for p, err := range pages {
			if err == nil {
				p.items = slices.DeleteFunc(p.items, func(e intents.Event) bool { return !keep(e) })
			}
			if !yield(p, err) {
				return
			}
		}
	}
}

// gather reads a page stream (newest first) into memory for the
// detections, up to the client's bound on events read (Config.
// MaxEventsRead), and notes the cursor after the first limit events
// (limit 0: none). A read that Okta stops after its first page — a rate
// limit not waited out, a query cut off after 30 seconds even on the
// narrowest part of the window — keeps what it read and says where it
// stopped, as a read stopped at the bound does: the answer is then
// incomplete, never an all-clear. Before any page it is an error.
func (c *Client) gather(pages iter.Seq2[page[intents.Event], error], limit int) (gathered, error) {
	var g gathered
	read := false // a page came
	keepRaw := c.rawKeeper()
	for p, err := range pages {
		if err != nil {
			stop, partial := stoppedBy(err)
			if !read || !partial {
				return g, err
			}
			c.log.Warn("okta: a System Log read stopped early; answering with what it read", "reason", stop, "read", len(g.events), "err", err)
			g.stopped = stop
			return g, nil
		}
		read = true
		for i, ev := range p.items {
			if limit > 0 && len(g.events) == limit && g.next == "" {
				k := p.at
				k.skip = i
				g.next = k.String()
			}
			if len(g.events) == c.s.maxRead {
				g.stopped = intents.StopCap
				c.log.Warn("okta: a window holds more events than one answer reads; the oldest are left out", "read", c.s.maxRead)
				return g, nil
			}
			if !keepRaw(ev) {
				ev.Raw = nil // detections read the decoded fields; the raw JSON would double the memory
			}
			g.events = append(g.events, ev)
			g.reached = ev.Published
		}
	}
	g.reached = time.Time{} // the whole window was read
	return g, nil
}

// stoppedBy says whether err ends a read early with what it read: Okta's
// rate limit, or its 30-second cut-off.
func stoppedBy(err error) (intents.Stop, bool) {
	switch {
	case errors.Is(err, intents.ErrRateLimited):
		return intents.StopRateLimit, true
	case isLogTimeout(err):
		return intents.StopTimeout, true
	}
	return "", false
}

// firstN returns the first n events and whether more remained.
func firstN(evs []intents.Event, n int) ([]intents.Event, bool) {
	if n <= 0 || len(evs) <= n {
		return evs, false
	}
	return evs[:n:n], true
}

// byUser lists the findings grouped by user, the users worst first (as
// detect.ByUser orders them), each user's findings worst first.
func byUser(users []detect.UserSummary) []intents.Finding {
	out := []intents.Finding{}
	for _, u := range users {
		out = append(out, u.Findings...)
	}
	return out
}

// namedEvents is the set of event uuids the findings name.
func namedEvents(fs []intents.Finding) map[string]bool {
	out := map[string]bool{}
	for _, f := range fs {
		for _, id := range f.Events {
			out[id] = true
		}
	}
	return out
}

// knownUsers maps the logins (lower-cased) of the users that the events
// name, as actor or target, to their Okta ids.
func knownUsers(evs []intents.Event) map[string]string {
	out := map[string]string{}
	note := func(a intents.Actor) {
		if !strings.EqualFold(a.Type, "User") || a.ID == "" || a.ID == "unknown" || a.AlternateID == "" {
			return
		}
		out[strings.ToLower(a.AlternateID)] = a.ID
	}
	for _, e := range evs {
		note(e.Actor)
		for _, t := range e.Targets {
			note(t)
		}
	}
	return out
}

// resolveTargets fills in the Okta id of every proposal's user: from the
// events when they named it, else by looking the login up. A proposal for
// a user who no longer exists is dropped (the finding still shows).
func (c *Client) resolveTargets(ctx context.Context, ps []intents.Action, known map[string]string) ([]intents.Action, error) {
	out := make([]intents.Action, 0, len(ps))
	gone := map[string]bool{}
	for _, p := range ps {
		if p.User == nil || p.User.ID != "" {
			out = append(out, p)
			continue
		}
		login := strings.ToLower(p.User.Name)
		if gone[login] {
			continue
		}
		id, ok := known[login]
		if !ok {
			u, err := c.ResolveUser(ctx, p.User.Name)
			switch {
			case isNotFound(err) || errors.Is(err, intents.ErrAmbiguous):
				c.log.Info("okta: a finding's user is not one current user; no fix proposed", "user", p.User.Name)
				gone[login] = true
				continue
			case err != nil:
				return nil, err
			}
			id = u.ID
			known[login] = id
		}
		ref := *p.User
		ref.ID = id
		p.User = &ref
		out = append(out, p)
	}
	return out, nil
}

// remedies proposes the fixes for findings that only some detections
// made, user by user, with the users' ids from the events.
func remedies(fs []intents.Finding, known map[string]string) []intents.Action {
	var out []intents.Action
	for _, s := range detect.ByUser(fs) {
		s.UserID = known[strings.ToLower(s.User)]
		out = append(out, detect.Remedies(s)...)
	}
	return out
}

// runDetections runs the named detections over events and returns their
// findings grouped by user, worst first.
func runDetections(cfg detect.Config, evs []intents.Event, ids ...string) []intents.Finding {
	var fs []intents.Finding
	for _, d := range detect.Catalogue() {
		if slices.Contains(ids, d.ID) {
			fs = append(fs, d.Run(cfg, evs)...)
		}
	}
	return byUser(detect.ByUser(fs))
}
