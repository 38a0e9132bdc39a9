package freetext

import (
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// This file decides queries about one user, groups, applications, lists of
// users and oktabot's own status, and what to ask when nothing fits.

// userQuery answers a request about one user that no earlier rule took:
// their details when the words ask for them, else the question back.
func (sc *scan) userQuery(user string, many []string) draft {
	details := sc.has(cDetails, cWho, cWhat, cStatus, cGroup, cApp, cMFA, cMember, cAccess, cAssigned, cSuspended,
		cLocked, cDeactivated, cActive, cStaged, cProvisioned, cRecovery, cExpired, cHistory) ||
		(sc.has(cList) && !sc.hasWord("check"))
	if len(many) > 0 {
		var asks []draft
		for _, u := range many {
			asks = append(asks, with(intents.UserDetails, intents.ArgUser, u))
		}
		return ask(asks...)
	}
	if sc.hasWord("find", "search") && sc.cue[sc.find(cList)] == cList && !strings.ContainsAny(user, "@<") && !intents.IsOktaUserID(user) {
		return with(intents.ListUsers, intents.ArgQuery, user) // "find user smith" searches
	}
	if details {
		return with(intents.UserDetails, intents.ArgUser, user)
	}
	return ask(with(intents.UserDetails, intents.ArgUser, user), with(intents.Investigate, intents.ArgUser, user), with(intents.LoginHistory, intents.ArgUser, user))
}

// groupName finds the group a request names: "the Engineering group",
// "group Engineering", "members of Engineering", "who is in Engineering".
func (sc *scan) groupName() (string, bool) {
	if name, ok := sc.objectName(cGroup); ok {
		return name, true
	}
	if name, _, ok := sc.afterWord(true, "of", "in", "for"); ok {
		return name, true
	}
	if qs := sc.quotedNames(); len(qs) > 0 {
		return qs[0], true
	}
	return "", false
}

// groupQuery answers members, a group's apps, and lists of groups.
func (sc *scan) groupQuery() (draft, bool) {
	if sc.has(cGroup) && sc.has(cApp, cAssigned) {
		if name, ok := sc.groupName(); ok {
			return sc.request(intents.GroupApps, "", nil).withArg(intents.ArgGroup, name), true
		}
	}
	inWho := sc.has(cWho, cUser) && sc.hasWord("in")
	if sc.has(cMember) || inWho {
		if name, ok := sc.groupName(); ok {
			return sc.request(intents.GroupMembers, "", nil).withArg(intents.ArgGroup, name), true
		}
		if sc.has(cMember) && !sc.has(cApp) {
			return sc.request(intents.GroupMembers, "", nil), true
		}
	}
	k := sc.find(cGroup)
	if k < 0 {
		return draft{}, false
	}
	if !plural(sc.toks[k].low) {
		if name, ok := sc.objectName(cGroup); ok {
			return ask(with(intents.GroupMembers, intents.ArgGroup, name), with(intents.GroupApps, intents.ArgGroup, name)), true
		}
	}
	q, _ := sc.searchText()
	return sc.request(intents.ListGroups, "", nil).withArg(intents.ArgQuery, q), true
}

// searchText is what a list is filtered by: "named smith", "matching eng",
// or a quoted string (then explicit is false).
func (sc *scan) searchText() (q string, explicit bool) {
	if q, _, ok := sc.afterWord(true, "named", "called", "matching", "like", "containing", "contains", "titled"); ok {
		return q, true
	}
	if qs := sc.quotedNames(); len(qs) > 0 {
		return qs[0], false
	}
	return "", false
}

// appQuery answers assignments, an app's details, and lists of apps.
func (sc *scan) appQuery() (draft, bool) {
	if sc.has(cAssigned, cAccess) || (sc.has(cWho) && sc.hasWord("use", "uses", "using")) {
		name, ok := sc.objectName(cApp)
		if !ok {
			name, _, ok = sc.afterWord(true, "to", "access", "for", "of", "on", "use", "uses", "using")
		}
		if ok {
			return sc.request(intents.AppAssignments, "", nil).withArg(intents.ArgApp, name), true
		}
	}
	k := sc.find(cApp)
	if k < 0 {
		return draft{}, false
	}
	if !plural(sc.toks[k].low) {
		if name, ok := sc.objectName(cApp); ok {
			if sc.has(cUser, cWho, cMember) {
				return sc.request(intents.AppAssignments, "", nil).withArg(intents.ArgApp, name), true
			}
			return with(intents.AppDetails, intents.ArgApp, name), true
		}
	}
	q, _ := sc.searchText()
	d := sc.request(intents.ListApps, "", nil).withArg(intents.ArgQuery, q)
	return d.withArg(intents.ArgStatus, sc.appStatus()), true
}

// usersQuery answers lists of users: by status, by name, counts.
func (sc *scan) usersQuery() (draft, bool) {
	_, status := sc.statusCue()
	search, explicit := sc.searchText()
	if !explicit && !sc.has(cList, cUser) {
		search = "" // a quoted name alone may be anything
	}
	person := ""
	if i := sc.find(cList); i >= 0 {
		if name, _, ok := sc.personAt(i + 1); ok {
			person = name
		}
	}
	if !sc.has(cUser, cCount) && status == "" && search == "" && person == "" {
		return draft{}, false
	}
	if search == "" {
		search = person
	}
	d := sc.request(intents.ListUsers, "", nil).withArg(intents.ArgStatus, status)
	return d.withArg(intents.ArgQuery, search), true
}

// statusQuery answers checks of oktabot itself: "ping", "are you working?",
// "status".
func (sc *scan) statusQuery() (draft, bool) {
	if sc.has(cHealth) || (sc.has(cStatus) && sc.onlyWith(cStatus, cOkta)) {
		return draft{kind: intents.Status}, true
	}
	return draft{}, false
}

// unclear asks back: a person's name may be a user to find; another name a
// group, an app or a user; anything else gets the closest verbs or help.
func (sc *scan) unclear() draft {
	for i := range sc.toks {
		if name, _, ok := sc.personAt(i); ok {
			return ask(with(intents.ListUsers, intents.ArgQuery, name))
		}
	}
	for i := range sc.toks {
		if name, _ := sc.nameRun(i, false); name != "" {
			return ask(with(intents.ListGroups, intents.ArgQuery, name), with(intents.ListApps, intents.ArgQuery, name), with(intents.ListUsers, intents.ArgQuery, name))
		}
	}
	for i := range sc.toks {
		if !sc.content(i) || sc.used[i] {
			continue
		}
		var asks []draft
		for _, cmd := range intents.Suggest(sc.toks[i].low) {
			if in, err := intents.Parse(cmd); err == nil {
				asks = append(asks, draft{kind: in.Kind})
			}
		}
		return ask(asks...)
	}
	return ask()
}

// policyQuery answers policies and their rules.
func (sc *scan) policyQuery(string, []string) (draft, bool) {
	if !sc.has(cPolicy, cRule) {
		return draft{}, false
	}
	pt := sc.policyType()
	name, ok := sc.objectName(cPolicy)
	if ok && pt != "" && sc.onlyCues(name) {
		ok = false // "the password policy" is a type
	}
	if !ok && sc.has(cRule) {
		name, _, ok = sc.afterWord(true, "of", "for", "in")
	}
	if !ok {
		if qs := sc.quotedNames(); len(qs) > 0 {
			name, ok = qs[0], true
		}
	}
	switch {
	case ok:
		return with(intents.PolicyRules, intents.ArgPolicy, name), true
	case sc.has(cPolicy):
		return sc.request(intents.ListPolicies, "", nil).withArg(intents.ArgPolicyType, pt), true
	}
	return draft{}, false
}

// onlyCues reports a name made only of known words ("password").
func (sc *scan) onlyCues(name string) bool {
	for _, w := range strings.Fields(strings.ToLower(name)) {
		if _, ok := vocabulary[w]; !ok {
			if _, ok := phrases[w]; !ok {
				return false
			}
		}
	}
	return true
}

// withArg sets a when v is not empty.
func (d draft) withArg(a intents.Arg, v string) draft {
	if v != "" {
		d.args.Set(a, v)
	}
	return d
}
