package blocks

import (
	"fmt"

	"github.com/slack-go/slack"
)

// ActionRun is a button that runs a suggested slash command; its value is
// the command, which the bot parses again like typed text.
const ActionRun = "run_suggestion"

// maxSuggestions bounds the buttons of an ask-back.
const maxSuggestions = 5

// Suggestions asks back when a request was ambiguous: the title, then one
// button per likely meaning. Commands are shown as text too, so a person
// can copy and adjust them.
func Suggestions(title string, commands []string) Message {
	if title == "" {
		title = "Which did you mean?"
	}
	blocks := []slack.Block{section("ask", ":thinking_face: "+md(title, 300))}
	var elems []slack.BlockElement
	fallback := title
	for i, c := range commands {
		if i == maxSuggestions {
			break
		}
		label := clip(c, MaxButtonText)
		elems = append(elems, slack.NewButtonBlockElement(fmt.Sprintf("%s_%d", ActionRun, i), clip(c, MaxButtonValue), plain(label)))
		fallback += " · " + c
	}
	if len(elems) > 0 {
		blocks = append(blocks, slack.NewActionBlock("ask_choices", elems...))
	}
	blocks = append(blocks, contextBlock("ask_help", "Or type `/okta help` to see everything I can do."))
	return Message{Text: md(fallback, 3000), Blocks: blocks}
}
