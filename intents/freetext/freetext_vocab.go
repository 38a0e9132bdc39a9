package freetext

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/oktabot/oktabot/intents"
)

// This file is the vocabulary of the free-text rules: the words (and short
// phrases) that carry meaning, each with its cue, and the typo correction
// that maps "investgate" and "lgoins" onto them.

// cue is what a word contributes to understanding a request.
type cue uint8

const (
	cNone     cue = iota
	cPart         // a later word of a phrase; the first word carries the cue
	cStop         // a known word that is never part of a name
	cCourtesy     // please, kindly, can, could …: may precede a command
	cJoin         // and, then, also: joins two commands

	cUser
	cGroup
	cApp
	cPolicy
	cRule
	cLogin
	cSignOn
	cSession
	cToken
	cLog
	cActivity
	cAdmin
	cChange
	cSecurity
	cThreat
	cSuspicious
	cCountry
	cProxy
	cFailed
	cDenied
	cSuccess
	cMFA
	cEnroll
	cWithout
	cWeak
	cHistory
	cMember
	cAssigned
	cAccess
	cDetails
	cPending
	cProposal
	cHelp
	cHealth
	cStatus
	cInvestigate
	cCompromised
	cBrute
	cPassword
	cLockout
	cNew
	cDescription
	cNamed
	cMatching
	cCount
	cList
	cWho
	cWhat
	cWhen
	cWhere
	cHow
	cNegation
	cAdvice
	cIf
	cPronoun
	cTop
	cOkta
	cPrivilege
	cTime // a word of a time window: last, past, since, hours …

	// user states, which are also past tenses of actions
	cSuspended
	cUnsuspended
	cLocked
	cUnlocked
	cDeactivated
	cActivated
	cStaged
	cProvisioned
	cActive
	cInactive
	cExpired
	cRecovery
	cAdded
	cRemoved
	cCleared
	cDeleted
	cUpdated

	// verbs of change
	vSuspend
	vUnsuspend
	vDeactivate
	vActivate
	vEnable
	vDisable
	vUnlock
	vReset
	vClear
	vLogout
	vAdd
	vRemove
	vCreate
	vDelete
	vUpdate
	vSet
	vRename
	vIdiom // an idiom of the catalogue (rules_idioms.go) decides
	vVague
)

// isVerb reports the cues of change verbs.
func (c cue) isVerb() bool { return c >= vSuspend && c <= vVague }

// vocabulary maps a lower-case word to its cue.
var vocabulary = func() map[string]cue {
	m := map[string]cue{}
	add := func(c cue, words string) {
		for _, w := range strings.Fields(words) {
			m[w] = c
		}
	}
	add(cStop, `the a an me my mine our ours us we i i'm im you your u ya it its is are was were be been
		being am do does did has have had having of for from to in into on onto at by with within over
		during about around across or but so that this these those there here all any every each some
		such only just now right again still already ever yet up out off down than other more most
		many much very really actually maybe perhaps etc via per vs versus tell know got get else
		anything something everything nothing stuff things thing one ones org organization company
		tenant everyone everybody bot oktabot hey hi hello yo thanks thank thx ty cheers sure ok okay
		lots lot long lost logo need needs want wants like let lets let's go ahead quick quickly asap
		immediately urgently urgent currently current too as because since ago cause cuz bc due reason
		reasons where's that's it's there's whether time times look looking
		looks see give use uses used using rest taken even fine lately outcome result results type types kind`)
	add(cCourtesy, "please pls plz kindly can could would will wanna")
	add(cJoin, "and then also plus")
	add(cTime, `last past previous prior recent recently latest today yesterday tonight morning
		week weeks day days hour hours hr hrs minute minutes min mins month months year years fortnight
		weekend monday tuesday wednesday thursday friday saturday sunday night overnight noon midday midnight
		afternoon evening`)

	add(cUser, "user users account accounts person people employee employees username usernames identity identities")
	add(cGroup, "group groups")
	add(cApp, "app apps application applications integration integrations")
	add(cPolicy, "policy policies")
	add(cRule, "rule rules")
	add(cLogin, "login logins logon logons signin signins authentication authentications authenticated auth sso") //nolint:misspell // "signins" is a word people type
	add(cSignOn, "signon signons")
	add(cSession, "session sessions")
	add(cToken, "token tokens")
	add(cLog, "log logs event events syslog audit entries")
	add(cActivity, "activity activities happened happening doing")
	add(cAdmin, "admin admins administrator administrators administrative superadmin superadmins")
	add(cChange, "actions action changes modifications config configuration")
	add(cSecurity, "security")
	add(cThreat, "threat threats detection detections alert alerts sweep hunt risk risks incident incidents")
	add(cSuspicious, `suspicious suspect sus risky unusual anomalous anomaly anomalies weird strange odd
		abnormal malicious shady sketchy fishy dodgy irregular atypical unrecognized unrecognised`)
	add(cCountry, `country countries location locations geo geolocation foreign abroad overseas region
		regions sanctioned embargoed watchlist`)
	add(cProxy, "tor proxy proxies vpn vpns anonymizer anonymizers anonymizing anonymous anonymized anonymised")
	add(cFailed, "failed failure failures failing fail fails unsuccessful")
	add(cDenied, "denied deny blocked rejected")
	add(cSuccess, "successful success succeeded successes")
	add(cMFA, `mfa 2fa twofactor multifactor 2factor factor factors authenticator authenticators otp totp
		yubikey yubikeys webauthn passkey passkeys u2f fido fido2`)
	add(cEnroll, "enrolled enrollment enrolment enrollments enrolments enroll enrol registered setup configured coverage")
	add(cWithout, "without lacking lack lacks missing unenrolled non none")
	add(cWeak, "weak weaker sms")
	add(cHistory, "history timeline")
	add(cMember, "member members membership memberships")
	add(cAssigned, "assigned assignment assignments assignees")
	add(cAccess, "access")
	add(cDetails, "details detail info information profile profiles attributes overview")
	add(cPending, "pending awaiting waiting outstanding")
	add(cProposal, "proposal proposals approval approvals")
	add(cHelp, "help commands command usage manual docs howto")
	add(cHealth, "ping health healthy alive connection connected connectivity doctor scopes permissions uptime")
	add(cStatus, "status state")
	add(cInvestigate, "investigate investigation investigations triage analyze analyse examine scrutinize")
	add(cCompromised, "compromised hacked breached pwned phished hijacked stolen takeover")
	add(cBrute, "bruteforce spraying stuffing")
	add(cPassword, "password passwords pw pwd")
	add(cLockout, "lockout lockouts")
	add(cNew, "new created newly creations")
	add(cDescription, "description")
	add(cNamed, "called titled")
	add(cMatching, "matching matches containing contains")
	add(cCount, "count")
	add(cList, "list show display find search fetch pull view lookup enumerate check")
	add(cWho, "who who's whom whose anyone anybody someone somebody")
	add(cWhat, "what what's whats which")
	add(cWhen, "when")
	add(cWhere, "where")
	add(cHow, "how")
	add(cNegation, `not don't dont doesn't doesnt didn't didnt isn't isnt aren't arent haven't havent
		hasn't hasnt never no cannot can't cant won't wont shouldn't nor`)
	add(cAdvice, "should shall ought might")
	add(cIf, "if unless")
	add(cPronoun, "he him his she her hers they them their")
	add(cTop, "top first limit")
	add(cOkta, "okta")
	add(cPrivilege, "privilege privileges privileged role roles")

	add(cSuspended, "suspended")
	add(cUnsuspended, "unsuspended")
	add(cLocked, "locked lockedout")
	add(cUnlocked, "unlocked")
	add(cDeactivated, "deactivated deprovisioned disabled offboarded")
	add(cActivated, "activated reactivated enabled")
	add(cStaged, "staged")
	add(cProvisioned, "provisioned")
	add(cActive, "active")
	add(cInactive, "inactive")
	add(cExpired, "expired")
	add(cRecovery, "recovery")
	add(cAdded, "added")
	add(cRemoved, "removed")
	add(cCleared, "cleared revoked killed terminated")
	add(cDeleted, "deleted")
	add(cUpdated, "updated changed modified edited renamed")

	add(vSuspend, "suspend")
	add(vUnsuspend, "unsuspend")
	add(vDeactivate, "deactivate deprovision offboard")
	add(vActivate, "activate reactivate")
	add(vEnable, "enable reenable")
	add(vDisable, "disable")
	add(vUnlock, "unlock")
	add(vReset, "reset wipe")
	add(vClear, "clear kill end revoke terminate invalidate expire")
	add(vLogout, "logout signout logoff")
	add(vAdd, "add put")
	add(vRemove, "remove drop kick")
	add(vCreate, "create make")
	add(vDelete, "delete destroy erase")
	add(vUpdate, "update change modify edit amend")
	add(vSet, "set")
	add(vRename, "rename")
	add(vVague, "block ban lock nuke quarantine freeze")
	// A one-word idiom of an action that the vocabulary lacks ("unfreeze")
	// is a vague verb to it, so that typos of it are corrected; the idiom
	// gives it its meaning.
	for _, info := range intents.Catalogue {
		for _, text := range info.Idioms {
			if w := strings.ReplaceAll(strings.ToLower(text), "-", ""); info.Action && isLetters(w) {
				if _, ok := m[w]; !ok {
					m[w] = vVague
				}
			}
		}
	}
	return m
}()

// phrase is a run of words with one cue.
type phrase struct {
	words []string
	cue   cue
}

// phrases are matched before single words, longest first.
var phrases = func() map[string][]phrase {
	list := []struct {
		cue   cue
		texts string // phrases separated by commas
	}{
		{cLogin, "log in, log ins, logged in, logging in, sign in, sign ins, signed in, signing in, log on, logged on, log into, logged into, signed into"},
		{cSignOn, "sign on, sign ons, okta sign on"},
		{vLogout, "log out, sign out, log off, kick out, boot out"},
		{cLog, "system log, audit log, audit logs, audit trail, event log"},
		{cMFA, "two factor, 2 factor, multi factor, second factor, okta verify, google authenticator, security key, security keys"},
		{cEnroll, "set up"},
		{cLocked, "locked out"},
		{cCount, "how many, number of"},
		{cInvestigate, "look into, dig into, deep dive, dig in"},
		{cList, "look up, look at"},
		{cActivity, "going on, been up to"},
		{vVague, "get rid of, shut down, cut off, lock down, lock out, take down"},
		{cNegation, "do not, does not, did not, have not, has not, no longer"},
		{cHelp, "what can you do, what do you do, how does this work"},
		{cHealth, "are you there, are you alive, are you up, are you working, are you ok"},
		{cDetails, "tell me about, info on, information on"},
		{cCountry, "watch list, high risk countries"},
		{cBrute, "brute force, password spray, password sprays, password spraying, credential stuffing"},
		{cThreat, "push fatigue, mfa fatigue, mfa bombing, push bombing, threat hunt"},
		{cAdvice, "is it safe to, what if, what happens if"},
		{vUnsuspend, "un suspend"},
		{cNamed, "named, with the name, with name"},
		{cTop, "most recent"},
	}
	m := map[string][]phrase{}
	for _, l := range list {
		for _, text := range strings.Split(l.texts, ",") {
			words := strings.Fields(text)
			m[words[0]] = append(m[words[0]], phrase{words: words, cue: l.cue})
		}
	}
	for _, ps := range m {
		for i := 1; i < len(ps); i++ {
			for j := i; j > 0 && len(ps[j].words) > len(ps[j-1].words); j-- {
				ps[j], ps[j-1] = ps[j-1], ps[j]
			}
		}
	}
	return m
}()

// correctable lists the meaningful words typos are corrected to, by first
// byte.
var correctable = func() map[byte][]string {
	m := map[byte][]string{}
	for w, c := range vocabulary {
		if c != cStop && c != cCourtesy && c != cJoin && len(w) >= 5 && isLetters(w) {
			m[w[0]] = append(m[w[0]], w)
		}
	}
	for _, list := range m {
		slices.Sort(list)
	}
	return m
}()

func isLetters(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return w != ""
}

// correct returns the vocabulary word w is a typo of, or "". Only plain
// lower-case words of four letters or more are corrected, to a word of five
// letters or more with the same first letter: one edit for words up to six
// letters, two for longer ones. A tie between words of different cues
// corrects nothing.
func correct(w string) string {
	n := len(w)
	if n < 4 || n > 20 || !isLetters(w) {
		return ""
	}
	limit := 1
	if n >= 7 {
		limit = 2
	}
	best, bestD, tie := "", limit+1, false
	for _, cand := range correctable[w[0]] {
		if d := len(cand) - n; d > limit || -d > limit || (limit == 2 && len(cand) < 6) {
			continue
		}
		d := intents.EditDistance(w, cand)
		switch {
		case d < bestD:
			best, bestD, tie = cand, d, false
		case d == bestD && vocabulary[cand] != vocabulary[best]:
			tie = true
		}
	}
	if best == "" || tie {
		return ""
	}
	return best
}

// normalize sets each token's norm: its vocabulary word, with typos of
// lower-case words (and of a sentence's first word) corrected.
func normalize(toks []tok) {
	cache := map[string]string{}
	for i := range toks {
		t := &toks[i]
		t.norm = t.low
		if t.shape != shapeWord || t.quoted {
			continue
		}
		if _, ok := vocabulary[t.low]; ok {
			continue
		}
		if _, ok := phrases[t.low]; ok {
			continue
		}
		r, _ := utf8.DecodeRuneInString(t.raw)
		if unicode.IsUpper(r) && !t.first && t.raw != strings.ToUpper(t.raw) {
			continue // a name
		}
		if i > 0 && !toks[i-1].sep && namesNext(toks[i-1]) {
			continue // "investigate logan": a login, not "login"
		}
		fixed, seen := cache[t.low]
		if !seen {
			fixed = correct(t.low)
			cache[t.low] = fixed
		}
		if fixed != "" {
			t.norm = fixed
		}
	}
}

// namesNext reports words after which a user or object name is likely.
func namesNext(t tok) bool {
	c := vocabulary[t.norm]
	return c.isVerb() || c == cInvestigate || c == cDetails || (c == cUser && !plural(t.low)) ||
		c == cGroup || c == cApp || c == cPolicy || c == cRule || c == cNamed
}

// cues gives each token its cue, matching phrases first.
func cues(toks []tok) []cue {
	out := make([]cue, len(toks))
	for i := 0; i < len(toks); i++ {
		if toks[i].shape != shapeWord || toks[i].quoted {
			continue
		}
		if p, ok := matchPhrase(toks, i); ok {
			out[i] = p.cue
			for k := 1; k < len(p.words); k++ {
				out[i+k] = cPart
			}
			i += len(p.words) - 1
			continue
		}
		out[i] = vocabulary[toks[i].norm]
	}
	return out
}

// matchPhrase finds the longest phrase starting at toks[i]; a phrase does
// not run across a clause boundary.
func matchPhrase(toks []tok, i int) (phrase, bool) {
	for _, p := range phrases[toks[i].norm] {
		if i+len(p.words) > len(toks) {
			continue
		}
		ok := true
		for k, w := range p.words {
			t := toks[i+k]
			if t.norm != w || t.quoted || t.shape != shapeWord || (k < len(p.words)-1 && t.sep) {
				ok = false
				break
			}
		}
		if ok {
			return p, true
		}
	}
	return phrase{}, false
}

// wordCue is the cue of a word or phrase of the vocabulary ("suspend",
// "log out"), as the rules read it in a request; cNone if it has none.
func wordCue(w string) cue {
	words := strings.Fields(strings.ToLower(w))
	if len(words) == 0 {
		return cNone
	}
	for _, p := range phrases[words[0]] {
		if slices.Equal(p.words, words) {
			return p.cue
		}
	}
	if len(words) > 1 {
		return cNone
	}
	return vocabulary[words[0]]
}
