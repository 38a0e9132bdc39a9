package detect

import (
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// oauth_token_abuse: the System Log's signs that OAuth 2.0 tokens or
// client credentials are in the wrong hands.
//
//   - Token reuse (app.oauth2.as.token.detect_reuse, app.oauth2.token.detect_reuse):
//     Okta rotates a refresh token each time it is used; one used again
//     after rotation is a copy, replayed (Panther).
//   - A public client asking for client-credential tokens and failing on
//     no_matching_scope: a public client has no secret to prove, so the
//     request comes from whoever holds its id, reaching for scopes it was
//     never granted (Elastic). Okta's own integrations and log readers are
//     left out, as Elastic leaves them.
//   - A client secret read in the Admin Console or API
//     (app.oauth2.client.read_client_secret): with it anyone can act as
//     the app (Okta).
//   - A token or code request refused for a redirect URI the app does not
//     list (mismatched_redirect_uri): a phishing proxy sending codes to
//     itself (Okta).
//
// One finding per kind, user and client, and run of events (a gap of
// more than oauthGap starts a new one).

const (
	baseTokenReuse     = 50 // a replayed refresh token: High
	basePublicClientCC = 40 // a public client reaching for scopes: Medium
	baseSecretRead     = 40 // a client secret read: Medium, High from a new place or off hours
	baseRedirect       = 35 // a redirect to an unlisted URI: Medium
	wOAuthRepeated     = 5  // the same, more than once in a run

	oauthGap = time.Hour

	// evTokenReuse starts the evidence item Remedies reads.
	evTokenReuse = "a refresh token was used again"
)

type oauthKind int

const (
	notOAuth oauthKind = iota
	tokenReuse
	publicClientCC
	secretRead
	redirectMismatch
)

// oauthAbuse classifies e.
func oauthAbuse(e intents.Event) oauthKind {
	switch t := e.EventType; {
	case t == "app.oauth2.as.token.detect_reuse" || t == "app.oauth2.token.detect_reuse":
		return tokenReuse
	case t == "app.oauth2.client.read_client_secret":
		return secretRead
	case !strings.HasPrefix(t, "app.oauth2.") || !failed(e):
		return notOAuth
	case strings.EqualFold(e.Outcome.Reason, "mismatched_redirect_uri"):
		return redirectMismatch
	case (t == "app.oauth2.as.token.grant" || t == "app.oauth2.token.grant") &&
		strings.EqualFold(e.Actor.Type, "PublicClientApp") &&
		strings.EqualFold(e.Debug["grantType"], "client_credentials") &&
		strings.EqualFold(e.Outcome.Reason, "no_matching_scope") &&
		!isOktaInternal(e) && !oktaClient(e.Actor) && !onlyReadScopes(e.Debug["requestedScopes"]):
		return publicClientCC
	}
	return notOAuth
}

// oktaClient reports a client of Okta's own or of a log reader that
// Elastic leaves out (display names "Okta …" and "Datadog").
func oktaClient(a intents.Actor) bool {
	n := strings.ToLower(a.DisplayName)
	return strings.HasPrefix(n, "okta") || n == "datadog"
}

// onlyReadScopes reports requested scopes that are all log or hook
// reads, which log collectors ask for.
func onlyReadScopes(s string) bool {
	some := false
	for _, sc := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		switch sc {
		case "okta.logs.read", "okta.eventHooks.read", "okta.inlineHooks.read":
			some = true
		default:
			return false
		}
	}
	return some
}

// oauthTokenAbuse finds replayed tokens, public clients reaching for
// scopes, client secrets read and unlisted redirects.
func oauthTokenAbuse(tl *timeline) []finding {
	type key struct {
		kind         oauthKind
		user, client string
	}
	groups := map[key][]int{}
	var order []key
	for i, e := range tl.events {
		k := oauthAbuse(e)
		if k == notOAuth {
			continue
		}
		g := key{kind: k, client: oauthClient(e)}
		if k == secretRead {
			g.user = actorLogin(e)
		} else {
			g.user, _ = targetUser(e)
		}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], i)
	}
	var out []finding
	for _, g := range order {
		for _, idx := range tl.runs(groups[g], oauthGap) {
			out = append(out, tl.oauthFinding(g.kind, g.user, g.client, idx))
		}
	}
	return out
}

// oauthClient names the OAuth client of e: the actor when it is a client
// app, else the app the event targets.
func oauthClient(e intents.Event) string {
	if !isUserActor(e.Actor) && e.Actor.Type != "" {
		if e.Actor.DisplayName != "" {
			return e.Actor.DisplayName
		}
		return name(e.Actor)
	}
	for _, t := range e.Targets {
		ty := strings.ToLower(t.Type)
		if strings.Contains(ty, "app") || strings.Contains(ty, "client") {
			return t.Label()
		}
	}
	return "an OAuth client"
}

func (tl *timeline) oauthFinding(kind oauthKind, user, client string, idx []int) finding {
	first := tl.events[idx[0]]
	top := tl.worst(idx)
	n := len(idx)
	var ev evidence
	var summary string
	who := user
	if who == "" {
		who = "a user"
	}
	switch kind {
	case tokenReuse:
		ev.add(baseTokenReuse, "%s after Okta had rotated it (%s): a copy is being replayed", evTokenReuse, plural(n, "time", "times"))
		summary = "A refresh token of " + client + " for " + who + " was reused after rotation"
	case publicClientCC:
		ev.add(basePublicClientCC, "public client %s, which has no secret, asked for client-credential tokens with scopes it is not granted", client)
		if s := first.Debug["requestedScopes"]; s != "" {
			ev.add(0, "scopes asked for: %s", shorten(s, 120))
		}
		summary = "Public client " + client + " was refused client-credential tokens for scopes it lacks"
	case secretRead:
		ev.add(baseSecretRead, "the client secret of %s was read: whoever holds it can act as the app", client)
		tl.offHoursEvidence(&ev, first.Published)
		summary = orName(user, first.Actor) + " read the client secret of " + client
	case redirectMismatch:
		ev.add(baseRedirect, "%s refused a redirect URI it does not list: a phishing proxy would send the codes to itself", client)
		if u := first.Debug["redirectUri"]; u != "" {
			ev.add(0, "redirect asked for: %s", shorten(u, 120))
		}
		summary = client + " refused an unlisted redirect URI"
		if user != "" {
			summary += " for " + user
		}
	}
	if n > 1 && kind != tokenReuse {
		ev.add(wOAuthRepeated, "%s in a row", plural(n, "time", "times"))
	}
	tl.origin(&ev, top, "the request")
	if kind == secretRead {
		blockedEvidence(&ev, first, "the read")
	}
	summary += tl.fromIPs(idx) + " at " + tl.clock(first.Published)
	if n > 1 {
		summary += " (" + plural(n, "event", "events") + ")"
	}
	return tl.newFinding(OAuthTokenAbuse, user, summary, ev, idx)
}
