package oktasim

import "time"

// addServiceAppObject lists a service app among the org's apps, as Okta
// lists an API Services app: OPENID_CONNECT, named oidc_client, with the
// client credentials grant and the app's OAuth client id in
// credentials.oauthClient.client_id. Its app id is app.OrgAppID, which
// need not be the client id. An app of that id already there is left.
func (o *org) addServiceAppObject(app ServiceApp, now time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.apps.byID[app.OrgAppID] != nil {
		return
	}
	status := statusActive
	if app.Inactive {
		status = "INACTIVE"
	}
	obj := Object{
		"id": app.OrgAppID, "name": "oidc_client", "label": "oktabot (" + app.ClientID + ")",
		"status": status, "signOnMode": "OPENID_CONNECT",
		"credentials": Object{
			"userNameTemplate": Object{"template": "${source.login}", "type": "BUILT_IN"},
			"signing":          Object{},
			"oauthClient": Object{"autoKeyRotation": true, "client_id": app.ClientID,
				"token_endpoint_auth_method": "private_key_jwt"},
		},
		"settings": Object{"app": Object{}, "notes": Object{"admin": nil, "enduser": nil}, "notifications": Object{"vpn": Object{"network": Object{"connection": "DISABLED"}, "message": nil, "helpUrl": nil}},
			"oauthClient": Object{"application_type": "service", "grant_types": []any{"client_credentials"}, "response_types": []any{"token"}}},
	}
	_, _ = o.addApp(obj, now) // the id is free and the label set: it cannot fail
}
