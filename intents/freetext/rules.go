package freetext

import (
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// This file decides the kind of a free-text request. The order of the
// checks is the order of their specificity: help and approvals, then
// explicit changes (rules_change.go), then queries from the most specific
// (an event type, an investigation: rules_logs.go) to the most general (a
// list: rules_objects.go), and last the questions back.

// decide reads the request.
func (sc *scan) decide() draft {
	if sc.hasWin && sc.win.err != nil {
		return draft{err: sc.win.err}
	}
	if d, ok := sc.help(); ok {
		return d
	}
	if d, ok := sc.approvals(); ok {
		return d
	}
	if d, ok := sc.change(); ok {
		return d
	}
	return sc.query()
}

// content reports tokens that carry meaning: not stop words, courtesies or
// greetings.
func (sc *scan) content(i int) bool {
	switch sc.cue[i] {
	case cStop, cCourtesy, cJoin, cPart:
		return false
	}
	return true
}

// help answers greetings, "help", "what can you do" and "how do I …".
func (sc *scan) help() (draft, bool) {
	first := -1
	for i := range sc.toks {
		if sc.content(i) {
			first = i
			break
		}
	}
	if first < 0 {
		return draft{kind: intents.Help}, true
	}
	switch sc.cue[first] {
	case cHelp:
		if sc.toks[first].norm != "help" {
			return draft{kind: intents.Help}, true
		}
		rest := first + 1
		for rest < len(sc.toks) && !sc.content(rest) {
			rest++
		}
		if rest >= len(sc.toks) {
			return draft{kind: intents.Help}, true
		}
		return with(intents.Help, intents.ArgQuery, strings.TrimSpace(sc.s[sc.toks[rest].start:])), true
	case cHow:
		if v := sc.find(vSuspend, vUnsuspend, vDeactivate, vActivate, vEnable, vDisable, vUnlock, vReset, vClear, vLogout,
			vAdd, vRemove, vCreate, vDelete, vUpdate, vSet, vRename, cInvestigate); v > first {
			return with(intents.Help, intents.ArgQuery, sc.toks[v].norm), true
		}
	}
	if sc.has(cHelp) && sc.find(cHelp) <= first+1 {
		return draft{kind: intents.Help}, true
	}
	if sc.onlyWith(cWhat, cWho) && sc.hasWord("oktabot", "you", "this") {
		return draft{kind: intents.Help}, true // "what is oktabot?", "who are you?"
	}
	return draft{}, false
}

// approvals answers "proposal p-7Q2MXK" and "what is pending approval?".
func (sc *scan) approvals() (draft, bool) {
	for _, t := range sc.toks {
		if t.shape == shapeProposalID {
			return with(intents.ShowProposal, intents.ArgID, t.raw), true
		}
	}
	if !sc.has(cPending, cProposal) || len(sc.strongUsers()) > 0 || sc.has(cUser, cGroup, cApp, cLogin, cPolicy) {
		return draft{}, false
	}
	if sc.has(cProposal) || sc.onlyWith(cPending) {
		return draft{kind: intents.Pending}, true
	}
	return draft{}, false
}

// onlyWith reports whether the content of the text is just the cues given
// (and question words).
func (sc *scan) onlyWith(cs ...cue) bool {
	for i, c := range sc.cue {
		if !sc.content(i) || sc.used[i] {
			continue
		}
		switch c {
		case cWhat, cWho, cList, cStatus:
			continue
		}
		ok := false
		for _, want := range cs {
			ok = ok || c == want
		}
		if !ok {
			return false
		}
	}
	return true
}

// subject is the user a query is about: the one email, mention or Okta id;
// else a login after "user", a possessive ("jdoe's logins") or a login
// after "for", "of", "about", "is" or an investigation verb. many lists
// several emails or mentions.
func (sc *scan) subject() (user string, many []string) {
	strong := sc.strongUsers()
	switch {
	case len(strong) == 1:
		return sc.toks[strong[0]].raw, nil
	case len(strong) > 1:
		for _, i := range strong {
			many = append(many, sc.toks[i].raw)
		}
		return "", many
	}
	if i, ok := sc.possessiveUser(); ok && !isUpperStart(sc.toks[i].raw) {
		return sc.toks[i].raw, nil
	}
	for i, t := range sc.toks {
		marker := false
		switch sc.cue[i] {
		case cUser:
			marker = !plural(t.low)
		case cInvestigate, cDetails, cSuspended, cUnsuspended, cLocked, cUnlocked, cDeactivated, cActivated,
			cAdded, cRemoved, cCleared, cDeleted, cUpdated:
			marker = true
		}
		switch t.norm {
		case "for", "is", "did", "does", "has", "was", "with":
			marker = true
		}
		if !marker || t.sep {
			continue
		}
		if j, ok := sc.weakUserAfter(i); ok && !isUpperStart(sc.toks[j].raw) {
			return sc.toks[j].raw, nil
		}
	}
	return "", nil
}

// request is a draft of kind k for the subject, with the window, limit and
// key:value options the text gives when k takes them. Several users ask
// which one.
func (sc *scan) request(k intents.Kind, user string, many []string) draft {
	info, _ := intents.Lookup(k)
	if user == "" && len(many) > 1 && info.Accepts(intents.ArgUser) {
		var asks []draft
		for _, u := range many {
			asks = append(asks, sc.request(k, u, nil))
		}
		return ask(asks...)
	}
	d := draft{kind: k}
	if user != "" && info.Accepts(intents.ArgUser) {
		d.args.Set(intents.ArgUser, user)
	}
	if sc.hasWin && info.Accepts(intents.ArgWindow) {
		sc.win.setArgs(&d.args)
	}
	if n := sc.limit(); n != "" && info.Accepts(intents.ArgLimit) {
		d.args.Set(intents.ArgLimit, n)
	}
	for i, t := range sc.toks {
		if t.shape != shapeOption {
			continue
		}
		args := intents.ArgsForKey(intents.NormKey(t.key))
		for _, a := range args {
			if !info.Accepts(a) || a == intents.ArgReason {
				continue
			}
			sc.used[i] = true
			if a == intents.ArgCountries {
				d.args.Countries = strings.Split(t.val, ",")
			} else {
				d.args.Set(a, t.val)
			}
			break
		}
	}
	return d
}

// query decides a request that changes nothing.
func (sc *scan) query() draft {
	user, many := sc.subject()
	hasUser := user != "" || len(many) > 0
	if !hasUser {
		if d, ok := sc.idiomQuery(); ok {
			return d
		}
	}
	for _, rule := range []func(user string, many []string) (draft, bool){
		sc.eventQuery, sc.investigation, sc.signIns, sc.securityQuery, sc.adminQuery, sc.mfaQuery,
		sc.policyQuery, sc.logQuery, sc.loginQuery,
	} {
		if d, ok := rule(user, many); ok {
			return d
		}
	}
	if hasUser {
		return sc.userQuery(user, many)
	}
	for _, rule := range []func() (draft, bool){sc.groupQuery, sc.appQuery, sc.usersQuery, sc.statusQuery} {
		if d, ok := rule(); ok {
			return d
		}
	}
	return sc.unclear()
}
