package oauth

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAuthParams(t *testing.T) {
	got := AuthParams(`Bearer authorization_uri="https://o/a", realm="x, y", error="insufficient_scope", error_description="The \"token\" lacks it", resource=/api/v1/users`)
	want := map[string]string{"authorization_uri": "https://o/a", "realm": "x, y", "error": "insufficient_scope", "error_description": `The "token" lacks it`, "resource": "/api/v1/users"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("authParams() (-want +got):\n%s", diff)
	}
}
