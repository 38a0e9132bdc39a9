package main

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/intents/freetext"
	"github.com/oktabot/oktabot/intents/llm"
)

// classifier understands free text: the rules, or an OpenAI-compatible
// model with the rules as its fallback when OPENAI_MODEL (or
// OPENAI_API_KEY) is set.
type classifier interface {
	Classify(ctx context.Context, text string) (intents.Intent, error)
	ClassifyBy(ctx context.Context, text string) (intents.Intent, intents.By, error)
}

func loadClassifier(e env, log *slog.Logger) (classifier, error) {
	tc, err := loadTime(e)
	if err != nil {
		return nil, err
	}
	rules := freetext.Rules{Location: tc.Zone}
	model, key, base := e.get("OPENAI_MODEL"), e.get("OPENAI_API_KEY"), e.get("OPENAI_BASE_URL")
	if model == "" && key == "" {
		return rules, nil
	}
	if err := checkModelURL(base); err != nil {
		return nil, err
	}
	cfg := llm.Config{APIKey: key, BaseURL: base, Model: model, Logger: log, Fallback: rules, Location: tc.Zone}
	if s := e.get("OPENAI_TIMEOUT"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 || d > 2*time.Minute {
			return nil, badf("OPENAI_TIMEOUT %q: use a duration such as 10s", s)
		}
		cfg.Timeout = d
	}
	c, err := llm.New(cfg)
	if err != nil {
		return nil, badf("OPENAI_*: %v", err)
	}
	return c, nil
}

// checkModelURL refuses OPENAI_BASE_URL over plain http to anything but a
// loopback address: the API key and every question, with the Okta names in
// it, would cross the network in clear. The error names only the scheme
// and host, never a key in the URL.
func checkModelURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || !strings.EqualFold(u.Scheme, "http") || isLoopback(u.Hostname()) {
		return nil // https, or not a URL: llm.New says what is wrong
	}
	return badf("OPENAI_BASE_URL http://%s/… uses plain http to a host that is not this machine: the API key and every question would cross the network unencrypted; use https, or plain http only to a loopback address (e.g. http://127.0.0.1:11434/v1 for a local Ollama)", u.Host)
}
