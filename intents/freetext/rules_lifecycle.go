package freetext

import (
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// This file reads the actions on objects — activate, deactivate, create,
// delete, update — and the reason an action gives.

// lifecycle reads activate, deactivate, enable and disable: of an app, a
// policy rule, a policy or a user. "Enable" and "disable" a user could mean
// two actions each, and so ask.
func (sc *scan) lifecycle(c cue, tg target, verb int) (draft, bool) {
	on := c == vActivate || c == vEnable
	pick := func(activate, deactivate intents.Kind) intents.Kind {
		if on {
			return activate
		}
		return deactivate
	}
	named := func(noun cue, k intents.Kind, a intents.Arg) draft {
		d := draft{kind: k}
		name, last, ok := sc.objectSpan(noun)
		if !ok {
			name, last = sc.nameRun(verb+1, true)
			last--
		}
		if name != "" {
			d.args.Set(a, name)
		}
		d.args.Reason = sc.reason(max(last, verb), verb)
		return d
	}
	switch {
	case sc.has(cApp):
		return named(cApp, pick(intents.ActivateApp, intents.DeactivateApp), intents.ArgApp), true
	case sc.has(cRule):
		d := named(cRule, pick(intents.ActivatePolicyRule, intents.DeactivatePolicyRule), intents.ArgRule)
		name, last, ok := sc.objectSpan(cPolicy)
		if !ok {
			name, last, ok = sc.afterWord(true, "in", "of", "from", "on")
			last--
		}
		if ok {
			d.args.Set(intents.ArgPolicy, name)
			d.args.Reason = sc.reason(last, verb)
		}
		return d, true
	case sc.has(cPolicy):
		return named(cPolicy, pick(intents.ActivatePolicy, intents.DeactivatePolicy), intents.ArgPolicy), true
	case tg.user != "" && (c == vEnable || c == vDisable):
		if on {
			return ask(with(intents.UnsuspendUser, intents.ArgUser, tg.user), with(intents.ActivateUser, intents.ArgUser, tg.user)), true
		}
		return ask(with(intents.SuspendUser, intents.ArgUser, tg.user), with(intents.DeactivateUser, intents.ArgUser, tg.user), with(intents.ClearSessions, intents.ArgUser, tg.user)), true
	case tg.user != "" || tg.person != "" || len(tg.many) > 0 || sc.has(cUser):
		return sc.userAction(pick(intents.ActivateUser, intents.DeactivateUser), tg, verb), true
	}
	if name, _ := sc.nameRun(verb+1, true); name != "" {
		return ask(with(pick(intents.ActivateApp, intents.DeactivateApp), intents.ArgApp, name), with(pick(intents.ActivatePolicy, intents.DeactivatePolicy), intents.ArgPolicy, name)), true
	}
	if c == vEnable || c == vDisable {
		return ask(), true
	}
	return draft{kind: pick(intents.ActivateUser, intents.DeactivateUser)}, true
}

// password reads "expire john's password" (expire_password) and "reset
// the password for jdoe" (reset_password). Another verb on a password
// ("clear", "wipe", "invalidate") could mean either, and asks. The
// password word is taken, so that it is not read as the reason.
func (sc *scan) password(tg target, verb int) draft {
	if i := sc.find(cPassword); i >= 0 {
		sc.used[i] = true
	}
	switch sc.toks[verb].norm {
	case "expire":
		return sc.userAction(intents.ExpirePassword, tg, verb)
	case "reset":
		return sc.userAction(intents.ResetPassword, tg, verb)
	}
	if tg.user == "" {
		return ask()
	}
	return ask(with(intents.ResetPassword, intents.ArgUser, tg.user), with(intents.ExpirePassword, intents.ArgUser, tg.user))
}

// create reads "create a group called X", "create user jane@company.com
// firstName:Jane", and apps, policies and rules from Okta's JSON.
func (sc *scan) create(tg target, verb int) (draft, bool) {
	var d draft
	switch {
	case sc.has(cGroup):
		d.kind = intents.CreateGroup
		name, last, ok := sc.objectSpan(cGroup)
		if !ok {
			name, last, ok = sc.afterWord(true, "called", "named")
			last--
		}
		if ok {
			d.args.Set(intents.ArgGroup, name)
		}
		sc.fieldsInto(&d, verb)
		d.args.Reason = sc.reason(max(last, verb), verb)
		return d, true
	case sc.has(cRule):
		d.kind = intents.CreatePolicyRule
		if name, ok := sc.objectName(cPolicy); ok {
			d.args.Set(intents.ArgPolicy, name)
		} else if name, _, ok := sc.afterWord(true, "in", "for", "on", "to"); ok {
			d.args.Set(intents.ArgPolicy, name)
		}
	case sc.has(cPolicy):
		d.kind = intents.CreatePolicy
	case sc.has(cApp):
		d.kind = intents.CreateApp
	case tg.user != "" || tg.person != "" || sc.has(cUser):
		if tg.person != "" || len(tg.many) > 0 {
			return sc.userAction(intents.CreateUser, tg, verb), true
		}
		d = draft{kind: intents.CreateUser}
		if tg.user != "" {
			d.args.Set(intents.ArgUser, tg.user)
		}
		sc.fieldsInto(&d, verb)
		return d, true
	default:
		return draft{}, false
	}
	d.args.Body = sc.body
	return d, true
}

// remove reads "delete the group X"; deleting users, apps and policies is
// not something Okta (or oktabot) does in one step, so those ask.
func (sc *scan) remove(tg target, verb int) (draft, bool) {
	switch {
	case sc.has(cGroup):
		d := draft{kind: intents.DeleteGroup}
		name, last, ok := sc.objectSpan(cGroup)
		if ok {
			d.args.Set(intents.ArgGroup, name)
		}
		d.args.Reason = sc.reason(max(last, verb), verb)
		return d, true
	case sc.has(cApp):
		name, _ := sc.objectName(cApp)
		return ask(with(intents.DeactivateApp, intents.ArgApp, name)), true
	case sc.has(cPolicy):
		name, _ := sc.objectName(cPolicy)
		return ask(with(intents.DeactivatePolicy, intents.ArgPolicy, name)), true
	case tg.user != "":
		return ask(with(intents.DeactivateUser, intents.ArgUser, tg.user), with(intents.UserDetails, intents.ArgUser, tg.user)), true
	}
	return draft{}, false
}

// update reads "set john@company.com's title to VP", "rename group X to
// Y", "change the description of group X to Y", and updates of apps,
// policies and rules from Okta's JSON.
func (sc *scan) update(tg target, verb int) (draft, bool) {
	var d draft
	switch {
	case sc.body != "" && sc.has(cRule):
		d.kind = intents.UpdatePolicyRule
		if name, ok := sc.objectName(cRule); ok {
			d.args.Set(intents.ArgRule, name)
		}
		if name, ok := sc.objectName(cPolicy); ok {
			d.args.Set(intents.ArgPolicy, name)
		} else if name, _, ok := sc.afterWord(true, "in", "of", "on"); ok {
			d.args.Set(intents.ArgPolicy, name)
		}
	case sc.body != "" && sc.has(cPolicy):
		d.kind = intents.UpdatePolicy
		if name, ok := sc.objectName(cPolicy); ok {
			d.args.Set(intents.ArgPolicy, name)
		}
	case sc.body != "" && sc.has(cApp):
		d.kind = intents.UpdateApp
		if name, ok := sc.objectName(cApp); ok {
			d.args.Set(intents.ArgApp, name)
		}
	case sc.has(cGroup):
		d.kind = intents.UpdateGroup
		if name, ok := sc.objectName(cGroup); ok {
			d.args.Set(intents.ArgGroup, name)
		}
		if sc.cue[verb] == vRename {
			if to, ok := sc.valueAfterTo(verb); ok {
				d.args.SetField("name", to)
			}
		}
		sc.fieldsInto(&d, verb)
		return d, true
	case tg.user != "" || len(tg.many) > 0 || tg.person != "":
		if tg.person != "" || len(tg.many) > 0 {
			return sc.userAction(intents.UpdateUser, tg, verb), true
		}
		d = draft{kind: intents.UpdateUser}
		d.args.Set(intents.ArgUser, tg.user)
		sc.fieldsInto(&d, verb)
		return d, true
	default:
		return draft{}, false
	}
	d.args.Body = sc.body
	return d, true
}

// fieldsInto adds the profile attributes the text sets: key:value words,
// "ATTR to VALUE" after the verb, and "first name Jane".
func (sc *scan) fieldsInto(d *draft, verb int) {
	for k, v := range sc.options() {
		d.args.SetField(k, v)
	}
	for i := verb + 1; i < len(sc.toks); i++ {
		attr, next, ok := sc.attrAt(i)
		if !ok || sc.toks[i].shape != shapeWord {
			continue
		}
		if attr == "name" && d.kind != intents.UpdateGroup && d.kind != intents.CreateGroup {
			continue
		}
		if to := sc.toInClause(next); to >= 0 {
			if v, ok := sc.valueAfterTo(to - 1); ok {
				d.args.SetField(attr, v)
			}
			i = to
			continue
		}
		if next < len(sc.toks) && !sc.toks[next-1].sep && (sc.toks[next].quoted || sc.cue[next] == cNone) {
			d.args.SetField(attr, sc.toks[next].raw)
		}
		i = next - 1
	}
}

// toInClause finds "to" at or after toks[i] in the same clause, or -1.
func (sc *scan) toInClause(i int) int {
	for j := i; j < len(sc.toks); j++ {
		if sc.toks[j].norm == "to" && !sc.toks[j].quoted {
			return j
		}
		if sc.toks[j].sep {
			break
		}
	}
	return -1
}

// valueAfterTo reads the value after the first "to" following toks[i]: a
// quoted string, or the words up to the end of the clause.
func (sc *scan) valueAfterTo(i int) (string, bool) {
	for j := i + 1; j < len(sc.toks); j++ {
		if sc.toks[j].norm != "to" || sc.toks[j].quoted || sc.toks[j].sep {
			continue
		}
		k := j + 1
		if k >= len(sc.toks) {
			return "", false
		}
		if sc.toks[k].quoted {
			return sc.toks[k].raw, true
		}
		end := k
		for end < len(sc.toks) && !reasonWord(sc.toks[end].norm) && !sc.used[end] {
			end++
			if sc.toks[end-1].sep {
				break
			}
		}
		for end > k && trailingCourtesy(sc.toks[end-1].norm) {
			end--
		}
		if end == k {
			return "", false
		}
		return sc.s[sc.toks[k].start:sc.toks[end-1].end], true
	}
	return "", false
}

// vague asks what a vague change ("block john", "get rid of the Salesforce
// app") meant.
func (sc *scan) vague(tg target) draft {
	switch {
	case tg.person != "":
		return ask(with(intents.ListUsers, intents.ArgQuery, tg.person))
	case tg.user != "":
		return ask(with(intents.SuspendUser, intents.ArgUser, tg.user), with(intents.ClearSessions, intents.ArgUser, tg.user), with(intents.DeactivateUser, intents.ArgUser, tg.user))
	case sc.has(cApp):
		name, _ := sc.objectName(cApp)
		return ask(with(intents.DeactivateApp, intents.ArgApp, name))
	}
	if q := sc.query(); q.kind != intents.Unknown && q.err == nil {
		return ask(q)
	}
	return ask()
}

// reasonWord reports the words that introduce a reason.
func reasonWord(w string) bool {
	switch w {
	case "because", "since", "as", "cause", "cuz", "coz", "bc", "due", "reason", "reasons", "for":
		return true
	}
	return false
}

// trailingCourtesy reports the words that end a request without being part
// of its reason.
func trailingCourtesy(w string) bool {
	switch w {
	case "please", "pls", "plz", "thanks", "thank", "you", "thx", "ty", "asap", "now", "immediately",
		"urgently", "cheers", "right", "quickly", "today":
		return true
	}
	return false
}

// reason is the reason an action gives: after "reason:", else the text after
// its target (at) without connectives ("because", "due to") and courtesies,
// else the text of the clauses before the verb ("john@company.com clicked a
// phishing link, suspend him").
func (sc *scan) reason(at, verb int) string {
	for _, t := range sc.toks {
		if t.low == "reason" && t.colon {
			return reasonAfterColon(sc.s[t.end:])
		}
		if t.shape == shapeOption && intents.NormKey(t.key) == string(intents.ArgReason) {
			return reasonAfterColon(sc.s[t.start+len(t.key):])
		}
	}
	a := at + 1
	for a < len(sc.toks) && sc.reasonFiller(a, at) {
		a++
	}
	if a+1 < len(sc.toks) && sc.toks[a].norm == "from" && !sc.toks[a].sep &&
		(sc.cue[a+1] == cLogin || strings.HasSuffix(sc.toks[a+1].norm, "ing")) {
		return "" // "block jane from signing in" says what the action does, not why
	}
	b := len(sc.toks) - 1
	for k := a; k < len(sc.toks); k++ {
		if sc.cue[k].isVerb() && k > at {
			b = k - 1
			break
		}
	}
	for b >= a && (sc.usedNotWindow(b) || trailingCourtesy(sc.toks[b].norm) || sc.cue[b] == cJoin || sc.cue[b] == cCourtesy) {
		b--
	}
	if a <= b {
		return strings.TrimSpace(sc.s[sc.toks[a].start:sc.toks[b].end])
	}
	if start := sc.clauseStart(verb); start > 0 && sc.toks[start-1].sep {
		first := 0
		for first < start && !sc.content(first) {
			first++
		}
		if first < start {
			return strings.TrimSpace(sc.s[sc.toks[first].start:sc.toks[start-1].end])
		}
	}
	return ""
}

// reasonFiller reports words between an action's target and its reason:
// "because", "due to", "the reason is that", "immediately", the "group" of
// "the Admins group", the "out" of "log jdoe out".
func (sc *scan) reasonFiller(a, at int) bool {
	t := sc.toks[a]
	prev, next := "", ""
	if a > 0 {
		prev = sc.toks[a-1].norm
	}
	if a+1 < len(sc.toks) {
		next = sc.toks[a+1].norm
	}
	switch {
	case sc.usedNotWindow(a), reasonWord(t.norm), trailingCourtesy(t.norm):
		return true
	case a+1 < len(sc.toks) && !t.sep && sc.cue[a] != cNone && (sc.cue[a+1] == cSession || sc.cue[a+1] == cToken || sc.cue[a+1] == cMFA):
		return true // "kill jdoe's active sessions": a word of the command
	case sc.cue[a] == cGroup || sc.cue[a] == cApp || sc.cue[a] == cPolicy || sc.cue[a] == cRule:
		return true
	case sc.cue[a] == cMFA || sc.cue[a] == cSession || sc.cue[a] == cToken || sc.cue[a] == cUser:
		return true
	case sc.cue[a] == cPart: // the rest of a phrase skipped: "okta verify"
		return true
	case sc.cue[a] == cEnroll && (sc.cue[a-1] == cMFA || sc.cue[a-1] == cPart): // "jdoe's mfa enrollment"
		return true
	case t.norm == "him" || t.norm == "them":
		return true
	case (t.norm == "his" || t.norm == "her" || t.norm == "their") && a+1 < len(sc.toks):
		switch sc.cue[a+1] {
		case cMFA, cSession, cToken, cUser, cPassword:
			return true
		}
	case t.norm == "all" || t.norm == "of" || t.norm == "out":
		return true
	case t.norm == "to" && prev == "due", t.norm == "out" && a == at+1, t.norm == "the" && next == "reason":
		return true
	case (t.norm == "is" || t.norm == "being" || t.norm == "was") && prev == "reason":
		return true
	case t.norm == "that" && (reasonWord(prev) || prev == "is"):
		return true
	}
	return false
}

// reasonAfterColon is the text after "reason:", as reasonText reads it.
func reasonAfterColon(s string) string {
	s = strings.TrimLeft(s, ": \t")
	return intents.ReasonText(s)
}

// usedNotWindow reports a token taken by an option or a country, not by a
// time window: an action takes no window, so words such as "last day" in
// its reason stay in it ("deactivate jdoe, last day was friday").
func (sc *scan) usedNotWindow(i int) bool {
	if sc.hasWin && i >= sc.win.from && i < sc.win.to {
		return false
	}
	return sc.used[i]
}
