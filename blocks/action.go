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
	target := map[intents.Arg]string{intents.ArgUser: u, intents.ArgGroup: g, intents.ArgApp: app, intents.ArgPolicy: pol, intents.ArgRule: rule}
	if t := a.Kind.Info().Title; t.Verb != "" {
		x, y := target[t.Target], target[t.Second]
		if y == "" {
			return joinNonEmpty(" ", t.Verb, x)
		}
		return joinNonEmpty(" ", t.Verb, x, t.Link, y)
	}
	words := strings.ReplaceAll(string(a.Kind), "_", " ")
	if a.Kind == "" {
		words = "change"
	}
	return joinNonEmpty(" ", titleCase(plainText(words, 40)), joinNonEmpty(", ", u, g, app, pol, rule))
}
