package okta

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// This file decodes Okta's JSON (raw bodies, see sdkCall) into intents
// types. Timestamps that are null or absent stay zero.

type rawUser struct {
	ID              string         `json:"id"`
	Status          string         `json:"status"`
	Created         time.Time      `json:"created"`
	Activated       time.Time      `json:"activated"`
	StatusChanged   time.Time      `json:"statusChanged"`
	LastLogin       time.Time      `json:"lastLogin"`
	LastUpdated     time.Time      `json:"lastUpdated"`
	PasswordChanged time.Time      `json:"passwordChanged"`
	Profile         map[string]any `json:"profile"`
}

func decodeUser(raw json.RawMessage) (intents.User, error) {
	var u rawUser
	if err := json.Unmarshal(raw, &u); err != nil {
		return intents.User{}, fmt.Errorf("user: %w", err)
	}
	if u.ID == "" {
		return intents.User{}, fmt.Errorf("user without an id")
	}
	str := func(k string) string { s, _ := u.Profile[k].(string); return s }
	return intents.User{
		ID: u.ID, Status: u.Status,
		Login: str("login"), Email: str("email"),
		FirstName: str("firstName"), LastName: str("lastName"), DisplayName: str("displayName"),
		Department: str("department"), Title: str("title"),
		Created: u.Created, Activated: u.Activated, StatusChanged: u.StatusChanged,
		LastLogin: u.LastLogin, LastUpdated: u.LastUpdated, PasswordChanged: u.PasswordChanged,
		Profile: u.Profile,
	}, nil
}

type rawGroup struct {
	ID      string    `json:"id"`
	Type    string    `json:"type"`
	Created time.Time `json:"created"`
	Profile struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	} `json:"profile"`
}

func decodeGroup(raw json.RawMessage) (intents.Group, error) {
	var g rawGroup
	if err := json.Unmarshal(raw, &g); err != nil {
		return intents.Group{}, fmt.Errorf("group: %w", err)
	}
	if g.ID == "" {
		return intents.Group{}, fmt.Errorf("group without an id")
	}
	return intents.Group{ID: g.ID, Name: g.Profile.Name, Description: g.Profile.Description, Type: g.Type, Created: g.Created}, nil
}

type rawApp struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Label       string    `json:"label"`
	Status      string    `json:"status"`
	SignOnMode  *string   `json:"signOnMode"`
	Created     time.Time `json:"created"`
	LastUpdated time.Time `json:"lastUpdated"`
}

func decodeApp(raw json.RawMessage) (intents.App, error) {
	var a rawApp
	if err := json.Unmarshal(raw, &a); err != nil {
		return intents.App{}, fmt.Errorf("app: %w", err)
	}
	if a.ID == "" {
		return intents.App{}, fmt.Errorf("app without an id")
	}
	app := intents.App{ID: a.ID, Name: a.Name, Label: a.Label, Status: a.Status, Created: a.Created, Updated: a.LastUpdated, Raw: clone(raw)}
	if a.SignOnMode != nil {
		app.SignOnMode = *a.SignOnMode
	}
	return app, nil
}

// decodeAppLink decodes an entry of /users/{id}/appLinks: an app the user
// can sign in to.
func decodeAppLink(raw json.RawMessage) (intents.App, error) {
	var l struct {
		AppInstanceID string `json:"appInstanceId"`
		AppName       string `json:"appName"`
		Label         string `json:"label"`
		Hidden        bool   `json:"hidden"`
	}
	if err := json.Unmarshal(raw, &l); err != nil {
		return intents.App{}, fmt.Errorf("app link: %w", err)
	}
	return intents.App{ID: l.AppInstanceID, Name: l.AppName, Label: l.Label, Status: "ACTIVE", Raw: clone(raw)}, nil
}

// decodeAppUser decodes an app's user assignment.
func decodeAppUser(raw json.RawMessage) (intents.Assignment, error) {
	var a struct {
		ID          string `json:"id"`
		Scope       string `json:"scope"`
		Status      string `json:"status"`
		Credentials struct {
			UserName string `json:"userName"`
		} `json:"credentials"`
		Embedded struct {
			User *rawUser `json:"user"`
		} `json:"_embedded"`
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return intents.Assignment{}, fmt.Errorf("app user: %w", err)
	}
	name := a.Credentials.UserName
	if u := a.Embedded.User; u != nil {
		if login, _ := u.Profile["login"].(string); login != "" {
			name = login
		}
	}
	return intents.Assignment{Type: "user", ID: a.ID, Name: name, Status: a.Status, Scope: a.Scope}, nil
}

// decodeAppGroup decodes an app's group assignment.
func decodeAppGroup(raw json.RawMessage) (intents.Assignment, error) {
	var a struct {
		ID       string `json:"id"`
		Embedded struct {
			Group *rawGroup `json:"group"`
		} `json:"_embedded"`
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return intents.Assignment{}, fmt.Errorf("app group: %w", err)
	}
	as := intents.Assignment{Type: "group", ID: a.ID}
	if g := a.Embedded.Group; g != nil {
		as.Name = g.Profile.Name
	}
	return as, nil
}

type rawPolicy struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Type        string `json:"type"`
	Status      string `json:"status"`
	Description string `json:"description"`
	Priority    int    `json:"priority"`
	System      bool   `json:"system"`
}

func decodePolicy(raw json.RawMessage) (intents.Policy, error) {
	var p rawPolicy
	if err := json.Unmarshal(raw, &p); err != nil {
		return intents.Policy{}, fmt.Errorf("policy: %w", err)
	}
	if p.ID == "" {
		return intents.Policy{}, fmt.Errorf("policy without an id")
	}
	return intents.Policy{ID: p.ID, Name: p.Name, Type: p.Type, Status: p.Status, Description: p.Description, Priority: p.Priority, System: p.System, Raw: clone(raw)}, nil
}

func decodeRule(policyID string) func(json.RawMessage) (intents.PolicyRule, error) {
	return func(raw json.RawMessage) (intents.PolicyRule, error) {
		var r struct {
			rawPolicy
			Conditions map[string]any `json:"conditions"`
			Actions    map[string]any `json:"actions"`
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			return intents.PolicyRule{}, fmt.Errorf("policy rule: %w", err)
		}
		if r.ID == "" {
			return intents.PolicyRule{}, fmt.Errorf("policy rule without an id")
		}
		return intents.PolicyRule{
			ID: r.ID, PolicyID: policyID, Name: r.Name, Type: r.Type, Status: r.Status,
			Priority: r.Priority, System: r.System,
			Summary: ruleSummary(r.Conditions, r.Actions), Raw: clone(raw),
		}, nil
	}
}

func decodeFactor(raw json.RawMessage) (intents.Factor, error) {
	var f struct {
		ID         string         `json:"id"`
		FactorType string         `json:"factorType"`
		Provider   string         `json:"provider"`
		Status     string         `json:"status"`
		Profile    map[string]any `json:"profile"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return intents.Factor{}, fmt.Errorf("factor: %w", err)
	}
	var name string
	for _, k := range []string{"name", "deviceName", "credentialId", "phoneNumber", "email", "authenticatorName"} {
		if s, ok := f.Profile[k].(string); ok && s != "" {
			name = s
			break
		}
	}
	return intents.Factor{ID: f.ID, Type: f.FactorType, Provider: f.Provider, Status: f.Status, Name: name}, nil
}

// clone copies a raw message out of the page buffer it points into, so a
// kept object does not pin the whole page.
func clone(raw json.RawMessage) json.RawMessage {
	return append(json.RawMessage(nil), raw...)
}

// ruleSummary states a policy rule's conditions and actions in a line,
// for the rule types oktabot shows (sign-on, password, MFA enrollment,
// app sign-on); anything else is summarised by its keys.
func ruleSummary(cond, act map[string]any) string {
	var parts []string
	get := func(m map[string]any, path ...string) any {
		var cur any = m
		for _, p := range path {
			mm, ok := cur.(map[string]any)
			if !ok {
				return nil
			}
			cur = mm[p]
		}
		return cur
	}
	str := func(v any) string {
		switch v := v.(type) {
		case nil:
			return ""
		case string:
			return v
		case []any:
			var s []string
			for _, x := range v {
				s = append(s, fmt.Sprint(x))
			}
			return strings.Join(s, ",")
		default:
			return fmt.Sprint(v)
		}
	}
	add := func(label string, v any) {
		if s := str(v); s != "" && s != "map[]" {
			parts = append(parts, label+" "+s)
		}
	}
	add("network", get(cond, "network", "connection"))
	add("groups", get(cond, "people", "groups", "include"))
	add("except groups", get(cond, "people", "groups", "exclude"))
	add("users", get(cond, "people", "users", "include"))
	add("risk", get(cond, "riskScore", "level"))
	add("auth", get(cond, "authContext", "authType"))
	add("sign-on", get(act, "signon", "access"))
	add("require factor", get(act, "signon", "requireFactor"))
	add("factor prompt", get(act, "signon", "factorPromptMode"))
	add("session idle min", get(act, "signon", "session", "maxSessionIdleMinutes"))
	add("password change", get(act, "passwordChange", "access"))
	add("self-service reset", get(act, "selfServicePasswordReset", "access"))
	add("self-service unlock", get(act, "selfServiceUnlock", "access"))
	add("enroll", get(act, "enroll", "self"))
	add("app sign-on", get(act, "appSignOn", "access"))
	add("verification", get(act, "appSignOn", "verificationMethod", "factorMode"))
	add("verification type", get(act, "appSignOn", "verificationMethod", "type"))
	if len(parts) == 0 {
		for _, k := range slices.Sorted(maps.Keys(act)) {
			parts = append(parts, "action "+k)
		}
	}
	return strings.Join(parts, "; ")
}
