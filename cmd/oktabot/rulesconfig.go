package main

import (
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/oktabot/oktabot/okta/detect"
	"github.com/oktabot/oktabot/okta/detect/rules"
)

// loadRules reads OKTABOT_RULES_DIR, the team's own detection rules in
// Sigma's format (okta/detect/rules): nil when it is unset. A file that is
// not a rule stops the command, naming the file and the line.
func loadRules(e env, log *slog.Logger) (detect.Rules, error) {
	dir := strings.TrimSpace(e.get("OKTABOT_RULES_DIR"))
	if dir == "" {
		return nil, nil
	}
	set, err := rules.Load(dir)
	if err != nil {
		return nil, badf("OKTABOT_RULES_DIR: %v (fix or remove the file; see the README's \"Your own rules\")", err)
	}
	if set.Len() == 0 {
		log.Warn("OKTABOT_RULES_DIR holds no rule files (*.yml, *.yaml); no team rules run", "dir", dir)
		return nil, nil // a typed nil would be a non-nil detect.Rules
	}
	var titles, everything []string
	for _, r := range set.Rules() {
		titles = append(titles, r.Title)
		if _, all := r.EventTypes(); all {
			everything = append(everything, filepath.Base(r.File))
		}
	}
	log.Info("team rules loaded", "dir", dir, "rules", set.Len(), "titles", strings.Join(titles, "; "))
	if len(everything) > 0 {
		log.Info("some team rules may match any event type, so the sweep and the watcher read the System Log unfiltered",
			"rules", strings.Join(everything, ", "))
	}
	return set, nil
}
