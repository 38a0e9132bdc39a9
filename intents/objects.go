package intents

import (
	"encoding/json"
	"time"
)

// User is an Okta user as oktabot shows it. Profile keeps every profile
// attribute Okta returned, so nothing is dropped.
type User struct {
	ID              string         `json:"id"`
	Status          string         `json:"status"`
	Login           string         `json:"login"`
	Email           string         `json:"email,omitempty"`
	FirstName       string         `json:"firstName,omitempty"`
	LastName        string         `json:"lastName,omitempty"`
	DisplayName     string         `json:"displayName,omitempty"`
	Department      string         `json:"department,omitempty"`
	Title           string         `json:"title,omitempty"`
	Created         time.Time      `json:"created,omitzero"`
	Activated       time.Time      `json:"activated,omitzero"`
	StatusChanged   time.Time      `json:"statusChanged,omitzero"`
	LastLogin       time.Time      `json:"lastLogin,omitzero"`
	LastUpdated     time.Time      `json:"lastUpdated,omitzero"`
	PasswordChanged time.Time      `json:"passwordChanged,omitzero"`
	Profile         map[string]any `json:"profile,omitempty"`
}

// Name is the best human name of u.
func (u User) Name() string {
	switch {
	case u.DisplayName != "":
		return u.DisplayName
	case u.FirstName != "" || u.LastName != "":
		if u.FirstName == "" || u.LastName == "" {
			return u.FirstName + u.LastName
		}
		return u.FirstName + " " + u.LastName
	default:
		return u.Login
	}
}

// Factor is one enrolled (or pending) authentication factor.
type Factor struct {
	ID       string `json:"id"`
	Type     string `json:"factorType"`
	Provider string `json:"provider,omitempty"`
	Status   string `json:"status"`
	Name     string `json:"name,omitempty"` // device or phone, when Okta gives one
}

// Weak reports whether the factor type is one that phishing or SIM swap
// defeats (sms, call, email, security question).
func (f Factor) Weak() bool {
	switch f.Type {
	case "sms", "call", "email", "question":
		return true
	}
	return false
}

// Group is an Okta group.
type Group struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Type        string    `json:"type,omitempty"` // OKTA_GROUP, APP_GROUP, BUILT_IN
	Created     time.Time `json:"created,omitzero"`
}

// App is an Okta application. Raw holds Okta's JSON for the app so that
// settings the SDK cannot model are still shown.
type App struct {
	ID         string          `json:"id"`
	Name       string          `json:"name,omitempty"` // Okta's app key, e.g. salesforce
	Label      string          `json:"label"`
	Status     string          `json:"status"`
	SignOnMode string          `json:"signOnMode,omitempty"`
	Created    time.Time       `json:"created,omitzero"`
	Updated    time.Time       `json:"lastUpdated,omitzero"`
	Raw        json.RawMessage `json:"raw,omitempty"`
}

// Assignment is a user or a group assigned to an app.
type Assignment struct {
	Type   string `json:"type"` // "user" or "group"
	ID     string `json:"id"`
	Name   string `json:"name"` // login or group name
	Status string `json:"status,omitempty"`
	Scope  string `json:"scope,omitempty"` // USER or GROUP for user assignments
}

// Policy is an Okta policy. Raw keeps Okta's JSON.
type Policy struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	Status      string          `json:"status"`
	Description string          `json:"description,omitempty"`
	Priority    int             `json:"priority,omitempty"`
	System      bool            `json:"system,omitempty"`
	Raw         json.RawMessage `json:"raw,omitempty"`
}

// PolicyRule is one rule of a policy. Summary states its conditions and
// actions in a line; Raw keeps Okta's JSON (the SDK cannot decode every rule
// type).
type PolicyRule struct {
	ID       string          `json:"id"`
	PolicyID string          `json:"policyId,omitempty"`
	Name     string          `json:"name"`
	Type     string          `json:"type,omitempty"`
	Status   string          `json:"status"`
	Priority int             `json:"priority,omitempty"`
	System   bool            `json:"system,omitempty"`
	Summary  string          `json:"summary,omitempty"`
	Raw      json.RawMessage `json:"raw,omitempty"`
}

// UserProfile is everything user_details shows: the user and what hangs off
// them.
type UserProfile struct {
	User    User     `json:"user"`
	Factors []Factor `json:"factors"`
	Groups  []Group  `json:"groups"`
	Apps    []App    `json:"apps"`
	// Blocks are the devices Okta blocks the user on: UNKNOWN_DEVICES for
	// an ACTIVE user locked out of new devices only, ANY_DEVICES for a
	// LOCKED_OUT one.
	Blocks []string `json:"blocks,omitempty"`
}
