package demo

import (
	"testing"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// The demo org holds the policies Okta creates with every org of its
// dialect, and the simulator lists each type it has.
func TestDemoPolicyTypes(t *testing.T) {
	for _, tt := range []struct {
		dialect     string
		have, lacks []string
	}{
		{oktasim.DialectOIE, []string{"OKTA_SIGN_ON", "PASSWORD", "MFA_ENROLL", "ACCESS_POLICY", "IDP_DISCOVERY", "PROFILE_ENROLLMENT"}, nil},
		{oktasim.DialectClassic, []string{"OKTA_SIGN_ON", "PASSWORD", "MFA_ENROLL", "IDP_DISCOVERY"}, []string{"ACCESS_POLICY", "PROFILE_ENROLLMENT"}},
	} {
		t.Run(tt.dialect, func(t *testing.T) {
			fx := OrgIn(tt.dialect)
			types := map[string]int{}
			for _, p := range fx.Policies {
				types[p["type"].(string)]++
			}
			for _, typ := range tt.have {
				if types[typ] == 0 {
					t.Errorf("the %s demo has no %s policy (has %v)", tt.dialect, typ, types)
				}
			}
			for _, typ := range tt.lacks {
				if types[typ] != 0 {
					t.Errorf("the %s demo has %d %s policies, want none", tt.dialect, types[typ], typ)
				}
			}
			if _, err := oktasim.New(fx); err != nil {
				t.Errorf("New(the %s demo): %v", tt.dialect, err)
			}
		})
	}
}
