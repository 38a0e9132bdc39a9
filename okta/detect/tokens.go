package detect

import (
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// api_token_revoked: an API token revoked (Panther, Elastic). Revoking
// the tokens an org's integrations run on stops provisioning, log
// shipping and automation at once; an attacker does it to disrupt, or to
// cut off the defenders' tooling. Usually it is housekeeping: Low, more
// from an odd place or time.

const baseTokenRevoked = 20 // a token revoked: Low, Medium with one more signal

// apiTokenRevoked finds API tokens revoked.
func apiTokenRevoked(tl *timeline) []finding {
	return tl.tokenChanges(tokenChange{"system.api_token.revoke", APITokenRevoked, baseTokenRevoked,
		"whatever ran on it stops", "revoked", "revocation"})
}

// tokenChange is what happens to an API token and how a finding says it.
type tokenChange struct {
	eventType, detection string
	base                 int
	why                  string // what it means, after "API token "x" created: "
	verb, noun           string // "created", "creation"
}

// tokenChanges finds one finding per event of c's type.
func (tl *timeline) tokenChanges(c tokenChange) []finding {
	var out []finding
	for i, e := range tl.events {
		if e.EventType != c.eventType {
			continue
		}
		actor := actorLogin(e)
		token := tokenName(e)
		var ev evidence
		ev.add(c.base, "%s %s: %s", token, c.verb, c.why)
		tl.offHoursEvidence(&ev, e.Published)
		tl.origin(&ev, e, "the "+c.noun)
		blockedEvidence(&ev, e, "the "+c.noun)
		summary := capitalize(token) + " " + c.verb + " by " + orName(actor, e.Actor) + " at " + tl.clock(e.Published)
		if e.Client.IP != "" {
			summary += " from " + tl.ipLabel(e)
		}
		out = append(out, tl.newFinding(c.detection, actor, summary, ev, []int{i}))
	}
	return out
}

// tokenName is `API token "ci"` for the event's Token target, or "an
// API token".
func tokenName(e intents.Event) string {
	token := "an API token"
	for _, t := range e.Targets {
		if strings.EqualFold(t.Type, "Token") && t.DisplayName != "" {
			token = "API token \"" + t.DisplayName + "\""
		}
	}
	return token
}
