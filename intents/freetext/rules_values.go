package freetext

import (
	"strings"
	"unicode"

	"github.com/oktabot/oktabot/intents"
)

// This file reads the enumerated values of free text: user and app
// statuses, policy types, countries, result limits, event types and profile
// attributes.

// userStatus is the user status a cue names.
var userStatus = map[cue]string{
	cSuspended: "SUSPENDED", cLocked: "LOCKED_OUT", cDeactivated: "DEPROVISIONED", cStaged: "STAGED",
	cProvisioned: "PROVISIONED", cActive: "ACTIVE", cRecovery: "RECOVERY",
}

// lifecycleEvent is the System Log event of a change of user status, for
// "users suspended this week".
var lifecycleEvent = map[cue]string{
	cSuspended: "user.lifecycle.suspend", cUnsuspended: "user.lifecycle.unsuspend",
	cDeactivated: "user.lifecycle.deactivate", cActivated: "user.lifecycle.activate",
	cLocked: "user.account.lock", cUnlocked: "user.account.unlock*", cNew: "user.lifecycle.create",
}

// statusCue returns the first user-status cue, and the status; "expired
// password" is PASSWORD_EXPIRED.
func (sc *scan) statusCue() (cue, string) {
	if sc.has(cExpired) && sc.has(cPassword) {
		return cExpired, "PASSWORD_EXPIRED"
	}
	for i, c := range sc.cue {
		if s, ok := userStatus[c]; ok && !sc.used[i] {
			return c, s
		}
	}
	return cNone, ""
}

// appStatus is ACTIVE or INACTIVE for "inactive apps".
func (sc *scan) appStatus() string {
	switch {
	case sc.has(cInactive, cDeactivated):
		return "INACTIVE"
	case sc.has(cActive, cActivated):
		return "ACTIVE"
	}
	return ""
}

// policyType reads the type of "password policies", "sign-on policies",
// "MFA enrollment policies", "access policies" or OKTA_SIGN_ON.
func (sc *scan) policyType() string {
	for i, t := range sc.toks {
		if strings.Contains(t.raw, "_") && strings.ToUpper(t.raw) == t.raw {
			if pt, err := intents.ValidPolicyType(t.raw); err == nil {
				return pt
			}
		}
		if sc.cue[i] != cPolicy {
			continue
		}
		seen := map[cue]bool{}
		words := map[string]bool{}
		for j := i - 1; j >= 0 && j >= i-4 && !sc.toks[j].sep; j-- {
			seen[sc.cue[j]] = true
			words[sc.toks[j].norm] = true
		}
		switch {
		case seen[cApp] && seen[cSignOn], seen[cAccess], words["authentication"]:
			return "ACCESS_POLICY"
		case seen[cSignOn], words["login"], seen[cLogin] && words["sign"]:
			return "OKTA_SIGN_ON"
		case seen[cPassword]:
			return "PASSWORD"
		case seen[cMFA], seen[cEnroll]:
			return "MFA_ENROLL"
		}
	}
	return ""
}

// countryCodeNoise are upper-case words that are ISO codes but rarely mean
// the country in a request.
var countryCodeNoise = map[string]bool{
	"IT": true, "ID": true, "IP": true, "OK": true, "AM": true, "PM": true, "HR": true, "QA": true,
	"UI": true, "AD": true, "IS": true, "ME": true, "BY": true, "TO": true, "IN": true, "AT": true,
	"NO": true, "OR": true, "SO": true, "DO": true, "BE": true, "MY": true, "PA": true, "PE": true,
	"SSO": true, "MFA": true, "API": true, "VPN": true, "TOR": true, "SMS": true, "OTP": true, "CEO": true,
	"CTO": true, "ALL": true, "AND": true, "ANY": true, "FOR": true, "NOT": true, "OUT": true, "NEW": true,
	"CAN": true, "ARE": true, "BOT": true, "NOW": true, "PER": true,
}

// countryIndex maps the normalized names and aliases of the country table
// (not the codes) to the System Log's name.
var countryIndex = func() map[string]bool {
	m := map[string]bool{}
	for _, row := range intents.CountryTable() {
		names := strings.Split(row, "|")
		for _, n := range names[2:] {
			m[intents.NormCountry(n)] = true
		}
	}
	return m
}()

// countries reads the countries named in the text, and whether the text
// excludes them ("outside the US", "not from Russia").
func (sc *scan) countries() ([]string, bool) {
	var out []string
	excluded := false
	for i := 0; i < len(sc.toks); i++ {
		n, ok := sc.countryAt(i)
		if !ok {
			continue
		}
		text := sc.s[sc.toks[i].start:sc.toks[i+n-1].end]
		for j := i - 1; j >= 0 && j >= i-3; j-- {
			switch sc.toks[j].norm {
			case "outside", "except", "excluding", "besides", "non", "not", "other", "than", "beyond":
				excluded = true
			}
		}
		out = append(out, text)
		for k := i; k < i+n; k++ {
			sc.used[k] = true
		}
		i += n - 1
		if len(out) > intents.MaxCountries {
			break
		}
	}
	return out, excluded
}

// countryAt reads a country of up to five words at toks[i]: a name in any
// case, or an upper-case ISO code after "from", "in" or in a list.
func (sc *scan) countryAt(i int) (int, bool) {
	t := sc.toks[i]
	if t.shape != shapeWord || sc.used[i] {
		return 0, false
	}
	for n := 5; n >= 1; n-- {
		if i+n > len(sc.toks) {
			continue
		}
		ok := true
		for k := i; k < i+n; k++ {
			ok = ok && sc.toks[k].shape == shapeWord && !sc.used[k] && (k == i+n-1 || !sc.toks[k].sep)
		}
		if !ok {
			continue
		}
		key := intents.NormCountry(sc.s[sc.toks[i].start:sc.toks[i+n-1].end])
		if n == 1 && len(key) <= 3 {
			if sc.countryCode(i) {
				return 1, true
			}
			continue
		}
		if countryIndex[key] {
			return n, true
		}
	}
	return 0, false
}

// countryCode reports an upper-case ISO code in a place a country goes.
func (sc *scan) countryCode(i int) bool {
	raw := sc.toks[i].raw
	if len(raw) < 2 || len(raw) > 4 || raw != strings.ToUpper(raw) || countryCodeNoise[raw] || strings.ContainsFunc(raw, unicode.IsDigit) {
		return false
	}
	if _, ok := intents.CountryName(raw); !ok {
		return false
	}
	if i == 0 {
		return false
	}
	prev := sc.toks[i-1]
	switch prev.norm {
	case "from", "in", "the", "countries", "country", "or", "and", "via", "like":
		return true
	}
	_, isCountry := intents.CountryName(prev.raw)
	return prev.sep && isCountry
}

// limit reads "top 10", "first 50", "limit 20" or "20 results".
func (sc *scan) limit() string {
	for i, t := range sc.toks {
		if t.shape != shapeNumber || sc.used[i] {
			continue
		}
		if i > 0 && !sc.toks[i-1].sep {
			switch sc.toks[i-1].norm {
			case "top", "first", "limit", "latest", "last":
				return t.low
			}
		}
		if i+1 < len(sc.toks) && !t.sep {
			switch sc.toks[i+1].norm {
			case "results", "entries", "items", "rows", "records":
				return t.low
			}
			switch sc.cue[i+1] {
			case cUser, cGroup, cApp, cLog, cLogin, cMember, cPolicy, cFailed, cSuspicious:
				return t.low
			}
		}
	}
	return ""
}

// eventPhrase is a phrase that names System Log events.
type eventPhrase struct {
	words     []string
	eventType string
	outcome   string
}

// eventPhrases map what people call events to Okta's event types.
var eventPhrases = func() []eventPhrase {
	list := []struct{ eventType, outcome, texts string }{
		{"user.account.reset_password", "", "password resets, password reset, reset passwords, reset password"},
		{"user.account.update_password", "", "password changes, password change, changed passwords, changed password, password updates"},
		{"user.lifecycle.create", "", "new users, new user, new accounts, users created, user created, accounts created, created users, user creations, account creations"},
		{"user.mfa.factor.reset_all", "", "factor resets, mfa resets, factor reset, mfa reset"},
		{"system.api_token.create", "", "api tokens, api token"},
		{"user.account.privilege.grant", "", "privilege grants, privilege grant, role grants, admin roles, admin role, admin grants, privilege escalations, privilege escalation"},
		{"user.session.impersonation.grant", "", "impersonation, impersonations"},
		{"policy.*", "", "policy changes, policy change, policy updates, rule changes"},
		{"group.user_membership.*", "", "membership changes, group membership changes, group changes"},
		{"user.session.clear", "", "sessions cleared, cleared sessions"},
		{"user.authentication.auth_via_mfa", "FAILURE", "mfa failures, mfa failure, failed mfa, mfa fails, failed factor, factor failures"},
		{"user.mfa.okta_verify.deny_push", "", "push denials, denied pushes, denied push, rejected pushes"},
		{"user.session.end", "", "logouts, sign outs, signouts"},
		{"zone.*", "", "zone changes, network zones, network zone changes"},
	}
	var out []eventPhrase
	for _, l := range list {
		for _, text := range strings.Split(l.texts, ",") {
			out = append(out, eventPhrase{words: strings.Fields(text), eventType: l.eventType, outcome: l.outcome})
		}
	}
	return out
}()

// eventPhrase finds the first phrase of eventPhrases, longest first.
func (sc *scan) eventPhrase() (eventPhrase, bool) {
	for i := range sc.toks {
		var best eventPhrase
		for _, p := range eventPhrases {
			if len(p.words) > len(best.words) && sc.wordsAt(i, p.words) {
				best = p
			}
		}
		if best.eventType != "" {
			return best, true
		}
	}
	return eventPhrase{}, false
}

// wordsAt reports whether the norms at toks[i:] are words, in one clause.
func (sc *scan) wordsAt(i int, words []string) bool {
	if i+len(words) > len(sc.toks) {
		return false
	}
	for k, w := range words {
		t := sc.toks[i+k]
		if t.quoted || sc.used[i+k] || (t.norm != w && t.low != w) || (k < len(words)-1 && t.sep) {
			return false
		}
	}
	return true
}

// profileAttrs map what people call profile attributes to Okta's names.
var profileAttrs = map[string]string{
	"title": "title", "job title": "title", "department": "department", "dept": "department",
	"first name": "firstName", "firstname": "firstName", "given name": "firstName",
	"last name": "lastName", "lastname": "lastName", "surname": "lastName", "family name": "lastName",
	"display name": "displayName", "nickname": "nickName", "manager": "manager",
	"mobile": "mobilePhone", "mobile phone": "mobilePhone", "phone": "primaryPhone", "phone number": "primaryPhone",
	"email": "email", "secondary email": "secondEmail", "city": "city", "division": "division",
	"organization": "organization", "cost center": "costCenter", "employee number": "employeeNumber",
	"user type": "userType", "locale": "locale", "timezone": "timezone", "time zone": "timezone",
	"name": "name", "description": "description",
}

// attrAt reads a profile attribute name of one or two words at toks[i].
func (sc *scan) attrAt(i int) (string, int, bool) {
	if i >= len(sc.toks) || sc.toks[i].quoted {
		return "", 0, false
	}
	if i+1 < len(sc.toks) && !sc.toks[i].sep {
		if a, ok := profileAttrs[sc.toks[i].low+" "+sc.toks[i+1].low]; ok {
			return a, i + 2, true
		}
	}
	a, ok := profileAttrs[sc.toks[i].low]
	return a, i + 1, ok
}

// options reads the key:value words that are not slash-grammar keys as
// profile attributes (firstName:Jane).
func (sc *scan) options() map[string]string {
	var out map[string]string
	for i, t := range sc.toks {
		if t.shape != shapeOption || intents.ArgsForKey(intents.NormKey(t.key)) != nil {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[t.key] = t.val
		sc.used[i] = true
	}
	return out
}
