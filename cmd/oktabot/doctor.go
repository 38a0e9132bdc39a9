package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta"
)

// cmdDoctor checks the setup and says what to fix: every setting; the
// Okta token (client id, key pair, app active), the granted scopes and the
// admin role; and, when a Slack token is set, what `run` checks at start-up
// (the settings it needs, the bot token, its scopes, each channel). Each
// problem is printed once, on stdout; the error returned only counts them
// (main prints it too).
func cmdDoctor(ctx context.Context, _ []string, io stdio, e env) error {
	log := newLogger(io.err, e)
	var p problems
	oc, err := loadOkta(e)
	oktaOK := err == nil
	p.add(err)
	bc, err := loadBot(e)
	p.add(err)
	_, err = loadClassifier(e, log)
	p.add(err)
	wc, err := loadWatch(e, bc.Channels)
	p.add(err)
	slackSet := e.get("SLACK_BOT_TOKEN") != "" || e.get("SLACK_APP_TOKEN") != ""
	var sc *slackConfig
	if slackSet {
		c, err := loadSlack(e)
		p.add(err)
		p.add(bc.forRun())
		sc = c.checkable()
	}
	var c *okta.Client
	if oktaOK {
		oc.Logger = log
		c, err = okta.New(oc)
		p.add(err)
	}
	n := printProblems(io.out, "configuration", p.err())
	if c != nil {
		n += doctorOkta(ctx, io.out, c, wc.On)
	}
	switch {
	case sc != nil:
		if err := checkSlack(ctx, *sc, bc, log); err != nil {
			n += printProblems(io.out, "slack", err)
		} else {
			fmt.Fprintf(io.out, "✓ slack: the bot token works, the app has every scope oktabot needs, and oktabot is in %s\n", strings.Join(bc.Channels, ", "))
		}
	case !slackSet:
		fmt.Fprintln(io.out, "– slack: not checked (SLACK_BOT_TOKEN and SLACK_APP_TOKEN are not set)")
	}
	if n > 0 {
		return toFix(n)
	}
	if slackSet {
		fmt.Fprintln(io.out, "All good.")
	} else {
		fmt.Fprintln(io.out, "Okta is ready. Set the Slack tokens and run doctor again to check Slack too.")
	}
	return nil
}

// printProblems prints each problem in err on its own line and counts them.
func printProblems(w io.Writer, what string, err error) int {
	errs := each(err)
	for _, err := range errs {
		fmt.Fprintf(w, "✗ %s: %v\n", what, err)
	}
	return len(errs)
}

// doctorOkta checks the token, the granted scopes (with watch, the
// watcher's okta.logs.read) and the admin role, and counts the problems
// it printed.
func doctorOkta(ctx context.Context, w io.Writer, c *okta.Client, watch bool) int {
	st, err := c.Status(ctx)
	if err != nil {
		fmt.Fprintf(w, "✗ token: cannot get a token from %s: %v\n", c.OrgURL(), err)
		return 1
	}
	fmt.Fprintf(w, "✓ token: %s token for client %s from %s\n", st.TokenType, st.ClientID, st.OrgURL)
	n := 0
	if len(st.Missing) > 0 {
		n++
		fmt.Fprintf(w, "✗ scopes: not granted: %s — grant them in the app's Okta API Scopes tab\n", strings.Join(st.Missing, " "))
	} else {
		fmt.Fprintf(w, "✓ scopes: %s\n", strings.Join(st.Granted, " "))
	}
	logs := slices.Contains(st.Granted, intents.ScopeLogsRead) || slices.Contains(st.Granted, "okta.logs.manage")
	switch {
	case !watch:
	case !logs && !slices.Contains(st.Missing, intents.ScopeLogsRead): // a missing one is named above
		n++
		fmt.Fprintf(w, "✗ watcher: the token lacks %s, which the watcher reads the System Log with: grant it in the app's Okta API Scopes tab and add it to OKTA_SCOPES, or set OKTABOT_WATCH=off\n", intents.ScopeLogsRead)
	case logs:
		fmt.Fprintf(w, "✓ watcher: %s is granted, so the watcher can read the System Log\n", intents.ScopeLogsRead)
	}
	if st.AdminRole {
		fmt.Fprintln(w, "✓ admin role: the service app can read the org")
	} else {
		n++
		note := st.AdminRoleNote
		if note == "" {
			note = "Okta returns empty lists: assign the Read-Only Administrator role to the app (Admin roles tab)"
		}
		fmt.Fprintln(w, "✗ admin role:", note)
	}
	return n
}

// toFix is doctor's error: how many problems it printed.
func toFix(n int) error {
	if n == 1 {
		return errors.New("doctor: 1 problem to fix (above)")
	}
	return fmt.Errorf("doctor: %d problems to fix (above)", n)
}
