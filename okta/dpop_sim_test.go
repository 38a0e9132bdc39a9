package okta

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// newDPoPHarness is a harness whose service app requires DPoP, with the
// client configured for it and the simulator's resource server behaving as
// b says.
func newDPoPHarness(t *testing.T, b oktasim.DPoPBehaviour) *harness {
	t.Helper()
	h := newHarness(t, setup{fixture: testOrg(), app: oktasim.ServiceApp{RequireDPoP: true}, cfg: Config{DPoP: true}})
	h.sim.SetDPoPBehaviour(b)
	return h
}

// TestDPoPAsOkta runs queries and an action through the real SDK against a
// resource server that wants its own DPoP nonce, challenges with a 400 or
// a 401, rotates the nonce twice on the retries and refuses stale proofs
// with a body-less 400; then the machine's clock falls behind Okta's.
func TestDPoPAsOkta(t *testing.T) {
	for _, status := range []int{400, 401} {
		t.Run(fmt.Sprintf("challenges with %d", status), func(t *testing.T) {
			h := newDPoPHarness(t, oktasim.DPoPBehaviour{NonceStatus: status, Rotations: 2, MaxProofAge: time.Minute})
			if res := h.query(t.Context(), intents.ListUsers); len(res.Users) == 0 {
				t.Fatal("Query(list_users) returned no users")
			}
			// One challenge for the missing nonce, two for the rotations.
			if got := h.answered("/api/", status); got != 3 {
				t.Errorf("%d API answers were %d, want 3 nonce challenges", got, status)
			}
			if res := h.query(t.Context(), intents.ListGroups); len(res.Groups) == 0 {
				t.Fatal("Query(list_groups) returned no groups")
			}
			p, err := h.client.Preview(t.Context(), intents.Intent{Kind: intents.SuspendUser, User: "00u1"})
			if err != nil {
				t.Fatalf("Preview(suspend) error = %v", err)
			}
			if _, err := h.client.Execute(t.Context(), p); err != nil {
				t.Fatalf("Execute(suspend) error = %v", err)
			}
			if u := h.sim.Snapshot(); !userHasStatus(u, "00u1", "SUSPENDED") {
				t.Error("00u1 is not SUSPENDED after the action")
			}
			// The nonce of the last challenge, kept from that answer, serves
			// every later call: no more challenges.
			if got := h.answered("/api/", status); got != 3 {
				t.Errorf("%d API answers were %d after more calls, want still 3: the nonce was not kept", got, status)
			}
			if ok, failed := h.grants(); ok != 1 || failed != 0 {
				t.Errorf("token grants = %d ok, %d failed; want 1, 0", ok, failed)
			}

			// Okta's clock runs 3 minutes ahead of this machine's: every
			// proof is now too old for the resource server.
			h.sim.SetClock(func() time.Time { return time.Now().Add(3 * time.Minute) })
			before := h.sim.Calls("GET", "/api/v1/users")
			_, err = h.client.Query(t.Context(), intents.Intent{Kind: intents.ListUsers})
			if !errors.Is(err, intents.ErrAuth) {
				t.Fatalf("Query() with a stale clock: error = %v, want ErrAuth", err)
			}
			e, _ := intents.AsError(err)
			for _, want := range []string{"The DPoP proof JWT was issued too far in the past", "check this machine's clock"} {
				if e == nil || !strings.Contains(e.Detail, want) {
					t.Errorf("error detail %q lacks %q", e.Detail, want)
				}
			}
			if e != nil && e.Status != 400 {
				t.Errorf("error status = %d, want Okta's 400", e.Status)
			}
			if got := h.sim.Calls("GET", "/api/v1/users") - before; got != 1 {
				t.Errorf("a refused proof was sent %d times, want once (no retry can fix a clock)", got)
			}
		})
	}
	t.Run("concurrent calls share the nonces", func(t *testing.T) {
		h := newDPoPHarness(t, oktasim.DPoPBehaviour{NonceStatus: 400, Rotations: 2})
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Go(func() {
				kind := []intents.Kind{intents.ListUsers, intents.ListGroups, intents.ListApps}[i%3]
				if _, err := h.client.Query(t.Context(), intents.Intent{Kind: kind}); err != nil {
					t.Errorf("Query(%s) error = %v", kind, err)
				}
			})
		}
		wg.Wait()
		if got := h.answered("/api/", 400); got < 3 {
			t.Errorf("%d nonce challenges, want at least the first call's 3", got)
		}
	})
	t.Run("a fourth nonce challenge in a row is an error naming Okta's reason", func(t *testing.T) {
		h := newDPoPHarness(t, oktasim.DPoPBehaviour{NonceStatus: 400, Rotations: 3})
		_, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.ListUsers})
		if err == nil {
			t.Fatal("Query() succeeded past three nonce rounds")
		}
		if !strings.Contains(err.Error(), "Resource server requires nonce in DPoP proof") {
			t.Errorf("error %q does not carry Okta's error_description", err)
		}
		if got := h.sim.Calls("GET", "/api/v1/users"); got != 4 {
			t.Errorf("list users was sent %d times, want 4 (the call and three nonce rounds)", got)
		}
	})
}

// userHasStatus reports whether the fixture's user id has status.
func userHasStatus(fx *oktasim.Fixture, id, status string) bool {
	for _, u := range fx.Users {
		if u["id"] == id {
			return u["status"] == status
		}
	}
	return false
}
