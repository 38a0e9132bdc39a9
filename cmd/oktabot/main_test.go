package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// runCmd runs the program with args and an environment map.
func runCmd(t *testing.T, ctx context.Context, vars map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(ctx, args, stdio{in: strings.NewReader(""), out: &out, err: &errb}, func(k string) string { return vars[k] })
	return out.String(), errb.String(), err
}

func TestIntentCommand(t *testing.T) {
	out, _, err := runCmd(t, context.Background(), nil, "intent", "/okta logs 48h type:user.session.start")
	if err != nil {
		t.Fatalf("oktabot intent: %v", err)
	}
	var got struct {
		Kind      string `json:"kind"`
		Window    string `json:"window"`
		EventType string `json:"event_type"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("oktabot intent printed %q: %v", out, err)
	}
	d, err := time.ParseDuration(got.Window)
	if got.Kind != "logs" || err != nil || d != 48*time.Hour || got.EventType != "user.session.start" {
		t.Errorf("oktabot intent = %+v (window parses as %v, %v), want logs, 48h, user.session.start", got, d, err)
	}
}

func TestAskSimJSON(t *testing.T) {
	out, stderr, err := runCmd(t, context.Background(), nil, "ask", "--sim", "--json", "/okta user john@company.com")
	if err != nil {
		t.Fatalf("oktabot ask --sim --json: %v\n%s", err, stderr)
	}
	var res struct {
		Profile struct {
			User struct {
				Login  string `json:"login"`
				Status string `json:"status"`
			} `json:"user"`
			Groups []struct{ Name string } `json:"groups"`
		} `json:"profile"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("ask printed %q: %v", out, err)
	}
	if res.Profile.User.Login != "john@company.com" || res.Profile.User.Status != "ACTIVE" || len(res.Profile.Groups) == 0 {
		t.Errorf("ask --sim --json user = %+v", res.Profile)
	}
}

// ask understands free text as Slack does (the rules here: no model is
// configured), not only the slash grammar.
func TestAskFreeText(t *testing.T) {
	out, stderr, err := runCmd(t, context.Background(), nil, "ask", "--sim", "--json", "show me admin actions in the last 48 hours")
	if err != nil {
		t.Fatalf("oktabot ask --sim --json (free text): %v\n%s", err, stderr)
	}
	var res struct {
		Intent struct {
			Kind string `json:"kind"`
		} `json:"intent"`
		Events []struct {
			EventType string `json:"eventType"`
		} `json:"events"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("ask printed %q: %v", out, err)
	}
	if res.Intent.Kind != "admin_actions" || len(res.Events) == 0 {
		t.Errorf("ask \"show me admin actions in the last 48 hours\" = kind %q with %d events, want admin_actions with events", res.Intent.Kind, len(res.Events))
	}
	_, _, err = runCmd(t, context.Background(), nil, "ask", "--sim", "suspend john@company.com, he clicked a phishing link")
	if err == nil || !strings.Contains(err.Error(), "approved proposal") {
		t.Errorf("ask (free-text suspend) = %v, want a refusal that points to approvals", err)
	}
}

func TestAskRefusesActions(t *testing.T) {
	_, _, err := runCmd(t, context.Background(), nil, "ask", "--sim", "/okta suspend john@company.com")
	if err == nil || !strings.Contains(err.Error(), "approved proposal") {
		t.Errorf("ask suspend = %v, want a refusal that points to approvals", err)
	}
}

// `oktabot sim` serves the simulator; `oktabot ask` with the three
// variables it prints signs in to it with the key file it wrote.
func TestSimThenAsk(t *testing.T) {
	orgURL, keyFile := serveSim(t)
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v (mode %v), want it written 0600", err, fi.Mode())
	}
	vars := map[string]string{"OKTA_ORG_URL": orgURL, "OKTA_CLIENT_ID": "0oacli", "OKTA_PRIVATE_KEY_FILE": keyFile}
	out, stderr, err := runCmd(t, context.Background(), vars, "ask", "--json", "/okta user john@company.com")
	if err != nil {
		t.Fatalf("ask against oktabot sim: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, `"login": "john@company.com"`) {
		t.Errorf("ask printed %s", out)
	}
	// A key the simulator never registered is refused as authentication.
	other, _, _ := oktasim.NewServiceAppKey("other")
	vars["OKTA_PRIVATE_KEY_FILE"] = ""
	vars["OKTA_PRIVATE_KEY"] = string(other)
	_, _, err = runCmd(t, context.Background(), vars, "ask", "/okta user john@company.com")
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "auth") {
		t.Errorf("ask with the wrong key = %v, want authentication failed", err)
	}
}

func TestRunStopsOnBadConfig(t *testing.T) {
	fake, good := runSetup(t, slackfake.Options{})
	other, _, _ := oktasim.NewServiceAppKey("x")
	tests := []struct {
		name   string
		change map[string]string
		want   string
	}{
		{"bot token prefix", map[string]string{"SLACK_BOT_TOKEN": "xoxp-123"}, "SLACK_BOT_TOKEN"},
		{"bot token refused", map[string]string{"SLACK_BOT_TOKEN": "xoxb-wrong"}, "SLACK_BOT_TOKEN was refused"},
		{"app token missing", map[string]string{"SLACK_APP_TOKEN": ""}, "SLACK_APP_TOKEN"},
		{"time zone", map[string]string{"OKTABOT_TZ": "Central Time"}, "OKTABOT_TZ \"Central Time\" is not an IANA time zone name: use one such as America/Chicago"},
		{"office hours", map[string]string{"OKTABOT_OFFICE_HOURS": "9 to 5"}, "OKTABOT_OFFICE_HOURS"},
		{"key garbage", map[string]string{"OKTA_PRIVATE_KEY": "not a key"}, "private key"},
		{"key not registered", map[string]string{"OKTA_PRIVATE_KEY": string(other)}, "OKTA_CLIENT_ID"},
		{"org url http", map[string]string{"OKTA_ORG_URL": "http://company.okta.com"}, "https"},
		{"channel id", map[string]string{"OKTABOT_CHANNELS": "#security"}, "OKTABOT_CHANNELS"},
		{"max concurrency over Okta's limit", map[string]string{"OKTA_MAX_CONCURRENCY": "100"}, "OKTA_MAX_CONCURRENCY"},
		{"rate share over 1", map[string]string{"OKTA_RATE_SHARE": "1.5"}, "OKTA_RATE_SHARE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := with(good, tt.change)
			msg := strings.Join(runRefused(t, fake, vars), "\n")
			if strings.Contains(msg, "\n") || !strings.Contains(msg, tt.want) {
				t.Errorf("oktabot run = %q, want one line naming %q", msg, tt.want)
			}
			if key := vars["OKTA_PRIVATE_KEY"]; strings.Contains(msg, key) || strings.Contains(msg, secretPart(key)) {
				t.Errorf("the error quotes the private key: %q", msg)
			}
		})
	}
}

// secretPart is the private exponent of a JWK (or the text itself).
func secretPart(key string) string {
	var jwk struct {
		D string `json:"d"`
	}
	if json.Unmarshal([]byte(key), &jwk) == nil && len(jwk.D) > 16 {
		return jwk.D[:16]
	}
	return key
}
