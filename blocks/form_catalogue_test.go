package blocks

import (
	"testing"

	"github.com/oktabot/oktabot/intents"
)

// TestFormForEveryFormKind checks that blocks has a form for exactly the
// actions whose catalogue entry says their bare verb opens one.
func TestFormForEveryFormKind(t *testing.T) {
	for _, info := range intents.Catalogue {
		_, ok := formFor(info.Kind)
		if want := info.Form == intents.FormOpen; ok != want {
			t.Errorf("formFor(%s) found = %v, but the catalogue says Form = %q", info.Kind, ok, info.Form)
		}
	}
}
