// Package intents is oktabot's domain vocabulary: the catalogue of request
// kinds, the Intent a request becomes, the Okta objects a query returns, the
// Actions that change Okta, and the errors every adapter translates into.
//
// # Catalogue
//
// Catalogue is the one table of kinds. The slash parser, the help text, the
// JSON output and the model's tool schemas all derive from it, so a kind
// added there is understood everywhere.
//
// # Parsing
//
// Parse reads the slash grammar `/okta <verb> [args]` (the leading /okta is
// optional). It validates every argument and never guesses: text it does not
// understand becomes Kind Unknown with suggestions.
//
// # Input that was not typed
//
// Validate and FromArgs check input that did not come from typing
// (buttons, modals, a model's tool call) with the parser's own rules.
//
// # The seam for free text
//
// intents/freetext, built on this package, maps free text to the same
// kinds. It fills a Draft (arguments as text) and hands it to Build (or
// BuildWindow), which validates it with the parser's own setters; the few
// lexing and validation helpers it shares with the slash grammar
// (Unslack, IsQuote, NormKey, ParseAt, …) are exported for it. SlashCommand
// writes an Intent back as the slash command Parse reads.
//
// # Approvals
//
// Proposal, State, AuditRecord, Decision, ApprovalPolicy, Protection and
// the refusal errors are the approvals vocabulary, shared by the store and
// the bot.
//
// # What this package must not do
//
// It imports only the standard library (never intents/freetext), performs no I/O and writes no text
// for people beyond the catalogue's own help lines; the bot package words
// messages.
package intents
