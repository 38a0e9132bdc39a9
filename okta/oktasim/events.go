package oktasim

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// A write through the API appends the System Log event Okta would, with the
// service app as actor: user.lifecycle.suspend, group.user_membership.add, …

// audit describes the write being recorded.
type audit struct {
	r       *http.Request
	c       *caller
	now     time.Time
	typ     string // eventType
	message string // displayMessage
	targets []Object
	outcome string // "" : SUCCESS
}

// recordLocked appends the event for a write. Callers hold o.mu for writing.
func (o *org) recordLocked(a audit) {
	ip := a.r.RemoteAddr
	if host, _, err := net.SplitHostPort(ip); err == nil {
		ip = host
	}
	version := "V4"
	if parsed := net.ParseIP(ip); parsed != nil && parsed.To4() == nil {
		version = "V6"
	}
	outcome := a.outcome
	if outcome == "" {
		outcome = "SUCCESS"
	}
	targets := make([]any, len(a.targets))
	for i, t := range a.targets {
		targets[i] = t
	}
	ua := a.r.UserAgent()
	ev := Object{
		"uuid":           newUUID(),
		"published":      formatTime(a.now),
		"eventType":      a.typ,
		"version":        "0",
		"severity":       "INFO",
		"displayMessage": a.message,
		"actor": Object{"id": a.c.clientID, "type": "PublicClientApp", "alternateId": a.c.clientID,
			"displayName": a.c.appName, "detailEntry": nil},
		"client": Object{
			"userAgent": Object{"rawUserAgent": ua, "os": "Unknown", "browser": "UNKNOWN"},
			"zone":      "null", "device": "Unknown", "id": a.c.clientID, "ipAddress": ip,
			"geographicalContext": nil,
		},
		"authenticationContext": Object{"authenticationStep": 0.0, "externalSessionId": "unknown",
			"authenticationProvider": nil, "credentialProvider": nil, "credentialType": nil,
			"issuer": nil, "interface": nil},
		"outcome": Object{"result": outcome, "reason": nil},
		"securityContext": Object{"asNumber": nil, "asOrg": nil, "isp": nil, "domain": nil,
			"isProxy": nil},
		"debugContext": Object{"debugData": Object{"requestId": a.c.requestID,
			"requestUri": a.r.URL.Path, "url": a.r.URL.RequestURI()}},
		"transaction": Object{"type": "WEB", "id": a.c.requestID, "detail": Object{}},
		"request": Object{"ipChain": []any{Object{"ip": ip, "geographicalContext": nil,
			"version": version, "source": nil}}},
		"target": targets,
	}
	o.logs.insertLocked([]*logEvent{{at: a.now, obj: ev}})
}

func userTarget(u *entity) Object {
	return Object{"id": u.id, "type": "User", "alternateId": u.str("profile", "login"),
		"displayName": displayName(u), "detailEntry": nil}
}

func groupTarget(g *entity) Object {
	return Object{"id": g.id, "type": "UserGroup", "alternateId": "unknown",
		"displayName": g.str("profile", "name"), "detailEntry": nil}
}

func appTarget(a *entity) Object {
	return Object{"id": a.id, "type": "AppInstance", "alternateId": a.str("label"),
		"displayName": a.str("label"), "detailEntry": Object{"signOnModeType": a.str("signOnMode")}}
}

func policyTarget(p *entity) Object {
	return Object{"id": p.id, "type": "PolicyEntity", "alternateId": "unknown",
		"displayName": p.str("name"), "detailEntry": Object{"policyType": p.str("type")}}
}

func ruleTarget(rule *entity) Object {
	return Object{"id": rule.id, "type": "PolicyRule", "alternateId": "unknown",
		"displayName": rule.str("name"), "detailEntry": Object{"policyRuleType": rule.str("type")}}
}

// newUUID makes a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return formatUUID(b)
}

// stableUUID makes the uuid of an event that has none: the same event at the
// same place always gets the same one.
func stableUUID(index int, ev Object) string {
	buf := strconv.AppendInt(make([]byte, 0, 1024), int64(index), 10)
	buf = appendCanonical(buf, ev)
	sum := sha256.Sum256(buf)
	var u [16]byte
	copy(u[:], sum[:])
	return formatUUID(u)
}

// appendCanonical appends an unambiguous encoding of a JSON value (object
// keys sorted); it is much cheaper than encoding/json for hashing.
func appendCanonical(buf []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(buf, 'n')
	case string:
		buf = append(buf, 's')
		buf = strconv.AppendInt(buf, int64(len(x)), 10)
		return append(append(buf, ':'), x...)
	case bool:
		return strconv.AppendBool(append(buf, 'b'), x)
	case float64:
		return strconv.AppendFloat(append(buf, 'f'), x, 'g', -1, 64)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		buf = append(buf, '{')
		for _, k := range keys {
			buf = appendCanonical(buf, k)
			buf = appendCanonical(buf, x[k])
		}
		return append(buf, '}')
	case []any:
		buf = append(buf, '[')
		for _, e := range x {
			buf = appendCanonical(buf, e)
		}
		return append(buf, ']')
	}
	b, _ := json.Marshal(v) // numbers as json.Number, Go values in hand-built fixtures
	return append(append(buf, 'j'), b...)
}

func formatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
