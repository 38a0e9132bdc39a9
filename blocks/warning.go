package blocks

import (
	"strings"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/intents"
)

// warning is a proposal's warning, when it has one (Preview.Warning: what
// the action leaves open), with its companion actions (Preview.Companions)
// as the commands that propose them. Each companion is a proposal of its
// own: this only names them.
func warning(pv intents.Preview, max int) []slack.Block {
	if strings.TrimSpace(pv.Warning) == "" {
		return nil
	}
	s := ":warning: *" + md(pv.Warning, max) + "*"
	if u := pv.Action.User; u != nil && u.Name != "" {
		var cmds []string
		for _, k := range pv.Companions {
			verb := strings.ReplaceAll(string(k), "_", "-")
			if info, ok := intents.Lookup(k); ok && len(info.Verbs) > 0 {
				verb = info.Verbs[0]
			}
			cmds = append(cmds, "`"+stripTicks(md("/okta "+verb+" "+u.Name, max))+"`")
		}
		if len(cmds) > 0 {
			s += "\nPropose with it: " + strings.Join(cmds, " · ")
		}
	}
	return []slack.Block{section("warning", s)}
}
