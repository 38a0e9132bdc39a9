package blocks

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/intents"
)

// A user blocked from new devices is ACTIVE: the card says so up front.
func TestUserDetailsBlockedFromNewDevices(t *testing.T) {
	u := intents.User{ID: "00u1", Status: "ACTIVE", Login: "kim@company.com", FirstName: "Kim", LastName: "Lee"}
	render := func(blocks []string) string {
		p := &intents.UserProfile{User: u, Factors: []intents.Factor{{Type: "push", Status: "ACTIVE"}}, Blocks: blocks}
		m := Result(intents.Result{Intent: intents.Intent{Kind: intents.UserDetails, User: u.Login}, Profile: p}, Options{})
		b, err := json.Marshal(m.Blocks)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if got := render([]string{"UNKNOWN_DEVICES"}); !strings.Contains(got, "Blocked from new devices") {
		t.Errorf("user_details of a user blocked from new devices does not say so: %s", got)
	}
	if got := render(nil); strings.Contains(got, "Blocked from new devices") {
		t.Errorf("user_details of an unblocked user says it is blocked: %s", got)
	}
}

// A user listed by mfa-status for having no MFA never gets a green mark,
// whatever their account status.
func TestMFAStatusRowsNotGreen(t *testing.T) {
	text, _ := Plain(Result(mfaScan(false, false), Options{Now: testNow}))
	if strings.Contains(text, "🟢") {
		t.Errorf("mfa-status shows a green mark beside a user without MFA:\n%s", text)
	}
}
