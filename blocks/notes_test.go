package blocks

import (
	"strings"
	"testing"

	"github.com/oktabot/oktabot/intents"
)

// A listing says what it left out: a policy type the org does not have is
// a note under the list, escaped like any Okta text.
func TestResultNotes(t *testing.T) {
	r := intents.Result{Intent: intents.Intent{Kind: intents.ListPolicies},
		Policies: []intents.Policy{{ID: "00p1", Name: "Default Policy", Type: "OKTA_SIGN_ON", Status: "ACTIVE"}},
		Notes:    []string{"ACCESS_POLICY policies are not available on this org (they need Identity Engine): <refused>"}}
	m := Result(r, Options{})
	if err := Validate(m); err != nil {
		t.Fatal(err)
	}
	text, _ := Plain(m)
	if !strings.Contains(text, "Default Policy") || !strings.Contains(text, "ACCESS_POLICY policies are not available on this org") {
		t.Errorf("Plain(Result with a note) =\n%s\nwant the policy and the note", text)
	}
	raw, _ := marshalBlocks(m.Blocks)
	if strings.Contains(string(raw), "<refused>") {
		t.Errorf("the note's text was not escaped: %s", raw)
	}
}
