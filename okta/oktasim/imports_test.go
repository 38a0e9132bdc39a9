package oktasim

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports keeps the simulator on the far side of the wire: the standard
// library only (and possibly intents), never the Okta SDK or another oktabot
// package.
func TestImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch dep {
		case "github.com/oktabot/oktabot/okta/oktasim", "github.com/oktabot/oktabot/intents":
		default:
			t.Errorf("oktasim depends on %s; it may use only the standard library (and intents)", dep)
		}
	}
}
