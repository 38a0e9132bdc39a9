// Package freetext is oktabot's free-text rules: Understand (and Rules, an
// intents.Classifier) maps free text from mentions and direct messages to
// the catalogue's kinds: time windows, users, Slack mentions, groups, apps,
// countries, reasons. Ambiguous text becomes Kind Unknown with suggested
// slash commands; a change is returned only for an explicit verb, and
// changes are only ever proposals. Grounded checks a model's answer against
// the words it answers.
//
// The rules draft arguments as text (intents.Draft) and leave every check
// to intents.Build, so free text, the slash grammar and a model's tool call
// validate values the same way.
//
// # What this package must not do
//
// It imports only intents and the standard library, performs no I/O and
// words no messages for people. Only intents/llm (its fallback), bot (its
// default classifier) and cmd may import it; intents never does
// (deps_test.go).
package freetext
