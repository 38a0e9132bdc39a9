package freetext_test

import (
	"testing"

	"github.com/oktabot/oktabot/internal/archtest"
)

const freetextPkg = "github.com/oktabot/oktabot/intents/freetext"

// TestDependencies keeps the free-text rules on the domain package alone
// (docs/architecture.md): they import intents and the standard library only.
func TestDependencies(t *testing.T) {
	archtest.CheckOnly(t, freetextPkg, "github.com/oktabot/oktabot/intents")
}

// TestImporters says who may understand free text: the model classifier
// (its fallback), the bot (its default classifier) and the command line.
// intents itself, the Okta adapter, the store and the renderers may not.
func TestImporters(t *testing.T) {
	archtest.ImportedOnlyBy(t, "github.com/oktabot/oktabot/...", freetextPkg,
		"github.com/oktabot/oktabot/intents/llm",
		"github.com/oktabot/oktabot/bot",
		"github.com/oktabot/oktabot/cmd",
	)
}
