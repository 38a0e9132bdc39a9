package bot

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// approvers knows who may decide proposals: configured user ids, and the
// members of configured user groups, re-read from Slack every few minutes
// so that the answer during a decision comes from memory.
type approvers struct {
	api    *slack.Client
	users  map[string]bool
	groups []string
	log    *slog.Logger

	mu      sync.RWMutex
	members map[string]bool
	loaded  chan struct{}
	once    sync.Once
}

const approverRefresh = 5 * time.Minute

func newApprovers(api *slack.Client, ids []string, log *slog.Logger) *approvers {
	a := &approvers{api: api, users: map[string]bool{}, log: log, members: map[string]bool{}, loaded: make(chan struct{})}
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

// start resolves the user groups now and then every few minutes.
func (a *approvers) start(ctx context.Context) {
	if len(a.groups) == 0 {
		return
	}
	go func() {
		t := time.NewTicker(approverRefresh)
		defer t.Stop()
		for {
			a.refresh(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

func (a *approvers) refresh(ctx context.Context) {
	members := map[string]bool{}
	for _, g := range a.groups {
		ids, err := a.api.GetUserGroupMembersContext(ctx, g)
		if err != nil {
			// Keep the last good answer: a Slack hiccup must not make
			// everyone an approver or no one.
			a.log.Warn("cannot read approver user group; keeping the last list", "usergroup", g, "err", err)
			a.mu.RLock()
			for u := range a.members {
				members[u] = true
			}
			a.mu.RUnlock()
			continue
		}
		for _, id := range ids {
			members[id] = true
		}
	}
	a.mu.Lock()
	a.members = members
	a.mu.Unlock()
	a.once.Do(func() { close(a.loaded) })
}

// is reports whether user may decide. It waits briefly for the first
// resolution of the user groups.
func (a *approvers) is(user string) bool {
	if a.users[user] {
		return true
	}
	select {
	case <-a.loaded:
	case <-time.After(5 * time.Second):
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.members[user]
}
