package blocks

import (
	"testing"

	"github.com/oktabot/oktabot/intents"
)

// TestResultViewsCoverCatalogue checks that every read of the catalogue
// that Okta answers has a layout or a listing view, and that no action, no
// kind with a layout outside Result and no unknown kind has either.
func TestResultViewsCoverCatalogue(t *testing.T) {
	for _, info := range intents.Catalogue {
		_, layout := resultLayouts[info.Kind]
		v, listing := listingViews[info.Kind]
		switch {
		case info.Action || info.BotAnswers: // laid out by help.go, pending.go, proposal.go
			if layout || listing {
				t.Errorf("%s has a result layout or listing view but is an action or is laid out elsewhere", info.Kind)
			}
		case !layout && !listing:
			t.Errorf("read %s has neither a result layout nor a listing view", info.Kind)
		case listing && v.title == nil && v.list == nil:
			t.Errorf("read %s: its listing view is empty", info.Kind)
		}
	}
	for _, table := range []map[intents.Kind]bool{keys(resultLayouts), keys(listingViews)} {
		for k := range table {
			if _, ok := intents.Lookup(k); !ok {
				t.Errorf("a result table has %s, which the catalogue lacks", k)
			}
		}
	}
}

func keys[V any](m map[intents.Kind]V) map[intents.Kind]bool {
	out := make(map[intents.Kind]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}
