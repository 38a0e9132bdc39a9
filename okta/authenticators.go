package okta

// Identity Engine changes authenticators for the whole org with
// security.authenticator.lifecycle.* events (Classic: system.mfa.factor.*).
// An authenticator turned off, or its settings changed (the methods it
// offers), can change anyone's MFA, so either makes an MFA refresh scan
// everyone.
const (
	authenticatorDeactivated = "security.authenticator.lifecycle.deactivate"
	authenticatorUpdated     = "security.authenticator.lifecycle.update"
)
