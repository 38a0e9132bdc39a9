package llm_test

import (
	"testing"

	"github.com/oktabot/oktabot/internal/archtest"
)

// TestDependencies keeps the model adapter to its one SDK: it imports only
// intents, go-openai and the standard library.
func TestDependencies(t *testing.T) {
	archtest.CheckOnly(t, "github.com/oktabot/oktabot/intents/llm",
		"github.com/oktabot/oktabot/intents", "github.com/sashabaranov/go-openai")
}
