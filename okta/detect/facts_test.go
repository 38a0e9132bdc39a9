package detect

import (
	"slices"
	"testing"

	"github.com/oktabot/oktabot/intents"
)

func TestCardFacts(t *testing.T) {
	worst := intents.Finding{Detection: SuccessAfterFailures, Reason: "Successful sign-in after 12 failed attempts",
		Facts: []string{"12 failed sign-ins from 185.220.101.1 (Tor exit node)", "successful sign-in from the same IP at 06:51",
			"then SSO into 7 applications within 1 h", "Okta rated the risk HIGH"}}
	proxy := intents.Finding{Detection: AnonymizingProxyLogin, Evidence: []intents.Evidence{
		{Text: "a sign-in through it succeeded", Points: 10},
		{Text: "22 sign-in attempts through a Tor exit node", Points: 40},
		{Text: "okta rated the risk HIGH", Points: 15}, // the same fact as the worst finding's
	}}
	travel := intents.Finding{Detection: ImpossibleTravel, Evidence: []intents.Evidence{
		{Text: "a proxy at either end", Points: -20}, {Text: "9,128 km in 1 h 12 min", Points: 50}}}
	lockout := intents.Finding{Detection: AccountLockout, Evidence: []intents.Evidence{{Text: "locked out at 07:00", Points: 30}}}

	got := CardFacts([]intents.Finding{worst, proxy, travel, lockout}, ReasonOf(worst))
	want := []string{worst.Facts[0], worst.Facts[1], worst.Facts[2], worst.Facts[3], "22 sign-in attempts through a Tor exit node"}
	if !slices.Equal(got, want) {
		t.Errorf("CardFacts() =\n%q\nwant\n%q", got, want)
	}
	// A fact that says the reason again is left out.
	got = CardFacts([]intents.Finding{{Detection: AccountLockout, Evidence: []intents.Evidence{
		{Text: "The account was locked out.", Points: 30}, {Text: "10 failed sign-ins before it", Points: 10}}}}, ReasonOf(lockout))
	if want := []string{"10 failed sign-ins before it"}; !slices.Equal(got, want) {
		t.Errorf("CardFacts() = %q, want %q", got, want)
	}
	if got := ReasonOf(intents.Finding{Detection: "unknown_detection", Summary: "something odd"}); got != "something odd" {
		t.Errorf("ReasonOf(unknown) = %q, want the summary", got)
	}
}
