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
		// unauthorized_app_access, oauth_token_abuse, idp_sign_in, ad_agent_activity,
		// org2org_app_change, app_password_exposure
		"app.generic.unauth_app_access_attempt", "app.oauth2.token.detect_reuse", "app.oauth2.as.token.detect_reuse",
		"app.oauth2.as.token.grant", "app.oauth2.token.grant", "app.oauth2.client.read_client_secret",
		"user.authentication.auth_via_IDP", "user.authentication.auth_via_inbound_SAML", "system.agent.ad.create",
		"system.agent.ad.config_change_detected", "application.lifecycle.create", "application.lifecycle.update",
		"application.user_membership.show_password",
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
