package okta

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// authenticatorPrefix starts the Debug keys that hold
// authenticationContext.authenticatorContext's fields
// (intents.Event.Debug).
const authenticatorPrefix = "authenticatorContext."

// rawEvent is the part of Okta's LogEvent that intents.Event holds.
// Fields whose type varies between events in the wild (numbers sent as
// strings, objects in debugData, nulls) are read leniently.
type rawEvent struct {
	UUID           string       `json:"uuid"`
	Published      string       `json:"published"`
	EventType      string       `json:"eventType"`
	DisplayMessage string       `json:"displayMessage"`
	Severity       string       `json:"severity"`
	Actor          rawActor     `json:"actor"`
	Target         []rawActor   `json:"target"`
	Outcome        *rawOutcome  `json:"outcome"`
	Client         *rawClient   `json:"client"`
	Security       *rawSecurity `json:"securityContext"`
	AuthContext    *struct {
		ExternalSessionID string `json:"externalSessionId"`
		RootSessionID     string `json:"rootSessionId"`
		Issuer            *struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		} `json:"issuer"`
		AuthenticatorContext map[string]json.RawMessage `json:"authenticatorContext"`
	} `json:"authenticationContext"`
	Transaction *struct {
		ID string `json:"id"`
	} `json:"transaction"`
	Debug *struct {
		DebugData map[string]json.RawMessage `json:"debugData"`
	} `json:"debugContext"`
}

type rawActor struct {
	ID            string                     `json:"id"`
	Type          string                     `json:"type"`
	AlternateID   string                     `json:"alternateId"`
	DisplayName   string                     `json:"displayName"`
	DetailEntry   map[string]json.RawMessage `json:"detailEntry"`
	ChangeDetails json.RawMessage            `json:"changeDetails"` // read by changes, leniently
}

type rawOutcome struct {
	Result string `json:"result"`
	Reason string `json:"reason"`
}

type rawClient struct {
	IPAddress string `json:"ipAddress"`
	Device    string `json:"device"`
	Zone      string `json:"zone"`
	UserAgent *struct {
		RawUserAgent string `json:"rawUserAgent"`
		Browser      string `json:"browser"`
		OS           string `json:"os"`
	} `json:"userAgent"`
	Geo *struct {
		City        string `json:"city"`
		State       string `json:"state"`
		Country     string `json:"country"`
		Geolocation *struct {
			Lat json.RawMessage `json:"lat"`
			Lon json.RawMessage `json:"lon"`
		} `json:"geolocation"`
	} `json:"geographicalContext"`
}

type rawSecurity struct {
	ASNumber json.RawMessage `json:"asNumber"`
	ASOrg    string          `json:"asOrg"`
	ISP      string          `json:"isp"`
	Domain   string          `json:"domain"`
	IsProxy  json.RawMessage `json:"isProxy"`
}

// decodeEvent decodes one System Log event. Raw keeps the event as Okta
// sent it (including client.device and anything else not modelled). An
// event whose modelled fields do not decode is still returned with its
// uuid, type, time and Raw, so nothing is silently lost.
func decodeEvent(raw json.RawMessage) (intents.Event, error) {
	var r rawEvent
	if err := json.Unmarshal(raw, &r); err != nil {
		var min struct {
			UUID      string `json:"uuid"`
			Published string `json:"published"`
			EventType string `json:"eventType"`
		}
		if err2 := json.Unmarshal(raw, &min); err2 != nil {
			return intents.Event{}, fmt.Errorf("event: %w", err2)
		}
		return intents.Event{UUID: min.UUID, EventType: min.EventType, Published: parseTime(min.Published), Raw: clone(raw)}, nil
	}
	e := intents.Event{
		UUID:           r.UUID,
		Published:      parseTime(r.Published),
		EventType:      r.EventType,
		DisplayMessage: r.DisplayMessage,
		Severity:       r.Severity,
		Actor:          r.Actor.actor(),
		Raw:            clone(raw),
	}
	for _, t := range r.Target {
		e.Targets = append(e.Targets, t.actor())
	}
	if o := r.Outcome; o != nil {
		e.Outcome = intents.EventOutcome{Result: o.Result, Reason: o.Reason}
	}
	if c := r.Client; c != nil {
		e.Client = intents.EventClient{IP: c.IPAddress, Device: c.Device, Zone: c.Zone}
		if ua := c.UserAgent; ua != nil {
			e.Client.UserAgent, e.Client.Browser, e.Client.OS = ua.RawUserAgent, ua.Browser, ua.OS
		}
		if g := c.Geo; g != nil {
			e.Client.City, e.Client.State, e.Client.Country = g.City, g.State, g.Country
			if gl := g.Geolocation; gl != nil {
				e.Client.Lat, e.Client.Lon = number(gl.Lat), number(gl.Lon)
			}
		}
	}
	if s := r.Security; s != nil {
		e.Security = intents.Security{ASNumber: int(number(s.ASNumber)), ASOrg: s.ASOrg, ISP: s.ISP, Domain: s.Domain, IsProxy: boolean(s.IsProxy)}
	}
	if a := r.AuthContext; a != nil {
		e.SessionID, e.RootSessionID = a.ExternalSessionID, a.RootSessionID
		if i := a.Issuer; i != nil {
			e.Issuer = intents.Issuer{ID: i.ID, Type: i.Type}
		}
	}
	if t := r.Transaction; t != nil {
		e.TransactionID = t.ID
	}
	if d := r.Debug; d != nil && len(d.DebugData) > 0 {
		e.Debug = stringMap(d.DebugData)
	}
	if a := r.AuthContext; a != nil && len(a.AuthenticatorContext) > 0 {
		// Okta FastPass's caller (the binary that asked for the
		// signature, how it reached Okta Verify, whether it was signed)
		// is logged nowhere else; detect reads it with debugData.
		if e.Debug == nil {
			e.Debug = map[string]string{}
		}
		for k, v := range stringMap(a.AuthenticatorContext) {
			e.Debug[authenticatorPrefix+k] = v
		}
	}
	return e, nil
}

func (a rawActor) actor() intents.Actor {
	out := intents.Actor{ID: a.ID, Type: a.Type, AlternateID: a.AlternateID, DisplayName: a.DisplayName}
	if len(a.DetailEntry) > 0 {
		out.Detail = stringMap(a.DetailEntry)
	}
	var cd struct{ From, To json.RawMessage }
	if len(a.ChangeDetails) > 0 && json.Unmarshal(a.ChangeDetails, &cd) == nil {
		out.Changes = changes(cd.From, cd.To)
	}
	return out
}

// changes reads a target's changeDetails: the from and to objects hold
// the changed fields of the target, nested as in the object itself
// ({"actions":{"signon":{"requireFactor":true}}}), or as an object in a
// JSON string ({"policyRuleActionJson":"{\"appSignOn\":…}"}). Each leaf that differs
// between them is one change, by path, in path order. A side that is not
// an object (absent, null, or a bare value) holds no fields.
func changes(from, to json.RawMessage) []intents.Change {
	before, after := map[string]json.RawMessage{}, map[string]json.RawMessage{}
	flatten("", from, before)
	flatten("", to, after)
	paths := slices.Collect(maps.Keys(before))
	for p := range after {
		if _, ok := before[p]; !ok {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	var out []intents.Change
	for _, p := range paths {
		if !bytes.Equal(before[p], after[p]) {
			out = append(out, intents.Change{Path: p, From: before[p], To: after[p]})
		}
	}
	return out
}

// jsonObjectString is the object a JSON string holds, or nil: Okta writes
// some changed fields as a JSON object in a string (an authentication
// policy rule's policyRuleActionJson), and their fields change one by one.
func jsonObjectString(raw json.RawMessage) json.RawMessage {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil
	}
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "{") || !json.Valid([]byte(s)) {
		return nil
	}
	return json.RawMessage(s)
}

// flatten adds the leaves of a JSON object to out by dotted path, as
// compact JSON; nulls are left out (a field set to null is a field
// without a value).
func flatten(prefix string, v json.RawMessage, out map[string]json.RawMessage) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(v, &obj) != nil {
		return
	}
	for k, raw := range obj {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		raw = bytes.TrimSpace(raw)
		switch {
		case len(raw) == 0 || bytes.Equal(raw, []byte("null")):
		case raw[0] == '{':
			flatten(path, raw, out)
		case jsonObjectString(raw) != nil:
			flatten(path, jsonObjectString(raw), out)
		default:
			var buf bytes.Buffer
			if json.Compact(&buf, raw) == nil {
				out[path] = buf.Bytes()
			}
		}
	}
}

// parseTime reads Okta's RFC 3339 timestamps (with milliseconds).
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// stringMap stringifies a map of JSON values: strings as they are, null
// dropped, anything else as its compact JSON.
func stringMap(m map[string]json.RawMessage) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		v = bytes.TrimSpace(v)
		switch {
		case len(v) == 0 || bytes.Equal(v, []byte("null")):
		case v[0] == '"':
			var s string
			if json.Unmarshal(v, &s) == nil {
				out[k] = s
			}
		default:
			var buf bytes.Buffer
			if json.Compact(&buf, v) == nil {
				out[k] = buf.String()
			}
		}
	}
	return out
}

// number reads a JSON number, or a number in a string; anything else is 0.
func number(v json.RawMessage) float64 {
	s := string(bytes.Trim(bytes.TrimSpace(v), `"`))
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return f
}

// boolean reads a JSON boolean, or one in a string; anything else is false.
func boolean(v json.RawMessage) bool {
	b, err := strconv.ParseBool(string(bytes.Trim(bytes.TrimSpace(v), `"`)))
	return err == nil && b
}
