package detect

import (
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// Administrative actions: privilege_grant, api_token_created,
// support_impersonation, admin_console_new_behavior.

const (
	baseGrant          = 35 // an admin role granted: Medium
	wSuperAdmin        = 30 // Super administrator: High (Panther, Okta)
	wOrgAdmin          = 20 // Organization administrator
	wGroupGrant        = 20 // to a group: every member becomes an admin (Okta)
	baseRevoke         = 35 // Super or Organization administrator taken away: the responders may be locked out (Okta)
	wAPITokenAnywhere  = 20 // a token usable from any network (Okta)
	baseAPIToken       = 35 // an API token: Medium, High from a proxy or new country
	baseSupportGrant   = 50 // Okta support access granted: High (Panther)
	baseSupportSession = 55 // Okta support started a session
	baseSupportReset   = 50 // Okta support reset a credential
	baseAdminConsole   = 45 // Admin Console from a new device or IP: High with both
	wNewDeviceAndIP    = 10 // … both new device and new IP (Panther requires both)
)

// privilegeGrant finds admin roles granted to a user or a group, and
// Super or Organization administrator revoked.
func privilegeGrant(tl *timeline) []finding {
	var out []finding
	for i, e := range tl.events {
		if isPrivilegeRevoke(e.EventType) {
			if f, ok := tl.privilegeRevoke(i); ok {
				out = append(out, f)
			}
			continue
		}
		if !isPrivilegeGrant(e.EventType) {
			continue
		}
		actor := actorLogin(e)
		priv := e.Debug["privilegeGranted"]
		if priv == "" {
			priv = "an admin role"
		}
		to, group := grantee(e)
		var ev evidence
		ev.add(baseGrant, "%s granted to %s", priv, to)
		topRoleEvidence(&ev, priv)
		if group {
			ev.add(wGroupGrant, "granted to a group: every member becomes an administrator")
		}
		summary := orName(actor, e.Actor) + " granted " + priv + " to " + to + " at " + tl.clock(e.Published) +
			tl.adminContext(&ev, e, "the grant")
		out = append(out, tl.newFinding(PrivilegeGrant, actor, summary, ev, []int{i}))
	}
	return out
}

// adminContext weighs an administrative action's hour, origin and outcome,
// and returns the summary's tail: " (it failed)" when Okta refused it.
func (tl *timeline) adminContext(ev *evidence, e intents.Event, what string) string {
	tl.offHoursEvidence(ev, e.Published)
	tl.origin(ev, e, what)
	if blockedEvidence(ev, e, what) {
		return " (it failed)"
	}
	return ""
}

// topRoleEvidence weighs Super and Organization administrator among the
// roles privs names.
func topRoleEvidence(ev *evidence, privs string) bool {
	switch topRole(privs) {
	case "super":
		ev.add(wSuperAdmin, "Super administrator: full control of the org")
	case "org":
		ev.add(wOrgAdmin, "Organization administrator: manages users, groups and apps")
	default:
		return false
	}
	return true
}

// topRole is "super" or "org" when privs names Super or Organization
// administrator, else "".
func topRole(privs string) string {
	lp := strings.ToLower(privs)
	switch {
	case strings.Contains(lp, "super admin"):
		return "super"
	case strings.Contains(lp, "organization admin") || strings.Contains(lp, "org admin"):
		return "org"
	}
	return ""
}

// privilegeRevoke is the finding of Super or Organization administrator
// revoked: an intruder taking the other administrators' rights away so that
// they cannot respond (Okta's customer detections). Other roles revoked
// take access away and are not findings.
func (tl *timeline) privilegeRevoke(i int) (finding, bool) {
	e := tl.events[i]
	priv := e.Debug["privilegeRevoked"]
	if topRole(priv) == "" {
		return finding{}, false
	}
	actor := actorLogin(e)
	from, _ := grantee(e)
	var ev evidence
	ev.add(baseRevoke, "%s revoked from %s: fewer administrators can respond", priv, from)
	topRoleEvidence(&ev, priv)
	summary := orName(actor, e.Actor) + " revoked " + priv + " from " + from + " at " + tl.clock(e.Published) +
		tl.adminContext(&ev, e, "the revocation")
	f := tl.newFinding(PrivilegeGrant, actor, summary, ev, []int{i})
	f.Reason = "An administrator role was revoked: " + priv
	return f, true
}

// grantee names who received a role, and whether it is a group.
func grantee(e intents.Event) (string, bool) {
	for _, t := range e.Targets {
		if strings.Contains(strings.ToLower(t.Type), "group") {
			return "group " + name(t), true
		}
	}
	if l, _ := targetUser(e); l != "" {
		return l, false
	}
	if len(e.Targets) > 0 {
		return name(e.Targets[0]), e.EventType == "group.privilege.grant"
	}
	return "an unnamed principal", e.EventType == "group.privilege.grant"
}

// name is a target's best name.
func name(a intents.Actor) string {
	for _, s := range []string{a.AlternateID, a.DisplayName, a.ID} {
		if s != "" && !strings.EqualFold(s, "unknown") {
			return s
		}
	}
	return "unnamed"
}

// apiTokenCreated finds API tokens created, and tokens changed to be
// usable from any network (debugData.networkConnection ANYWHERE, after
// Okta's customer detections).
func apiTokenCreated(tl *timeline) []finding {
	var out []finding
	for i, e := range tl.events {
		anywhere := strings.EqualFold(e.Debug["networkConnection"], "ANYWHERE")
		verb, what := "created", "the creation"
		switch {
		case e.EventType == "system.api_token.create":
		case e.EventType == "system.api_token.update" && anywhere:
			verb, what = "changed", "the change"
		default:
			continue
		}
		actor := actorLogin(e)
		token := "an API token"
		for _, t := range e.Targets {
			if strings.EqualFold(t.Type, "Token") && t.DisplayName != "" {
				token = "API token \"" + t.DisplayName + "\""
			}
		}
		var ev evidence
		ev.add(baseAPIToken, "%s %s: it acts with its creator's admin rights until revoked", token, verb)
		if anywhere {
			ev.add(wAPITokenAnywhere, "usable from any network (networkConnection ANYWHERE), not only from a network zone")
		}
		tl.offHoursEvidence(&ev, e.Published)
		tl.origin(&ev, e, what)
		blockedEvidence(&ev, e, what)
		summary := capitalize(token) + " " + verb + " by " + orName(actor, e.Actor) + " at " + tl.clock(e.Published)
		if anywhere {
			summary += ", usable from anywhere"
		}
		if e.Client.IP != "" {
			summary += " from " + tl.ipLabel(e)
		}
		f := tl.newFinding(APITokenCreated, actor, summary, ev, []int{i})
		if verb == "changed" {
			f.Reason = "An API token was changed to be usable from any network"
		}
		out = append(out, f)
	}
	return out
}

// orName is login, or the actor's best name.
func orName(login string, a intents.Actor) string {
	if login != "" {
		return login
	}
	return name(a)
}

// supportResetVerb words what Okta support does to a user's credentials
// (Panther's Okta.Support.Reset), or reports that t is not one of them.
func supportResetVerb(t string) (string, bool) {
	switch t {
	case "user.account.reset_password":
		return "reset the password of", true
	case "user.mfa.factor.update":
		return "updated an MFA factor of", true
	case "system.mfa.factor.deactivate", authenticatorOff:
		return "deactivated an MFA factor for", true
	case "user.mfa.attempt_bypass":
		return "bypassed MFA for", true
	}
	return "", false
}

// supportImpersonation finds Okta support access granted or used, and
// credentials reset by Okta support.
func supportImpersonation(tl *timeline) []finding {
	var out []finding
	for i, e := range tl.events {
		var ev evidence
		var summary, user string
		switch e.EventType {
		case "user.session.impersonation.grant":
			user = actorLogin(e)
			ev.add(baseSupportGrant, "Okta support was granted access to the org by %s", orName(user, e.Actor))
			summary = orName(user, e.Actor) + " granted Okta support access to the org at " + tl.clock(e.Published)
		case "user.session.impersonation.extend":
			user = actorLogin(e)
			ev.add(baseSupportGrant, "Okta support access was extended by %s", orName(user, e.Actor))
			summary = orName(user, e.Actor) + " extended Okta support access at " + tl.clock(e.Published)
		case "user.session.impersonation.initiate":
			user = subject(e)
			ev.add(baseSupportSession, "Okta support started an impersonation session")
			summary = "Okta support started an impersonation session"
			if user != "" {
				summary += " as " + user
			}
			summary += " at " + tl.clock(e.Published)
		default:
			verb, ok := supportResetVerb(e.EventType)
			if !ok || !supportReset(e) {
				continue
			}
			user, _ = targetUser(e)
			whom := user
			if whom == "" {
				whom = "the org"
			}
			ev.add(baseSupportReset, "Okta support %s %s", verb, whom)
			summary = "Okta support " + verb + " " + whom + " at " + tl.clock(e.Published)
		}
		tl.offHoursEvidence(&ev, e.Published)
		tl.origin(&ev, e, "the request")
		blockedEvidence(&ev, e, "it")
		out = append(out, tl.newFinding(SupportImpersonation, user, summary, ev, []int{i}))
	}
	return out
}

// supportReset reports an action by Okta support itself: system@okta.com
// with no transaction, user agent or location (Panther).
func supportReset(e intents.Event) bool {
	return strings.EqualFold(e.Actor.AlternateID, oktaSupport) &&
		(e.TransactionID == "" || e.TransactionID == "unknown") &&
		e.Client.UserAgent == "" && e.Client.Country == ""
}

// adminConsoleNewBehavior finds the Okta Admin Console reached from a new
// device or a new IP.
func adminConsoleNewBehavior(tl *timeline) []finding {
	byUser := map[string][]int{}
	for i, e := range tl.events {
		if !adminConsole(e) || !(positive(e, "New Device") || positive(e, "New IP")) {
			continue
		}
		if u := actorLogin(e); u != "" {
			byUser[u] = append(byUser[u], i)
		}
	}
	var out []finding
	for _, u := range sortedKeys(byUser) {
		idx := byUser[u]
		top := tl.strongest(idx)
		var what []string
		if positive(top, "New Device") {
			what = append(what, "new device")
		}
		if positive(top, "New IP") {
			what = append(what, "new IP")
		}
		var ev evidence
		ev.add(baseAdminConsole, "the Okta Admin Console reached with %s", strings.Join(what, " and "))
		if len(what) == 2 {
			ev.add(wNewDeviceAndIP, "both a new device and a new IP")
		}
		behaviorEvidence(&ev, top, "New Device", "New IP")
		riskEvidence(&ev, top)
		tl.proxyEvidence(&ev, top, "access")
		tl.watchEvidence(&ev, top, "access")
		if tl.allBlocked(idx) {
			blockedEvidence(&ev, top, "access")
		}
		summary := u + " reached the Okta Admin Console with a " + strings.Join(what, " and a ") + " from " +
			tl.ipLabel(top)
		if p := top.Client.Place(); p != "" {
			summary += " in " + p
		}
		summary += " at " + tl.clock(top.Published)
		out = append(out, tl.newFinding(AdminConsoleNewBehavior, u, summary, ev, idx))
	}
	return out
}

// adminConsole reports an event of reaching the Okta Admin Console.
func adminConsole(e intents.Event) bool {
	switch e.EventType {
	case "user.session.access_admin_app":
		return true
	case "policy.evaluate_sign_on":
		for _, t := range e.Targets {
			if strings.Contains(t.DisplayName, "Okta Admin Console") || strings.Contains(t.AlternateID, "Okta Admin Console") {
				return true
			}
		}
	}
	return false
}
