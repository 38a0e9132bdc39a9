// Package detect runs oktabot's detections over Okta System Log events and
// scores what they find.
//
// # Detections
//
// Catalogue lists every detection with its stable id (failed_login_burst,
// success_after_failures, …, security_config_change), a title and the public
// detection content its logic and threshold follow. Run runs them all over
// one sorted, de-duplicated pass of the events and returns the findings worst
// first; Detection.Run runs one. Events may arrive in any order and may repeat
// (overlapping log polls): an event seen twice (same uuid, time and type)
// counts once. Every finding lists the uuids of its supporting events; an
// event without a uuid (Okta always sends one) is named by a "no-uuid:TYPE@TIME"
// locator instead.
//
// Events are read in both of Okta's dialects. Identity Engine logs a
// password check as user.authentication.auth_via_mfa with debugData.factor
// PASSWORD_AS_FACTOR (a failed one is a failed sign-in, never an MFA
// failure), a denied push as auth_via_mfa with OKTA_VERIFY_PUSH and
// INVALID_CREDENTIALS, and authenticators changed for the whole org as
// security.authenticator.lifecycle.*; Classic logs user.session.start,
// user.mfa.okta_verify.deny_push and system.mfa.factor.*. The same attack
// gives the same findings in either. Identity Engine also names a push by
// its enrolment's method in target[] and its answer in debugData
// (pushOnlyResponseType, pushWithNumberChallengeResponseType: a wrong
// number is a denial), logs a push left alone as auth_via_mfa UNANSWERED or
// ABANDONED, and writes an authentication rule's actions in changeDetails
// as policyRuleActionJson, a JSON object in a string, which the okta
// decoder reads field by field.
//
// # Scoring
//
// A finding's score is explainable: its first Evidence item is the
// detection's base, every further item a listed weight (anonymizing proxy,
// watch-listed country, failures then success, Okta's behaviors and risk,
// SSO into apps afterwards, an administrator account, off-hours …) or a
// dampener with negative points (Apple iCloud Private Relay, small geo jumps,
// an outcome Okta blocked). The points add up to the score before it is
// clamped to 0–100 (Score) and banded with intents.Band: Low < 22,
// Medium < 48, High < 74, Critical.
//
// ByUser combines the findings on one user: the worst detection counts in
// full and every other detection adds half of its own worst score, so that
// failed sign-ins, then a success from a proxy, then app access is Critical
// while a lone lockout stays Medium. Remedies turns a UserSummary into the
// actions it suggests — clear_sessions and expire_password (a password
// someone else knows) from Medium, suspend_user and reset_factors from High,
// unlock_user when a lockout is the only signal, and the reversal of a
// deactivated or added policy rule or a deactivated app — with the summary's
// score as confidence and its evidence. Analyze does all of it in one call
// and fills in the Okta user ids the events name.
//
// # Streaming
//
// Engine runs the same detections over a log read page by page, oldest
// first (the watcher, and the threats sweep over a week of a busy org), in
// bounded memory. It keeps windows of recent events per user, per client
// IP (spraying, a success from an IP that tried many users, MFA abandoned
// for many users), per device, phone number and device token (one shared
// by several users), for account lockouts, for failed sign-ins across IPs
// (a distributed spray), per identity provider issuer and per policy
// rule, each reaching Limits.Window back from the newest event and
// holding at most Limits.PerKey events, in a compact form that keeps only
// what the detections (and an answer listing the events) read. Feed
// re-runs the catalogue, unchanged, over the windows its events touched
// (a failed sign-in brings its IP's window along, so a success after an
// attack is found when the attacker rotated IP) and returns the findings
// that include one of them,
// whole as far as the windows hold them; Analysis merges every finding
// since the start (a grown finding replaces its earlier form, and one
// that learnt whose it is its form with no user) as Analyze
// would. TakeDirty and Restore carry the windows across a restart.
// Findings that span more than a window (the same country day after day)
// are cut at the window, and who is an administrator is learned from the
// windows only.
//
// # Configuration
//
// Config holds the watch-listed countries, known proxy and Tor exit addresses,
// known administrators, every threshold (each documented with its source) and
// the office hours. The zero Config is usable: a zero threshold takes
// DefaultConfig's value. Lists are used as given, so start from DefaultConfig
// to get the default watch list. Validate checks a Config before use.
//
// # What this package must not do
//
// It is pure: no I/O, no clock (time comes only from the events), no logging,
// no package-level mutable state, and it imports only intents and the
// standard library. Output is deterministic: the same events in any order
// give the same findings in the same order. It words findings and evidence
// for people but never acts: remedies are proposals that a person approves
// elsewhere.
package detect
