package intents_test

import (
	"testing"

	"github.com/oktabot/oktabot/internal/archtest"
)

// TestDependencies keeps intents the domain leaf (docs/architecture.md): it
// imports the standard library only, so every other package may import it.
// In particular it never imports the free-text rules (intents/freetext),
// which are built on it.
func TestDependencies(t *testing.T) {
	archtest.CheckOnly(t, "github.com/oktabot/oktabot/intents")
	archtest.Check(t, "github.com/oktabot/oktabot/intents", "github.com/oktabot/oktabot/intents/freetext")
}
