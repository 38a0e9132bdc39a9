package detect

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// held is one event as the Engine keeps it: what the detections (and an
// answer that shows the event) read, with the parts that repeat from
// event to event — the type and outcome, the actor, the client's software,
// place and network, the targets, the read debugData — shared with the
// other events that have the same, and nothing else: no raw JSON, no
// debugData key that no detection reads, no transaction id where no
// detection groups by it. A decoded intents.Event is about 4.3 KB; a held
// one about 150 bytes of its own.
type held struct {
	uuid      string
	at        int64 // published, Unix nanoseconds
	kind      *kind
	actor     *intents.Actor
	targets   *[]intents.Actor // nil: none; shared, never written
	net       *netPart
	ip        string
	session   string
	root      string // authenticationContext.rootSessionId
	tx        string // only for a failed sign-in (failedSignIns groups by it)
	debug     *debugRead
	dtHash    string // debugData.dtHash, one per device
	refs      int32  // the windows that hold it
	sequenced bool   // in the engine's time queue
}

// kind is what an event is: its type, message, severity and outcome, and
// the issuer that vouched for it.
type kind struct {
	typ, msg, severity string
	outcome            intents.EventOutcome
	issuer             intents.Issuer
}

// netPart is where an event came from, but for its IP (per event):
// the client's software and place, and the securityContext.
type netPart struct {
	client   intents.EventClient // IP ""
	security intents.Security
}

// debugRead is the read debugData but dtHash, in readDebug's order, and
// the map of them that events without a dtHash share.
type debugRead struct {
	vals [len(readDebug)]string
	m    map[string]string
}

// readDebug are the debugData keys that a detection (or an answer showing
// the event: threatSuspected, risk) reads, dtHash apart; the others are
// dropped.
var readDebug = [...]string{
	"behaviors", "factor", "logOnlySecurityData", "privilegeGranted", "risk",
	"grantType", "requestedScopes", "redirectUri", // oauth_token_abuse
	"suspiciousActivityEventCity", "suspiciousActivityEventCountry", "suspiciousActivityEventId",
	"suspiciousActivityEventIp", "suspiciousActivityEventType", "threatDetections", "threatSuspected",
	"authenticatorContext.bindingMethod", "authenticatorContext.validationStatus", "authenticatorContext.binaryIdentifier",
}

// internCap bounds the interning tables: past it they start afresh (the
// events already held keep what they share).
const internCap = 1 << 17

// interner shares equal values between held events.
type interner struct {
	strs    map[string]string
	kinds   map[kind]*kind
	nets    map[netPart]*netPart
	plain   map[plainActor]*intents.Actor
	actors  map[string]*intents.Actor
	targets map[string]*[]intents.Actor
	debugs  map[[len(readDebug)]string]*debugRead
	n       int
}

// plainActor is an actor without details or changes.
type plainActor struct{ id, typ, alternateID, displayName string }

func newInterner() *interner {
	return &interner{
		strs:    map[string]string{},
		kinds:   map[kind]*kind{},
		nets:    map[netPart]*netPart{},
		plain:   map[plainActor]*intents.Actor{},
		actors:  map[string]*intents.Actor{},
		targets: map[string]*[]intents.Actor{},
		debugs:  map[[len(readDebug)]string]*debugRead{},
	}
}

// grow counts one new entry and starts afresh past internCap.
func (in *interner) grow() {
	in.n++
	if in.n > internCap {
		*in = *newInterner()
	}
}

func (in *interner) str(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := in.strs[s]; ok {
		return v
	}
	s = strings.Clone(s)
	in.grow()
	in.strs[s] = s
	return s
}

func internPtr[K comparable](in *interner, m map[K]*K, v K) *K {
	if p, ok := m[v]; ok {
		return p
	}
	p := &v
	in.grow()
	m[v] = p
	return p
}

// actorKey writes a text that equal actors share; false for an actor with
// changeDetails (kept as it is).
func actorKey(b *strings.Builder, a intents.Actor) bool {
	if len(a.Changes) > 0 {
		return false
	}
	for _, s := range []string{a.ID, a.Type, a.AlternateID, a.DisplayName} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	for _, k := range sortedKeys(a.Detail) {
		b.WriteString(k)
		b.WriteByte(1)
		b.WriteString(a.Detail[k])
		b.WriteByte(1)
	}
	b.WriteByte(2)
	return true
}

func (in *interner) actor(a intents.Actor) *intents.Actor {
	if len(a.Detail) == 0 && len(a.Changes) == 0 {
		k := plainActor{a.ID, a.Type, a.AlternateID, a.DisplayName}
		if p, ok := in.plain[k]; ok {
			return p
		}
		c := in.actorCopy(a)
		in.grow()
		in.plain[plainActor{c.ID, c.Type, c.AlternateID, c.DisplayName}] = &c
		return &c
	}
	var b strings.Builder
	if !actorKey(&b, a) {
		c := in.actorCopy(a)
		return &c
	}
	k := b.String()
	if p, ok := in.actors[k]; ok {
		return p
	}
	c := in.actorCopy(a)
	in.grow()
	in.actors[k] = &c
	return &c
}

// actorCopy is a with its strings interned and its maps and slices copied,
// so that it shares nothing with the caller's event.
func (in *interner) actorCopy(a intents.Actor) intents.Actor {
	c := intents.Actor{ID: in.str(a.ID), Type: in.str(a.Type), AlternateID: in.str(a.AlternateID), DisplayName: in.str(a.DisplayName)}
	if len(a.Detail) > 0 {
		c.Detail = make(map[string]string, len(a.Detail))
		for k, v := range a.Detail {
			c.Detail[in.str(k)] = in.str(v)
		}
	}
	for _, ch := range a.Changes {
		c.Changes = append(c.Changes, intents.Change{Path: in.str(ch.Path), From: slices.Clone(ch.From), To: slices.Clone(ch.To)})
	}
	return c
}

func (in *interner) targetList(ts []intents.Actor) *[]intents.Actor {
	if len(ts) == 0 {
		return nil
	}
	var b strings.Builder
	for _, t := range ts {
		if !actorKey(&b, t) {
			out := make([]intents.Actor, len(ts))
			for i, t := range ts {
				out[i] = in.actorCopy(t)
			}
			return &out
		}
	}
	k := b.String()
	if v, ok := in.targets[k]; ok {
		return v
	}
	out := make([]intents.Actor, len(ts))
	for i, t := range ts {
		out[i] = *in.actor(t)
	}
	in.grow()
	in.targets[k] = &out
	return &out
}

func (in *interner) debugOf(d map[string]string) *debugRead {
	var vals [len(readDebug)]string
	some := false
	for i, k := range readDebug {
		if v, ok := d[k]; ok {
			vals[i], some = v, true
		}
	}
	if !some {
		return nil
	}
	if p, ok := in.debugs[vals]; ok {
		return p
	}
	r := &debugRead{m: map[string]string{}}
	for i, k := range readDebug {
		if v, ok := d[k]; ok {
			r.vals[i] = in.str(v)
			r.m[k] = r.vals[i]
		}
	}
	in.grow()
	in.debugs[r.vals] = r
	return r
}

// same is s, or prev when it equals s: what one user's events repeat
// (their IP, session, device) is shared with the event before, not
// interned in a table that every user would fill.
func same(prev, s string) string {
	if prev == s {
		return prev
	}
	return strings.Clone(s)
}

// compact makes the held form of e; prev (nil: none) is the event before
// it of the same actor, whose per-user parts it shares when they are the
// same.
func (in *interner) compact(e *intents.Event, prev *held) *held {
	c := e.Client
	net := netPart{
		client: intents.EventClient{UserAgent: in.str(c.UserAgent), Browser: in.str(c.Browser), OS: in.str(c.OS),
			Device: in.str(c.Device), Zone: in.str(c.Zone), City: in.str(c.City), State: in.str(c.State),
			Country: in.str(c.Country), Lat: c.Lat, Lon: c.Lon},
		security: e.Security,
	}
	net.security.ASOrg, net.security.ISP, net.security.Domain = in.str(net.security.ASOrg), in.str(net.security.ISP), in.str(net.security.Domain)
	k := kind{typ: in.str(e.EventType), msg: in.str(e.DisplayMessage), severity: in.str(e.Severity),
		outcome: intents.EventOutcome{Result: in.str(e.Outcome.Result), Reason: in.str(e.Outcome.Reason)},
		issuer:  intents.Issuer{ID: in.str(e.Issuer.ID), Type: in.str(e.Issuer.Type)}}
	h := &held{
		uuid:    strings.Clone(e.UUID),
		at:      e.Published.UnixNano(),
		kind:    internPtr(in, in.kinds, k),
		targets: in.targetList(e.Targets),
		net:     internPtr(in, in.nets, net),
		debug:   in.debugOf(e.Debug),
	}
	if prev == nil {
		prev = &held{actor: &intents.Actor{}}
	}
	h.ip, h.session, h.dtHash = same(prev.ip, c.IP), same(prev.session, e.SessionID), same(prev.dtHash, e.Debug["dtHash"])
	h.root = same(prev.root, e.RootSessionID)
	switch a := e.Actor; {
	case len(a.Detail) == 0 && len(a.Changes) == 0 && len(prev.actor.Detail) == 0 && len(prev.actor.Changes) == 0 &&
		plainActor{a.ID, a.Type, a.AlternateID, a.DisplayName} == plainActor{prev.actor.ID, prev.actor.Type, prev.actor.AlternateID, prev.actor.DisplayName}:
		h.actor = prev.actor
	case len(a.Detail) == 0 && len(a.Changes) == 0:
		c := in.actorCopy(a)
		h.actor = &c
	default:
		h.actor = in.actor(a)
	}
	if isFailedSignIn(*e) {
		h.tx = strings.Clone(e.TransactionID)
	}
	return h
}

// published is h's time, in UTC as Okta writes it.
func (h *held) published() time.Time { return time.Unix(0, h.at).UTC() }

// typ is h's event type.
func (h *held) typ() string { return h.kind.typ }

// event is h as an intents.Event. Its maps and slices are shared with
// other events: the detections only read them.
func (h *held) event() intents.Event {
	e := intents.Event{
		UUID: h.uuid, Published: h.published(), EventType: h.kind.typ, DisplayMessage: h.kind.msg, Severity: h.kind.severity,
		Actor: *h.actor, Outcome: h.kind.outcome, Issuer: h.kind.issuer, Client: h.net.client, Security: h.net.security,
		SessionID: h.session, RootSessionID: h.root, TransactionID: h.tx,
	}
	e.Client.IP = h.ip
	if h.targets != nil {
		e.Targets = *h.targets
	}
	switch {
	case h.dtHash != "":
		e.Debug = map[string]string{"dtHash": h.dtHash}
		if h.debug != nil {
			maps.Copy(e.Debug, h.debug.m)
		}
	case h.debug != nil:
		e.Debug = h.debug.m
	}
	return e
}

// size estimates the bytes h holds of its own (the shared parts not
// counted).
func (h *held) size() int {
	return 144 + len(h.uuid) + len(h.tx)
}

// targetList is h's targets (shared: never written).
func (h *held) targetList() []intents.Actor {
	if h.targets == nil {
		return nil
	}
	return *h.targets
}
