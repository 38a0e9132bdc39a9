package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/oktabot/oktabot/okta"
)

// cmdDoctor checks the Okta side of the setup and says what to fix: the
// token (client id, key pair, app active), the granted scopes, the admin
// role. Each problem is printed once, on stdout; the error returned only
// counts them (main prints it too).
func cmdDoctor(ctx context.Context, _ []string, io stdio, e env) error {
	cfg, err := loadOkta(e)
	if err != nil {
		fmt.Fprintln(io.out, "✗ configuration:", err)
		return toFix(1)
	}
	cfg.Logger = newLogger(io.err, e)
	c, err := okta.New(cfg)
	if err != nil {
		fmt.Fprintln(io.out, "✗ configuration:", err)
		return toFix(1)
	}
	st, err := c.Status(ctx)
	if err != nil {
		fmt.Fprintln(io.out, "✗ token:", err)
		return fmt.Errorf("doctor: cannot get a token from %s", st.OrgURL)
	}
	fmt.Fprintf(io.out, "✓ token: %s token for client %s from %s\n", st.TokenType, st.ClientID, st.OrgURL)
	problems := 0
	if len(st.Missing) > 0 {
		problems++
		fmt.Fprintf(io.out, "✗ scopes: not granted: %s — grant them in the app's Okta API Scopes tab\n", strings.Join(st.Missing, " "))
	} else {
		fmt.Fprintf(io.out, "✓ scopes: %s\n", strings.Join(st.Granted, " "))
	}
	if st.AdminRole {
		fmt.Fprintln(io.out, "✓ admin role: the service app can read the org")
	} else {
		problems++
		note := st.AdminRoleNote
		if note == "" {
			note = "Okta returns empty lists: assign the Read-Only Administrator role to the app (Admin roles tab)"
		}
		fmt.Fprintln(io.out, "✗ admin role:", note)
	}
	if problems > 0 {
		return toFix(problems)
	}
	fmt.Fprintln(io.out, "All good.")
	return nil
}

// toFix is doctor's error: how many problems it printed.
func toFix(n int) error {
	if n == 1 {
		return errors.New("doctor: 1 problem to fix (above)")
	}
	return fmt.Errorf("doctor: %d problems to fix (above)", n)
}
