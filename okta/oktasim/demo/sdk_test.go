package demo_test

import (
	"encoding/json"
	"fmt"
	"testing"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/okta/oktasim"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

// TestDemoDecodesWithSDK checks that every object of the demo org is JSON
// that okta-sdk-golang v5 decodes into its models, as it would decode a
// real org's answers (without the fixture's own keys: members, apps,
// users, groups, rules, _sessions).
func TestDemoDecodesWithSDK(t *testing.T) {
	fx := demo.Org()
	strip := func(o oktasim.Object, keys ...string) oktasim.Object {
		c := oktasim.Object{}
		for k, v := range o {
			c[k] = v
		}
		for _, k := range keys {
			delete(c, k)
		}
		return c
	}
	type check struct {
		what string
		obj  oktasim.Object
		into func() any
		ok   func(any) bool // the model carries the object, not an empty shell
	}
	var checks []check
	for _, u := range fx.Users {
		checks = append(checks, check{"user " + fmt.Sprint(u["id"]), strip(u, "_sessions"), func() any { return &oktasdk.User{} },
			func(v any) bool { return v.(*oktasdk.User).GetProfile().Login != nil }})
	}
	for _, g := range fx.Groups {
		checks = append(checks, check{"group " + fmt.Sprint(g["id"]), strip(g, "members", "apps"), func() any { return &oktasdk.Group{} },
			func(v any) bool { return v.(*oktasdk.Group).Id != nil }})
	}
	for _, a := range fx.Apps {
		checks = append(checks, check{"app " + fmt.Sprint(a["label"]), strip(a, "users", "groups"),
			func() any { return &oktasdk.ListApplications200ResponseInner{} },
			func(v any) bool { return v.(*oktasdk.ListApplications200ResponseInner).GetActualInstance() != nil }})
	}
	for _, p := range fx.Policies {
		checks = append(checks, check{"policy " + fmt.Sprint(p["name"]), strip(p, "rules"),
			func() any { return &oktasdk.ListPolicies200ResponseInner{} },
			func(v any) bool { return v.(*oktasdk.ListPolicies200ResponseInner).GetActualInstance() != nil }})
		for _, r := range p["rules"].([]any) {
			rule := r.(oktasim.Object)
			checks = append(checks, check{"rule " + fmt.Sprint(rule["name"]) + " of " + fmt.Sprint(p["name"]), rule,
				func() any { return &oktasdk.ListPolicyRules200ResponseInner{} },
				func(v any) bool {
					// the SDK has no model for MFA_ENROLL rules (see okta/doc.go): they decode to nothing
					return p["type"] == "MFA_ENROLL" || v.(*oktasdk.ListPolicyRules200ResponseInner).GetActualInstance() != nil
				}})
		}
	}
	for user, list := range fx.Factors {
		for _, f := range list {
			checks = append(checks, check{"factor " + fmt.Sprint(f["factorType"]) + " of " + user, f,
				func() any { return &oktasdk.ListFactors200ResponseInner{} },
				func(v any) bool { return v.(*oktasdk.ListFactors200ResponseInner).GetActualInstance() != nil }})
		}
	}
	story := map[any]bool{}
	for _, st := range demo.Stories() {
		for _, id := range st.Events {
			story[id] = true
		}
	}
	kinds := map[string]int{}
	for _, e := range fx.Logs {
		// every story event, and a few of each kind of the others (they are alike)
		kind := fmt.Sprint(e["eventType"], e["outcome"])
		if !story[e["uuid"]] && kinds[kind] >= 3 {
			continue
		}
		kinds[kind]++
		checks = append(checks, check{"event " + fmt.Sprint(e["uuid"]), e, func() any { return &oktasdk.LogEvent{} },
			func(v any) bool {
				ev := v.(*oktasdk.LogEvent)
				return ev.Uuid != nil && ev.Published != nil && ev.Actor != nil
			}})
	}
	failed := 0
	for _, c := range checks {
		b, err := json.Marshal(c.obj)
		if err != nil {
			t.Fatalf("json.Marshal(%s): %v", c.what, err)
		}
		v := c.into()
		if err := json.Unmarshal(b, v); err != nil || !c.ok(v) {
			t.Errorf("json.Unmarshal(%s) into %T: %v\n%s", c.what, v, err, b)
			if failed++; failed > 5 {
				t.Fatal("too many failures")
			}
		}
	}
}
