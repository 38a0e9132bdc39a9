package demo

import (
	"time"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// demoApp is an app integration: an OIN app (SAML or OIDC), a bookmark, a
// custom SWA app, or one of Okta's own first-party apps.
type demoApp struct {
	id, name, label, mode string // mode: signOnMode
	display               string // the integration's name (the SSO target's displayName)
	created, lastUpdated  time.Time
	settingsApp           oktasim.Object
	firstParty            bool   // Okta Admin Console, Dashboard, Browser Plugin
	policyID              string // its authentication (ACCESS_POLICY) policy; "" on Classic
	users                 []*demoUser
	groups                []*demoGroup
	features              []string
}

func (b *demoBuilder) makeApps() {
	saml := func(name, label, display string, app oktasim.Object, features ...string) *demoApp {
		return &demoApp{name: name, label: label, mode: "SAML_2_0", display: display, settingsApp: app, features: features}
	}
	push := []string{"PUSH_NEW_USERS", "PUSH_USER_DEACTIVATION", "REACTIVATE_USERS", "PUSH_PROFILE_UPDATES"}
	apps := []*demoApp{
		{name: "saasure", label: "Okta Admin Console", mode: "OPENID_CONNECT", display: "Okta Admin Console", firstParty: true, settingsApp: oktasim.Object{}},
		{name: "okta_enduser", label: "Okta Dashboard", mode: "OPENID_CONNECT", display: "Okta Dashboard", firstParty: true, settingsApp: oktasim.Object{}},
		{name: "okta_browser_plugin", label: "Okta Browser Plugin", mode: "OPENID_CONNECT", display: "Okta Browser Plugin", firstParty: true, settingsApp: oktasim.Object{}},
		saml("salesforce", "Salesforce", "Salesforce.com", oktasim.Object{"instanceType": "PRODUCTION", "integrationType": "STANDARD", "loginUrl": "https://company.my.salesforce.com"}, push...),
		saml("slack", "Slack", "Slack", oktasim.Object{"domain": "company", "userEmailValue": "email"}, append(push, "GROUP_PUSH")...),
		saml("githubcloud", "GitHub", "GitHub Enterprise Cloud - Organization", oktasim.Object{"githubOrg": "company"}, "PUSH_NEW_USERS", "PUSH_USER_DEACTIVATION", "GROUP_PUSH"),
		saml("amazon_aws", "AWS", "AWS Account Federation", oktasim.Object{"awsEnvironmentType": "aws.amazon", "loginURL": "https://console.aws.amazon.com/ec2/home", "sessionDuration": float64(3600), "joinAllRoles": false, "identityProviderArn": "arn:aws:iam::412345678901:saml-provider/Okta", "useGroupMapping": false}),
		saml("google", "Google Workspace", "Google Workspace", oktasim.Object{"domain": demoDomain, "rpId": nil}, push...),
		saml("zoomus", "Zoom", "Zoom", oktasim.Object{"subDomain": "company"}, push...),
		saml("atlassian", "Jira", "Atlassian Cloud", oktasim.Object{"orgId": "7a1b3c55-19d2-4e1f-a8c0-3f2d4e5b6a70", "siteUrl": "https://company.atlassian.net"}, push...),
		{name: "bookmark", label: "Confluence", mode: "BOOKMARK", display: "Bookmark App", settingsApp: oktasim.Object{"requestIntegration": false, "url": "https://company.atlassian.net/wiki/home"}},
		saml("workday", "Workday", "Workday", oktasim.Object{"siteURL": "https://wd5.myworkday.com", "tenant": "company"}),
		saml("boxnet", "Box", "Box", oktasim.Object{"boxGroupName": nil}, push...),
		saml("docusign", "DocuSign", "DocuSign", oktasim.Object{"accountId": "a1b2c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "docusignEnvironment": "PRODUCTION"}),
		saml("zendesk", "Zendesk", "Zendesk", oktasim.Object{"companySubdomain": "company"}, push...),
		saml("servicenow_ud", "ServiceNow", "ServiceNow UD", oktasim.Object{"url": "https://company.service-now.com"}),
		saml("datadog", "Datadog", "Datadog", oktasim.Object{"siteUrl": "https://app.datadoghq.com", "useSLO": false}),
		{name: "oidc_client", label: "1Password", mode: "OPENID_CONNECT", display: "1Password", settingsApp: oktasim.Object{}},
		{name: "company_expensify_1", label: "Expensify", mode: "AUTO_LOGIN", display: "Expensify", settingsApp: oktasim.Object{}},
	}
	for i, a := range apps {
		a.id = b.newID("0oa")
		a.created = demoOrgCreated().Add(time.Duration(i*97+b.people.IntN(90)) * 24 * time.Hour)
		if a.firstParty {
			a.created = demoOrgCreated()
		}
		a.lastUpdated = a.created.Add(time.Duration(b.people.IntN(400)) * 24 * time.Hour)
		if limit := b.start.AddDate(0, 0, -20); a.lastUpdated.After(limit) {
			a.lastUpdated = b.before(limit)
		}
	}
	b.apps = apps
}

// app finds an app by label.
func (b *demoBuilder) app(label string) *demoApp {
	for _, a := range b.apps {
		if a.label == label {
			return a
		}
	}
	panic("oktasim: demo: no app " + label) // a typo in the demo's own tables
}

// ssoURI is the path a sign-on into the app requests.
func (a *demoApp) ssoURI() string {
	switch a.mode {
	case "SAML_2_0":
		return "/app/" + a.name + "/" + a.id + "/sso/saml"
	case "OPENID_CONNECT":
		return "/oauth2/v1/authorize"
	}
	return "/home/" + a.name + "/" + a.id + "/2557"
}

// modeName is the sign-on mode as debugData.signOnMode writes it.
func (a *demoApp) modeName() string {
	return map[string]string{"SAML_2_0": "SAML 2.0", "OPENID_CONNECT": "OpenID Connect",
		"BOOKMARK": "Bookmark", "AUTO_LOGIN": "Secure Web Authentication"}[a.mode]
}

// object renders the app as GET /api/v1/apps/{id} does, plus the fixture's
// "users" and "groups" (direct and group assignments).
func (a *demoApp) object() oktasim.Object {
	self := demoOrgURL + "/api/v1/apps/" + a.id
	visible := !a.firstParty
	obj := oktasim.Object{
		"id": a.id, "name": a.name, "label": a.label, "status": "ACTIVE",
		"created": demoTS(a.created), "lastUpdated": demoTS(a.lastUpdated),
		"accessibility": oktasim.Object{"selfService": false, "errorRedirectUrl": nil, "loginRedirectUrl": nil},
		"visibility": oktasim.Object{"autoSubmitToolbar": false, "autoLaunch": false,
			"hide":     oktasim.Object{"iOS": !visible, "web": !visible},
			"appLinks": oktasim.Object{a.name + "_link": visible}},
		"features":   demoStrs(a.features...),
		"signOnMode": a.mode,
		"credentials": oktasim.Object{
			"userNameTemplate": oktasim.Object{"template": "${source.login}", "type": "BUILT_IN"},
			"signing":          oktasim.Object{"kid": a.id[3:] + "kid"},
		},
		"settings": oktasim.Object{
			"app": a.settingsApp,
			"notifications": oktasim.Object{"vpn": oktasim.Object{"network": oktasim.Object{"connection": "DISABLED"},
				"message": nil, "helpUrl": nil}},
			"manualProvisioning": false, "implicitAssignment": a.firstParty,
			"notes": oktasim.Object{"admin": nil, "enduser": nil},
		},
		"_links": oktasim.Object{
			"appLinks": []any{oktasim.Object{"name": a.name + "_link", "href": demoOrgURL + "/home/" + a.name + "/" + a.id + "/aln" + a.id[3:10], "type": "text/html"}},
			"groups":   oktasim.Object{"href": self + "/groups"},
			"users":    oktasim.Object{"href": self + "/users"},
			"logo": []any{oktasim.Object{"name": "medium", "href": "https://ok12static.oktacdn.com/fs/bco/4/fs0" + a.id[3:17],
				"type": "image/png"}},
			"deactivate": oktasim.Object{"href": self + "/lifecycle/deactivate"},
		},
	}
	if a.policyID != "" { // Identity Engine: the app's authentication policy
		obj["_links"].(oktasim.Object)["accessPolicy"] = oktasim.Object{"href": demoOrgURL + "/api/v1/policies/" + a.policyID}
	}
	creds := obj["credentials"].(oktasim.Object)
	settings := obj["settings"].(oktasim.Object)
	switch a.mode {
	case "SAML_2_0":
		creds["userNameTemplate"] = oktasim.Object{"template": "${source.email}", "type": "BUILT_IN"}
		settings["signOn"] = oktasim.Object{"defaultRelayState": nil, "ssoAcsUrlOverride": nil, "audienceOverride": nil,
			"recipientOverride": nil, "destinationOverride": nil, "attributeStatements": []any{}}
		obj["_links"].(oktasim.Object)["metadata"] = oktasim.Object{"href": self + "/sso/saml/metadata", "type": "application/xml"}
	case "OPENID_CONNECT":
		client := oktasim.Object{"autoKeyRotation": true, "client_id": a.id, "token_endpoint_auth_method": "client_secret_basic"}
		oauth := oktasim.Object{"client_uri": nil, "logo_uri": nil, "response_types": demoStrs("code"),
			"grant_types": demoStrs("authorization_code"), "application_type": "web", "consent_method": "REQUIRED",
			"issuer_mode": "DYNAMIC", "wildcard_redirect": "DISABLED"}
		switch a.name {
		case "oidc_client":
			oauth["redirect_uris"] = demoStrs("https://company.1password.com/sso/oidc/redirect")
			oauth["initiate_login_uri"] = "https://company.1password.com/signin"
			oauth["post_logout_redirect_uris"] = []any{}
		default: // Okta's own apps
			oauth["redirect_uris"] = demoStrs(demoOrgURL + "/enduser/callback")
			oauth["grant_types"] = demoStrs("authorization_code", "implicit")
			oauth["response_types"] = demoStrs("code", "token", "id_token")
			client["token_endpoint_auth_method"] = "none"
		}
		creds["oauthClient"] = client
		settings["oauthClient"] = oauth
	case "BOOKMARK":
		creds["signing"] = oktasim.Object{}
	case "AUTO_LOGIN":
		creds["scheme"] = "EDIT_USERNAME_AND_PASSWORD"
		creds["revealPassword"] = false
		creds["userNameTemplate"] = oktasim.Object{"template": "${source.email}", "type": "BUILT_IN"}
		creds["signing"] = oktasim.Object{}
		settings["signOn"] = oktasim.Object{"loginUrl": "https://www.expensify.com/signin", "redirectUrl": nil}
	}
	users := make([]any, 0, len(a.users))
	for _, u := range a.users {
		users = append(users, u.id)
	}
	groups := make([]any, 0, len(a.groups))
	for _, g := range a.groups {
		groups = append(groups, g.id)
	}
	obj["users"], obj["groups"] = users, groups
	return obj
}

// appUser is the user's AppUser id for an app ("0ua…"), made on first use.
func (b *demoBuilder) appUser(u *demoUser, a *demoApp) string {
	if id, ok := u.appUsers[a.id]; ok {
		return id
	}
	id := b.newID("0ua")
	u.appUsers[a.id] = id
	return id
}

// assignedApps lists the apps a user may sign on to at t (direct and
// through groups, excluding Okta's own), in the org's app order.
func (b *demoBuilder) assignedApps(u *demoUser, t time.Time) []*demoApp {
	var out []*demoApp
	for _, a := range b.apps {
		if !a.firstParty && b.assigned(u, a, t) {
			out = append(out, a)
		}
	}
	return out
}

// assigned reports whether u is assigned a at t.
func (b *demoBuilder) assigned(u *demoUser, a *demoApp, t time.Time) bool {
	if since, ok := u.assignedSince[a.id]; ok && t.Before(since) {
		return false
	}
	for _, x := range a.users {
		if x == u {
			return true
		}
	}
	for _, g := range u.groups {
		if since, ok := u.memberSince[g.id]; ok && t.Before(since) {
			continue
		}
		for _, x := range g.apps {
			if x == a {
				return true
			}
		}
	}
	return false
}
