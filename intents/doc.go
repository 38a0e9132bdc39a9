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
// # Free text
//
// Understand (and Rules, a Classifier) maps free text from mentions and
// direct messages to the same kinds: time windows, users, Slack mentions,
// groups, apps, countries, reasons. Ambiguous text becomes Kind Unknown
// with suggested slash commands; a change is returned only for an explicit
// verb, and changes are only ever proposals. Validate and FromArgs check
// input that did not come from typing (buttons, modals, a model's tool
// call) with the parser's own rules.
//
// # Approvals
//
// Proposal, State, AuditRecord, Decision, ApprovalPolicy, Protection and
// the refusal errors are the approvals vocabulary, shared by the store and
// the bot.
//
// # What this package must not do
//
// It imports only the standard library, performs no I/O and writes no text
// for people beyond the catalogue's own help lines; the bot package words
// messages.
package intents
