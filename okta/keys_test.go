package okta

import "github.com/oktabot/oktabot/okta/internal/authtest"

// What the tests sign in with (okta/internal/authtest).
var (
	testRSA   = authtest.RSA
	rsaJWK    = authtest.RSAJWK
	ecKeyP256 = authtest.ECP256
	ecJWK     = authtest.ECJWK
	pemOf     = authtest.PEM

	fakeTokenServer = authtest.TokenServer
	jsonAnswer      = authtest.JSONAnswer
)
