package okta

import (
	"fmt"
	"testing"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// An export asks for more than a typed limit allows: the whole list up to
// 10,000 items, streamed page by page.
func TestQueryCollectsExports(t *testing.T) {
	fx := &oktasim.Fixture{}
	for i := range 1500 {
		login := fmt.Sprintf("u%04d@company.com", i)
		fx.Users = append(fx.Users, oktasim.Object{"id": fmt.Sprintf("00u%017d", i), "status": "ACTIVE",
			"profile": oktasim.Object{"login": login, "email": login, "firstName": "U", "lastName": fmt.Sprint(i)}})
	}
	h := newHarness(t, setup{fixture: fx})
	res, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.ListUsers, Limit: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Users) != 1500 || res.Truncated {
		t.Errorf("export Query returned %d users (truncated %v), want all 1500", len(res.Users), res.Truncated)
	}
	res, err = h.client.Query(t.Context(), intents.Intent{Kind: intents.ListUsers, Limit: 1200})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Users) != 1200 || !res.Truncated {
		t.Errorf("Query(limit 1200) returned %d users (truncated %v), want 1200 and truncated", len(res.Users), res.Truncated)
	}
}
