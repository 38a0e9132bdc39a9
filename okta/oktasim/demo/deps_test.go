package demo_test

import (
	"testing"

	"github.com/oktabot/oktabot/internal/archtest"
)

// TestDependencies keeps the demo org data for the simulator: it reaches
// only oktasim (and what oktasim may reach: intents, go-jose) and the
// standard library.
func TestDependencies(t *testing.T) {
	archtest.CheckOnly(t, "github.com/oktabot/oktabot/okta/oktasim/demo",
		"github.com/oktabot/oktabot/okta/oktasim",
		"github.com/oktabot/oktabot/intents", "github.com/go-jose/go-jose/v4")
}
