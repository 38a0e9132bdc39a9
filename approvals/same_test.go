package approvals_test

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// wantDuplicate fails the test unless Create(p) stored nothing and pointed
// to the pending proposal want.
func wantDuplicate(t *testing.T, ts *TestStore, p intents.Proposal, want string) {
	t.Helper()
	got, err := ts.Create(p)
	var se *intents.StateError
	if !errors.Is(err, intents.ErrAlreadyPending) || !errors.As(err, &se) {
		t.Fatalf("Create(duplicate) = %v, want ErrAlreadyPending", err)
	}
	if got.ID != want || se.ID != want || got.State != intents.StatePending {
		t.Errorf("Create(duplicate) = %s (%s), error names %s; want the pending %s", got.ID, got.State, se.ID, want)
	}
}

func pendingIDs(t *testing.T, ts *TestStore) []string {
	t.Helper()
	ps, err := ts.Pending()
	if err != nil {
		t.Fatalf("Pending() = %v", err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func TestCreateSamePendingPointsToIt(t *testing.T) {
	ts := MustOpen(t)
	first := ts.MustCreate(suspendJohn())
	again := suspendJohn()
	again.Requester = "U_OTHER" // another person, another reason: the same change
	again.Preview.Action.Reason = "investigation"
	again.Preview.Action.Confidence = 91
	wantDuplicate(t, ts, again, first.ID)
	if got := pendingIDs(t, ts); len(got) != 1 {
		t.Errorf("Pending() = %v, want only %s", got, first.ID)
	}
	if ev := ts.Events(first.ID); count(ev, "requested") != 1 {
		t.Errorf("History(%s) = %v, want one requested", first.ID, ev)
	}
	// Still so after a restart: the index is on disk.
	ts.Reopen()
	wantDuplicate(t, ts, suspendJohn(), first.ID)
}

func TestCreateDifferentChangeIsNew(t *testing.T) {
	ts := MustOpen(t)
	john := ts.MustCreate(suspendJohn())

	clear := suspendJohn()
	clear.Preview.Action.Kind = intents.ClearSessions // same user, another action
	other := suspendUser(2)                           // same action, another user
	add := func(group string) intents.Proposal {
		p := suspendJohn()
		p.Preview.Action.Kind = intents.AddGroupMember
		p.Preview.Action.Group = &intents.Ref{Type: "group", ID: group, Name: group}
		return p
	}
	rename := func(v string) intents.Proposal {
		p := suspendJohn()
		p.Preview.Action.Kind = intents.UpdateUser
		p.Preview.Action.Fields = map[string]string{"title": v}
		return p
	}
	seen := map[string]bool{john.ID: true}
	ids := map[string]string{}
	for name, p := range map[string]intents.Proposal{
		"clear sessions": clear, "other user": other,
		"add to g1": add("00g1"), "add to g2": add("00g2"),
		"title A": rename("A"), "title B": rename("B"),
	} {
		got, err := ts.Create(p)
		if err != nil || seen[got.ID] {
			t.Errorf("Create(%s) = %s, %v; want a new proposal", name, got.ID, err)
		}
		seen[got.ID], ids[name] = true, got.ID
	}
	// A member change is the same when group and member are; an update
	// when its fields are.
	wantDuplicate(t, ts, add("00g1"), ids["add to g1"])
	wantDuplicate(t, ts, rename("B"), ids["title B"])
	if got := pendingIDs(t, ts); len(got) != 7 {
		t.Errorf("Pending() has %d proposals, want 7", len(got))
	}
}

func TestCreateAfterDecidedIsNew(t *testing.T) {
	for _, state := range []intents.State{intents.StateRejected, intents.StateExpired, intents.StateExecuted, intents.StateFailed, intents.StateApproved} {
		t.Run(string(state), func(t *testing.T) {
			ts := MustOpen(t)
			old := reach(t, ts, state)
			p, err := ts.Create(suspendJohn())
			if err != nil || p.ID == old {
				t.Fatalf("Create() after %s %s = %s, %v; want a new proposal", state, old, p.ID, err)
			}
			wantDuplicate(t, ts, suspendJohn(), p.ID)
		})
	}
}

// A pending proposal past its Expires, not yet swept, blocks nothing.
func TestCreateAfterUnsweptExpiryIsNew(t *testing.T) {
	ts := MustOpen(t) // TTL 1h
	old := ts.MustCreate(suspendJohn())
	ts.Clock.Advance(time.Hour)
	p, err := ts.Create(suspendJohn())
	if err != nil || p.ID == old.ID {
		t.Fatalf("Create() after %s timed out = %s, %v; want a new proposal", old.ID, p.ID, err)
	}
	if _, err := ts.ExpireDue(ts.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	ts.MustState(old.ID, intents.StateExpired)
	// Expiring the old one does not unindex the new one.
	wantDuplicate(t, ts, suspendJohn(), p.ID)
}

// TestConcurrentSameCreate has 20 goroutines ask for the same suspension
// at once: exactly one proposal is stored, and every other call is pointed
// to it.
func TestConcurrentSameCreate(t *testing.T) {
	const n = 20
	ts := MustOpen(t)
	var (
		start = make(chan struct{})
		wg    sync.WaitGroup
		ids   = make([]string, n)
		errs  = make([]error, n)
	)
	for i := range n {
		wg.Go(func() {
			<-start
			var p intents.Proposal
			p, errs[i] = ts.Create(suspendJohn())
			ids[i] = p.ID
		})
	}
	close(start)
	wg.Wait()
	created := 0
	for i := range n {
		switch {
		case errs[i] == nil:
			created++
		case !errors.Is(errs[i], intents.ErrAlreadyPending):
			t.Errorf("goroutine %d: Create() = %v", i, errs[i])
		}
	}
	pending := pendingIDs(t, ts)
	if created != 1 || len(pending) != 1 {
		t.Fatalf("%d creates succeeded, %d pending; want exactly 1", created, len(pending))
	}
	for i, id := range ids {
		if id != pending[0] {
			t.Errorf("goroutine %d got %s, want %s", i, id, pending[0])
		}
	}
	requested := 0
	if err := ts.Audit(func(r intents.AuditRecord) error {
		if r.Event == approvals.EventRequested {
			requested++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if requested != 1 {
		t.Errorf("audit has %d requested records, want 1", requested)
	}
}

// Proposals posted in one message are recorded as a group, in order, all
// or none.
func TestSetGroupMessage(t *testing.T) {
	ts := MustOpen(t)
	a := ts.MustCreate(suspendJohn())
	other := suspendJohn()
	other.Preview.Action.Kind = intents.ClearSessions
	b := ts.MustCreate(other)
	if err := ts.SetGroupMessage([]string{b.ID, a.ID}, channel, "1700000000.000300"); err != nil {
		t.Fatalf("SetGroupMessage() = %v", err)
	}
	for _, id := range []string{a.ID, b.ID} {
		p, err := ts.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		if p.MessageTS != "1700000000.000300" || p.Channel != channel || !slices.Equal(p.Group, []string{b.ID, a.ID}) {
			t.Errorf("%s: message %s/%s group %v; want %s/1700000000.000300 group [%s %s]", id, p.Channel, p.MessageTS, p.Group, channel, b.ID, a.ID)
		}
	}
	// An unknown id changes none of them.
	if err := ts.SetGroupMessage([]string{a.ID, "p-NOPE99"}, channel, "1.9"); !errors.Is(err, intents.ErrNotFound) {
		t.Errorf("SetGroupMessage(unknown) = %v, want ErrNotFound", err)
	}
	if p, _ := ts.Get(a.ID); p.MessageTS != "1700000000.000300" {
		t.Errorf("a failed SetGroupMessage moved %s to message %s", a.ID, p.MessageTS)
	}
	// One proposal alone has no group.
	if err := ts.SetMessage(a.ID, channel, "1.5"); err != nil {
		t.Fatal(err)
	}
	if p, _ := ts.Get(a.ID); len(p.Group) != 0 {
		t.Errorf("SetMessage left group %v, want none", p.Group)
	}
}
