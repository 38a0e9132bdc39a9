package oktasim

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports keeps the simulator on the far side of the wire: the standard
// library only (and possibly intents, and go-jose, which verifies client
// assertions and DPoP proofs), never the Okta SDK or another oktabot
// package.
func TestImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case dep == "github.com/oktabot/oktabot/okta/oktasim", dep == "github.com/oktabot/oktabot/intents":
		case strings.HasPrefix(dep, "github.com/go-jose/go-jose/v4"):
		default:
			t.Errorf("oktasim depends on %s; it may use only the standard library (and intents, go-jose)", dep)
		}
	}
}
