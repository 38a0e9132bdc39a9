// Package bot is oktabot's Slack side: it receives Socket Mode envelopes
// (slash commands, app mentions, button clicks), acks each at once, turns
// the text into an intents.Intent, asks the Directory (Okta) and answers
// with Block Kit from package blocks.
//
// # Flow
//
// One goroutine drains the socket's events and never blocks: it acks, then
// hands the work to its lane (quick, long or decide: lanes.go), each with
// bounded workers and queue, with a per-request timeout; a person's
// requests at once are bounded too. Modals open at once, outside the
// lanes. Messages to a channel are paced (pace.go). Retried
// Events API deliveries are de-duplicated by event_id; the bot's own
// messages are ignored; an envelope slack-go cannot parse is still acked.
//
// Free text may make several requests (compound.go): questions are each
// answered, the changes for one person proposed in one message. A
// pronoun in a thread means the person the bot's messages there are
// about, by their metadata (thread.go); elsewhere it is asked back.
//
// With Config.Charts, an investigation, a threat sweep and an MFA scan
// attach a chart from package blocks/charts to their answer's thread
// (charts.go); a chart failure is logged and never costs the answer.
//
// # Words for people
//
// This is the only package that writes text for people. Errors go only to
// the asker, say what to do, and carry a short correlation id that is also
// in the log line; raw SDK text never reaches Slack.
//
// # What it must not do
//
// It never calls Okta directly (Okta arrives as the Directory interface),
// never changes Okta outside an approved proposal, and never echoes Okta or
// user text into mrkdwn unescaped.
package bot
