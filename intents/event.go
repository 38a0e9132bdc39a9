package intents

import (
	"encoding/json"
	"strings"
	"time"
)

// Event is one Okta System Log event, with the fields detections and people
// use. Raw keeps the whole event as Okta sent it, so nothing is lost.
type Event struct {
	UUID           string            `json:"uuid"`
	Published      time.Time         `json:"published"`
	EventType      string            `json:"eventType"`
	DisplayMessage string            `json:"displayMessage,omitempty"`
	Severity       string            `json:"severity,omitempty"`
	Actor          Actor             `json:"actor"`
	Targets        []Actor           `json:"target,omitempty"`
	Outcome        EventOutcome      `json:"outcome"`
	Client         EventClient       `json:"client"`
	Security       Security          `json:"securityContext"`
	SessionID      string            `json:"sessionId,omitempty"`     // authenticationContext.externalSessionId
	RootSessionID  string            `json:"rootSessionId,omitempty"` // authenticationContext.rootSessionId: the session the others were spawned from
	Issuer         Issuer            `json:"issuer,omitzero"`         // authenticationContext.issuer
	TransactionID  string            `json:"transactionId,omitempty"` // transaction.id
	Debug          map[string]string `json:"debugData,omitempty"`     // debugContext.debugData, stringified; and authenticationContext.authenticatorContext's fields (FastPass's caller) as "authenticatorContext.<field>"
	Raw            json.RawMessage   `json:"-"`
}

// Issuer is who vouched for a sign-in through another identity provider
// (Okta's authenticationContext.issuer): for SAML the assertion's issuer,
// for social and OIDC sign-ins the token's. Empty for Okta's own.
type Issuer struct {
	ID   string `json:"id,omitempty"`
	Type string `json:"type,omitempty"`
}

// Actor is the actor or a target of an event.
type Actor struct {
	ID          string            `json:"id,omitempty"`
	Type        string            `json:"type,omitempty"`
	AlternateID string            `json:"alternateId,omitempty"`
	DisplayName string            `json:"displayName,omitempty"`
	Detail      map[string]string `json:"detailEntry,omitempty"`
	// Changes are the target's changeDetails: what the event changed on
	// it, one entry per changed field.
	Changes []Change `json:"changes,omitempty"`
}

// Label is the name people use for the actor: for an app (AppInstance)
// its label, which the System Log gives as alternateId ("GitHub", as the
// Admin Console and the user's dashboard show it) rather than the
// catalogue name in displayName ("GitHub Enterprise Cloud -
// Organization"); for anything else its display name, else its
// alternate id.
func (a Actor) Label() string {
	first, second := a.DisplayName, a.AlternateID
	if a.Type == "AppInstance" {
		first, second = second, first
	}
	if first != "" {
		return first
	}
	return second
}

// Change is one field an event changed on its target, read from Okta's
// target[].changeDetails {from, to}. Path is the field's place in the
// object, dot-separated as Okta names it ("actions.signon.requireFactor").
// From and To are its values as compact JSON (true, "SESSION", ["00g1"]);
// nil when the field was absent on that side.
type Change struct {
	Path string          `json:"path"`
	From json.RawMessage `json:"from,omitempty"`
	To   json.RawMessage `json:"to,omitempty"`
}

// Field is the last part of the change's path: "requireFactor".
func (c Change) Field() string {
	if i := strings.LastIndexByte(c.Path, '.'); i >= 0 {
		return c.Path[i+1:]
	}
	return c.Path
}

// Before is the value before the change as text: a string as it is,
// anything else as its JSON; "" when the field was absent.
func (c Change) Before() string { return jsonText(c.From) }

// After is the value after the change as text, like Before.
func (c Change) After() string { return jsonText(c.To) }

// String is "requireFactor: true → false", an absent value shown as
// "(unset)".
func (c Change) String() string {
	show := func(s string) string {
		if s == "" {
			return "(unset)"
		}
		return s
	}
	return c.Field() + ": " + show(c.Before()) + " → " + show(c.After())
}

func jsonText(v json.RawMessage) string {
	var s string
	if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}

// EventOutcome is an event's result and reason.
type EventOutcome struct {
	Result string `json:"result,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// EventClient is where a System Log event came from: the client's
// address, software and place.
type EventClient struct {
	IP        string  `json:"ipAddress,omitempty"`
	UserAgent string  `json:"userAgent,omitempty"`
	Browser   string  `json:"browser,omitempty"`
	OS        string  `json:"os,omitempty"`
	Device    string  `json:"device,omitempty"`
	Zone      string  `json:"zone,omitempty"`
	City      string  `json:"city,omitempty"`
	State     string  `json:"state,omitempty"`
	Country   string  `json:"country,omitempty"`
	Lat       float64 `json:"lat,omitempty"`
	Lon       float64 `json:"lon,omitempty"`
}

// Place is "City, Country" (or what is known of it).
func (c EventClient) Place() string {
	switch {
	case c.City != "" && c.Country != "":
		return c.City + ", " + c.Country
	case c.Country != "":
		return c.Country
	default:
		return c.City
	}
}

// Security is the event's securityContext.
type Security struct {
	ASNumber int    `json:"asNumber,omitempty"`
	ASOrg    string `json:"asOrg,omitempty"`
	ISP      string `json:"isp,omitempty"`
	Domain   string `json:"domain,omitempty"`
	IsProxy  bool   `json:"isProxy,omitempty"`
	// TorExit is oktabot's own mark: the client IP is on the Tor
	// Project's exit list (OKTABOT_TOR_EXITS) when the event was read.
	TorExit bool `json:"torExit,omitempty"`
}

// LogFilter is a System Log query. The adapter turns it into Okta's
// `filter`/`q` parameters with every value escaped.
type LogFilter struct {
	Since      time.Time
	Until      time.Time // zero: now
	EventTypes []string  // any of; a type ending in "." or "*" is a prefix
	Outcome    string
	Actor      string // actor.id or actor.alternateId
	Target     string // target.id or target.alternateId (matched with co/eq where Okta allows)
	Countries  []string
	Query      string // Okta's q: free-text keyword search
	Limit      int    // stop after this many events; 0: no cap
}

// PasswordCheck reports an Identity Engine password check. Identity Engine
// treats the password as one more authenticator and logs every check of
// it as user.authentication.auth_via_mfa with debugData.factor
// PASSWORD_AS_FACTOR and a "Password" AuthenticatorEnrollment target; a
// wrong password is that event with outcome FAILURE, INVALID_CREDENTIALS:
// a failed sign-in, not a failed MFA.
func (e Event) PasswordCheck() bool {
	if e.EventType != "user.authentication.auth_via_mfa" {
		return false
	}
	if f := strings.TrimSpace(e.Debug["factor"]); f != "" {
		return strings.EqualFold(f, "PASSWORD_AS_FACTOR")
	}
	for _, t := range e.Targets {
		if strings.EqualFold(t.Type, "AuthenticatorEnrollment") && strings.EqualFold(t.Detail["methodTypeUsed"], "Password") {
			return true
		}
	}
	return false
}
