package okta

import (
	"context"
	"errors"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
)

func TestPaging(t *testing.T) {
	fx := testOrg()
	want := fixtureLogins(fx, func(s string) bool { return s != "DEPROVISIONED" })
	t.Run("Users streams page by page", func(t *testing.T) {
		h := newHarness(t, setup{fixture: fx})
		var got []string
		for u, err := range h.client.Users(t.Context(), UserQuery{PageSize: 4}) {
			if err != nil {
				t.Fatalf("Users() error = %v", err)
			}
			got = append(got, u.Login)
		}
		sort.Strings(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Users() (-want +got):\n%s", diff)
		}
		if pages := h.sim.Calls("GET", "/api/v1/users"); pages < 4 {
			t.Errorf("Users() made %d calls for %d users in pages of 4, want ≥ 4", pages, len(want))
		}
	})
	t.Run("Users stops when the caller does", func(t *testing.T) {
		h := newHarness(t, setup{fixture: fx})
		n := 0
		for _, err := range h.client.Users(t.Context(), UserQuery{PageSize: 2}) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == 3 {
				break
			}
		}
		if pages := h.sim.Calls("GET", "/api/v1/users"); pages != 2 {
			t.Errorf("3 users in pages of 2 took %d calls, want 2", pages)
		}
	})
	t.Run("Users honours its context between pages", func(t *testing.T) {
		h := newHarness(t, setup{fixture: fx})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		n := 0
		var got error
		for _, err := range h.client.Users(ctx, UserQuery{PageSize: 2}) {
			if err != nil {
				got = err
				break
			}
			if n++; n == 2 {
				cancel()
			}
		}
		if !errors.Is(got, context.Canceled) || n != 2 {
			t.Errorf("Users() after cancel: %d users, error %v; want 2 users, then context.Canceled", n, got)
		}
		if pages := h.sim.Calls("GET", "/api/v1/users"); pages != 1 {
			t.Errorf("Users() made %d calls, want 1 (no page after the cancel)", pages)
		}
	})
	t.Run("Query continues with Next across pages", func(t *testing.T) {
		h := newHarness(t, setup{fixture: fx})
		in := intents.Intent{Kind: intents.ListUsers, Limit: 3}
		var got []string
		rounds := 0
		for {
			r, err := h.client.Query(t.Context(), in)
			if err != nil {
				t.Fatalf("Query(%+v) error = %v", in, err)
			}
			if len(r.Users) > 3 {
				t.Fatalf("Query(limit 3) returned %d users", len(r.Users))
			}
			got = append(got, logins(r.Users)...)
			rounds++
			if !r.Truncated {
				break
			}
			if r.Next == "" || rounds > 10 {
				t.Fatalf("round %d: truncated without a usable Next (%q)", rounds, r.Next)
			}
			in.After = r.Next
		}
		sort.Strings(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("users over %d rounds (-want +got):\n%s", rounds, diff)
		}
		if rounds < 3 {
			t.Errorf("%d users with limit 3 took %d rounds, want ≥ 3", len(want), rounds)
		}
	})
	t.Run("a capped result crossing pages", func(t *testing.T) {
		h := newHarness(t, setup{fixture: fx})
		r, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.GroupMembers, Group: "Engineering", Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Users) != 1 || !r.Truncated || r.Next == "" {
			t.Errorf("members with limit 1 = %v truncated %v next %q, want 1, truncated, a cursor", logins(r.Users), r.Truncated, r.Next)
		}
	})
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	t.Run("429s are waited out", func(t *testing.T) {
		h := newHarness(t, setup{fixture: testOrg()})
		h.sim.SetRateLimit("groups", 2, time.Second)
		var wg sync.WaitGroup
		for range 5 {
			wg.Go(func() {
				if _, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.ListGroups}); err != nil {
					t.Errorf("Query(list_groups) under a rate limit: error = %v", err)
				}
			})
		}
		wg.Wait()
		if n := h.answered("/api/v1/groups", 429); n == 0 {
			t.Errorf("no 429 was answered, so none was waited out; calls: %q", h.sim.CallLog())
		}
		rl := h.client.RateLimits()[bucketGroups]
		if rl.Limit != 2 {
			t.Errorf("RateLimits()[groups] = %+v, want the limit 2 recorded", rl)
		}
	})
	t.Run("a reset beyond the deadline is reported, not waited for", func(t *testing.T) {
		h := newHarness(t, setup{fixture: testOrg()})
		h.sim.SetRateLimit("groups", 1, time.Minute)
		h.query(t.Context(), intents.ListGroups)
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		_, err := h.client.Query(ctx, intents.Intent{Kind: intents.ListGroups})
		if !errors.Is(err, intents.ErrRateLimited) {
			t.Fatalf("Query() error = %v, want ErrRateLimited", err)
		}
		if e, _ := intents.AsError(err); e.Detail == "" {
			t.Errorf("ErrRateLimited without the reset time: %v", err)
		}
	})
}

func TestRetries(t *testing.T) {
	t.Parallel()
	t.Run("reads retry 5xx", func(t *testing.T) {
		h := newHarness(t, setup{fixture: testOrg()})
		h.query(t.Context(), intents.ListGroups)
		h.sim.FailNext(2, 503)
		r := h.query(t.Context(), intents.ListGroups)
		if len(r.Groups) == 0 {
			t.Fatal("no groups after retries")
		}
		if n := h.answered("/api/v1/groups", 503); n != 2 {
			t.Errorf("%d 503s answered, want 2", n)
		}
	})
	t.Run("reads give up after MaxRetries", func(t *testing.T) {
		h := newHarness(t, setup{fixture: testOrg(), cfg: Config{MaxRetries: 1}})
		h.query(t.Context(), intents.ListGroups)
		h.sim.FailNext(5, 500)
		_, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.ListGroups})
		if !errors.Is(err, intents.ErrUnavailable) {
			t.Fatalf("Query() error = %v, want ErrUnavailable", err)
		}
		if n := h.answered("/api/v1/groups", 500); n != 2 {
			t.Errorf("%d calls answered 500, want 2 (one try, one retry)", n)
		}
	})
	t.Run("a write is not retried after a 5xx", func(t *testing.T) {
		h := newHarness(t, setup{fixture: testOrg(), cfg: Config{Scopes: allScopes()}})
		p, err := h.client.Preview(t.Context(), intents.Intent{Kind: intents.SuspendUser, User: "john@company.com"})
		if err != nil {
			t.Fatal(err)
		}
		h.failOnce("POST", "/api/v1/users/00u1/lifecycle/suspend", 502)
		_, err = h.client.Execute(t.Context(), p)
		if !errors.Is(err, intents.ErrUnavailable) {
			t.Fatalf("Execute() through a 502: error = %v, want ErrUnavailable", err)
		}
		if n := h.answered("/api/v1/users/00u1/lifecycle/suspend", 502); n != 1 {
			t.Errorf("the suspend met %d 502s, want 1", n)
		}
		if n := h.sim.Calls("POST", "/api/v1/users/00u1/lifecycle/suspend"); n != 0 {
			t.Errorf("the suspend was sent again after the 502 (%d times)", n)
		}
		h.failOnce("PUT", "/api/v1/groups/00g2/users/00u3", 502)
		p, err = h.client.Preview(t.Context(), intents.Intent{Kind: intents.AddGroupMember, User: "lock@company.com", Group: "Admins"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.client.Execute(t.Context(), p); err != nil {
			t.Fatalf("Execute(add member) through one 502: error = %v, want a retried PUT (idempotent)", err)
		}
	})
}
