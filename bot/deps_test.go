package bot_test

import (
	"testing"

	"github.com/oktabot/oktabot/internal/archtest"
)

// bot sees Okta, the store and the model only as interfaces.
func TestImports(t *testing.T) {
	archtest.Check(t, "github.com/oktabot/oktabot/bot",
		"github.com/oktabot/oktabot/okta",
		"github.com/oktabot/oktabot/approvals",
		"github.com/oktabot/oktabot/intents/llm",
		"github.com/oktabot/oktabot/bot/slackfake",
		"github.com/oktabot/oktabot/cmd",
		"github.com/okta/okta-sdk-golang",
		"go.etcd.io/bbolt",
		"github.com/sashabaranov/go-openai",
		"github.com/prometheus",
	)
}
