// Package oauth signs oktabot in to Okta as a service app: OAuth 2.0
// client credentials with a private_key_jwt client assertion, optionally
// with DPoP-bound tokens (RFC 9449).
//
// It parses the service app's private key (ParseKey), signs a fresh
// assertion for every token request, gets, caches and refreshes access
// tokens (Source), and makes the DPoP proofs and keeps the nonces Okta
// hands out (DPoP). The okta package's transport uses a Source and a DPoP
// to authorise every API call; pacing, concurrency and retries of API
// calls stay there.
//
// It imports only the standard library, go-jose and the domain package
// intents (for its errors), never another part of oktabot.
package oauth
