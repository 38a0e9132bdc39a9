package main

import "strconv"

// limitsConfig is fair use: how much of oktabot one person may hold at
// once.
type limitsConfig struct {
	// MaxPerUser is how many requests one person may have at once, waiting
	// or worked on, CSV exports included (OKTABOT_MAX_PER_USER); 0 leaves
	// the bot's default (3).
	MaxPerUser int
}

// maxPerUserCap bounds OKTABOT_MAX_PER_USER: more than this is no limit.
const maxPerUserCap = 100

// loadLimits reads OKTABOT_MAX_PER_USER.
func loadLimits(e env) (limitsConfig, error) {
	var l limitsConfig
	if s := e.get("OKTABOT_MAX_PER_USER"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPerUserCap {
			return l, badf("OKTABOT_MAX_PER_USER %q: use how many requests one person may have at once, a number from 1 to %d (the default is 3)", s, maxPerUserCap)
		}
		l.MaxPerUser = n
	}
	return l, nil
}
