package okta

import (
	"testing"

	"github.com/oktabot/oktabot/intents"
)

// TestDispatchCoversCatalogue checks that every action of the catalogue has
// a spec (Preview and Execute) and every read a query, and that nothing
// else has one.
func TestDispatchCoversCatalogue(t *testing.T) {
	for _, info := range intents.Catalogue {
		k := info.Kind
		_, spec := actionSpecs[k]
		_, query := queries[k]
		bot := info.BotAnswers // help text and the proposals in the bot's store
		switch {
		case info.Action && !spec:
			t.Errorf("action %s has no actionSpec", k)
		case !info.Action && spec:
			t.Errorf("%s is no action but has an actionSpec", k)
		}
		switch {
		case !info.Action && !bot && !query:
			t.Errorf("read %s has no query", k)
		case (info.Action || bot) && query:
			t.Errorf("%s has a query but is an action or answered by the bot", k)
		}
	}
	for k := range actionSpecs {
		if _, ok := intents.Lookup(k); !ok {
			t.Errorf("actionSpec for %s, which the catalogue lacks", k)
		}
	}
	for k := range queries {
		if _, ok := intents.Lookup(k); !ok {
			t.Errorf("query for %s, which the catalogue lacks", k)
		}
	}
}
