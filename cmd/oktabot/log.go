package main

import (
	"io"
	"log/slog"
	"strings"
)

// newLogger builds the process logger: OKTABOT_LOG_FORMAT text (default) or
// json, OKTABOT_LOG_LEVEL debug|info|warn|error (default info).
func newLogger(w io.Writer, e env) *slog.Logger {
	level := slog.LevelInfo
	switch strings.ToLower(e.get("OKTABOT_LOG_LEVEL")) {
	case "debug":
		level = slog.LevelDebug
	case "warn", "warning":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(e.get("OKTABOT_LOG_FORMAT"), "json") {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
