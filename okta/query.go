package okta

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/oktabot/oktabot/intents"
)

const (
	// defaultResultCap is how many items a query shows without a limit.
	defaultResultCap = 200
	// maxResultCap is the most a query collects: what a CSV export asks
	// for (typed limits stop at 1000); Events streams more.
	maxResultCap = 10_000
)

// Query answers a read intent: list_users, user_details, list_groups,
// group_members, group_apps, list_apps, app_details, app_assignments,
// list_policies, policy_rules, logs, admin_actions, security_events,
// status and the investigations (failed_logins, suspicious_logins,
// login_history, investigate, threats, mfa_status: investigate.go,
// mfascan.go). Lists stop at the intent's Limit (default 200, at most 10,000 for exports)
// with Truncated and a Next cursor that Intent.After continues from. The
// System Log listings answer with the cursor of their Window.
func (c *Client) Query(ctx context.Context, in intents.Intent) (intents.Result, error) {
	res := intents.Result{Intent: in}
	limit := in.Limit
	switch {
	case limit <= 0:
		limit = defaultResultCap
	case limit > maxResultCap:
		limit = maxResultCap
	}
	from, err := parseCursor(in.After)
	if err != nil {
		return res, err
	}
	query, ok := queries[in.Kind]
	if !ok {
		return res, invalid("query", fmt.Sprintf("%q is not a read this adapter answers", in.Kind))
	}
	err = query(c, ctx, in, &res, from, limit)
	if err == nil && windowed(in.Kind) && !res.Since.IsZero() {
		res.Window = cursor{since: res.Since, until: res.Until}.String()
	}
	return res, err
}

// queryFunc answers one read kind into res; from and limit are the
// intent's cursor and cap. It has the shape of a method expression such as
// (*Client).queryLogs.
type queryFunc func(c *Client, ctx context.Context, in intents.Intent, res *intents.Result, from cursor, limit int) error

// queries is how Query answers each read kind of the catalogue; a test
// checks that every read (but those the bot answers itself) has an entry.
var queries = map[intents.Kind]queryFunc{
	intents.Status: func(c *Client, ctx context.Context, _ intents.Intent, res *intents.Result, _ cursor, _ int) error {
		st, err := c.Status(ctx)
		if err != nil {
			return err
		}
		res.Status = &st
		return nil
	},
	intents.ListUsers: func(c *Client, ctx context.Context, in intents.Intent, res *intents.Result, from cursor, limit int) error {
		var err error
		q := UserQuery{Text: in.Query, Status: in.Status, After: from.page, PageSize: limit}
		res.Users, res.Next, res.Truncated, err = collect(c.userPages(ctx, q), from, limit)
		if err == nil && len(res.Users) == 0 && from.page == "" {
			err = c.checkAdminRole(ctx, "list users")
		}
		return err
	},
	intents.UserDetails: func(c *Client, ctx context.Context, in intents.Intent, res *intents.Result, _ cursor, _ int) error {
		var err error
		res.Profile, err = c.userProfile(ctx, in.User)
		if err == nil {
			res.Subject = res.Profile.User.Login
		}
		return err
	},
	intents.ListGroups: func(c *Client, ctx context.Context, in intents.Intent, res *intents.Result, from cursor, limit int) error {
		var err error
		res.Groups, res.Next, res.Truncated, err = collect(c.groupPages(ctx, strings.TrimSpace(in.Query), from, limit), from, limit)
		if err == nil && len(res.Groups) == 0 && from.page == "" {
			err = c.checkAdminRole(ctx, "list groups")
		}
		return err
	},
	intents.GroupMembers: (*Client).queryGroup,
	intents.GroupApps:    (*Client).queryGroup,
	intents.ListApps: func(c *Client, ctx context.Context, in intents.Intent, res *intents.Result, from cursor, limit int) error {
		var err error
		res.Apps, res.Next, res.Truncated, err = collect(c.appPages(ctx, strings.TrimSpace(in.Query), in.Status, from, limit), from, limit)
		if err == nil && len(res.Apps) == 0 && from.page == "" {
			err = c.checkAdminRole(ctx, "list apps")
		}
		return err
	},
	intents.AppDetails: func(c *Client, ctx context.Context, in intents.Intent, res *intents.Result, _ cursor, _ int) error {
		a, err := c.resolveApp(ctx, in.App)
		if err != nil {
			return err
		}
		res.Apps, res.Subject = []intents.App{a}, a.Label
		return nil
	},
	intents.AppAssignments: (*Client).queryAssignments,
	intents.ListPolicies: func(c *Client, ctx context.Context, in intents.Intent, res *intents.Result, _ cursor, limit int) error {
		return c.queryPolicies(ctx, in, res, limit)
	},
	intents.PolicyRules: func(c *Client, ctx context.Context, in intents.Intent, res *intents.Result, _ cursor, limit int) error {
		p, err := c.resolvePolicy(ctx, in.Policy, in.PolicyType)
		if err != nil {
			return err
		}
		res.Subject = p.Name
		res.Rules, err = c.rules(ctx, p.ID)
		if len(res.Rules) > limit {
			res.Rules, res.Truncated = res.Rules[:limit], true
		}
		return err
	},
	intents.Logs:             (*Client).queryLogs,
	intents.AdminActions:     (*Client).queryLogs,
	intents.SecurityEvents:   (*Client).queryLogs,
	intents.FailedLogins:     (*Client).queryInvestigation,
	intents.SuspiciousLogins: (*Client).queryInvestigation,
	intents.LoginHistory:     (*Client).queryInvestigation,
	intents.Investigate:      (*Client).queryInvestigation,
	intents.Threats:          (*Client).queryInvestigation,
	intents.MFAStatus:        (*Client).queryInvestigation,
}

// queryGroup lists a group's members or its applications.
func (c *Client) queryGroup(ctx context.Context, in intents.Intent, res *intents.Result, from cursor, limit int) error {
	g, err := c.resolveGroup(ctx, in.Group)
	if err != nil {
		return err
	}
	res.Subject = g.Name
	if in.Kind == intents.GroupMembers {
		res.Users, res.Next, res.Truncated, err = collect(c.memberPages(ctx, g.ID, from, limit), from, limit)
	} else {
		res.Apps, res.Next, res.Truncated, err = collect(c.groupAppPages(ctx, g.ID, from, limit), from, limit)
	}
	return err
}

// windowed reports the listings of a System Log window, which a cursor
// without a page reads again from the start.
func windowed(k intents.Kind) bool {
	switch k {
	case intents.Logs, intents.AdminActions, intents.SecurityEvents,
		intents.FailedLogins, intents.SuspiciousLogins, intents.LoginHistory:
		return true
	}
	return false
}

// queryAssignments lists an app's group assignments, then its user
// assignments, within the cap. Next continues the user assignments; when
// the groups alone fill the cap the result is truncated without a cursor.
func (c *Client) queryAssignments(ctx context.Context, in intents.Intent, res *intents.Result, from cursor, limit int) error {
	a, err := c.resolveApp(ctx, in.App)
	if err != nil {
		return err
	}
	res.Subject = a.Label
	if in.After == "" {
		groups, _, more, err := collect(c.appGroupPages(ctx, a.ID, cursor{}, limit), cursor{}, limit)
		if err != nil {
			return err
		}
		if err := c.nameGroups(ctx, groups); err != nil {
			return err
		}
		res.Assignments = groups
		if more {
			res.Truncated = true
			return nil
		}
	}
	left := limit - len(res.Assignments)
	if left <= 0 {
		// Full of groups: say so only if users remain.
		for _, err := range items(c.appUserPages(ctx, a.ID, cursor{}, 1)) {
			if err != nil {
				return err
			}
			res.Truncated, res.Next = true, cursor{}.String()
			break
		}
		return nil
	}
	users, next, more, err := collect(c.appUserPages(ctx, a.ID, from, left), from, left)
	if err != nil {
		return err
	}
	res.Assignments = append(res.Assignments, users...)
	res.Truncated, res.Next = more, next
	return nil
}

// queryPolicies lists the policies of one type, or of every type the org
// has: a type Okta refuses (ACCESS_POLICY on Classic Engine) is skipped
// with a note saying why, even when it was the one asked for.
func (c *Client) queryPolicies(ctx context.Context, in intents.Intent, res *intents.Result, limit int) error {
	types := policyTypes()
	if in.PolicyType != "" {
		t, err := checkPolicyType(in.PolicyType)
		if err != nil {
			return err
		}
		types = []string{t}
	}
	for _, t := range types {
		// With the cap reached, a page of one says whether more remain.
		left := limit - len(res.Policies)
		ps, _, more, err := collect(c.typedPolicyPages(ctx, t, max(left, 1)), cursor{}, left)
		if tr, ok := isRefusedType(err); ok {
			res.Notes = append(res.Notes, tr.e.Detail)
			continue
		}
		if err != nil {
			return err
		}
		res.Policies = append(res.Policies, ps...)
		if more {
			res.Truncated = true
			break
		}
	}
	slices.SortStableFunc(res.Policies, func(a, b intents.Policy) int {
		if a.Type != b.Type {
			return strings.Compare(a.Type, b.Type)
		}
		return a.Priority - b.Priority
	})
	return nil
}

// Event types of admin_actions and security_events, as Okta's System Log
// names them. A trailing "." matches a prefix.
func adminEventTypes() []string {
	return []string{
		"user.lifecycle.", "user.account.privilege.", "group.user_membership.", "group.privilege.",
		"group.lifecycle.", "application.lifecycle.", "application.user_membership.", "application.policy.",
		"policy.lifecycle.", "policy.rule.", "zone.", "system.idp.lifecycle.", "system.api_token.",
		"iam.resourceset.bindings.", "user.session.clear", "user.session.impersonation.", "user.mfa.factor.reset_all",
	}
}

// oiePushDenied matches a push the user denied on an Identity Engine org,
// which logs no user.mfa.okta_verify.deny_push: the Okta Verify push
// check failed as invalid credentials.
// classicPushDenied is a Classic Engine org's event for a denied push.
const classicPushDenied = "user.mfa.okta_verify.deny_push"

func oiePushDenied() string {
	return "(" + allOf(term("eventType", "eq", "user.authentication.auth_via_mfa"),
		term("debugContext.debugData.factor", "eq", "OKTA_VERIFY_PUSH"),
		term("outcome.reason", "eq", "INVALID_CREDENTIALS")) + ")"
}

func securityEventTypes() []string {
	return []string{
		"security.threat.detected", "security.request.blocked", "security.session.detect_client_roaming",
		"user.account.report_suspicious_activity_by_enduser", "user.risk.", "user.account.lock",
		"user.account.lock.limit", "user.mfa.attempt_bypass", classicPushDenied,
	}
}

// queryLogs answers logs, admin_actions and security_events: newest
// first, within the intent's window; a later page (Intent.After) within
// the window of the first, never up to a new "now". A user is resolved
// first (ResolveUser) and matched by their Okta id, as System Log filters
// compare exactly; only without okta.users.read is the name used as typed,
// and the result says so.
func (c *Client) queryLogs(ctx context.Context, in intents.Intent, res *intents.Result, from cursor, limit int) error {
	if err := checkKeywords(in.Query); err != nil {
		return err
	}
	since, until := window(in)
	f := intents.LogFilter{Since: since, Until: until, Outcome: in.Outcome, Query: in.Query}
	if in.After != "" {
		if err := from.checkLog(); err != nil {
			return err
		}
		f.Since, f.Until = from.since, from.until
	}
	user := strings.TrimSpace(in.User)
	switch in.Kind {
	case intents.Logs:
		for _, t := range strings.Split(in.EventType, ",") {
			if t = strings.TrimSpace(t); t != "" {
				f.EventTypes = append(f.EventTypes, t)
			}
		}
	case intents.AdminActions:
		f.EventTypes = adminEventTypes()
	case intents.SecurityEvents:
		f.EventTypes = securityEventTypes()
	}
	who := ""
	if user != "" {
		u, ok, err := c.logPerson(ctx, user, res)
		switch {
		case err != nil:
			return err
		case ok:
			who = term("actor.id", "eq", u.ID)
			if in.Kind != intents.AdminActions {
				who = anyOf(who, term("target.id", "eq", u.ID))
			}
		default:
			who = term("actor.alternateId", "eq", user)
			if in.Kind != intents.AdminActions {
				who = anyOf(who, term("target.alternateId", "eq", user))
			}
		}
	}
	q := c.logQueryOf(f, "", true)
	if in.Kind == intents.SecurityEvents || slices.Contains(f.EventTypes, classicPushDenied) {
		// A push denial is its own event type on Classic orgs only.
		q.filter = logFilterWith(f, "", oiePushDenied())
	}
	q.filter = allOf(q.filter, who)
	q.pageSize = int(pageSize(limit, logPageMax))
	res.Since, res.Until = q.since, q.until
	var err error
	res.Events, res.Next, res.Truncated, err = collect(c.readLog(ctx, q, from), from, limit)
	res.Read = len(res.Events)
	return err
}
