package blocks

import (
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// actionTitle says in plain words what an action does to which objects:
// "Suspend john@company.com", "Add john@company.com to Engineering". show
// formats each target from its name (or id) and id.
func actionTitle(a intents.Action, show func(name, id string) string) string {
	created := map[intents.Kind]string{intents.CreateApp: "app", intents.CreatePolicy: "policy", intents.CreatePolicyRule: "rule"}
	name := func(r *intents.Ref, typ string) string {
		n, id := "", ""
		if r != nil {
			n, id = strings.TrimSpace(r.Name), r.ID
		}
		if n == "" && created[a.Kind] == typ {
			key := "name"
			if typ == "app" {
				key = "label"
			}
			n = bodyString(a.Body, key)
		}
		if n == "" {
			n, id = id, ""
		}
		if n == "" {
			return ""
		}
		return show(n, id)
	}
	u, g, app := name(a.User, "user"), name(a.Group, "group"), name(a.App, "app")
	pol, rule := name(a.Policy, "policy"), name(a.Rule, "rule")
	two := func(verb, x, link, y string) string {
		if y == "" {
			return joinNonEmpty(" ", verb, x)
		}
		return joinNonEmpty(" ", verb, x, link, y)
	}
	switch a.Kind {
	case intents.SuspendUser:
		return two("Suspend", u, "", "")
	case intents.UnsuspendUser:
		return two("Unsuspend", u, "", "")
	case intents.ClearSessions:
		return two("Clear the sessions of", u, "", "")
	case intents.CreateUser:
		return two("Create user", u, "", "")
	case intents.UpdateUser:
		return two("Update user", u, "", "")
	case intents.ActivateUser:
		return two("Activate user", u, "", "")
	case intents.DeactivateUser:
		return two("Deactivate user", u, "", "")
	case intents.UnlockUser:
		return two("Unlock", u, "", "")
	case intents.ResetFactors:
		return two("Reset the MFA factors of", u, "", "")
	case intents.ExpirePassword:
		return two("Expire the password of", u, "", "")
	case intents.ResetPassword:
		return two("Reset the password of", u, "", "")
	case intents.CreateGroup:
		return two("Create group", g, "", "")
	case intents.UpdateGroup:
		return two("Update group", g, "", "")
	case intents.DeleteGroup:
		return two("Delete group", g, "", "")
	case intents.AddGroupMember:
		return two("Add", u, "to", g)
	case intents.RemoveGroupMember:
		return two("Remove", u, "from", g)
	case intents.CreateApp, intents.UpdateApp, intents.ActivateApp, intents.DeactivateApp:
		return two(verbOf(a.Kind)+" app", app, "", "")
	case intents.CreatePolicy, intents.UpdatePolicy, intents.ActivatePolicy, intents.DeactivatePolicy:
		return two(verbOf(a.Kind)+" policy", pol, "", "")
	case intents.CreatePolicyRule:
		return two("Create rule", rule, "in policy", pol)
	case intents.UpdatePolicyRule, intents.ActivatePolicyRule, intents.DeactivatePolicyRule:
		return two(verbOf(a.Kind)+" rule", rule, "of policy", pol)
	}
	words := strings.ReplaceAll(string(a.Kind), "_", " ")
	if a.Kind == "" {
		words = "change"
	}
	return joinNonEmpty(" ", titleCase(plainText(words, 40)), joinNonEmpty(", ", u, g, app, pol, rule))
}

// verbOf is the first word of a kind, capitalized: "Create", "Activate".
func verbOf(k intents.Kind) string {
	verb, _, _ := strings.Cut(string(k), "_")
	return titleCase(verb)
}
