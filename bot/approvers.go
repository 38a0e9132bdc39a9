package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// approvers knows who may decide proposals: configured user ids, and the
// members of configured user groups. Each group is read on its own and
// kept with the time of the read. A group that cannot be read makes none
// of its members an approver (fail closed) until a read succeeds again;
// the other groups are not affected.
//
// An answer from memory (is) trusts a read no older than approverMaxAge;
// the groups are read again every approverRefresh for it. A decision
// (confirm) reads the groups again, so that someone taken out of a group
// cannot decide on their next click; decisions at the same time share the
// read under way (usergroups.users.list is Tier 2, 20+ a minute).
type approvers struct {
	api    *slack.Client
	users  map[string]bool
	groups []string
	log    *slog.Logger
	now    func() time.Time

	mu     sync.Mutex
	reads  map[string]*groupRead
	loaded chan struct{} // closed after the first round of reads
	once   sync.Once
}

// groupRead is what oktabot knows of one user group.
type groupRead struct {
	members map[string]bool
	at      time.Time     // of the last good read; zero: none yet
	err     error         // of the last read; nil when it succeeded
	reading chan struct{} // closed when the read under way ends; nil: none
}

const (
	approverMaxAge  = 5 * time.Minute
	approverRefresh = 2 * time.Minute
)

// errUnconfirmed is a decision by someone oktabot could not confirm as an
// approver: a user group they may be in could not be read.
var errUnconfirmed = errors.New("bot: could not confirm the approver")

func newApprovers(api *slack.Client, ids []string, log *slog.Logger) *approvers {
	a := &approvers{api: api, users: map[string]bool{}, log: log, now: time.Now,
		reads: map[string]*groupRead{}, loaded: make(chan struct{})}
	for _, id := range ids {
		if strings.HasPrefix(id, "S") {
			a.groups = append(a.groups, id)
		} else {
			a.users[id] = true
		}
	}
	if len(a.groups) == 0 {
		close(a.loaded)
	}
	return a
}

// start reads the user groups now and then every approverRefresh.
func (a *approvers) start(ctx context.Context) {
	if len(a.groups) == 0 {
		return
	}
	go func() {
		t := time.NewTicker(approverRefresh)
		defer t.Stop()
		for {
			for _, g := range a.groups {
				_, _ = a.read(ctx, g, 0)
			}
			a.once.Do(func() { close(a.loaded) })
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// read returns the members of group g from a read no older than maxAge,
// reading it again if needed. A read already under way is waited for
// instead of made twice. A failed read is the error, whatever was read
// before.
func (a *approvers) read(ctx context.Context, g string, maxAge time.Duration) (map[string]bool, error) {
	a.mu.Lock()
	r := a.reads[g]
	if r == nil {
		r = &groupRead{}
		a.reads[g] = r
	}
	if r.err == nil && !r.at.IsZero() && a.now().Sub(r.at) <= maxAge {
		m := r.members
		a.mu.Unlock()
		return m, nil
	}
	if wait := r.reading; wait != nil {
		a.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		return r.members, r.err
	}
	done := make(chan struct{})
	r.reading = done
	a.mu.Unlock()

	ids, err := a.api.GetUserGroupMembersContext(ctx, g)

	a.mu.Lock()
	defer a.mu.Unlock()
	r.reading = nil
	close(done)
	if err != nil {
		r.err = fmt.Errorf("user group %s: %w", g, err)
		a.log.Warn("cannot read an approver user group; its members are not approvers until it can be read", "usergroup", g, "err", err, "hint", orText(groupHint(err), "oktabot reads it again at the next decision"))
		return nil, r.err
	}
	r.members, r.at, r.err = make(map[string]bool, len(ids)), a.now(), nil
	for _, id := range ids {
		r.members[id] = true
	}
	return r.members, nil
}

// is reports from memory whether user may decide: a configured user, or a
// member of a group by a good read no older than approverMaxAge. It waits
// briefly for the first reads of the groups.
func (a *approvers) is(user string) bool {
	if a.users[user] {
		return true
	}
	select {
	case <-a.loaded:
	case <-time.After(5 * time.Second):
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, g := range a.groups {
		r := a.reads[g]
		if r != nil && r.err == nil && !r.at.IsZero() && a.now().Sub(r.at) <= approverMaxAge && r.members[user] {
			return true
		}
	}
	return false
}

// confirm reports whether user may decide now, reading the user groups
// again. When user is in no group that could be read and some group could
// not be, the answer is false with errUnconfirmed: they may be an
// approver, and must try again.
func (a *approvers) confirm(ctx context.Context, user string) (bool, error) {
	if a.users[user] {
		return true, nil
	}
	var failed []error
	for _, g := range a.groups {
		m, err := a.read(ctx, g, 0)
		if err != nil {
			failed = append(failed, err)
			continue
		}
		if m[user] {
			return true, nil
		}
	}
	if len(failed) > 0 {
		return false, fmt.Errorf("%w: %w", errUnconfirmed, errors.Join(failed...))
	}
	return false, nil
}

// noUserGroups reports whether Slack refused a user-group call because
// the workspace's plan has none. Slack documents plan_upgrade_required for
// usergroups.users.list; older answers say paid_teams_only.
func noUserGroups(err error) bool {
	var se slack.SlackErrorResponse
	code := err.Error()
	if errors.As(err, &se) {
		code = se.Err
	}
	return code == "plan_upgrade_required" || code == "paid_teams_only"
}

// groupHint says what to do about a user group Slack would not list.
func groupHint(err error) string {
	switch {
	case noUserGroups(err):
		return "this Slack workspace's plan has no user groups: list approvers by user id (U…) in OKTABOT_APPROVERS"
	case strings.Contains(err.Error(), "not_allowed_token_type"):
		return "Slack does not let the bot token list user groups here: list approvers by user id (U…) in OKTABOT_APPROVERS"
	case strings.Contains(err.Error(), "no_such_subteam"):
		return "no user group has this id: copy it from the group's page in Slack"
	case strings.Contains(err.Error(), "missing_scope"):
		return "the Slack app lacks the usergroups:read scope: add it and reinstall the app"
	}
	return ""
}

// CheckApprovers reads each user group (S…) of approver ids once, so that
// start-up stops on a group that will never work: on a workspace whose
// plan has no user groups, an unknown group, a missing scope. It says
// which group and what to do, all problems in one line.
func CheckApprovers(ctx context.Context, api *slack.Client, ids []string) error {
	var problems []string
	for _, id := range ids {
		if !strings.HasPrefix(id, "S") {
			continue
		}
		if _, err := api.GetUserGroupMembersContext(ctx, id); err != nil {
			hint := orText(groupHint(err), "check that Slack is reachable and try again")
			problems = append(problems, fmt.Sprintf("OKTABOT_APPROVERS names the user group %s, and Slack will not list its members (%v): %s", id, err, hint))
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// orText is s, or def when s is empty.
func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
