package freetext

import "github.com/oktabot/oktabot/intents"

// This file decides the queries that read the System Log: event types and
// the phrases that name them, investigations and sweeps, failed and
// suspicious sign-ins, security events, admin actions, MFA coverage, logs
// and sign-in history.

// outcome is the System Log outcome the words ask for.
func (sc *scan) outcome() string {
	switch {
	case sc.has(cDenied):
		return "DENY"
	case sc.has(cFailed):
		return "FAILURE"
	case sc.has(cSuccess):
		return "SUCCESS"
	}
	return ""
}

// eventQuery answers an explicit event type or a phrase that names events
// ("password resets", "mfa failures", "users suspended this week").
func (sc *scan) eventQuery(user string, many []string) (draft, bool) {
	for i, t := range sc.toks {
		if t.shape == shapeEventType && !sc.used[i] {
			d := sc.request(intents.Logs, user, many)
			d.args.Set(intents.ArgEventType, t.raw)
			if o := sc.outcome(); o != "" {
				d.args.Set(intents.ArgOutcome, o)
			}
			return d, true
		}
	}
	if p, ok := sc.eventPhrase(); ok && !sc.has(cInvestigate) {
		d := sc.request(intents.Logs, user, many)
		d.args.Set(intents.ArgEventType, p.eventType)
		if p.outcome != "" {
			d.args.Set(intents.ArgOutcome, p.outcome)
		}
		return d, true
	}
	if c, _ := sc.statusCue(); sc.hasWin && lifecycleEvent[c] != "" && !sc.has(cLogin, cMember, cGroup, cApp) {
		d := sc.request(intents.Logs, user, many)
		d.args.Set(intents.ArgEventType, lifecycleEvent[c])
		return d, true
	}
	return draft{}, false
}

// didDo reports a question of what someone did: "what (else) did X do",
// "what has X done".
func (sc *scan) didDo() bool {
	return sc.has(cWhat) && sc.hasWord("did", "has", "have") && sc.hasWord("do", "done")
}

// investigation answers "investigate X", "is X compromised?", "what else
// did X do yesterday", "anything suspicious going on?" and threat sweeps.
func (sc *scan) investigation(user string, many []string) (draft, bool) {
	hasUser := user != "" || len(many) > 0
	switch {
	case sc.has(cInvestigate) && hasUser:
		return sc.request(intents.Investigate, user, many), true
	case sc.has(cLogin, cSignOn, cSession, cLog, cLockout, cFailed, cCountry, cProxy, cAdmin, cMFA):
		return draft{}, false
	case hasUser && (sc.has(cCompromised, cSuspicious, cThreat, cActivity) || sc.didDo()):
		return sc.request(intents.Investigate, user, many), true
	case sc.has(cSecurity):
		return draft{}, false
	case sc.has(cThreat, cCompromised) || (sc.has(cSuspicious) && !sc.has(cGroup, cApp, cPolicy, cUser)):
		return sc.request(intents.Threats, "", nil), true
	case sc.has(cInvestigate):
		if name, _, ok := sc.personAt(sc.find(cInvestigate) + 1); ok {
			return ask(with(intents.ListUsers, intents.ArgQuery, name)), true
		}
		return sc.request(intents.Investigate, "", nil), true
	}
	return draft{}, false
}

// signIns answers failed and suspicious sign-ins.
func (sc *scan) signIns(user string, many []string) (draft, bool) {
	signIn := sc.has(cLogin, cSignOn, cSession) && !sc.has(cPolicy)
	switch {
	case sc.has(cBrute), signIn && sc.has(cFailed, cDenied), sc.has(cFailed) && sc.has(cPassword):
		return sc.request(intents.FailedLogins, user, many), true
	case !signIn && !sc.has(cCountry, cProxy):
		return draft{}, false
	}
	if !signIn && !sc.has(cSuspicious) {
		return draft{}, false
	}
	countries, excluded := sc.countries()
	if !sc.has(cSuspicious, cCountry, cProxy) && len(countries) == 0 {
		return draft{}, false
	}
	if excluded {
		logs := with(intents.Logs, intents.ArgEventType, "user.session.start")
		susp := draft{kind: intents.SuspiciousLogins}
		if sc.hasWin {
			sc.win.setArgs(&logs.args)
			sc.win.setArgs(&susp.args)
		}
		return ask(susp, logs), true
	}
	d := sc.request(intents.SuspiciousLogins, user, many)
	if len(countries) > 0 {
		d.args.Countries = countries
	}
	return d, true
}

// securityQuery answers security events and lockouts.
func (sc *scan) securityQuery(user string, many []string) (draft, bool) {
	if sc.has(cLockout) || (sc.has(cSecurity) && sc.has(cLog, cThreat, cActivity)) ||
		(sc.has(cThreat) && sc.has(cLog)) || (sc.has(cSecurity) && !sc.has(cGroup, cApp, cPolicy, cMFA)) {
		return sc.request(intents.SecurityEvents, user, many), true
	}
	return draft{}, false
}

// adminQuery answers admin actions and "who suspended X?".
func (sc *scan) adminQuery(user string, many []string) (draft, bool) {
	past := sc.has(cSuspended, cUnsuspended, cUnlocked, cDeactivated, cActivated, cAdded, cRemoved, cCleared,
		cDeleted, cUpdated, cNew) && !sc.stateAsked()
	asked := sc.has(cWho, cWhat) && (past || sc.pastVerb())
	if sc.has(cAdmin) && sc.has(cChange, cActivity, cLog, cUpdated) || (sc.has(cAdmin) && sc.hasWord("did", "do", "done")) ||
		(asked && !sc.has(cMember, cAssigned, cAccess, cUser)) || (sc.has(cChange) && sc.has(cWho, cWhat) && !sc.has(cPassword)) {
		return sc.request(intents.AdminActions, user, many), true
	}
	return draft{}, false
}

// stateAsked reports a question about who is in a state, not who changed
// it: "who's suspended right now?", "who is deactivated?" — a status
// right after "who's", "is" or "are", with no user named.
func (sc *scan) stateAsked() bool {
	if u, many := sc.subject(); u != "" || len(many) > 0 {
		return false
	}
	for i, c := range sc.cue {
		if _, ok := userStatus[c]; !ok || i == 0 || sc.toks[i-1].sep {
			continue
		}
		switch sc.toks[i-1].norm {
		case "who's", "is", "are", "currently":
			return true
		}
	}
	return false
}

// pastVerb reports a change verb used in a question: "who reset john's
// mfa?", "what did X change?".
func (sc *scan) pastVerb() bool {
	for i, c := range sc.cue {
		if c.isVerb() && sc.mood(i) != moodImperative {
			return true
		}
	}
	return false
}

// mfaQuery answers MFA coverage: "which users don't have MFA enrolled?".
func (sc *scan) mfaQuery(user string, many []string) (draft, bool) {
	if !sc.has(cMFA) || user != "" || len(many) > 0 || sc.has(cPolicy) {
		return draft{}, false
	}
	if sc.has(cWithout, cNegation, cEnroll, cWeak, cStatus, cUser, cCount, cWho, cWhat, cList) || sc.onlyWith(cMFA) {
		return sc.request(intents.MFAStatus, "", nil), true
	}
	return draft{}, false
}

// logQuery answers System Log requests.
func (sc *scan) logQuery(user string, many []string) (draft, bool) {
	if !sc.has(cLog) {
		return draft{}, false
	}
	d := sc.request(intents.Logs, user, many).withArg(intents.ArgOutcome, sc.outcome())
	for i, t := range sc.toks {
		if t.shape == shapeIP && !sc.used[i] {
			return d.withArg(intents.ArgQuery, t.raw), true
		}
	}
	if q, _, ok := sc.afterWord(true, "mentioning", "containing", "matching"); ok {
		d = d.withArg(intents.ArgQuery, q)
	}
	return d, true
}

// loginQuery answers sign-in history: a user's, or everyone's.
func (sc *scan) loginQuery(user string, many []string) (draft, bool) {
	signIn := sc.has(cLogin, cSignOn) || (sc.has(cSession) && (user != "" || len(many) > 0))
	if !signIn || sc.has(cPolicy) {
		return draft{}, false
	}
	if user != "" || len(many) > 0 {
		return sc.request(intents.LoginHistory, user, many), true
	}
	d := sc.request(intents.Logs, "", nil)
	d.args.Set(intents.ArgEventType, "user.session.start")
	return d.withArg(intents.ArgOutcome, sc.outcome()), true
}
