package oktasim_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// These tests drive the simulator with the real okta-sdk-golang v5, the
// client oktabot uses: its JSON must decode into the SDK's models, its
// Link headers must page, its token endpoint must satisfy the SDK's
// private_key_jwt and DPoP flows.

func sdkFixture() *oktasim.Fixture {
	fx := &oktasim.Fixture{
		Users: []oktasim.Object{},
		Groups: []oktasim.Object{
			{"id": "00g1", "profile": oktasim.Object{"name": "Engineering"}, "members": []any{"00u1", "00u2"}, "apps": []any{"0oa1"}},
		},
		Apps: []oktasim.Object{
			{"id": "0oa1", "label": "Salesforce", "name": "salesforce", "signOnMode": "SAML_2_0"},
			{"id": "0oa2", "label": "Wiki", "name": "bookmark", "signOnMode": "BOOKMARK"},
			{"id": "0oa3", "label": "Portal", "name": "oidc_client", "signOnMode": "OPENID_CONNECT"},
		},
		Policies: []oktasim.Object{
			{"id": "00p1", "type": "OKTA_SIGN_ON", "name": "Default Policy", "system": true,
				"rules": []any{map[string]any{"id": "0pr1", "name": "Default Rule", "system": true}}},
			{"id": "00p2", "type": "PASSWORD", "name": "Password"},
		},
		Factors: map[string][]oktasim.Object{
			"00u1": {{"factorType": "push"}, {"factorType": "token:software:totp"}, {"factorType": "sms"}},
		},
		Logs: []oktasim.Object{
			{"published": "2026-01-01T10:00:00.000Z", "eventType": "user.session.start",
				"actor":           oktasim.Object{"id": "00u1", "type": "User", "alternateId": "user1@company.com"},
				"outcome":         oktasim.Object{"result": "FAILURE", "reason": "INVALID_CREDENTIALS"},
				"securityContext": oktasim.Object{"isProxy": true, "asNumber": 12345},
				"client": oktasim.Object{"ipAddress": "185.220.101.1", "zone": "null",
					"geographicalContext": oktasim.Object{"country": "Germany", "geolocation": oktasim.Object{"lat": 52.5, "lon": 13.4}}},
				"debugContext": oktasim.Object{"debugData": oktasim.Object{"threatSuspected": "true"}},
				"target":       []any{map[string]any{"id": "0oa1", "type": "AppInstance"}}},
		},
		Now: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC),
	}
	for i := 1; i <= 7; i++ {
		id := "00u" + string(rune('0'+i))
		fx.Users = append(fx.Users, oktasim.Object{"id": id, "status": "ACTIVE",
			"profile": oktasim.Object{"login": "user" + string(rune('0'+i)) + "@company.com",
				"firstName": "User", "lastName": string(rune('A' + i)), "email": "user@company.com"}})
	}
	return fx
}

type sdkEnv struct {
	sim    *oktasim.Server
	ts     *httptest.Server
	client *oktasdk.APIClient
}

func newSDK(t *testing.T, dpop bool) *sdkEnv {
	t.Helper()
	return newSDKFor(t, sdkFixture(), dpop, []string{"okta.users.read", "okta.users.manage", "okta.groups.read", "okta.groups.manage",
		"okta.apps.read", "okta.policies.read", "okta.policies.manage", "okta.logs.read"})
}

// newSDKFor is newSDK on fx, asking for scopes.
func newSDKFor(t *testing.T, fx *oktasim.Fixture, dpop bool, scopes []string) *sdkEnv {
	t.Helper()
	sim, err := oktasim.New(fx)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sim.AddServiceApp(oktasim.ServiceApp{ClientID: "0oabot", PublicKey: &key.PublicKey, KeyID: "k1", RequireDPoP: dpop})
	ts := httptest.NewServer(sim)
	t.Cleanup(func() {
		ts.Close()
		if u := sim.Unhandled(); len(u) > 0 {
			t.Errorf("unhandled requests: %v", u)
		}
	})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	cfg, err := oktasdk.NewConfiguration(
		oktasdk.WithOrgUrl(ts.URL),
		oktasdk.WithAuthorizationMode("PrivateKey"),
		oktasdk.WithClientId("0oabot"),
		oktasdk.WithScopes(scopes),
		oktasdk.WithPrivateKey(string(keyPEM)),
		oktasdk.WithPrivateKeyId("k1"),
		oktasdk.WithHttpClientPtr(ts.Client()),
		oktasdk.WithTestingDisableHttpsCheck(true),
	)
	if err != nil {
		t.Fatalf("NewConfiguration: %v", err)
	}
	u, _ := url.Parse(ts.URL)
	cfg.Host = u.Host // the SDK keeps only the hostname (see newSDK in okta/sdk.go)
	return &sdkEnv{sim: sim, ts: ts, client: oktasdk.NewAPIClient(cfg)}
}

func TestSDKReadsEverything(t *testing.T) {
	for _, dpop := range []bool{false, true} {
		name := "Bearer"
		if dpop {
			name = "DPoP"
		}
		t.Run(name, func(t *testing.T) {
			env := newSDK(t, dpop)
			ctx := context.Background()
			c := env.client

			// Users, paged by 3 across 3 pages through the Link headers.
			users, resp, err := c.UserAPI.ListUsers(ctx).Limit(3).Execute()
			if err != nil {
				t.Fatalf("ListUsers: %v", err)
			}
			var logins []string
			for {
				for _, u := range users {
					logins = append(logins, u.Profile.GetLogin())
				}
				if !resp.HasNextPage() {
					break
				}
				users = nil
				if resp, err = resp.Next(&users); err != nil {
					t.Fatalf("ListUsers Next: %v", err)
				}
			}
			want := []string{"user1@company.com", "user2@company.com", "user3@company.com", "user4@company.com",
				"user5@company.com", "user6@company.com", "user7@company.com"}
			if diff := cmp.Diff(want, logins); diff != "" {
				t.Errorf("ListUsers pages (-want +got):\n%s", diff)
			}

			u, _, err := c.UserAPI.GetUser(ctx, "user1@company.com").Execute()
			if err != nil {
				t.Fatalf("GetUser: %v", err)
			}
			if u.GetId() != "00u1" || u.GetStatus() != "ACTIVE" || u.Links == nil || u.Links.Self == nil {
				t.Errorf("GetUser = id %q status %q links %v", u.GetId(), u.GetStatus(), u.Links)
			}
			if _, err := c.UserAPI.SuspendUser(ctx, "00u1").Execute(); err != nil {
				t.Fatalf("SuspendUser: %v", err)
			}
			_, _, err = c.UserAPI.GetUser(ctx, "nobody").Execute()
			var apiErr *oktasdk.GenericOpenAPIError
			if !asAPIError(err, &apiErr) {
				t.Fatalf("GetUser(nobody) err = %v, want a GenericOpenAPIError", err)
			}
			if m, ok := apiErr.Model().(oktasdk.Error); !ok || m.GetErrorCode() != "E0000007" {
				t.Errorf("GetUser(nobody) model = %#v, want E0000007", apiErr.Model())
			}

			factors, _, err := c.UserFactorAPI.ListFactors(ctx, "00u1").Execute()
			if err != nil || len(factors) != 3 {
				t.Fatalf("ListFactors = %d, %v; want 3", len(factors), err)
			}
			if f := factors[0].UserFactorPush; f == nil || f.GetStatus() != "ACTIVE" {
				t.Errorf("ListFactors[0] = %+v, want an active push factor", factors[0])
			}

			groups, _, err := c.GroupAPI.ListGroups(ctx).Q("Eng").Execute()
			if err != nil || len(groups) != 1 || groups[0].Profile.GetName() != "Engineering" {
				t.Fatalf("ListGroups = %v, %v", groups, err)
			}
			members, _, err := c.GroupAPI.ListGroupUsers(ctx, "00g1").Execute()
			if err != nil || len(members) != 2 {
				t.Fatalf("ListGroupUsers = %d, %v; want 2", len(members), err)
			}
			if _, err := c.GroupAPI.AssignUserToGroup(ctx, "00g1", "00u3").Execute(); err != nil {
				t.Fatalf("AssignUserToGroup: %v", err)
			}

			apps, _, err := c.ApplicationAPI.ListApplications(ctx).Execute()
			if err != nil || len(apps) != 3 {
				t.Fatalf("ListApplications = %d, %v; want 3", len(apps), err)
			}
			if apps[0].SamlApplication == nil || apps[0].SamlApplication.GetLabel() != "Salesforce" ||
				apps[1].BookmarkApplication == nil || apps[2].OpenIdConnectApplication == nil {
				t.Errorf("ListApplications decoded as %+v", apps)
			}
			appUsers, _, err := c.ApplicationUsersAPI.ListApplicationUsers(ctx, "0oa1").Execute()
			if err != nil || len(appUsers) != 3 {
				t.Fatalf("ListApplicationUsers = %d, %v; want 3", len(appUsers), err)
			}

			policies, _, err := c.PolicyAPI.ListPolicies(ctx).Type_("OKTA_SIGN_ON").Execute()
			if err != nil || len(policies) != 1 || policies[0].OktaSignOnPolicy == nil {
				t.Fatalf("ListPolicies = %+v, %v", policies, err)
			}
			rules, _, err := c.PolicyAPI.ListPolicyRules(ctx, "00p1").Execute()
			if err != nil || len(rules) != 1 || rules[0].OktaSignOnPolicyRule == nil {
				t.Fatalf("ListPolicyRules = %+v, %v", rules, err)
			}

			events, resp, err := c.SystemLogAPI.ListLogEvents(ctx).Since(time.Now().Add(-24 * time.Hour)).
				Filter(`eventType eq "user.session.start"`).Execute()
			if err != nil || len(events) != 1 {
				t.Fatalf("ListLogEvents = %d, %v; want 1", len(events), err)
			}
			ev := events[0]
			if ev.GetUuid() == "" || !ev.SecurityContext.GetIsProxy() || ev.Client.GeographicalContext.GetCountry() != "Germany" {
				t.Errorf("ListLogEvents[0] = %+v", ev)
			}
			if !resp.HasNextPage() {
				t.Errorf("ListLogEvents: no next link; the System Log always gives one")
			}

			if _, err := c.UserAPI.RevokeUserSessions(ctx, "00u2").OauthTokens(true).Execute(); err != nil {
				t.Fatalf("RevokeUserSessions: %v", err)
			}
			if n := env.sim.Sessions("00u2"); n != 0 {
				t.Errorf("Sessions(00u2) = %d after RevokeUserSessions, want 0", n)
			}
			// The writes are in the System Log, with the service app as actor.
			after, _, err := c.SystemLogAPI.ListLogEvents(ctx).Filter(`actor.id eq "0oabot"`).Execute()
			if err != nil {
				t.Fatalf("ListLogEvents(actor): %v", err)
			}
			var types []string
			for _, e := range after {
				types = append(types, e.GetEventType())
			}
			wantTypes := []string{"user.lifecycle.suspend", "group.user_membership.add", "user.session.clear"}
			if diff := cmp.Diff(wantTypes, types); diff != "" {
				t.Errorf("events of the writes (-want +got):\n%s", diff)
			}
			ok, failed := env.sim.TokenGrants()
			wantFailed := 0
			if dpop {
				wantFailed = 1 // the SDK's first, proof-less request (SDK issue #598)
			}
			if ok != 1 || failed != wantFailed {
				t.Errorf("TokenGrants() = %d, %d; want 1, %d", ok, failed, wantFailed)
			}
		})
	}
}

func asAPIError(err error, target **oktasdk.GenericOpenAPIError) bool {
	e, ok := err.(*oktasdk.GenericOpenAPIError)
	if ok {
		*target = e
	}
	return ok && e != nil
}

// TestSDKWithConsoleJWK: the JWK NewServiceAppKey makes is a complete RSA
// private key that the SDK can sign assertions with. (The SDK's own "JWK"
// mode cannot be used: in v5.0.6 it signs with a nil signer and panics, so
// oktabot turns the JWK into PEM for "PrivateKey" mode, as done here.)
func TestSDKWithConsoleJWK(t *testing.T) {
	jwk, pub, err := oktasim.NewServiceAppKey("kid-console")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]string
	if err := json.Unmarshal(jwk, &doc); err != nil {
		t.Fatalf("NewServiceAppKey JWK %s: %v", jwk, err)
	}
	for _, k := range []string{"kty", "kid", "alg", "use", "n", "e", "d", "p", "q", "dp", "dq", "qi"} {
		if doc[k] == "" {
			t.Errorf("NewServiceAppKey JWK lacks %q", k)
		}
	}
	num := func(k string) *big.Int {
		b, err := base64.RawURLEncoding.DecodeString(doc[k])
		if err != nil {
			t.Fatalf("JWK %s: %v", k, err)
		}
		return new(big.Int).SetBytes(b)
	}
	key := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: num("n"), E: int(num("e").Int64())}, D: num("d"),
		Primes: []*big.Int{num("p"), num("q")}}
	if err := key.Validate(); err != nil {
		t.Fatalf("JWK private key: %v", err)
	}
	if !key.PublicKey.Equal(pub) {
		t.Fatalf("JWK private key does not match the public key returned")
	}
	sim, err := oktasim.New(sdkFixture())
	if err != nil {
		t.Fatal(err)
	}
	sim.AddServiceApp(oktasim.ServiceApp{ClientID: "0oabot", PublicKey: pub, KeyID: doc["kid"],
		Scopes: []string{"okta.users.read"}})
	ts := httptest.NewServer(sim)
	defer ts.Close()
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	cfg, err := oktasdk.NewConfiguration(oktasdk.WithOrgUrl(ts.URL), oktasdk.WithAuthorizationMode("PrivateKey"),
		oktasdk.WithClientId("0oabot"), oktasdk.WithScopes([]string{"okta.users.read"}),
		oktasdk.WithPrivateKey(string(keyPEM)), oktasdk.WithPrivateKeyId(doc["kid"]), oktasdk.WithHttpClientPtr(ts.Client()))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(ts.URL)
	cfg.Host = u.Host
	users, _, err := oktasdk.NewAPIClient(cfg).UserAPI.ListUsers(context.Background()).Execute()
	if err != nil || len(users) != 7 {
		t.Errorf("ListUsers with the console JWK = %d users, %v; want 7", len(users), err)
	}
	// Asking for a scope the app was not granted fails the grant.
	cfg2, _ := oktasdk.NewConfiguration(oktasdk.WithOrgUrl(ts.URL), oktasdk.WithAuthorizationMode("PrivateKey"),
		oktasdk.WithClientId("0oabot"), oktasdk.WithScopes([]string{"okta.users.manage"}),
		oktasdk.WithPrivateKey(string(keyPEM)), oktasdk.WithPrivateKeyId(doc["kid"]), oktasdk.WithHttpClientPtr(ts.Client()))
	cfg2.Host = u.Host
	if _, _, err := oktasdk.NewAPIClient(cfg2).UserAPI.ListUsers(context.Background()).Execute(); err == nil {
		t.Errorf("ListUsers with an ungranted scope: err = nil, want the SDK's failed grant")
	}
}
