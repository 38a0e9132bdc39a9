package okta

import (
	"strings"
	"testing"
)

// TestDetectionEventTypesReadStrongerShapes: the event types the stronger
// detections read (issue 16) pass the threats filter.
func TestDetectionEventTypesReadStrongerShapes(t *testing.T) {
	for _, typ := range []string{
		"network_zone.rule.disabled", "user.risk.detect", "system.api_token.update", "user.account.privilege.revoke",
		"group.privilege.revoke", "user.authentication.auth_via_mfa", "user.authentication.sso",
	} {
		read := false
		for _, p := range detectionEventTypes() {
			read = read || typ == p || strings.HasSuffix(p, ".") && strings.HasPrefix(typ, p)
		}
		if !read {
			t.Errorf("detectionEventTypes() does not read %s", typ)
		}
	}
}
