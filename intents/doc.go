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
// # What this package must not do
//
// It imports only the standard library, performs no I/O and writes no text
// for people beyond the catalogue's own help lines; the bot package words
// messages.
package intents
