package oauth_test

import (
	"testing"

	"github.com/oktabot/oktabot/internal/archtest"
)

// TestDependencies keeps signing in to its one JOSE library: oauth imports
// only intents (for its errors), go-jose and the standard library.
func TestDependencies(t *testing.T) {
	archtest.CheckOnly(t, "github.com/oktabot/oktabot/okta/oauth",
		"github.com/oktabot/oktabot/intents", "github.com/go-jose/go-jose/v4")
}
