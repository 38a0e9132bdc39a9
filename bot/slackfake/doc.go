// Package slackfake is a fake Slack for tests: the Web API methods oktabot
// calls, response URLs, file uploads and Socket Mode over a real websocket,
// on one loopback httptest server. It is driven by the real slack-go client
// and its state is inspected afterwards.
//
// # Use
//
// Like tailscale's testcontrol, the zero Options work:
//
//	fake := slackfake.New(slackfake.Options{Users: users})
//	defer fake.Close()
//	api := slack.New(fake.Options().BotToken,
//		slack.OptionAppLevelToken(fake.Options().AppToken),
//		slack.OptionAPIURL(fake.APIURL()))
//	sm := socketmode.New(api) // drain sm.Events, run sm.RunContext(ctx)
//
//	id, _ := fake.SlashCommand(ctx, slackfake.SlashCommand{UserID: "U1", ChannelID: "C1", Text: "user a@x.com"})
//	ack, _ := fake.WaitAck(ctx, id)             // ack.Payload, ack.Latency()
//	msg, _ := fake.WaitMessage(ctx, func(m slackfake.Message) bool { return m.Method == "response_url" })
//	fake.Rejections()                          // messages Slack would have refused
//	fake.UnknownCalls()                        // methods the fake does not know: fail the test
//
// # Socket Mode
//
// apps.connections.open (app token only) returns a single-use ws:// URL.
// On connect the fake sends hello, then pings every Options.PingInterval.
// Envelopes are spread over the open sockets in turn, as Slack spreads
// them over an app's connections; a driving call waits for one.
// slash_commands carry accepts_response_payload true, a response_url and a
// trigger_id; events_api carry retry_attempt and retry_reason; interactive
// carry block_actions or view_submission. Acks are recorded with the time
// the envelope was sent and the time the ack arrived; acks of MaxAckBytes or
// more are dropped as Slack drops them. A slash command's ack payload is
// shown to the user (Message with Method "ack"). Disconnect sends a
// disconnect envelope and closes the socket shortly after; DropConnection
// closes it abruptly. Unacknowledged events_api envelopes are redelivered
// only if Options.RedeliverAfter is set, or explicitly with RedeliverEvent.
// Mention and DirectMessage send app_mention and message.im events from a
// person, or (BotID, SubType) from a bot, a workflow or a message subtype;
// a user's DM with the bot is "D" and their id without U or W.
//
// # Web API
//
// Calls are form posts or JSON bodies with the token as a form field or a
// Bearer header; answers are Slack's JSON with ok and error (not_authed,
// invalid_auth, not_allowed_token_type, channel_not_found,
// message_not_found, …). Implemented: auth.test, apps.connections.open,
// chat.postMessage, chat.update, chat.postEphemeral, chat.delete,
// files.getUploadURLExternal (alt_txt_too_large past MaxAltText) with its
// upload URL (which takes exactly the declared length),
// files.completeUploadExternal, users.info (guests, bots and Slack Connect
// users of another team as User says), users.lookupByEmail,
// conversations.info, conversations.members (Options.Members, paged),
// usergroups.users.list, views.open, views.push, views.update,
// views.publish, conversations.history and conversations.replies. Any
// other method answers
// unknown_method and is recorded in
// UnknownCalls. FailNext injects an error (ratelimited answers HTTP 429).
//
// The bot token has the scopes in Options.Scopes (DefaultScopes: those of
// oktabot's manifest). A method called without its scope answers
// missing_scope with needed and provided, as Slack does; every answer
// carries the token's scopes in X-OAuth-Scopes. conversations.info takes
// the scope of the channel's type (channels:read, groups:read) and does
// not find a private channel the bot is not in.
//
// Message timestamps are 1700000000.000100, 1700000000.000200, … in order.
// A response_url serves ResponseURLUses posts within ResponseURLTTL
// (replace_original, delete_original, response_type); a trigger_id opens
// one view within TriggerTTL (expired_trigger_id, exchanged_trigger_id),
// measured on Options.Now.
//
// # Threads, direct messages, metadata and history
//
// A reply (thread_ts) with reply_broadcast is recorded with Broadcast and
// shows in the channel as a thread_broadcast message; reply_broadcast
// without thread_ts is a plain message. chat.postMessage to a user id ("U…",
// "W…") posts into the bot's DM with them and answers with its "D…" id,
// a deactivated user's DM too (Slack posts to it without error); an
// unknown user id is channel_not_found, as Slack answers. chat.postMessage
// and chat.update take metadata {event_type, event_payload}: stored in
// Message.Metadata (an update without it keeps it), refused with
// invalid_metadata_format unless event_payload is an object, and ignored
// with Slack's invalid_metadata_schema warning (in the answer and in
// Rejections) when event_type is not letters, digits, _ and -.
// conversations.history returns what the bot posted in a channel as it
// stands (not deleted, not ephemeral, thread replies only if broadcast,
// parents with reply_count), newest first, paged by limit (100, at most
// 999) and cursor with has_more and response_metadata.next_cursor, bounded
// by oldest and latest (inclusive includes them), with metadata only when
// include_all_metadata is set. It takes channels:history, groups:history
// or im:history by the channel's type, and answers not_in_channel where
// the bot is not. People's messages are not kept, so they are not in it.
// conversations.replies returns a thread (ts: its parent's or a reply's),
// parent first and replies oldest first, each with thread_ts, paged and
// bounded the same way, with the same scopes; thread_not_found for a ts
// that is no message there. A thread under a person's message lists the
// bot's replies alone.
//
// # App Home
//
// views.publish (user_id of a known user, a view of type home checked like
// other views, at most 100 blocks, hash optional and hash_conflict when
// stale) sets a user's Home tab: same view id, new hash each time. Home
// and WaitHome return it; OpenHome sends an app_home_opened events_api
// envelope (user, channel: their DM, tab home, event_ts, and the view
// published last, if any).
//
// # Block Kit limits
//
// chat.postMessage, chat.update, chat.postEphemeral, response_url posts and
// ack payloads are checked as Slack checks them: at most 50 blocks (100 in
// modals); section text 1–3000 characters, at most 10 fields of up to 2000;
// header plain_text up to 150; context up to 10 elements; actions up to 25
// elements; button plain_text up to 75, value up to 2000, url up to 3000;
// block_id and action_id up to 255, block_id unique in the message and
// action_id unique in its block (as Slack documents); message text up to
// 40,000 (msg_too_long); neither text nor blocks is no_text. Violations
// answer invalid_blocks with Slack-style response_metadata.messages. The
// compact JSON of the blocks may not exceed Options.MaxBlocksBytes
// (DefaultMaxBlocksBytes, 13,000 bytes: Slack's undocumented cumulative
// limit, msg_blocks_too_long, is reported at 12,000–13,300 characters of
// text). Views are checked too and answer invalid_arguments. Every refusal is
// recorded in Rejections.
//
// # What it must not do
//
// It must not import slack-go or any oktabot package outside its tests (it
// is the far side of the wire), must not listen beyond loopback, and must
// never log or echo tokens.
package slackfake
