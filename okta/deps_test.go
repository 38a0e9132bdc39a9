package okta

import (
	"testing"

	"github.com/oktabot/oktabot/internal/archtest"
)

// okta is an adapter: it never imports another adapter, the bot, its own
// test simulator or the test keys.
func TestImports(t *testing.T) {
	archtest.Check(t, "github.com/oktabot/oktabot/okta",
		"github.com/oktabot/oktabot/bot",
		"github.com/oktabot/oktabot/blocks",
		"github.com/oktabot/oktabot/approvals",
		"github.com/oktabot/oktabot/intents/llm",
		"github.com/oktabot/oktabot/okta/oktasim",
		"github.com/oktabot/oktabot/okta/internal/authtest",
		"github.com/oktabot/oktabot/cmd",
		"github.com/slack-go/slack",
		"go.etcd.io/bbolt",
	)
}
