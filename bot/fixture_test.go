package bot_test

import (
	"fmt"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// bigOrg is an org of n users in one department, for paging.
func bigOrg(n int) *oktasim.Fixture {
	fx := &oktasim.Fixture{}
	for i := range n {
		login := fmt.Sprintf("user%04d@company.com", i)
		fx.Users = append(fx.Users, oktasim.Object{
			"id":     fmt.Sprintf("00u%017d", i),
			"status": "ACTIVE",
			"profile": map[string]any{
				"login": login, "email": login, "firstName": "Dept", "lastName": fmt.Sprintf("User%04d", i),
				"department": "Engineering",
			},
		})
	}
	return fx
}
