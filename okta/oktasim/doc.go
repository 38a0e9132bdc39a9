// Package oktasim is an Okta simulator: an http.Handler that speaks the parts
// of Okta's Management API that oktabot uses, from an org fixture, so that
// the real okta-sdk-golang client and oktabot's own HTTP code can be tested,
// demonstrated and benchmarked without an Okta org.
//
// # Use
//
// Like tailscale's testcontrol, the zero-config constructor works and the
// server is mounted on httptest; its state is inspected afterwards:
//
//	sim, _ := oktasim.New(fixture) // nil: an empty org
//	ts := httptest.NewServer(sim)
//	jwk, pub, _ := oktasim.NewServiceAppKey("kid1")
//	sim.AddServiceApp(oktasim.ServiceApp{ClientID: "0oabot", PublicKey: pub, KeyID: "kid1"})
//	// … drive a client at ts.URL …
//	sim.Snapshot()           // the org as it is now
//	sim.Calls("POST", "/api/v1/users/00u1/lifecycle/suspend")
//	sim.Unhandled()          // requests no route answered: a test should fail on them
//
// # What it simulates
//
//   - OAuth 2.0 client credentials with private_key_jwt at /oauth2/v1/token:
//     RS256/ES256 client assertions verified with go-jose against the
//     registered key (alg for its type, signature, kid, iss = sub = client
//     id, aud, exp, nbf, iat, jti replay), granted scopes, token TTL,
//     revocation, and DPoP-bound tokens (cnf.jkt) with Okta's nonce dance;
//     API calls with them need a fresh proof, and SetDPoPBehaviour adds
//     resource-server nonces (400 or 401 challenges, rotated on the retry)
//     and body-less 400s for stale proofs.
//   - Users and their lifecycle, sessions and factors, and Okta Verify push
//     verification transactions (verify, then poll the transaction until
//     SUCCESS, REJECTED or TIMEOUT, with an optional number challenge)
//     whose outcome is programmed by SetVerifyOutcome, POST
//     /_sim/factor-verify-outcome or the fixture (verify.go); groups and membership;
//     applications and their assignments; policies and rules; the System Log
//     with its filter and poll cursor. Every write appends the System Log
//     event Okta would.
//   - Okta's error shapes and codes, one Link header per rel, per-family rate
//     limits with X-Rate-Limit-* headers, injected latency and failures, and a
//     service app without an admin role (lists come back empty).
//
// Responses are Okta's own JSON so that okta-sdk-golang v5 decodes them.
//
// # What it must not do
//
// It must not import the Okta SDK or any other oktabot package (it is the far
// side of the wire; go-jose is its one outside dependency), must not reach the network, and must never write private
// keys or tokens into logs, errors or responses other than the token answer.
// It is safe for concurrent use; every knob may be turned while serving.
package oktasim
