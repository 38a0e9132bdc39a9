package detect

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// The streaming engine: the detections over a log read page by page, in
// bounded memory.
//
// The Engine keeps a window of recent events per subject: per user (the
// actor's alternate id and every target user), per client IP for the
// shapes that span users (failed and successful sign-ins: spraying from
// one IP, a success from an IP that tried many users; Okta's verdicts on
// an IP with no user), per device, phone number and device token for the
// shapes that span the users sharing one (moreKeys), one for account
// lockouts (many accounts locked at once), one for failed sign-ins (a
// spray spread over many IPs), per policy or rule for configuration
// changes, per issuer for sign-ins through another identity provider (is
// the issuer new?) and one for identity providers changed. Each window
// reaches Limits.Window back from the newest event fed (time comes from
// the events, never the clock) and holds at most Limits.PerKey events,
// the oldest leaving first. An event is held once, in the compact form of
// held, however many windows hold it.
//
// Feed runs every detection, unchanged, over the union of the windows its
// new events touched (and the configuration changes of the rules their
// policy evaluations name), and reports the findings that include a new
// event: a finding is always whole as far as the windows hold it.

// Limits bound an Engine's windows.
type Limits struct {
	Window time.Duration // how far back a key's window reaches (0: DefaultWindow)
	PerKey int           // the most events one window keeps, the oldest go first (0: DefaultPerKey)
}

// The default Limits.
const (
	DefaultWindow = 24 * time.Hour
	DefaultPerKey = 500
)

func (l Limits) withDefaults() Limits {
	if l.Window <= 0 {
		l.Window = DefaultWindow
	}
	if l.PerKey <= 0 {
		l.PerKey = DefaultPerKey
	}
	return l
}

// Span is the longest time the detections of cfg look back or ahead from
// one event to the next (success within 3 h of failures, a sign-in 12 h
// after a factor reset …): a window at least this long finds what a
// batch finds of the spans.
func Span(cfg Config) time.Duration {
	th := cfg.withDefaults().Thresholds
	spans := []time.Duration{
		th.FailedBurst.Window, th.Stuffing.Window, th.Spray.Window, th.ManyUsers.Window, th.MFAAbandonIP.Window, th.SuccessWithin + th.AppsWithin,
		th.ResetThenSignIn, th.PushFatigue.Window + th.PushAcceptWithin, th.MFAFailures.Window + th.PushAcceptWithin,
		th.LockoutWave.Window, th.RepeatLockouts.Window, linkWindow, th.UnauthAppAccess.Window, th.DistributedSpray.Window,
		th.PasswordReveals.Window, th.ADAgentSurge.Window, th.EnrolAfterSignIn + enrolEpisodeGap, th.AppChallenges.Window, th.GeoSpread.Window,
	}
	return slices.Max(spans)
}

// EngineStats is what an Engine holds.
type EngineStats struct {
	Keys   int // windows
	Events int // distinct events in them
	Bytes  int // an estimate of the memory they take
}

// window is one key's events, oldest first.
type window struct {
	evs []*held
}

// Engine runs the detections incrementally. It is not safe for concurrent
// use.
type Engine struct {
	cfg     Config
	lim     Limits
	in      *interner
	windows map[string]*window
	queue   []*held // held events by arrival (ascending time), for expiry
	now     int64   // the newest event's time, Unix ns
	started bool
	dirty   map[string]bool
	events  int // distinct held events
	bytes   int

	found  []finding        // every finding so far, grown ones replaced
	pinned map[string]*held // the events the findings name, by uuid
}

// NewEngine makes an empty Engine.
func NewEngine(cfg Config, lim Limits) *Engine {
	return &Engine{
		cfg:     cfg.withDefaults(),
		lim:     lim.withDefaults(),
		in:      newInterner(),
		windows: map[string]*window{},
		dirty:   map[string]bool{},
		pinned:  map[string]*held{},
	}
}

// keysOf are the windows e belongs to.
func keysOf(e *intents.Event) []string {
	var ks []string
	add := func(k string) {
		if !slices.Contains(ks, k) {
			ks = append(ks, k)
		}
	}
	if a := e.Actor.AlternateID; a != "" && !strings.EqualFold(a, "unknown") {
		add("u:" + a) // failed sign-ins count by the actor's alternate id, user or not
	}
	for _, t := range e.Targets {
		if l := login(t); l != "" {
			add("u:" + l)
		}
	}
	if ip := e.Client.IP; ip != "" && (isFailedSignIn(*e) || isSignIn(*e) || mfaUnanswered(*e)) {
		add("ip:" + ip)
	}
	if _, ok := classifyThreat(*e); ok && subject(*e) == "" {
		add("ip:" + threatIP(*e))
	}
	if isLock(*e) {
		add("lock")
	}
	if isFailedSignIn(*e) {
		add("fail") // a spray spread over many IPs
	}
	if isIdPSignIn(*e) {
		add("idp:" + issuer(*e)) // the issuer's sign-ins, every user's: is it new?
	}
	if isIdPChange(*e) {
		add("idpchange")
	}
	if isConfigChange(e.EventType) {
		if _, rule := policyRefs(*e); rule != nil {
			add("o:" + rule.ID)
			if rule.Name != "" {
				add("o:name:" + rule.Name)
			}
		}
	}
	if e.EventType == "policy.evaluate_sign_on" {
		for _, k := range ruleNames("use:", e.Targets) {
			add(k)
		}
	}
	for _, k := range moreKeys(e) {
		add(k)
	}
	if len(ks) == 0 {
		add("org")
	}
	return ks
}

// ruleNames are the window keys (after prefix) of the rules e's targets
// name: by id, or by name for a target without one.
func ruleNames(prefix string, targets []intents.Actor) []string {
	var ks []string
	for _, t := range targets {
		if !strings.Contains(strings.ToLower(t.Type), "rule") {
			continue
		}
		if t.ID != "" {
			ks = append(ks, prefix+t.ID)
		} else if t.DisplayName != "" {
			ks = append(ks, prefix+"name:"+t.DisplayName)
		}
	}
	return ks
}

// lookups are the windows a detection reads besides h's own when h is in
// a run: a failed sign-in brings its IP's window (success_after_failures
// counts what that IP tried); idp_sign_in weighs the identity providers
// changed before a sign-in through one; security_config_change follows a
// weakened rule to its first use without MFA, so a policy evaluation
// brings the changes of the rules it names and its user's events (the
// sign-in it led to), and a rule's change brings the evaluations naming
// the rule.
func (e *Engine) lookups(h *held) []string {
	switch {
	case h.ip != "" && failed(intents.Event{Outcome: h.kind.outcome}) && isFailedSignIn(h.event()):
		// success_after_failures follows a user's failures to the IP that
		// tried them and many others (the attacker rotated IP)
		if e.windows["ip:"+h.ip] != nil {
			return []string{"ip:" + h.ip}
		}
		return nil
	case idpSignInType(h.typ()) && isIdPSignIn(h.event()):
		return []string{"idpchange"} // the identity providers changed before it
	case h.typ() == "policy.evaluate_sign_on":
		ks := ruleNames("o:", h.targetList())
		ks = slices.DeleteFunc(ks, func(k string) bool { return e.windows[k] == nil })
		if len(ks) > 0 && h.actor.AlternateID != "" {
			ks = append(ks, "u:"+h.actor.AlternateID)
		}
		return ks
	case isConfigChange(h.typ()):
		var ks []string
		for _, t := range h.targetList() {
			ty := strings.ToLower(t.Type)
			if t.ID != "" && strings.Contains(ty, "rule") && strings.Contains(ty, "policy") {
				ks = append(ks, "use:"+t.ID)
				if t.DisplayName != "" {
					ks = append(ks, "use:name:"+t.DisplayName)
				}
			}
		}
		if len(ks) > 0 && h.actor.AlternateID != "" {
			ks = append(ks, "u:"+h.actor.AlternateID) // who changed it, whole
		}
		return ks
	}
	return nil
}

// Feed takes the next events in ascending published order (a page) and
// returns the findings these events created or grew: each whole, as far
// as the windows hold it, with IPs and Last filled. A finding grows by a
// new event of its own, or — a weakened rule used again — by what the new
// events say of its events (restated). An event already fed (the same
// uuid, time and type) counts once; an event older than every window is
// left out.
func (e *Engine) Feed(events []intents.Event) []intents.Finding {
	touched := map[string]bool{}
	var fresh []*held
	var matched []intents.Event // fresh events a team rule matches
	for i := range events {
		ev := &events[i]
		at := ev.Published.UnixNano()
		if !e.started || at > e.now {
			e.now, e.started = at, true
		}
		if at < e.horizon() {
			continue
		}
		keys := keysOf(ev)
		if ev.UUID != "" && e.holds(keys[0], ev.UUID, at, ev.EventType) {
			continue
		}
		h := e.in.compact(ev, e.last(keys[0]))
		for _, key := range keys {
			e.hold(key, h)
			touched[key] = true
		}
		e.sequence(h)
		fresh = append(fresh, h)
		if e.cfg.Rules != nil && len(e.cfg.Rules.Match(*ev)) > 0 {
			matched = append(matched, *ev) // whole: a rule may read what held drops
		}
	}
	if len(fresh) == 0 {
		e.expire()
		return nil
	}
	// The page's findings first: a page may span more than a window.
	var rules []finding
	if len(matched) > 0 {
		rules = newTimeline(e.cfg, matched).ruleFindings(e.cfg.Rules)
	}
	out := e.run(touched, fresh, rules)
	e.expire()
	return out
}

// holds reports whether key's window holds the event of uuid at at of
// type typ: an event fed again. Its first window holds an event fed
// before unless more than PerKey newer events came since.
func (e *Engine) holds(key, uuid string, at int64, typ string) bool {
	w := e.windows[key]
	if w == nil {
		return false
	}
	for i := len(w.evs) - 1; i >= 0 && w.evs[i].at >= at; i-- {
		if h := w.evs[i]; h.at == at && h.uuid == uuid && h.kind.typ == typ {
			return true
		}
	}
	return false
}

// last is the newest event of key's window, or nil.
func (e *Engine) last(key string) *held {
	if w := e.windows[key]; w != nil && len(w.evs) > 0 {
		return w.evs[len(w.evs)-1]
	}
	return nil
}

// horizon is the oldest time the windows reach.
func (e *Engine) horizon() int64 { return e.now - int64(e.lim.Window) }

// sequence puts h in the time queue.
func (e *Engine) sequence(h *held) {
	if !h.sequenced {
		h.sequenced = true
		e.queue = append(e.queue, h)
	}
}

// hold adds h to key's window, in time order, dropping the window's
// oldest past Limits.PerKey.
func (e *Engine) hold(key string, h *held) {
	w := e.windows[key]
	if w == nil {
		w = &window{}
		e.windows[key] = w
		e.bytes += len(key) + 64
	}
	i := len(w.evs)
	for i > 0 && w.evs[i-1].at > h.at {
		i--
	}
	w.evs = slices.Insert(w.evs, i, h)
	e.take(h)
	if len(w.evs) > e.lim.PerKey {
		old := w.evs[0]
		w.evs = slices.Delete(w.evs, 0, 1)
		e.release(old)
	}
	e.dirty[key] = true
}

// take counts one more window holding h.
func (e *Engine) take(h *held) {
	if h.refs == 0 {
		e.events++
		e.bytes += h.size()
	}
	h.refs++
	e.bytes += 8
}

// release counts one window less holding h; held by none, it is
// forgotten.
func (e *Engine) release(h *held) {
	h.refs--
	e.bytes -= 8
	if h.refs > 0 {
		return
	}
	e.events--
	e.bytes -= h.size()
}

// expire drops the events older than the horizon from every window.
func (e *Engine) expire() {
	limit := e.horizon()
	n := 0
	for n < len(e.queue) && e.queue[n].at < limit {
		h := e.queue[n]
		n++
		h.sequenced = false
		if h.refs == 0 {
			continue
		}
		ev := h.event()
		for _, key := range keysOf(&ev) {
			w := e.windows[key]
			if w == nil {
				continue
			}
			i := slices.Index(w.evs, h)
			if i < 0 {
				continue
			}
			w.evs = slices.Delete(w.evs, i, i+1)
			e.release(h)
			e.dirty[key] = true
			if len(w.evs) == 0 {
				delete(e.windows, key)
				e.bytes -= len(key) + 64
			}
		}
	}
	if n > 0 {
		e.queue = slices.Delete(e.queue, 0, n)
	}
}

// locator is the name a finding gives h: its uuid, or the timeline's
// stand-in for an event without one.
func (h *held) locator() string {
	if h.uuid != "" {
		return h.uuid
	}
	return noUUID + h.typ() + "@" + h.published().Format(time.RFC3339Nano)
}

// run runs the catalogue over the windows of touched and reports the
// findings that include one of fresh, and the team rules' findings on
// them (rules).
func (e *Engine) run(touched map[string]bool, fresh []*held, rules []finding) []intents.Finding {
	in := map[*held]bool{}
	var evs []*held
	added := map[string]bool{}
	addWindow := func(key string) {
		w := e.windows[key]
		if w == nil || added[key] {
			return
		}
		added[key] = true
		for _, h := range w.evs {
			if !in[h] {
				in[h] = true
				evs = append(evs, h)
			}
		}
	}
	for _, key := range sortedKeys(touched) {
		if !strings.HasPrefix(key, "use:") { // a rule's uses come with its changes (lookups)
			addWindow(key)
		}
	}
	for i := 0; i < len(evs); i++ { // evs grows as windows are added
		for _, key := range e.lookups(evs[i]) {
			addWindow(key)
		}
	}
	events := make([]intents.Event, len(evs))
	byName := make(map[string]*held, len(evs))
	for i, h := range evs {
		events[i] = h.event()
		byName[h.locator()] = h
	}
	isNew := map[string]bool{}
	for _, h := range fresh {
		if in[h] {
			isNew[h.locator()] = true
		}
	}
	tl := newTimeline(e.cfg, events)
	if len(e.queue) > 0 {
		tl.since = e.queue[0].published() // what the engine has seen reaches back this far
	}
	var fs []finding
	for _, d := range Catalogue() {
		for _, f := range d.run(tl) {
			if slices.ContainsFunc(f.Events, func(u string) bool { return isNew[u] }) || e.restated(f, added) {
				fs = append(fs, f)
			}
		}
	}
	fs = append(fs, rules...)
	fs = sorted(fs)
	out := make([]intents.Finding, len(fs))
	for i := range fs {
		f := &fs[i]
		f.IPs, f.Last = nil, time.Time{}
		for _, u := range f.Events {
			h := byName[u]
			if h == nil {
				continue
			}
			if ip := h.ip; ip != "" && !slices.Contains(f.IPs, ip) {
				f.IPs = append(f.IPs, ip)
			}
			if t := h.published(); t.After(f.Last) {
				f.Last = t
			}
			e.pinned[u] = h
		}
		out[i] = f.Finding
	}
	e.merge(fs)
	return out
}

// restated reports a finding that names no new event but says more of
// the same events than its form found before (a weakened rule used again
// since): the run held its user's window whole, it names the same events
// and scores no less.
func (e *Engine) restated(f finding, added map[string]bool) bool {
	if f.User != "" && !added["u:"+f.User] {
		return false
	}
	for _, g := range e.found {
		if g.Detection == f.Detection && g.User == f.User && slices.Equal(g.Events, f.Events) {
			return f.Score >= g.Score && (f.Summary != g.Summary || !slices.Equal(f.Evidence, g.Evidence))
		}
	}
	return false
}

// merge adds new findings to those found so far; a new one replaces every
// earlier one of the same detection and user that shares an event with
// it (the earlier form of a finding that grew), and an earlier one of the
// same detection with no user whose events it holds all of (a finding
// that learnt whose it is: a password typed as a username, then its owner
// signing in).
func (e *Engine) merge(fs []finding) {
	e.found = slices.DeleteFunc(e.found, func(g finding) bool {
		for _, f := range fs {
			if f.Detection != g.Detection {
				continue
			}
			if f.User == g.User && grownFrom(f, g) {
				return true
			}
			if g.User == "" && f.User != "" && !slices.ContainsFunc(g.Events, func(u string) bool { return !slices.Contains(f.Events, u) }) {
				return true
			}
		}
		return false
	})
	e.found = append(e.found, fs...)
}

// grownFrom reports whether f is a later form of g: it holds g's first
// event, or shares more than one event with it (a window dropped g's
// oldest). Two findings that share only one event and not the first are
// neighbours, not forms of one (New York → London, then London → New
// York: two impossible journeys through one sign-in).
func grownFrom(f, g finding) bool {
	if len(g.Events) > 0 && slices.Contains(f.Events, g.Events[0]) {
		return true
	}
	shared := 0
	for _, u := range f.Events {
		if slices.Contains(g.Events, u) {
			shared++
		}
	}
	return shared > 1
}

// Analysis is every finding seen since the engine started, merged (a
// finding that grew replaces its earlier form), grouped per user and with
// remedies, as Analyze gives for a batch.
func (e *Engine) Analysis() Analysis {
	return analysis(sorted(slices.Clone(e.found)))
}

// FindingEvents are the events the findings of Analysis name, oldest
// first, in their held form (every field a detection or an answer reads).
func (e *Engine) FindingEvents() []intents.Event {
	seen := map[string]bool{}
	var out []intents.Event
	for _, f := range e.found {
		for _, u := range f.Events {
			h := e.pinned[u]
			if h == nil || seen[u] {
				continue
			}
			seen[u] = true
			ev := h.event()
			out = append(out, ev)
		}
	}
	slices.SortFunc(out, func(a, b intents.Event) int { return compareEvents(&a, &b) })
	return out
}

// Forget drops the findings whose newest event is before before, and the
// events only they named, so that a long-running engine's Analysis keeps
// what is recent (a watcher forgets what its incidents no longer need).
func (e *Engine) Forget(before time.Time) {
	e.found = slices.DeleteFunc(e.found, func(f finding) bool { return f.Last.Before(before) })
	named := map[string]bool{}
	for _, f := range e.found {
		for _, u := range f.Events {
			named[u] = true
		}
	}
	maps.DeleteFunc(e.pinned, func(u string, _ *held) bool { return !named[u] })
}

// Stats says what the engine holds.
func (e *Engine) Stats() EngineStats {
	return EngineStats{Keys: len(e.windows), Events: e.events, Bytes: e.bytes + 8*len(e.queue)}
}

// TakeDirty returns the windows changed since the last call, each encoded
// (nil: the window is gone), for a store to keep; Restore rebuilds an
// engine from them.
func (e *Engine) TakeDirty() map[string][]byte {
	out := make(map[string][]byte, len(e.dirty))
	for key := range e.dirty {
		w := e.windows[key]
		if w == nil {
			out[key] = nil
			continue
		}
		evs := make([]intents.Event, len(w.evs))
		for i, h := range w.evs {
			evs[i] = h.event()
		}
		b, err := json.Marshal(evs)
		if err != nil { // intents.Event always encodes
			panic(fmt.Sprintf("detect: encode window %s: %v", key, err))
		}
		out[key] = b
	}
	clear(e.dirty)
	return out
}

// Restore rebuilds the windows from every stored key (as TakeDirty gave
// them; nil entries are skipped) into an engine that has been fed
// nothing. Bad state changes nothing and is an error.
func (e *Engine) Restore(state map[string][]byte) error {
	if e.started || len(e.windows) > 0 {
		return fmt.Errorf("detect: restore into an engine that holds events")
	}
	decoded := make(map[string][]intents.Event, len(state))
	for key, b := range state {
		if b == nil {
			continue
		}
		var evs []intents.Event
		if err := json.Unmarshal(b, &evs); err != nil {
			return fmt.Errorf("detect: restore window %q: %w", key, err)
		}
		decoded[key] = evs
	}
	shared := map[eventKey]*held{}
	for _, key := range sortedKeys(decoded) {
		for i := range decoded[key] {
			ev := &decoded[key][i]
			at := ev.Published.UnixNano()
			k := eventKey{ev.UUID, at, ev.EventType}
			h := shared[k]
			if h == nil || ev.UUID == "" {
				h = e.in.compact(ev, e.last(key))
				shared[k] = h
			}
			if !e.started || at > e.now {
				e.now, e.started = at, true
			}
			e.hold(key, h)
			e.sequence(h)
		}
	}
	slices.SortStableFunc(e.queue, func(a, b *held) int { return cmp.Compare(a.at, b.at) })
	clear(e.dirty)
	e.expire()
	return nil
}
