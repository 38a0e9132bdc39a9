package detect

import (
	"testing"

	"github.com/oktabot/oktabot/intents"
)

// fastPass is an Identity Engine FastPass verification: debugData.factor
// SIGNED_NONCE, and the caller Okta Verify answered in
// authenticationContext.authenticatorContext (the okta adapter puts its
// fields in Debug as authenticatorContext.<field>).
func fastPass(binding, validation, binary string) opt {
	return func(e *intents.Event) {
		e.Debug["factor"] = "SIGNED_NONCE"
		e.Debug["authenticatorContext.bindingMethod"] = binding
		e.Debug["authenticatorContext.validationStatus"] = validation
		e.Debug["authenticatorContext.binaryIdentifier"] = binary
	}
}

func TestFastPassUntrustedBinary(t *testing.T) {
	const chrome = "Google Chrome (com.google.Chrome) signed by Google LLC (EQHXZ8M8AV)"
	var unsigned, python, browser, unsignedBrowser, appLink, failedCall, knownTool orgLog
	unsigned.add(viaMFA, 0, fastPass("LOOPBACK", "NO_SIGNATURE", "/Users/john/Library/.cache/agent"))
	python.add(viaMFA, 0, fastPass("LOOPBACK", "VALID", "Python (org.python.python) signed by Python Software Foundation"))
	browser.add(viaMFA, 0, fastPass("LOOPBACK", "VALID", chrome))
	unsignedBrowser.add(viaMFA, 0, fastPass("LOOPBACK", "NO_SIGNATURE", "Chromium"))
	appLink.add(viaMFA, 0, fastPass("UNIVERSAL_LINK", "NO_SIGNATURE", ""))
	failedCall.add(viaMFA, 0, fastPass("LOOPBACK", "NO_SIGNATURE", "agent"), failure("INVALID_CREDENTIALS"))
	knownTool.add(viaMFA, 0, fastPass("LOOPBACK", "VALID", "Python (org.python.python) signed by Python Software Foundation"))

	runCases(t, FastPassUntrustedBinary, []detCase{
		{name: "an unsigned program", events: unsigned.events, want: []got{{john, intents.SeverityHigh, 1}}},
		{name: "a signed program that is no browser", events: python.events, want: []got{{john, intents.SeverityMedium, 1}}},
		{name: "Chrome", events: browser.events},
		{name: "an unsigned Chromium build", events: unsignedBrowser.events, want: []got{{john, intents.SeverityHigh, 1}}},
		{name: "an app link, not the loopback", events: appLink.events},
		{name: "a FastPass that failed", events: failedCall.events},
		{name: "a program the org lists", events: knownTool.events,
			cfg: func(c *Config) { c.FastPassBinaries = append(DefaultFastPassBinaries(), "org.python.python") }},
	})
	checkStreaming(t, FastPassUntrustedBinary, unsigned.events)
}
