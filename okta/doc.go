// Package okta is oktabot's Okta adapter: it signs in to an Okta org as an
// OAuth 2.0 service app (client credentials with Private Key JWT, DPoP when
// the app requires it), reads users, groups, applications, policies and the
// System Log, and previews and executes the changes of the intents
// catalogue. Code above it sees only intents types and intents errors.
//
// # Connection
//
// New validates a Config without touching the network. The client keeps its
// own token source (package okta/oauth): it signs a fresh client assertion for every
// token request, refreshes the token before it expires and once after a
// 401, and binds tokens to a DPoP key kept for the client's life when the
// service app requires DPoP. JOSE (keys, the assertion, DPoP proofs) is
// go-jose's. DPoP follows Okta: the DPoP-Nonce of every answer is kept, a
// use_dpop_nonce challenge (400 or 401) is answered up to three times per
// call, and a refused proof is ErrAuth with Okta's error_description and a
// hint to check the clock. Every HTTP call goes through one RoundTripper
// (transport.go) that sets the Authorization and DPoP headers, waits out
// 429s until X-Rate-Limit-Reset, paces when few calls remain in a rate-limit
// window, retries 5xx and network errors with jittered backoff for
// idempotent requests only, and bounds every attempt by a context.
//
// # okta-sdk-golang
//
// Requests are built by okta-sdk-golang v5 (sdk.go), configured by hand so
// that it never reads ~/.okta/okta.yaml or OKTA_* variables, keeps the org
// URL's port, caches nothing and leaves retries and authentication to this
// package. Responses are decoded from the raw body into this package's own
// lean types, because some of the SDK's oneOf models decode to empty objects
// without an error (MFA_ENROLL rules, signed_nonce factors, apps with a null
// signOnMode); such losses are detected and logged. Paging follows the Link
// rel="next" header with the caller's context, never the SDK's Next(). The
// System Log is read directly (logs.go), with a page prefetched while the
// caller consumes the current one.
//
// # Actions
//
// Preview resolves an action's targets (users by id, login or email; groups,
// apps, policies and rules by id or exact name), checks that the action
// applies to the current state, states Before and After, the blast radius
// and whether the needed scope was granted. Execute re-reads the target,
// refuses with intents.ErrConflict when it drifted from Before (which also
// makes a repeated action a clear conflict, never a second change), acts
// once and returns Okta's request id.
//
// # Investigations
//
// Query answers failed_logins, suspicious_logins, login_history,
// investigate, threats and mfa_status (investigate.go, mfascan.go): filters
// are pushed to Okta, each answer reads its window once and feeds every
// detection of okta/detect from that pass, investigate's independent reads
// run concurrently, and the MFA scan is paced by the factors family's
// rate-limit headers, kept, and refreshed from the System Log.
//
// # Okta Verify step-up
//
// UserByEmail finds an approver's Okta user; StartPushVerify sends a push
// to their ACTIVE Okta Verify factor (an *intents.NoPushFactorError when
// there is none) and WaitPush polls the transaction every
// Config.PushInterval, longer when the rate-limit bucket runs low, until
// SUCCESS, REJECTED or TIMEOUT, reporting a number challenge as soon as
// Okta shows it (verify.go). Only SUCCESS confirms.
//
// # What this package must not do
//
// It must not write text for people beyond error details and action
// summaries, log or return secrets (private keys, assertions, tokens),
// retry a non-idempotent write after it may have reached Okta, or let an
// SDK type or error escape.
package okta
