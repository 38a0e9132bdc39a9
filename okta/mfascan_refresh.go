package okta

import (
	"context"
	"errors"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
)

// A Refresh brings the last MFA scan up to date from what changed since
// it, instead of reading every user's factors again:
//
//   - one System Log read since the scan names the users whose factors
//     changed (user.mfa.factor.*, and system.mfa.factor.deactivate when it
//     names a user) and the users whose lifecycle changed
//     (user.lifecycle.*, user.account.lock*);
//   - one users search lists the users who are ACTIVE now and were created
//     or changed status since the scan (new, activated, unsuspended,
//     unlocked users);
//
// and both run concurrently. The new and newly active users and the known
// users whose factors changed have their factors read again; the known
// users whose lifecycle changed and who are not in the search are looked
// up (by id, 20 to a request) and dropped unless still ACTIVE. A factor
// type deactivated for the whole org (system.mfa.factor.deactivate naming
// no user) can change anyone's protection: the refresh then scans
// everyone.
//
// Okta may make an event readable some time after the time it carries,
// so the reads start refreshLag before the last scan; the events and the
// users' status changes that the last refresh already handled in that
// overlap are not checked again.

const (
	// maxRefreshAge: a scan older than this is done again in full rather
	// than brought up to date from a week of System Log.
	maxRefreshAge = 7 * 24 * time.Hour
	// refreshLag: the reads start this long before the last scan, for
	// events Okta made readable late.
	refreshLag = 5 * time.Minute
	// statusBatch is how many users one status lookup asks for.
	statusBatch = 20
)

// oktaTime formats a time as Okta's filters and searches take it.
func oktaTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// mfaChanges is what happened since a scan.
type mfaChanges struct {
	factors   map[string]bool // users whose factors changed
	lifecycle map[string]bool // users whose lifecycle changed
	fresh     []intents.User  // users ACTIVE now who were created or changed status since
	everyone  bool            // a change that can affect anyone
	seen      refreshSeen     // what the reads found, for the next refresh
}

// refreshSeen is what a refresh handled: the uuids of the change events
// it read and the status-change times of the users it found active.
type refreshSeen struct {
	events map[string]bool
	users  map[string]time.Time
}

// userChange is when a user was created or last changed status.
func userChange(u intents.User) time.Time {
	if u.StatusChanged.After(u.Created) {
		return u.StatusChanged
	}
	return u.Created
}

// errRescanAll is refreshMFA's answer when a change can affect anyone: a
// full scan is needed.
var errRescanAll = errors.New("okta: the MFA scan must be done again in full")

// refreshMFA brings last up to date.
func (c *Client) refreshMFA(ctx context.Context, last *mfaState, opts MFAScanOptions) (MFAReport, error) {
	start := time.Now()
	ch, err := c.mfaChangesSince(ctx, last.at.Add(-refreshLag), start.Add(-refreshLag), last.seen)
	if err != nil {
		return MFAReport{}, err
	}
	if ch.everyone {
		return MFAReport{}, errRescanAll
	}
	s := &mfaState{at: start.UTC(), users: maps.Clone(last.users), seen: ch.seen}
	recheck := map[string]intents.User{}
	for _, u := range ch.fresh {
		recheck[u.ID] = u
	}
	var gone []string
	for id := range ch.lifecycle {
		if _, known := s.users[id]; known && recheck[id].ID == "" {
			gone = append(gone, id)
		}
	}
	status, err := c.currentStatus(ctx, gone)
	if err != nil {
		return MFAReport{}, err
	}
	for _, id := range gone {
		if !canSignIn(status[id]) {
			delete(s.users, id)
		}
	}
	for id := range ch.factors {
		if su, known := s.users[id]; known && recheck[id].ID == "" {
			recheck[id] = su.user
		}
	}
	one := func(yield func(page[intents.User], error) bool) {
		yield(page[intents.User]{items: slices.Collect(maps.Values(recheck))}, nil)
	}
	checked, err := c.checkFactors(ctx, factorScan{pages: one, progress: opts.Progress, result: func(su savedUser) {
		if su.Gone {
			delete(s.users, su.User.ID)
		} else {
			s.users[su.User.ID] = scannedUser{user: su.User, class: su.Class}
		}
	}})
	if err != nil {
		return MFAReport{}, err
	}
	s.took = time.Since(start)
	c.mfa.put(s)
	r := s.report()
	r.Checked, r.Refreshed = checked, true
	return r, nil
}

// mfaChangesSince reads, concurrently, the System Log's factor and
// lifecycle events and the users who became active since, leaving out
// what the last refresh handled. What it finds from overlap on is kept for
// the next refresh, whose reads will start there.
func (c *Client) mfaChangesSince(ctx context.Context, since, overlap time.Time, handled refreshSeen) (mfaChanges, error) {
	ch := mfaChanges{factors: map[string]bool{}, lifecycle: map[string]bool{},
		seen: refreshSeen{events: map[string]bool{}, users: map[string]time.Time{}}}
	grp, gctx := newGroup(ctx)
	grp.Go(func() error {
		// No until: up to the newest event, so that one published in the
		// millisecond the refresh started (until is exclusive) is not lost.
		q := logQuery{since: since, pageSize: logPageMax, filter: anyOf(typeTerms([]string{
			"user.mfa.factor.", "system.mfa.factor.deactivate", "user.lifecycle.", "user.account.lock*",
			authenticatorDeactivated, authenticatorUpdated,
		})...)}
		for e, err := range items(c.logPages(gctx, q, "")) {
			if err != nil {
				return err
			}
			if !e.Published.Before(overlap) {
				ch.seen.events[e.UUID] = true
			}
			if handled.events[e.UUID] {
				continue
			}
			users := eventUsers(e)
			switch {
			case strings.HasPrefix(e.EventType, "user.mfa.factor.") || e.EventType == "system.mfa.factor.deactivate":
				if len(users) == 0 && e.EventType == "system.mfa.factor.deactivate" {
					ch.everyone = true
				}
				for _, id := range users {
					ch.factors[id] = true
				}
			case e.EventType == authenticatorDeactivated || e.EventType == authenticatorUpdated:
				ch.everyone = true
			default:
				for _, id := range users {
					ch.lifecycle[id] = true
				}
			}
		}
		return nil
	})
	grp.Go(func() error {
		search := allOf(signInSearch(),
			anyOf(term("statusChanged", "gt", oktaTime(since)), term("created", "gt", oktaTime(since))))
		for u, err := range items(c.searchUsers(gctx, "list users changed since the MFA scan", search, "", "")) {
			if err != nil {
				return err
			}
			at := userChange(u)
			if !at.Before(overlap) {
				ch.seen.users[u.ID] = at
			}
			if prev, ok := handled.users[u.ID]; ok && prev.Equal(at) {
				continue
			}
			ch.fresh = append(ch.fresh, u)
		}
		return nil
	})
	return ch, grp.Wait()
}

// eventUsers are the ids of the users an event is about: its user targets,
// else its actor when that is a user.
func eventUsers(e intents.Event) []string {
	var out []string
	for _, t := range e.Targets {
		if strings.EqualFold(t.Type, "User") && t.ID != "" && t.ID != "unknown" {
			out = append(out, t.ID)
		}
	}
	if len(out) == 0 && strings.EqualFold(e.Actor.Type, "User") && e.Actor.ID != "" && e.Actor.ID != "unknown" {
		out = append(out, e.Actor.ID)
	}
	return out
}

// searchUsers lists the users matching a search or filter expression,
// from the page request from ("": the first page; else a next link Okta
// gave, as listPages takes it).
func (c *Client) searchUsers(ctx context.Context, op, search, filter, from string) iter.Seq2[page[intents.User], error] {
	return listPages(ctx, c, op, intents.ScopeUsersRead, from, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		r := c.api.UserAPI.ListUsers(ctx).Limit(listMax)
		if search != "" {
			r = r.Search(search)
		}
		if filter != "" {
			r = r.Filter(filter)
		}
		_, resp, err := r.Execute()
		return resp, err
	}, decodeUser)
}

// currentStatus looks the users up by id, statusBatch to a request, and
// returns their status now; a deleted user is absent.
func (c *Client) currentStatus(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for batch := range slices.Chunk(ids, statusBatch) {
		terms := make([]string, len(batch))
		for i, id := range batch {
			terms[i] = term("id", "eq", id)
		}
		for u, err := range items(c.searchUsers(ctx, "look up users whose lifecycle changed", "", anyOf(terms...), "")) {
			if err != nil {
				return nil, err
			}
			out[u.ID] = u.Status
		}
	}
	return out, nil
}
