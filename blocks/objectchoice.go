package blocks

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/intents"
)

// ActionPickObject prefixes the buttons of a group, app, policy or rule
// ask-back ("pick_object_0" …); each value is the request to run again with
// one object's id (EncodeRerun).
const ActionPickObject = "pick_object"

// ObjectChoice is an ask-back for a name several Okta objects answer to
// (every policy type has a "Default Policy").
type ObjectChoice struct {
	// Request is what was asked; each button runs it again with one
	// candidate's id in Arg.
	Request intents.Intent
	// Arg is the request's field the name was in: group, app, policy or
	// rule.
	Arg        string
	Typed      string
	Candidates []intents.Choice
}

// PickObject renders the ask-back: "5 policies match `Default Policy`.
// Which one did you mean?" with a button per candidate.
func PickObject(c ObjectChoice) Message {
	typed := "`" + stripTicks(clip(c.Typed, 80)) + "`"
	what := map[string]string{"group": "groups", "app": "apps", "policy": "policies", "rule": "rules"}[c.Arg]
	if what == "" {
		what = "objects"
	}
	title := ":busts_in_silhouette: *" + count(len(c.Candidates)) + " " + what + " match " + esc(typed) + ".* Which one did you mean?"
	blocks := []slack.Block{section("pick_object_title", title)}
	var lines []string
	var elems []slack.BlockElement
	for i, o := range c.Candidates {
		if i == maxSuggestions {
			break
		}
		lines = append(lines, "• *"+md(o.Label, 120)+"* "+code(o.ID, 64))
		in := c.Request
		if !setArg(&in, c.Arg, o.ID) {
			continue
		}
		v, err := EncodeRerun(in)
		if err != nil {
			continue // too large for a button: the id is listed to type
		}
		elems = append(elems, button(fmt.Sprintf("%s_%d", ActionPickObject, i), plainText(o.Label, MaxButtonText), v))
	}
	if rest := len(c.Candidates) - maxSuggestions; rest > 0 {
		lines = append(lines, "… and "+count(rest)+" more")
	}
	if len(lines) > 0 {
		blocks = append(blocks, section("pick_object_list", strings.Join(lines, "\n")))
	}
	if len(elems) > 0 {
		blocks = append(blocks, slack.NewActionBlock("pick_object_choices", elems...))
	}
	blocks = append(blocks, contextBlock("pick_object_help", "Or type the request again with the id."))
	fallback := fmt.Sprintf("%d %s match %s: which one did you mean?", len(c.Candidates), what, c.Typed)
	return Message{Text: md(fallback, 3000), Blocks: blocks}
}

// setArg puts v in the request's field arg; false for an unknown arg.
func setArg(in *intents.Intent, arg, v string) bool {
	switch arg {
	case "group":
		in.Group = v
	case "app":
		in.App = v
	case "policy":
		in.Policy = v
	case "rule":
		in.Rule = v
	default:
		return false
	}
	return true
}
