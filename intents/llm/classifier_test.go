package llm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	openai "github.com/sashabaranov/go-openai"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/intents/freetext"
	"github.com/oktabot/oktabot/intents/llm"
)

const testKey = "sk-test-0123456789abcdefSECRET"

// now is a Wednesday afternoon: "yesterday" is 39h.
var now = time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC)

// fakeAPI is an OpenAI-compatible chat completions endpoint that answers
// with reply and records every request. Other paths fail the test.
type fakeAPI struct {
	t     *testing.T
	reply func(w http.ResponseWriter, r *http.Request)

	mu       sync.Mutex
	requests []recorded
}

type recorded struct {
	path, query string
	header      http.Header
	body        []byte
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, recorded{path: r.URL.Path, query: r.URL.RawQuery, header: r.Header.Clone(), body: body})
	f.mu.Unlock()
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		f.t.Errorf("fake API: unexpected %s %s", r.Method, r.URL.Path)
		http.Error(w, `{"error":{"message":"no such route","type":"invalid_request_error"}}`, http.StatusNotFound)
		return
	}
	f.reply(w, r)
}

func (f *fakeAPI) calls() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.requests...)
}

// serve starts a fake API and a Classifier on it (OpenAI style, /v1).
func serve(t *testing.T, reply func(w http.ResponseWriter, r *http.Request), mod func(*llm.Config)) (*fakeAPI, *llm.Classifier, *bytes.Buffer) {
	t.Helper()
	f := &fakeAPI{t: t, reply: reply}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	var logs bytes.Buffer
	cfg := llm.Config{
		APIKey:     testKey,
		BaseURL:    srv.URL + "/v1",
		Model:      "gpt-test",
		Timeout:    2 * time.Second,
		HTTPClient: srv.Client(),
		Logger:     slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:        func() time.Time { return now },
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := llm.New(cfg)
	if err != nil {
		t.Fatalf("llm.New error: %v", err)
	}
	return f, c, &logs
}

// toolCalls answers with these tool calls.
func toolCalls(calls ...openai.FunctionCall) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		msg := openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant}
		for i, c := range calls {
			msg.ToolCalls = append(msg.ToolCalls, openai.ToolCall{ID: fmt.Sprintf("call_%d", i), Type: openai.ToolTypeFunction, Function: c})
		}
		writeJSON(w, openai.ChatCompletionResponse{
			ID: "chatcmpl-1", Object: "chat.completion", Model: "gpt-test",
			Choices: []openai.ChatCompletionChoice{{Index: 0, Message: msg, FinishReason: openai.FinishReasonToolCalls}},
		})
	}
}

func call(name, args string) openai.FunctionCall {
	return openai.FunctionCall{Name: name, Arguments: args}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// TestModelDecides: a tool-call reply becomes the Intent, by the model.
func TestModelDecides(t *testing.T) {
	tests := []struct {
		name string
		text string
		call openai.FunctionCall
		want intents.Intent
	}{
		{"suspicious logins", "Show me logins from suspicious countries in the last 24 hours", call("suspicious_logins", `{"window":"24h"}`),
			intents.Intent{Kind: intents.SuspiciousLogins, Window: intents.Day}},
		{"a phrasing the rules do not know", "has anything about john@company.com smelled off lately?", call("investigate", `{"user":"john@company.com"}`),
			intents.Intent{Kind: intents.Investigate, User: "john@company.com"}},
		{"countries and a limit", "first 20 sign-ins out of moscow or pyongyang this week", call("suspicious_logins", `{"countries":["Russia","North Korea"],"limit":20}`),
			intents.Intent{Kind: intents.SuspiciousLogins, Countries: []string{"Russia", "North Korea"}, Limit: 20, Since: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}},
		{"an explicit action", "@oktabot suspend john@company.com, he clicked a phishing link", call("suspend_user", `{"user":"john@company.com","reason":"he clicked a phishing link"}`),
			intents.Intent{Kind: intents.SuspendUser, User: "john@company.com", Reason: "he clicked a phishing link"}},
		{"a window named by a day", "failed logins yesterday", call("failed_logins", `{}`),
			intents.Intent{Kind: intents.FailedLogins, Since: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}},
		{"a slack mention", "look into <@U024BE7LH|bob> please", call("investigate", `{"user":"<@U024BE7LH>"}`),
			intents.Intent{Kind: intents.Investigate, User: "<@U024BE7LH>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c, _ := serve(t, toolCalls(tt.call), nil)
			got, by, err := c.ClassifyBy(context.Background(), tt.text)
			if err != nil {
				t.Fatalf("ClassifyBy(%q) error: %v", tt.text, err)
			}
			if by != intents.ByModel {
				t.Errorf("ClassifyBy(%q) decided by %q, want model", tt.text, by)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ClassifyBy(%q) (-want +got):\n%s", tt.text, diff)
			}
			if n := len(f.calls()); n != 1 {
				t.Errorf("ClassifyBy(%q) sent %d requests, want 1", tt.text, n)
			}
		})
	}
}

// TestRequestHoldsOnlyPromptTextAndTools: the model sees the system prompt,
// the person's text and the catalogue's tools — nothing else, and no Okta
// data.
func TestRequestHoldsOnlyPromptTextAndTools(t *testing.T) {
	f, c, _ := serve(t, toolCalls(call("mfa_status", `{}`)), nil)
	const text = "hey @oktabot, which users don't have <mailto:x@y.co|MFA> &amp; such?"
	if _, err := c.Classify(context.Background(), text); err != nil {
		t.Fatalf("Classify error: %v", err)
	}
	reqs := f.calls()
	if len(reqs) != 1 {
		t.Fatalf("got %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.path != "/v1/chat/completions" {
		t.Errorf("request path = %q, want /v1/chat/completions", r.path)
	}
	if got := r.header.Get("Authorization"); got != "Bearer "+testKey {
		t.Errorf("Authorization = %q, want the bearer key", got)
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("request body %s: %v", r.body, err)
	}
	for k, v := range body {
		switch {
		case k == "model", k == "messages", k == "tools":
		case k == "stream" && string(v) == "false": // go-openai always says it
		default:
			t.Errorf("request body has %q: %s; it may hold only model, messages and tools", k, v)
		}
	}
	var messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	}
	if err := json.Unmarshal(body["messages"], &messages); err != nil {
		t.Fatalf("messages %s: %v", body["messages"], err)
	}
	wantMessages := []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	}{{"system", llm.SystemPrompt}, {"user", "which users don't have MFA & such?"}}
	if diff := cmp.Diff(wantMessages, messages); diff != "" {
		t.Errorf("messages sent to the model (-want +got):\n%s", diff)
	}
	var model string
	_ = json.Unmarshal(body["model"], &model)
	if model != "gpt-test" {
		t.Errorf("model = %q, want gpt-test", model)
	}
	wantTools, err := json.Marshal(llm.Tools())
	if err != nil {
		t.Fatal(err)
	}
	if !jsonEqual(t, wantTools, body["tools"]) {
		t.Errorf("tools sent differ from llm.Tools():\n%s", body["tools"])
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("json %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("json %s: %v", b, err)
	}
	return cmp.Equal(va, vb)
}

// TestRulesDecide: every failure of the model falls back to the rules,
// which give exactly what freetext.Understand gives.
func TestRulesDecide(t *testing.T) {
	const text = "Investigate john@company.com for suspicious activity"
	tests := []struct {
		name  string
		text  string
		reply func(w http.ResponseWriter, r *http.Request)
	}{
		{"HTTP 500", text, func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"error":{"message":"boom","type":"server_error"}}`, http.StatusInternalServerError)
		}},
		{"HTTP 401 that echoes the key", text, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
			writeJSON(w, map[string]any{"error": map[string]any{"message": "Incorrect API key provided: " + testKey, "type": "invalid_request_error", "code": "invalid_api_key"}})
		}},
		{"HTTP 429", text, func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"error":{"message":"slow down","type":"rate_limit"}}`, http.StatusTooManyRequests)
		}},
		{"not JSON", text, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "<html>proxy</html>") }},
		{"no choices", text, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, openai.ChatCompletionResponse{ID: "x", Object: "chat.completion"})
		}},
		{"a text answer", text, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, openai.ChatCompletionResponse{Choices: []openai.ChatCompletionChoice{{Message: openai.ChatCompletionMessage{Role: "assistant", Content: "Sure! Investigating."}}}})
		}},
		{"two tool calls", text, toolCalls(call("investigate", `{"user":"john@company.com"}`), call("suspend_user", `{"user":"john@company.com"}`))},
		{"malformed arguments", text, toolCalls(call("investigate", `{"user":"john@company.com"`))},
		{"arguments not an object", text, toolCalls(call("investigate", `["john@company.com"]`))},
		{"a tool that is no kind", text, toolCalls(call("drop_database", `{}`))},
		{"the unknown tool", text, toolCalls(call("unknown", `{}`))},
		{"an unknown property", text, toolCalls(call("investigate", `{"user":"john@company.com","severity":"high"}`))},
		{"a window too long", text, toolCalls(call("investigate", `{"user":"john@company.com","window":"999d"}`))},
		{"a user with spaces", "investigate john smith", toolCalls(call("investigate", `{"user":"john smith"}`))},
		{"a missing required argument", text, toolCalls(call("investigate", `{}`))},
		{"an invented user", "is anyone compromised?", toolCalls(call("investigate", `{"user":"jane@company.com"}`))},
		{"an action from a worry", "john@company.com looks compromised", toolCalls(call("suspend_user", `{"user":"john@company.com"}`))},
		{"an action from advice", "should we deactivate john@company.com?", toolCalls(call("deactivate_user", `{"user":"john@company.com"}`))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c, logs := serve(t, tt.reply, nil)
			got, by, err := c.ClassifyBy(context.Background(), tt.text)
			want, wantErr := freetext.Understand(tt.text, now)
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("ClassifyBy(%q) error %v, rules error %v", tt.text, err, wantErr)
			}
			if by != intents.ByRules {
				t.Errorf("ClassifyBy(%q) decided by %q, want rules", tt.text, by)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ClassifyBy(%q) differs from the rules (-rules +got):\n%s", tt.text, diff)
			}
			if n := len(f.calls()); n != 1 {
				t.Errorf("ClassifyBy(%q) sent %d requests, want 1 (no retries)", tt.text, n)
			}
			if !strings.Contains(logs.String(), "the rules decide") {
				t.Errorf("no debug line says why the rules decided; logs:\n%s", logs)
			}
			if strings.Contains(logs.String(), testKey) || strings.Contains(logs.String(), "SECRET") {
				t.Errorf("the API key is in the logs:\n%s", logs)
			}
		})
	}
}

// TestTimeout: a model slower than Timeout is abandoned and the rules
// answer.
func TestTimeout(t *testing.T) {
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		toolCalls(call("threats", `{}`))(w, r)
	}
	_, c, logs := serve(t, slow, func(cfg *llm.Config) { cfg.Timeout = 200 * time.Millisecond })
	const text = "Show me admin actions in the last 48 hours"
	got, by, err := c.ClassifyBy(context.Background(), text)
	if err != nil {
		t.Fatalf("ClassifyBy(%q) error: %v", text, err)
	}
	if want := (intents.Intent{Kind: intents.AdminActions, Window: intents.Duration(48 * time.Hour)}); by != intents.ByRules || !cmp.Equal(want, got) {
		t.Errorf("ClassifyBy(%q) = %+v by %s; want %+v by rules", text, got, by, want)
	}
	if !strings.Contains(logs.String(), "deadline") {
		t.Errorf("the debug line does not say the model timed out:\n%s", logs)
	}
}

// TestSlashCommandsSkipTheModel: the slash grammar is exact; the model is
// not asked.
func TestSlashCommandsSkipTheModel(t *testing.T) {
	f, c, _ := serve(t, toolCalls(call("threats", `{}`)), nil)
	for _, text := range []string{"/okta logs 48h", "investigate john@company.com 7d", "/okta suspnd john", ""} {
		got, by, err := c.ClassifyBy(context.Background(), text)
		want, wantErr := freetext.Understand(text, now)
		if by != intents.ByRules || !cmp.Equal(want, got) || (err == nil) != (wantErr == nil) {
			t.Errorf("ClassifyBy(%q) = %+v, %s, %v; want the rules' %+v, %v", text, got, by, err, want, wantErr)
		}
	}
	if n := len(f.calls()); n != 0 {
		t.Errorf("slash commands sent %d requests to the model, want 0", n)
	}
}

// TestFallbackIsConfigurable: Config.Fallback answers when the model does
// not.
func TestFallbackIsConfigurable(t *testing.T) {
	_, c, _ := serve(t, toolCalls(call("nope", `{}`)), func(cfg *llm.Config) { cfg.Fallback = fixed{intents.Intent{Kind: intents.Pending}} })
	got, by, err := c.ClassifyBy(context.Background(), "anything at all")
	if err != nil || by != intents.ByRules || got.Kind != intents.Pending {
		t.Errorf("ClassifyBy = %+v, %s, %v; want the fallback's pending by rules", got, by, err)
	}
}

type fixed struct{ in intents.Intent }

func (f fixed) Classify(context.Context, string) (intents.Intent, error) { return f.in, nil }

// TestAzure: an Azure OpenAI base URL uses the deployment path, the
// api-version and the api-key header.
func TestAzure(t *testing.T) {
	f, c, _ := serve(t, toolCalls(call("threats", `{}`)), func(cfg *llm.Config) {
		cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/v1")
		cfg.APIType = llm.APITypeAzure
		cfg.Model = "oktabot-gpt4o"
	})
	got, by, err := c.ClassifyBy(context.Background(), "anything weird across the org?")
	if err != nil || by != intents.ByModel || got.Kind != intents.Threats {
		t.Fatalf("ClassifyBy = %+v, %s, %v; want threats by model", got, by, err)
	}
	r := f.calls()[0]
	if r.path != "/openai/deployments/oktabot-gpt4o/chat/completions" || r.query != "api-version="+llm.DefaultAzureAPIVersion {
		t.Errorf("Azure request = %s?%s, want /openai/deployments/oktabot-gpt4o/chat/completions?api-version=%s", r.path, r.query, llm.DefaultAzureAPIVersion)
	}
	if r.header.Get("api-key") != testKey || r.header.Get("Authorization") != "" {
		t.Errorf("Azure headers api-key=%q Authorization=%q; want the key in api-key only", r.header.Get("api-key"), r.header.Get("Authorization"))
	}
}

// TestLocalServerWithoutKey: Ollama and vLLM need no key; none is sent.
func TestLocalServerWithoutKey(t *testing.T) {
	f, c, _ := serve(t, toolCalls(call("mfa_status", `{}`)), func(cfg *llm.Config) { cfg.APIKey = "" })
	if _, by, err := c.ClassifyBy(context.Background(), "who hasn't set up two-step yet"); err != nil || by != intents.ByModel {
		t.Fatalf("ClassifyBy = %s, %v; want by model", by, err)
	}
	if got := f.calls()[0].header.Get("Authorization"); got != "" {
		t.Errorf("Authorization = %q, want none without a key", got)
	}
}

func TestNew(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  llm.Config
		want string
	}{
		{"no model", llm.Config{APIKey: testKey}, "model"},
		{"not a URL", llm.Config{Model: "m", BaseURL: "::nope"}, "base URL"},
		{"not http", llm.Config{Model: "m", BaseURL: "ftp://example.com/v1"}, "base URL"},
		{"unknown API type", llm.Config{Model: "m", APIType: "bard"}, "API type"},
		{"negative timeout", llm.Config{Model: "m", Timeout: -time.Second}, "negative"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := llm.New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "llm: ") {
				t.Fatalf("llm.New(%s) = %v, %v; want an llm: error about %s", tt.name, c, err, tt.want)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("llm.New error has the API key: %v", err)
			}
		})
	}
	if _, err := llm.New(llm.Config{Model: "gpt-4o-mini", APIKey: testKey}); err != nil {
		t.Errorf("llm.New with defaults error: %v", err)
	}
	if _, err := llm.New(llm.Config{Model: "d", BaseURL: "https://acme.openai.azure.com/", APIKey: testKey}); err != nil {
		t.Errorf("llm.New for Azure error: %v", err)
	}
}

// TestConcurrentUse runs classifications at once (for go test -race).
func TestConcurrentUse(t *testing.T) {
	_, c, _ := serve(t, toolCalls(call("threats", `{}`)), nil)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			text := "anything suspicious across the org?"
			if i%2 == 1 {
				text = "/okta threats 7d"
			}
			if in, _, err := c.ClassifyBy(context.Background(), text); err != nil || in.Kind != intents.Threats {
				t.Errorf("ClassifyBy(%q) = %+v, %v", text, in, err)
			}
		}()
	}
	wg.Wait()
}
