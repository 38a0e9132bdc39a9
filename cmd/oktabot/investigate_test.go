package main

import (
	"context"
	"encoding/json"
	"testing"
)

// The setup guide's four questions, as slash commands through `ask --json`
// on the demo org; the JSON carries findings and proposals in the issue's
// shape.
func TestSetupGuideQuestions(t *testing.T) {
	type result struct {
		Intent struct {
			Kind string `json:"kind"`
		} `json:"intent"`
		Users    []map[string]any `json:"users"`
		Events   []map[string]any `json:"events"`
		Findings []struct {
			Detection string   `json:"detection"`
			Severity  string   `json:"severity"`
			Score     int      `json:"score"`
			User      string   `json:"user"`
			Events    []string `json:"events"`
		} `json:"findings"`
		Proposals []struct {
			Kind string `json:"kind"`
			User struct {
				Name string `json:"name"`
			} `json:"user"`
			Confidence int `json:"confidence"`
		} `json:"proposals"`
		MFA *struct {
			Active   int `json:"active"`
			NoFactor int `json:"noFactor"`
		} `json:"mfa"`
	}
	tests := []struct {
		command string
		check   func(t *testing.T, r result)
	}{
		{"/okta suspicious-logins 24h", func(t *testing.T, r result) {
			if len(r.Findings) == 0 || len(r.Events) == 0 {
				t.Errorf("no suspicious sign-ins in the last 24h: %d findings, %d events", len(r.Findings), len(r.Events))
			}
		}},
		{"/okta investigate john@company.com", func(t *testing.T, r result) {
			suspend := false
			for _, p := range r.Proposals {
				if p.Kind == "suspend_user" && p.User.Name == "john@company.com" && p.Confidence >= 74 {
					suspend = true
				}
			}
			if !suspend {
				t.Errorf("no suspend proposal with confidence ≥ 74: %+v", r.Proposals)
			}
			for _, f := range r.Findings {
				if f.Detection == "" || f.Severity == "" || f.Score == 0 || f.User == "" || len(f.Events) == 0 {
					t.Errorf("finding lacks detection, severity, score, user or events: %+v", f)
				}
			}
		}},
		{"/okta mfa-status", func(t *testing.T, r result) {
			if r.MFA == nil || r.MFA.Active == 0 || r.MFA.NoFactor != len(r.Users) || len(r.Users) == 0 {
				t.Errorf("mfa-status = %+v with %d users, want the demo's users without MFA", r.MFA, len(r.Users))
			}
		}},
		{"/okta admin-actions 48h", func(t *testing.T, r result) {
			if len(r.Events) == 0 {
				t.Error("no admin actions in the last 48h")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.command, func(t *testing.T) {
			out, stderr, err := runCmd(t, context.Background(), nil, "ask", "--sim", "--json", tt.command)
			if err != nil {
				t.Fatalf("ask %q: %v\n%s", tt.command, err, stderr)
			}
			var r result
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("ask %q printed non-JSON: %v", tt.command, err)
			}
			tt.check(t, r)
		})
	}
}
