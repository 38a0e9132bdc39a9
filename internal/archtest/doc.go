// Package archtest keeps oktabot's dependency rules true: a test per package
// calls Check (imports it must never reach) or CheckOnly (the only imports it
// may reach, besides the standard library), and `go list -deps` tells whether
// the package's build graph obeys.
//
// # Rules (docs/architecture.md)
//
//	cmd                    -> everything
//	bot                    -> intents, intents/freetext, blocks, blocks/charts (+ slack-go)
//	okta                   -> intents, okta/detect, okta/oauth (+ okta-sdk-golang)
//	okta/oauth             -> intents (+ go-jose)
//	approvals, blocks, intents/llm -> intents (+ their one SDK)
//	blocks/charts          -> intents (+ gonum.org/v1/plot, imported nowhere else)
//	okta/detect            -> intents
//	okta/oktasim/demo      -> okta/oktasim
//	intents/llm            -> intents/freetext too
//	intents/freetext       -> intents (imported only by intents/llm, bot, cmd)
//	intents                -> standard library only
//
// Nothing imports bot or cmd; adapters never import each other.
//
// Its own TestNoOutsideDocs keeps every comment and .md file of the
// repository citing only what the repository holds.
//
// # What this package must not do
//
// It is for tests only: it runs the go command and reports through
// testing.TB. It imports no oktabot package, so any package's test may use
// it, and it only looks at non-test imports (tests may use go-cmp and fakes).
package archtest
