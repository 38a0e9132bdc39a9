package blocks

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// groups is the list of a result's groups.
func (rc *rctx) groups() list {
	gs, c, in := rc.r.Groups, rc.c, rc.r.Intent
	empty := "No groups match."
	if in.Kind == intents.ListGroups && !filtered(in) {
		empty = unfilteredEmpty("groups")
	}
	return list{one: "group", many: "groups", n: len(gs), empty: empty, row: func(i int) string {
		g := gs[i]
		return joinNonEmpty(" · ", ":busts_in_silhouette: "+bold(md(orID(g.Name, g.ID), c.name)), md(groupType(g.Type), c.word), md(g.Description, c.long))
	}}
}

// apps is the list of a result's applications.
func (rc *rctx) apps() list {
	as, c, in := rc.r.Apps, rc.c, rc.r.Intent
	empty := "No applications match."
	switch {
	case in.Kind == intents.GroupApps:
		empty = "No applications are assigned to this group."
	case in.Kind == intents.ListApps && !filtered(in):
		empty = unfilteredEmpty("applications")
	}
	return list{one: "application", many: "applications", n: len(as), empty: empty, row: func(i int) string {
		a := as[i]
		label := a.Label
		if label == "" {
			label = a.Name
		}
		key := ""
		if a.Name != "" && a.Name != label {
			key = code(a.Name, c.name)
		}
		return joinNonEmpty(" · ", statusEmoji(a.Status)+" "+bold(md(orID(label, a.ID), c.name)), key, md(a.SignOnMode, c.word))
	}}
}

// assignments lists groups first, then users, each in Okta's order.
func (rc *rctx) assignments() list {
	as := slices.Clone(rc.r.Assignments)
	slices.SortStableFunc(as, func(a, b intents.Assignment) int {
		return strings.Compare(assignOrder(a.Type), assignOrder(b.Type))
	})
	c := rc.c
	return list{one: "assignment", many: "assignments", n: len(as), empty: "Nobody is assigned to this application.", row: func(i int) string {
		a := as[i]
		if strings.EqualFold(a.Type, "group") {
			return ":busts_in_silhouette: " + bold(md(orID(a.Name, a.ID), c.name)) + " · group"
		}
		via := ""
		switch strings.ToUpper(a.Scope) {
		case "GROUP":
			via = "via a group"
		case "USER":
			via = "direct"
		}
		return joinNonEmpty(" · ", ":bust_in_silhouette: "+bold(md(orID(a.Name, a.ID), c.name)), md(a.Status, c.word), via)
	}}
}

func assignOrder(t string) string {
	if strings.EqualFold(t, "group") {
		return "0"
	}
	return "1"
}

// app is the app_details card: status and sign-on first, then facts and
// the settings that matter, read through an allow-list (never secrets).
func (rc *rctx) app() Message {
	a, c := rc.r.Apps[0], rc.c
	label := a.Label
	if label == "" {
		label = a.Name
	}
	blocks := []slack.Block{header("title", ":package: "+plainText(label, 120))}
	top := joinNonEmpty(" · ", joinNonEmpty(" ", statusEmoji(a.Status), bold(md(a.Status, c.word))), md(a.SignOnMode, c.word))
	if len(rc.r.Assignments) > 0 {
		groups, users := 0, 0
		for _, as := range rc.r.Assignments {
			if strings.EqualFold(as.Type, "group") {
				groups++
			} else {
				users++
			}
		}
		top += "\nAssigned to " + plural(groups, "group", "groups") + " and " + plural(users, "user", "users") + "."
	}
	blocks = append(blocks, fieldsSection("card", top, []field{
		{"App key", code(a.Name, c.name)},
		{"Sign-on mode", md(a.SignOnMode, c.word)},
		{"Created", rc.when(a.Created)},
		{"Last updated", rc.when(a.Updated)},
		{"Okta ID", code(a.ID, 40)},
	}))
	if s := appSettings(a.Raw, c); len(s) > 0 {
		blocks = append(blocks, section("settings", "*Settings*\n"+strings.Join(s, "\n")))
	}
	return Message{Text: "Application " + md(label, 900) + ": " + md(a.Status, c.word), Blocks: blocks}
}

// appSetting is one allow-listed path into an app's JSON.
type appSetting struct {
	label string
	path  []string
}

// appSettings reads the settings worth showing from an app's raw JSON.
// Only these paths are read: credentials, secrets, keys and arbitrary
// app settings never are.
func appSettings(raw json.RawMessage, c caps) []string {
	if len(raw) == 0 {
		return nil
	}
	var doc map[string]any
	if json.Unmarshal(raw, &doc) != nil {
		return nil
	}
	allowed := []appSetting{
		{"URL", []string{"settings", "app", "url"}},
		{"Base URL", []string{"settings", "app", "baseUrl"}},
		{"SSO URL", []string{"settings", "signOn", "ssoAcsUrl"}},
		{"Audience", []string{"settings", "signOn", "audience"}},
		{"Application type", []string{"settings", "oauthClient", "application_type"}},
		{"Grant types", []string{"settings", "oauthClient", "grant_types"}},
		{"Redirect URIs", []string{"settings", "oauthClient", "redirect_uris"}},
		{"Client authentication", []string{"credentials", "oauthClient", "token_endpoint_auth_method"}},
		{"Credential scheme", []string{"credentials", "scheme"}},
		{"Provisioning features", []string{"features"}},
		{"Hidden on the dashboard", []string{"visibility", "hide", "web"}},
	}
	var out []string
	for _, s := range allowed {
		v, ok := lookup(doc, s.path)
		if !ok {
			continue
		}
		if text := settingText(v, c); text != "" {
			out = append(out, "• "+s.label+": "+text)
		}
	}
	return out
}

func lookup(doc map[string]any, path []string) (any, bool) {
	var cur any = doc
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[p]; !ok {
			return nil, false
		}
	}
	return cur, cur != nil
}

// settingText renders a scalar or a list of scalars from app JSON.
func settingText(v any, c caps) string {
	switch v := v.(type) {
	case string:
		return code(v, c.long)
	case bool:
		if v {
			return "yes"
		}
		return "no"
	case float64:
		return fmt.Sprint(v)
	case []any:
		var parts []string
		for i, e := range v {
			if i == 5 {
				parts = append(parts, "… and "+count(len(v)-5)+" more")
				break
			}
			if s, ok := e.(string); ok {
				parts = append(parts, code(s, c.name))
			}
		}
		return strings.Join(parts, ", ")
	}
	return ""
}

// policies is the list of a result's policies: status, name, type,
// priority, and the description on a second line.
func (rc *rctx) policies() list {
	ps, c, in := rc.r.Policies, rc.c, rc.r.Intent
	empty := "No policies of this type."
	if in.PolicyType == "" {
		empty = unfilteredEmpty("policies")
	}
	return list{one: "policy", many: "policies", n: len(ps), empty: empty, row: func(i int) string {
		p := ps[i]
		prio := ""
		if p.Priority > 0 {
			prio = "priority " + strconv.Itoa(p.Priority)
		}
		sys := ""
		if p.System {
			sys = "_default_"
		}
		row := joinNonEmpty(" · ", statusEmoji(p.Status)+" "+bold(md(orID(p.Name, p.ID), c.name)), md(p.Type, c.word), prio, sys)
		if d := md(p.Description, c.long); d != "" {
			row += "\n      " + d
		}
		return row
	}}
}

// rules is the list of a policy's rules in priority order as Okta gave
// them: priority, status, name and a one-line summary of what each does.
func (rc *rctx) rules() list {
	rs, c := rc.r.Rules, rc.c
	return list{one: "rule", many: "rules", n: len(rs), empty: "This policy has no rules.", row: func(i int) string {
		r := rs[i]
		prio := ""
		if r.Priority > 0 {
			prio = "*" + strconv.Itoa(r.Priority) + ".* "
		}
		row := prio + statusEmoji(r.Status) + " " + bold(md(orID(r.Name, r.ID), c.name))
		if r.Status != "" && r.Status != "ACTIVE" {
			row += " · " + md(r.Status, c.word)
		}
		if r.System {
			row += " · _default_"
		}
		if s := md(r.Summary, c.long); s != "" {
			row += " — " + s
		}
		return row
	}}
}
