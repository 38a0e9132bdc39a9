package blocks

import (
	"slices"
	"strings"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// status is the `status` card: can oktabot reach Okta, with which token,
// which scopes, and an admin role or not. Problems come first.
func (rc *rctx) status() Message {
	s := rc.r.Status
	orgName := md(strings.TrimPrefix(s.OrgURL, "https://"), rc.c.name)
	if orgName == "" {
		orgName = "Okta"
	}
	org := bold(orgName)
	blocks := []slack.Block{header("title", ":electric_plug: Okta connection")}

	ok := s.AdminRole && len(s.Missing) == 0
	top := ":large_green_circle: Connected to " + org
	if !ok {
		top = ":large_orange_circle: Connected to " + org + ", with problems:"
	}
	if !s.AdminRole {
		note := md(s.AdminRoleNote, 600)
		if note == "" {
			note = "lists come back empty. In the Admin Console open the service app, and on its *Admin roles* tab assign *Read-Only Administrator*."
		}
		top += "\n:warning: *No admin role*: " + note
	}
	if len(s.Missing) > 0 {
		top += "\n:warning: *" + plural(len(s.Missing), "scope is", "scopes are") + " not granted* (see below): grant them on the service app's *Okta API Scopes* tab."
	}
	tokenType := s.TokenType
	if tokenType == "" {
		tokenType = "Bearer"
	}
	expires := ""
	if !s.TokenExpires.IsZero() {
		expires = rc.when(s.TokenExpires)
		if !rc.o.Now.IsZero() && s.TokenExpires.After(rc.o.Now) {
			expires += " (in " + age(s.TokenExpires, rc.o.Now) + ")"
		}
	}
	admin := ":white_check_mark: yes"
	if !s.AdminRole {
		admin = ":x: none"
	}
	blocks = append(blocks, fieldsSection("card", top, []field{
		{"Token type", md(tokenType, 20)},
		{"Token expires", expires},
		{"Admin role", admin},
		{"Client ID", code(s.ClientID, 80)},
	}))

	lines := []string{"*Scopes granted (" + count(len(s.Granted)) + ")*"}
	for _, g := range s.Granted {
		lines = append(lines, ":white_check_mark: "+code(g, 80))
	}
	if len(s.Granted) == 0 {
		lines = append(lines, "None.")
	}
	if len(s.Missing) > 0 {
		lines = append(lines, "", "*Missing ("+count(len(s.Missing))+")*")
		for _, m := range s.Missing {
			line := ":x: " + code(m, 80)
			if verbs := verbsNeeding(m); len(verbs) > 0 {
				line += ": needed by " + strings.Join(verbs, ", ")
			}
			lines = append(lines, line)
		}
	}
	blocks = append(blocks, section("scopes", strings.Join(lines, "\n")))

	text := "Okta connection to " + orgName + ": "
	if ok {
		text += "OK"
	} else {
		var probs []string
		if !s.AdminRole {
			probs = append(probs, "no admin role")
		}
		if len(s.Missing) > 0 {
			probs = append(probs, plural(len(s.Missing), "scope", "scopes")+" missing")
		}
		text += strings.Join(probs, ", ")
	}
	return Message{Text: text, Blocks: blocks}
}

// verbsNeeding lists the slash verbs (at most eight) whose kinds need scope.
func verbsNeeding(scope string) []string {
	var out []string
	for _, k := range intents.Catalogue {
		if k.Scope != scope || len(k.Verbs) == 0 || slices.Contains(out, "`"+k.Verbs[0]+"`") {
			continue
		}
		if len(out) == 8 {
			out = append(out, "…")
			break
		}
		out = append(out, "`"+k.Verbs[0]+"`")
	}
	return out
}
