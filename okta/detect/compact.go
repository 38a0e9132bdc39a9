package detect

import (
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// held is one event as the Engine keeps it: what the detections (and an
// answer that shows the event) read, with the parts that repeat from
// event to event — the actor, the client, the network, the outcome, the
// targets, the read debugData — shared with the other events that have
// the same, and nothing else: no raw JSON, no debugData key that no
// detection reads. A decoded intents.Event is about 4.3 KB; a held one
// about 250 bytes.
type held struct {
	uuid      string
	at        int64 // published, Unix nanoseconds
	typ       string
	msg       string
	severity  string
	actor     *intents.Actor
	targets   []intents.Actor // shared: never written
	outcome   *intents.EventOutcome
	client    *intents.EventClient
	security  *intents.Security
	session   string
	tx        string
	debug     map[string]string // shared: never written
	refs      int32             // the windows that hold it
	sequenced bool              // in the engine's time queue
}

// readDebug are the debugData keys that a detection (or an answer showing
// the event: threatSuspected, risk) reads; the others are dropped.
var readDebug = []string{
	"behaviors", "dtHash", "factor", "logOnlySecurityData", "privilegeGranted", "risk",
	"suspiciousActivityEventCity", "suspiciousActivityEventCountry", "suspiciousActivityEventId",
	"suspiciousActivityEventIp", "suspiciousActivityEventType", "threatDetections", "threatSuspected",
}

// internCap bounds the interning tables: past it they start afresh (the
// events already held keep what they share).
const internCap = 1 << 17

// interner shares equal values between held events.
type interner struct {
	strs     map[string]string
	clients  map[intents.EventClient]*intents.EventClient
	security map[intents.Security]*intents.Security
	outcomes map[intents.EventOutcome]*intents.EventOutcome
	actors   map[string]*intents.Actor
	targets  map[string][]intents.Actor
	debugs   map[string]map[string]string
	n        int
}

func newInterner() *interner {
	return &interner{
		strs:     map[string]string{},
		clients:  map[intents.EventClient]*intents.EventClient{},
		security: map[intents.Security]*intents.Security{},
		outcomes: map[intents.EventOutcome]*intents.EventOutcome{},
		actors:   map[string]*intents.Actor{},
		targets:  map[string][]intents.Actor{},
		debugs:   map[string]map[string]string{},
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

func internPtr[K comparable](in *interner, m *map[K]*K, v K) *K {
	if p, ok := (*m)[v]; ok {
		return p
	}
	p := &v
	in.grow()
	(*m)[v] = p
	return p
}

// actorKey is a text that equal actors share, "" for an actor with
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

func (in *interner) targetList(ts []intents.Actor) []intents.Actor {
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
			return out
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
	in.targets[k] = out
	return out
}

func (in *interner) debugOf(d map[string]string) map[string]string {
	var b strings.Builder
	for _, k := range readDebug { // sorted, so the text is canonical
		if v, ok := d[k]; ok {
			b.WriteString(k)
			b.WriteByte(0)
			b.WriteString(v)
			b.WriteByte(0)
		}
	}
	if b.Len() == 0 {
		return nil
	}
	k := b.String()
	if m, ok := in.debugs[k]; ok {
		return m
	}
	m := map[string]string{}
	for _, name := range readDebug {
		if v, ok := d[name]; ok {
			m[name] = in.str(v)
		}
	}
	in.grow()
	in.debugs[k] = m
	return m
}

func (in *interner) client(c intents.EventClient) *intents.EventClient {
	c = intents.EventClient{IP: in.str(c.IP), UserAgent: in.str(c.UserAgent), Browser: in.str(c.Browser), OS: in.str(c.OS),
		Device: in.str(c.Device), Zone: in.str(c.Zone), City: in.str(c.City), State: in.str(c.State),
		Country: in.str(c.Country), Lat: c.Lat, Lon: c.Lon}
	return internPtr(in, &in.clients, c)
}

// compact makes the held form of e.
func (in *interner) compact(e *intents.Event) *held {
	s := e.Security
	s.ASOrg, s.ISP, s.Domain = in.str(s.ASOrg), in.str(s.ISP), in.str(s.Domain)
	o := intents.EventOutcome{Result: in.str(e.Outcome.Result), Reason: in.str(e.Outcome.Reason)}
	return &held{
		uuid:     strings.Clone(e.UUID),
		at:       e.Published.UnixNano(),
		typ:      in.str(e.EventType),
		msg:      in.str(e.DisplayMessage),
		severity: in.str(e.Severity),
		actor:    in.actor(e.Actor),
		targets:  in.targetList(e.Targets),
		outcome:  internPtr(in, &in.outcomes, o),
		client:   in.client(e.Client),
		security: internPtr(in, &in.security, s),
		session:  in.str(e.SessionID),
		tx:       strings.Clone(e.TransactionID),
		debug:    in.debugOf(e.Debug),
	}
}

// published is h's time, in UTC as Okta writes it.
func (h *held) published() time.Time { return time.Unix(0, h.at).UTC() }

// event is h as an intents.Event. Its maps and slices are shared with h:
// the detections only read them.
func (h *held) event() intents.Event {
	return intents.Event{
		UUID: h.uuid, Published: h.published(), EventType: h.typ, DisplayMessage: h.msg, Severity: h.severity,
		Actor: *h.actor, Targets: h.targets, Outcome: *h.outcome, Client: *h.client, Security: *h.security,
		SessionID: h.session, TransactionID: h.tx, Debug: h.debug,
	}
}

// size estimates the bytes h holds of its own (the shared parts not
// counted).
func (h *held) size() int {
	return 176 + len(h.uuid) + len(h.tx)
}
