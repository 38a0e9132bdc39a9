// Package blocks renders oktabot's answers as Slack Block Kit messages:
// query results, help, errors and the "working" reply, plus their CSV
// exports and a plain-text rendering for the terminal.
//
// # Messages
//
// Every function returns a Message: Block Kit blocks (slack-go's types) and
// a plain-text Text fallback that is always set. Result, Help, Error and
// Working only ever return messages that pass Validate, which checks every
// Block Kit limit (message.go) and Slack's undocumented cumulative size
// limit (MaxBlocksJSON). Lengths are counted in UTF-16 code units, which is
// never less than Slack's character count, so a message that passes here is
// not rejected for length there.
//
// # Safety
//
// Okta data is untrusted. Before it is put into mrkdwn it is sanitized
// (control characters and bidirectional overrides removed, invalid UTF-8
// replaced) and &, < and > are escaped, so a display name such as
// <!channel> or <https://evil|click> renders as the literal text. mrkdwn
// text objects are sent with verbatim true, so Slack does not auto-link
// plain text either. Truncation ("…") happens at rune boundaries, never
// inside a character, an HTML entity or a Slack token, and does not tear a
// combined emoji apart. Raw Okta JSON and profile attributes are never shown
// wholesale: app settings are read through an allow-list, so no client
// secret or credential can reach a channel.
//
// # Paging
//
// A list shows one page. Its ◀ Prev, ▶ Next and Export CSV buttons carry
// the query as a page value (EncodePageValue): the intent and a page
// number, as compact JSON of at most 2000 characters. DecodePageValue
// checks a value as strictly as typed input: a value that names an action
// kind, an unknown kind, an argument the kind does not take or an oversized
// field is refused, so a forged value can at most ask a read-only query that
// its clicker could have typed.
//
// # Proposals, modals and investigations
//
// Proposal renders a proposal in each state (pending with Approve/Reject,
// executing, executed with Undo when the kind has one, failed, rejected,
// expired, unknown); Approve is left out when the OAuth scope is missing.
// Pending and ProposalDetail list proposals and their audit history.
// RejectModal and FormModal build modals, FormIntent reads a submission
// back into a validated Intent with errors keyed by block id. Only Slack
// user ids that look like ids become mentions; secrets in Okta JSON bodies
// are masked. Investigations, the threat sweep, sign-in listings and the
// MFA scan (with MFAProgress and Refresh) have layouts of their own;
// Suggestions asks back with buttons that run slash commands.
//
// # What this package must not do
//
// It performs no I/O, keeps no state, logs nothing and imports only
// intents, slack-go and the standard library. It does not decide who may
// see or click what; the bot does.
package blocks
