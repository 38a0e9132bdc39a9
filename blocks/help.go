package blocks

import (
	"slices"
	"strings"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// Help renders what oktabot can do, from intents.Catalogue and
// intents.Usage: every area with one line per command, or, for one area,
// each command with its usage, example and other names. An empty or unknown area gives the
// overview.
func Help(area intents.Area) Message {
	if area != "" && slices.Contains(intents.Areas(), area) {
		return helpArea(area)
	}
	blocks := []slack.Block{
		header("title", ":wave: oktabot: Okta in Slack"),
		section("intro", "Ask with `/okta &lt;command&gt;`, or mention me and say it in plain words. "+
			"Changes to Okta are proposed first and run only after an approver clicks *Approve*."),
	}
	for _, a := range intents.Areas() {
		lines := []string{"*" + areaEmoji(a) + " " + areaTitle(a) + "*"}
		for _, k := range intents.InArea(a) {
			lines = append(lines, "`"+esc(intents.Usage(k.Kind))+"` "+esc(k.Summary))
		}
		blocks = append(blocks, section("area_"+areaID(a), strings.Join(lines, "\n")))
	}
	blocks = append(blocks, contextBlock("more", "`/okta help &lt;area&gt;` shows one area with examples, e.g. `/okta help users`."))
	return Message{Text: "oktabot help: " + plural(len(intents.Catalogue), "command", "commands") + " in " + plural(len(intents.Areas()), "area", "areas"), Blocks: blocks}
}

// helpArea is the detailed help of one area.
func helpArea(a intents.Area) Message {
	blocks := []slack.Block{header("title", areaEmoji(a)+" Help: "+areaTitle(a))}
	kinds := intents.InArea(a)
	for _, k := range kinds {
		text := "`" + esc(intents.Usage(k.Kind)) + "`\n" + esc(k.Summary)
		if k.Action {
			text += " :lock_with_ink_pen: _needs approval_"
		}
		if k.Example != "" {
			text += "\nExample: `" + stripTicks(esc(k.Example)) + "`"
		}
		if len(k.Verbs) > 1 {
			text += "\nAlso: " + strings.Join(k.Verbs[1:], ", ")
		}
		blocks = append(blocks, section("kind_"+string(k.Kind), text))
	}
	blocks = append(blocks, contextBlock("more", "`/okta help` lists every area."))
	return Message{Text: "oktabot help, " + areaTitle(a) + ": " + plural(len(kinds), "command", "commands"), Blocks: blocks}
}

func areaTitle(a intents.Area) string {
	s := string(a)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func areaID(a intents.Area) string { return strings.ReplaceAll(string(a), " ", "_") }

// areaFor maps `/okta help WORD` to an area: an area's name, or any verb
// or kind name of the area's commands.
func areaFor(q string) intents.Area {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return ""
	}
	for _, a := range intents.Areas() {
		if string(a) == q || (strings.HasSuffix(string(a), "s") && string(a)[:len(a)-1] == q) {
			return a
		}
	}
	for _, k := range intents.Catalogue {
		if string(k.Kind) == q || slices.Contains(k.Verbs, q) {
			return k.Area
		}
	}
	return ""
}
