package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta"
)

// Start-up checks of who may approve and what is never acted on, once
// Slack and Okta answer: each user group of OKTABOT_APPROVERS can be read
// (a workspace on a plan without user groups cannot), OKTABOT_PROTECTED's
// entries name Okta objects (resolved to their ids, so that a rename does
// not lift the protection), oktabot's own service app is found by its
// client id, and the token may read admin roles unless
// OKTABOT_ALLOW_ADMIN_TARGETS lets actions reach administrators.

// loadAllowAdmins reads OKTABOT_ALLOW_ADMIN_TARGETS.
func loadAllowAdmins(e env) (bool, error) {
	return boolVar(e, "OKTABOT_ALLOW_ADMIN_TARGETS", false)
}

// guard runs the checks and returns the bot's Protection. Every problem is
// reported, in one error.
func guard(ctx context.Context, api *slack.Client, dir *okta.Client, bc botConfig, log *slog.Logger) (intents.Protection, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var problems []string
	add := func(err error) {
		if err != nil {
			problems = append(problems, err.Error())
		}
	}
	add(bot.CheckApprovers(ctx, api, bc.Approvers))
	add(checkRolesScope(ctx, dir))
	prot, err := resolveProtection(ctx, dir, bc.Protected, log)
	add(err)
	if len(problems) > 0 {
		return prot, badf("%s", strings.Join(problems, "; "))
	}
	return prot, nil
}

// checkRolesScope refuses to start without okta.roles.read while actions
// on administrators are refused: oktabot could not tell who they are.
func checkRolesScope(ctx context.Context, dir *okta.Client) error {
	if dir.AdminTargetsAllowed() {
		return nil
	}
	st, err := dir.Status(ctx)
	if err != nil {
		return fmt.Errorf("cannot read the Okta token's scopes: %w", err)
	}
	if !slices.Contains(st.Granted, intents.ScopeRolesRead) {
		return fmt.Errorf("the Okta token lacks %s, which oktabot needs to keep its hands off Okta administrators: grant it to the service app (Okta API Scopes) and add it to OKTA_SCOPES, or set OKTABOT_ALLOW_ADMIN_TARGETS=true", intents.ScopeRolesRead)
	}
	return nil
}

// resolveProtection resolves OKTABOT_PROTECTED to Okta ids and finds the
// service app by its client id. An entry that names nothing is an error
// naming it.
func resolveProtection(ctx context.Context, dir *okta.Client, names []string, log *slog.Logger) (intents.Protection, error) {
	p := intents.Protection{Names: names, ServiceAppID: dir.ClientID()}
	app, err := dir.ServiceApp(ctx)
	if err == nil {
		p.ServiceAppID = app.ID
	} else {
		log.Warn("cannot find oktabot's own service app among the org's apps by its client id; protecting the app whose id is the client id", "client_id", dir.ClientID(), "err", err)
	}
	if len(names) == 0 {
		return p, nil
	}
	ids, unresolved, err := dir.ResolveProtected(ctx, names)
	if err != nil {
		return p, fmt.Errorf("OKTABOT_PROTECTED: cannot look its entries up in Okta (%v)", err)
	}
	if len(unresolved) > 0 {
		quoted := make([]string, len(unresolved))
		for i, u := range unresolved {
			quoted[i] = strconv.Quote(u)
		}
		return p, fmt.Errorf("OKTABOT_PROTECTED: %s names no Okta user (login, email or id), group (name or id) or app (label or id): correct or remove it", strings.Join(quoted, ", "))
	}
	p.IDs = ids
	log.Info("protected objects resolved", "entries", len(names), "ids", len(ids), "service_app", p.ServiceAppID)
	return p, nil
}
