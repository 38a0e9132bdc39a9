package charts_test

import (
	"testing"

	"github.com/oktabot/oktabot/internal/archtest"
)

// charts is pure: of oktabot it imports intents only, and it reaches
// neither Slack nor the network. Its one outside dependency is
// gonum.org/v1/plot (with what plot needs).
func TestImports(t *testing.T) {
	archtest.Check(t, "github.com/oktabot/oktabot/blocks/charts",
		"github.com/oktabot/oktabot/blocks",
		"github.com/oktabot/oktabot/bot",
		"github.com/oktabot/oktabot/okta",
		"github.com/oktabot/oktabot/approvals",
		"github.com/oktabot/oktabot/intents/llm",
		"github.com/oktabot/oktabot/cmd",
		"github.com/slack-go/slack",
		"net/http",
		"os/exec",
		"log/slog",
	)
}
