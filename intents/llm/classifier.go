package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/intents/freetext"
)

// DefaultTimeout bounds one request to the model when Config.Timeout is 0.
const DefaultTimeout = 10 * time.Second

// DefaultBaseURL is OpenAI's API.
const DefaultBaseURL = "https://api.openai.com/v1"

// DefaultAzureAPIVersion is the Azure OpenAI API version used when
// Config.APIVersion is empty; tool calling needs 2024-02-01 or later.
const DefaultAzureAPIVersion = "2024-06-01"

// API types for Config.APIType.
const (
	APITypeOpenAI = "openai"
	APITypeAzure  = "azure"
)

// Config configures a Classifier.
type Config struct {
	// APIKey is the API key; local servers may need none.
	APIKey string
	// BaseURL is the API's base, e.g. https://api.openai.com/v1 (the
	// default), http://localhost:11434/v1 for Ollama, or
	// https://NAME.openai.azure.com for Azure OpenAI.
	BaseURL string
	// Model is the model name; for Azure OpenAI, the deployment name.
	// Required.
	Model string
	// APIType is APITypeOpenAI or APITypeAzure; empty means Azure when the
	// BaseURL's host ends in .openai.azure.com, else OpenAI.
	APIType string
	// APIVersion is Azure OpenAI's api-version (DefaultAzureAPIVersion when
	// empty); unused otherwise.
	APIVersion string
	// Timeout bounds each request to the model; 0 means DefaultTimeout.
	Timeout time.Duration
	// HTTPClient sends the requests; nil means a new http.Client.
	HTTPClient *http.Client
	// Logger receives debug lines on why the rules decided; nil discards.
	Logger *slog.Logger
	// Fallback answers when the model does not; nil means freetext.Rules
	// with Now.
	Fallback intents.Classifier
	// Now is the clock for windows such as "yesterday"; nil means time.Now.
	Now func() time.Time
	// Location is the zone whose midnight starts "today" and "yesterday"
	// when the context carries none (intents.WithLocation); nil means UTC.
	Location *time.Location
}

// Classifier asks a model and falls back to the rules. It is safe for
// concurrent use.
type Classifier struct {
	client   *openai.Client
	model    string
	timeout  time.Duration
	log      *slog.Logger
	fallback intents.Classifier
	now      func() time.Time
	loc      *time.Location
	tools    []openai.Tool
	secret   string
}

// New checks cfg and returns a Classifier. It does not contact the API.
func New(cfg Config) (*Classifier, error) {
	if strings.TrimSpace(cfg.Model) == "" {
		return nil, errors.New("llm: the model name is empty")
	}
	base := strings.TrimSpace(cfg.BaseURL)
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("llm: base URL %q is not an http(s) URL such as %s", redact(base, cfg.APIKey), DefaultBaseURL)
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("llm: timeout %v is negative", cfg.Timeout)
	}
	var oc openai.ClientConfig
	switch strings.ToLower(cfg.APIType) {
	case "":
		if strings.HasSuffix(strings.ToLower(u.Hostname()), ".openai.azure.com") {
			oc = azureConfig(cfg, base)
		} else {
			oc = openai.DefaultConfig(cfg.APIKey)
		}
	case APITypeOpenAI:
		oc = openai.DefaultConfig(cfg.APIKey)
	case APITypeAzure:
		oc = azureConfig(cfg, base)
	default:
		return nil, fmt.Errorf("llm: API type %q is neither %s nor %s", cfg.APIType, APITypeOpenAI, APITypeAzure)
	}
	oc.BaseURL = strings.TrimRight(base, "/")
	oc.HTTPClient = cfg.HTTPClient
	if cfg.HTTPClient == nil {
		oc.HTTPClient = &http.Client{}
	}
	c := &Classifier{
		client:   openai.NewClientWithConfig(oc),
		model:    strings.TrimSpace(cfg.Model),
		timeout:  cfg.Timeout,
		log:      cfg.Logger,
		fallback: cfg.Fallback,
		now:      cfg.Now,
		loc:      cfg.Location,
		tools:    Tools(),
		secret:   cfg.APIKey,
	}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.fallback == nil {
		c.fallback = freetext.Rules{Now: c.now, Location: c.loc}
	}
	return c, nil
}

// azureConfig is go-openai's Azure configuration with the deployment named
// as the model, unchanged.
func azureConfig(cfg Config, base string) openai.ClientConfig {
	oc := openai.DefaultAzureConfig(cfg.APIKey, base)
	oc.APIVersion = DefaultAzureAPIVersion
	if cfg.APIVersion != "" {
		oc.APIVersion = cfg.APIVersion
	}
	oc.AzureModelMapperFunc = func(model string) string { return model }
	return oc
}

// Classify implements intents.Classifier.
func (c *Classifier) Classify(ctx context.Context, text string) (intents.Intent, error) {
	in, _, err := c.ClassifyBy(ctx, text)
	return in, err
}

// ClassifyBy classifies text and says which path decided: intents.ByModel
// when the model's answer stood, intents.ByRules otherwise.
func (c *Classifier) ClassifyBy(ctx context.Context, text string) (intents.Intent, intents.By, error) {
	if freetext.IsSlash(text) {
		return c.rules(ctx, text, "slash command")
	}
	plain := freetext.PlainText(text)
	if plain == "" || len(plain) > freetext.MaxFreeText {
		return c.rules(ctx, text, "no text for the model")
	}
	in, err := c.ask(ctx, plain)
	if err == nil {
		in, err = freetext.GroundedIn(text, in, intents.ReadOptions{Now: c.now(), Location: intents.LocationFrom(ctx, c.loc)})
	}
	if err != nil {
		return c.rules(ctx, text, redact(err.Error(), c.secret))
	}
	c.log.DebugContext(ctx, "llm: the model decided", "kind", in.Kind)
	return in, intents.ByModel, nil
}

// rules answers with the fallback.
func (c *Classifier) rules(ctx context.Context, text, why string) (intents.Intent, intents.By, error) {
	c.log.DebugContext(ctx, "llm: the rules decide", "why", why)
	in, err := c.fallback.Classify(ctx, text)
	return in, intents.ByRules, err
}

// ask sends one chat completion with the tools and reads its one tool call.
func (c *Classifier) ask(ctx context.Context, text string) (intents.Intent, error) {
	ins, err := c.askAll(ctx, text)
	if err != nil {
		return intents.Intent{}, err
	}
	if len(ins) != 1 {
		return intents.Intent{}, fmt.Errorf("llm: the reply has %d tool calls, want 1", len(ins))
	}
	return ins[0], nil
}

// askAll sends one chat completion with the tools and reads its tool
// calls, each validated; none may be unknown or invalid.
func (c *Classifier) askAll(ctx context.Context, text string) ([]intents.Intent, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	resp, err := c.client.CreateChatCompletion(ctx, openai.ChatCompletionRequest{
		Model: c.model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: SystemPrompt},
			{Role: openai.ChatMessageRoleUser, Content: text},
		},
		Tools: c.tools,
	})
	if err != nil {
		return nil, fmt.Errorf("llm: chat completion: %w", err)
	}
	if len(resp.Choices) == 0 {
		return nil, errors.New("llm: the reply has no choices")
	}
	calls := resp.Choices[0].Message.ToolCalls
	if len(calls) == 0 || len(calls) > freetext.MaxRequests {
		return nil, fmt.Errorf("llm: the reply has %d tool calls, want 1 to %d", len(calls), freetext.MaxRequests)
	}
	ins := make([]intents.Intent, 0, len(calls))
	for _, call := range calls {
		in, err := toolIntent(call.Function)
		if err != nil {
			return nil, err
		}
		ins = append(ins, in)
	}
	return ins, nil
}

// toolIntent validates one tool call into an Intent.
func toolIntent(f openai.FunctionCall) (intents.Intent, error) {
	if f.Name == unknownTool {
		return intents.Intent{}, errors.New("llm: the model called unknown")
	}
	kind := intents.Kind(f.Name)
	if _, ok := intents.Lookup(kind); !ok {
		return intents.Intent{}, fmt.Errorf("llm: the model called %q, which is no kind", truncate(f.Name, 64))
	}
	args := strings.TrimSpace(f.Arguments)
	if !json.Valid([]byte(args)) && args != "" {
		return intents.Intent{}, fmt.Errorf("llm: the arguments of %s are not JSON", kind)
	}
	in, err := intents.FromArgs(kind, json.RawMessage(args))
	if err != nil {
		return intents.Intent{}, fmt.Errorf("llm: arguments of %s: %w", kind, err)
	}
	return in, nil
}

// redact removes the API key, and anything shaped like an OpenAI key,
// from a message.
func redact(msg, key string) string {
	if key != "" {
		msg = strings.ReplaceAll(msg, key, "[redacted]")
	}
	var b strings.Builder
	for {
		i := strings.Index(msg, "sk-")
		if i < 0 {
			b.WriteString(msg)
			return b.String()
		}
		j := i + 3
		for j < len(msg) && (isKeyChar(msg[j])) {
			j++
		}
		b.WriteString(msg[:i])
		if j-i >= 12 {
			b.WriteString("sk-[redacted]")
		} else {
			b.WriteString(msg[i:j])
		}
		msg = msg[j:]
	}
}

func isKeyChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '*' || c == '.'
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
