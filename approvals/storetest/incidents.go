package storetest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// The watcher's side of the contract. Each case runs on handles of one
// state; where it matters a later step uses another handle, as the
// replica that took over would.

const (
	john = "john@company.com"
	mary = "mary@company.com"
)

// Finding is a finding of detection about user, made of events.
func Finding(detection, user string, score int, events ...string) intents.Finding {
	return intents.Finding{Detection: detection, User: user, Score: score, Severity: intents.Band(score),
		Summary: fmt.Sprintf("%s for %s (%s)", detection, user, strings.Join(events, ",")), Events: events}
}

// commit commits one batch on handle i at the clock's now, or fails the
// test.
func (e *env) commit(i int, cursor string, fs ...intents.Finding) ([]intents.IncidentChange, int) {
	e.t.Helper()
	chs, dropped, err := e.stores[i].CommitWatch(intents.WatchBatch{Cursor: cursor, Findings: fs, Now: e.clock.Now()}, intents.WatchOptions{})
	if err != nil {
		e.t.Fatalf("store %d: CommitWatch(%s) = %v", i, cursor, err)
	}
	return chs, dropped
}

func (e *env) incident(id string) intents.Incident {
	e.t.Helper()
	inc, err := e.s().Incident(id)
	if err != nil {
		e.t.Fatalf("Incident(%s) = %v", id, err)
	}
	return inc
}

func (e *env) incidentIDs(open bool) []string {
	e.t.Helper()
	incs, err := e.s().Incidents(open)
	if err != nil {
		e.t.Fatalf("Incidents(%v) = %v", open, err)
	}
	return incidentIDs(incs)
}

func (e *env) unposted() []string {
	e.t.Helper()
	incs, err := e.s().Unposted()
	if err != nil {
		e.t.Fatalf("Unposted() = %v", err)
	}
	return incidentIDs(incs)
}

// records are the audit records, in order.
func (e *env) records() []intents.AuditRecord {
	e.t.Helper()
	var out []intents.AuditRecord
	if err := e.s().Audit(func(r intents.AuditRecord) error { out = append(out, r); return nil }); err != nil {
		e.t.Fatalf("Audit() = %v", err)
	}
	return out
}

// watchState fails the test unless every handle reads cursor and windows.
func (e *env) watchState(when, cursor string, windows map[string][]byte) {
	e.t.Helper()
	for i, s := range e.stores {
		c, w, err := s.WatchState()
		if err != nil || c != cursor || !maps.EqualFunc(w, windows, func(a, b []byte) bool { return string(a) == string(b) }) {
			e.t.Errorf("%s: store %d: WatchState() = %q, %d windows, %v; want %q, %d windows", when, i, c, len(w), err, cursor, len(windows))
		}
	}
}

func incidentIDs(incs []intents.Incident) []string {
	var out []string
	for _, inc := range incs {
		out = append(out, inc.ID)
	}
	return out
}

// short describes changes in a line.
func short(chs []intents.IncidentChange) string {
	var out []string
	for _, ch := range chs {
		s := fmt.Sprintf("%s v%d %s %s", ch.Incident.ID, ch.Incident.Version, ch.Incident.Severity, ch.Incident.Subject)
		if ch.New {
			s += " new"
		}
		out = append(out, s)
	}
	return "[" + strings.Join(out, "; ") + "]"
}

// testIncidentOnePerSubject: findings about one user within the window
// make one incident, whichever handle commits them; another user has
// their own; after the window the same user gets a second one.
func testIncidentOnePerSubject(t *testing.T, f Factory) {
	e := open(t, f, 2)
	chs, _ := e.commit(0, "c1", Finding("failed_login_burst", john, 40, "e1", "e2"))
	if len(chs) != 1 || !chs[0].New || !strings.HasPrefix(chs[0].Incident.ID, "i-") || chs[0].Incident.Subject != john {
		t.Fatalf("first finding: changes %s, want one new incident about %s", short(chs), john)
	}
	first := chs[0].Incident.ID
	e.clock.Advance(time.Hour)
	chs, _ = e.commit(1, "c2", Finding("success_after_failures", "John@Company.com", 60, "e3"), Finding("mfa_failures", mary, 30, "e4"))
	if len(chs) != 2 || chs[0].New || chs[0].Incident.ID != first || !chs[1].New || chs[1].Incident.ID == first {
		t.Fatalf("second batch: changes %s, want %s grown and a new incident for %s", short(chs), first, mary)
	}
	if inc := e.incident(first); inc.Version != 2 || len(inc.Findings) != 2 || inc.Score != 60 || inc.Severity != intents.SeverityHigh {
		t.Errorf("incident %s = version %d, %d findings, score %d %s; want version 2, 2 findings, 60 high", first, inc.Version, len(inc.Findings), inc.Score, inc.Severity)
	}
	e.clock.Advance(intents.DefaultIncidentWindow + time.Second)
	chs, _ = e.commit(0, "c3", Finding("impossible_travel", john, 50, "e5"))
	if len(chs) != 1 || !chs[0].New || chs[0].Incident.ID == first {
		t.Fatalf("after the window: changes %s, want a new incident", short(chs))
	}
	if got := e.incidentIDs(true); len(got) != 3 || got[0] != chs[0].Incident.ID {
		t.Errorf("Incidents(open) = %v, want 3, newest (%s) first", got, chs[0].Incident.ID)
	}
}

// testIncidentSameFindingsTwice: the same findings committed again (a
// re-read after a restart or a failover, on another handle) change
// nothing.
func testIncidentSameFindingsTwice(t *testing.T, f Factory) {
	e := open(t, f, 2)
	fs := []intents.Finding{Finding("failed_login_burst", john, 40, "e1", "e2"), Finding("mfa_failures", mary, 30, "e3")}
	if chs, _ := e.commit(0, "c1", fs...); len(chs) != 2 {
		t.Fatalf("first commit: %d changes, want 2", len(chs))
	}
	before, _ := e.s().Incidents(false)
	e.clock.Advance(time.Minute)
	if chs, _ := e.commit(1, "c2", fs[1], Finding("failed_login_burst", john, 40, "e2")); len(chs) != 0 {
		t.Errorf("same findings again: changes %s, want none", short(chs))
	}
	if chs, _ := e.commit(1, "c3", fs...); len(chs) != 0 {
		t.Errorf("same findings a third time: changes %s, want none", short(chs))
	}
	after, _ := e.s().Incidents(false)
	if !slices.EqualFunc(before, after, func(a, b intents.Incident) bool {
		return a.ID == b.ID && a.Version == b.Version && a.Updated.Equal(b.Updated)
	}) || len(after) != 2 {
		t.Errorf("incidents moved: before %+v, after %+v", before, after)
	}
}

// testIncidentCommitAtomic: a batch with an invalid finding after valid
// ones writes nothing (cursor, windows, incidents); a nil window deletes
// its key; a busy page changing many windows commits, and every handle
// reads back exactly what was committed.
func testIncidentCommitAtomic(t *testing.T, f Factory) {
	e := open(t, f, 2)
	e.watchState("a new store", "", map[string][]byte{})
	want := map[string][]byte{"user:john": []byte("a"), "user:mary": []byte("m")}
	if _, _, err := e.s().CommitWatch(intents.WatchBatch{Cursor: "c1", Windows: maps.Clone(want),
		Findings: []intents.Finding{Finding("failed_login_burst", john, 40, "e1")}, Now: e.clock.Now()}, intents.WatchOptions{}); err != nil {
		t.Fatal(err)
	}
	_, _, err := e.stores[1].CommitWatch(intents.WatchBatch{
		Cursor:   "c2",
		Windows:  map[string][]byte{"user:john": nil, "user:bob": []byte("b")},
		Findings: []intents.Finding{Finding("mfa_failures", mary, 30, "e2"), Finding("failed_login_burst", john, 50, "e1", "e3"), {Detection: "x", User: "bob"}},
		Now:      e.clock.Now(),
	}, intents.WatchOptions{})
	if !errors.Is(err, intents.ErrInvalid) {
		t.Errorf("CommitWatch(finding without events) = %v, want ErrInvalid", err)
	}
	e.watchState("after an invalid finding", "c1", want)
	incs, _ := e.s().Incidents(false)
	if len(incs) != 1 || incs[0].Subject != john || incs[0].Version != 1 {
		t.Errorf("after an invalid finding: incidents %+v, want john's alone at version 1", incs)
	}

	// A busy page: many windows change at once.
	busy := map[string][]byte{"user:mary": nil}
	for i := range 1000 {
		busy[fmt.Sprintf("user:u%04d@company.com", i)] = []byte(strings.Repeat("w", 200) + fmt.Sprint(i))
	}
	if _, _, err := e.stores[1].CommitWatch(intents.WatchBatch{Cursor: "c3", Windows: busy, Now: e.clock.Now()}, intents.WatchOptions{}); err != nil {
		t.Fatalf("CommitWatch(1000 windows) = %v", err)
	}
	delete(busy, "user:mary")
	busy["user:john"] = want["user:john"]
	e.watchState("after a busy page", "c3", busy)
	gone := map[string][]byte{}
	for i := range 500 {
		k := fmt.Sprintf("user:u%04d@company.com", i)
		gone[k] = nil
		delete(busy, k)
	}
	if _, _, err := e.s().CommitWatch(intents.WatchBatch{Cursor: "c4", Windows: gone, Now: e.clock.Now()}, intents.WatchOptions{}); err != nil {
		t.Fatalf("CommitWatch(500 windows dropped) = %v", err)
	}
	e.watchState("after dropping windows", "c4", busy)
}

// testIncidentSuppression: a bad suppression is refused and writes
// nothing; a good one is audited, drops the findings it matches (counted)
// and no others, and lapses at Until; removing it is audited.
func testIncidentSuppression(t *testing.T, f Factory) {
	e := open(t, f, 2)
	now := e.clock.Now()
	week := now.Add(7 * 24 * time.Hour)
	for _, bad := range []intents.Suppression{
		{User: john, Until: week, By: approver},
		{Detection: "impossible_travel", Until: week, By: approver},
		{Detection: "impossible_travel", User: john, Until: now, By: approver},
		{Detection: "impossible_travel", User: john, Until: now.Add(approvals.MaxSuppression + time.Second), By: approver},
		{Detection: "impossible_travel", IP: "1.2.3", Until: week, By: approver},
		{Detection: "impossible_travel", User: john, Until: week},
	} {
		if _, err := e.s().Suppress(bad); !errors.Is(err, intents.ErrInvalid) {
			t.Errorf("Suppress(%+v) = %v, want ErrInvalid", bad, err)
		}
	}
	if n := len(e.records()); n != 0 {
		t.Fatalf("refused suppressions wrote %d audit records", n)
	}
	sp, err := e.s().Suppress(intents.Suppression{Detection: " impossible_travel ", User: john, Until: now.Add(time.Hour), By: approver, Reason: "VPN"})
	if err != nil || !strings.HasPrefix(sp.ID, "s-") || sp.Detection != "impossible_travel" {
		t.Fatalf("Suppress() = %+v, %v", sp, err)
	}
	if got, err := e.stores[1].Suppressions(); err != nil || len(got) != 1 || got[0].ID != sp.ID {
		t.Errorf("Suppressions() = %+v, %v; want [%s]", got, err, sp.ID)
	}
	chs, dropped := e.commit(1, "c1", Finding("impossible_travel", john, 60, "e1"), Finding("impossible_travel", mary, 60, "e2"), Finding("mfa_failures", john, 30, "e3"))
	if dropped != 1 || len(chs) != 2 || chs[0].Incident.Subject != mary || len(chs[1].Incident.Findings) != 1 || chs[1].Incident.Findings[0].Detection != "mfa_failures" {
		t.Errorf("with a suppression: %d dropped, changes %s; want 1 dropped, mary's travel and john's mfa", dropped, short(chs))
	}
	e.clock.Advance(time.Hour + time.Second)
	if chs, dropped := e.commit(0, "c2", Finding("impossible_travel", john, 60, "e4")); dropped != 0 || len(chs) != 1 {
		t.Errorf("after the suppression lapsed: %d dropped, changes %s; want the finding taken", dropped, short(chs))
	}
	if got, _ := e.s().Suppressions(); len(got) != 0 {
		t.Errorf("Suppressions() after Until = %v, want none", got)
	}
	if err := e.s().RemoveSuppression(sp.ID, " "); !errors.Is(err, intents.ErrInvalid) {
		t.Errorf("RemoveSuppression(by nobody) = %v, want ErrInvalid", err)
	}
	if err := e.stores[1].RemoveSuppression(strings.ToLower(sp.ID), "U_OTHER"); err != nil {
		t.Fatalf("RemoveSuppression() = %v", err)
	}
	if err := e.s().RemoveSuppression(sp.ID, "U_OTHER"); !errors.Is(err, intents.ErrNotFound) {
		t.Errorf("RemoveSuppression(again) = %v, want ErrNotFound", err)
	}
	recs := e.records()
	if got := e.events(sp.ID); !slices.Equal(got, []string{approvals.EventSuppressed, approvals.EventUnsuppressed}) || len(recs) != 2 {
		t.Fatalf("History(%s) = %v (%d records in all), want suppressed, unsuppressed", sp.ID, got, len(recs))
	}
	if recs[0].Approver != approver || recs[0].Target != "user "+john || !strings.Contains(recs[0].Detail, "reason: VPN") || recs[1].Approver != "U_OTHER" {
		t.Errorf("suppression records = %+v", recs)
	}
	e.intact(2)
}

// testIncidentButtons: acknowledge (idempotent), close and the answers
// are recorded and audited on the chain; a closed incident takes nothing,
// its own findings open nothing, and a new finding opens a new incident.
func testIncidentButtons(t *testing.T, f Factory) {
	e := open(t, f, 2)
	burst := Finding("failed_login_burst", john, 40, "e1", "e2")
	chs, _ := e.commit(0, "c1", burst)
	id := chs[0].Incident.ID
	if _, err := e.s().Acknowledge("i-NOPE99", "U_A"); !errors.Is(err, intents.ErrNotFound) {
		t.Errorf("Acknowledge(unknown) = %v, want ErrNotFound", err)
	}
	if _, err := e.s().Acknowledge(id, " "); !errors.Is(err, intents.ErrInvalid) {
		t.Errorf("Acknowledge(by nobody) = %v, want ErrInvalid", err)
	}
	ackAt := e.clock.Now()
	inc, err := e.stores[1].Acknowledge(strings.ToLower(id), "U_A")
	if err != nil || inc.Status != intents.IncidentAcknowledged || inc.AckBy != "U_A" || !inc.AckAt.Equal(ackAt) {
		t.Fatalf("Acknowledge() = %+v, %v; want acknowledged by U_A", inc, err)
	}
	e.clock.Advance(time.Minute)
	if inc, err := e.s().Acknowledge(id, "U_B"); err != nil || inc.AckBy != "U_A" {
		t.Errorf("Acknowledge(again) = %+v, %v; want the first acknowledgement kept", inc, err)
	}
	if chs, _ := e.commit(1, "c2", Finding("mfa_failures", john, 30, "e3")); len(chs) != 1 || chs[0].Incident.ID != id {
		t.Errorf("an acknowledged incident did not take a finding: %s", short(chs))
	}
	if inc, err := e.s().SetAnswer(id, intents.AnswerNo, e.clock.Now()); err != nil || inc.Answer != intents.AnswerNo {
		t.Errorf("SetAnswer(no) = %+v, %v", inc, err)
	}
	if _, err := e.s().SetAnswer(id, "maybe", e.clock.Now()); !errors.Is(err, intents.ErrInvalid) {
		t.Errorf("SetAnswer(maybe) = %v, want ErrInvalid", err)
	}
	if inc, err := e.s().SetAnswer(id, intents.AnswerAsked, e.clock.Now()); err != nil || inc.AskedAt.IsZero() {
		t.Errorf("SetAnswer(asked) = %+v, %v", inc, err)
	}
	inc, err = e.stores[1].CloseIncident(id, "U_B", "false positive")
	if err != nil || inc.Status != intents.IncidentClosed || inc.ClosedBy != "U_B" || inc.Closing != "false positive" {
		t.Fatalf("CloseIncident() = %+v, %v", inc, err)
	}
	if inc, err := e.s().CloseIncident(id, "U_C", ""); !errors.Is(err, approvals.ErrIncidentClosed) || inc.ClosedBy != "U_B" || !strings.Contains(err.Error(), "U_B") {
		t.Errorf("CloseIncident(again) = %+v, %v; want ErrIncidentClosed naming U_B", inc, err)
	}
	if _, err := e.s().Acknowledge(id, "U_C"); !errors.Is(err, approvals.ErrIncidentClosed) {
		t.Errorf("Acknowledge(closed) = %v, want ErrIncidentClosed", err)
	}
	if got, want := e.events(id), []string{approvals.EventAcknowledged, approvals.EventAnswered, approvals.EventClosed}; !slices.Equal(got, want) {
		t.Errorf("History(%s) = %v, want %v", id, got, want)
	}
	recs := e.records()
	if closed := recs[len(recs)-1]; closed.Approver != "U_B" || closed.Target != "user "+john || !strings.Contains(closed.Detail, "false positive") {
		t.Errorf("closed record = %+v", closed)
	}
	if chs, _ := e.commit(0, "c3", burst); len(chs) != 0 {
		t.Errorf("the closed incident's own finding opened %s", short(chs))
	}
	chs, _ = e.commit(0, "c4", Finding("impossible_travel", john, 60, "e9"))
	if len(chs) != 1 || !chs[0].New || chs[0].Incident.ID == id {
		t.Fatalf("a finding after close: %s, want a new incident", short(chs))
	}
	if got := e.incidentIDs(true); !slices.Equal(got, []string{chs[0].Incident.ID}) {
		t.Errorf("Incidents(open) = %v, want only %s", got, chs[0].Incident.ID)
	}
	if got := e.incidentIDs(false); len(got) != 2 {
		t.Errorf("Incidents(all) = %v, want 2", got)
	}
	e.intact(3)
}

// testIncidentOutbox: an incident stays in Unposted until
// SetIncidentMessage records that Slack shows its latest version; a
// stale post moves nothing back; AddFindings leaves the cursor alone.
func testIncidentOutbox(t *testing.T, f Factory) {
	e := open(t, f, 2)
	chs, _ := e.commit(0, "c1", Finding("failed_login_burst", john, 60, "e1"))
	id := chs[0].Incident.ID
	if got := e.unposted(); !slices.Equal(got, []string{id}) {
		t.Fatalf("Unposted() = %v, want [%s]", got, id)
	}
	if err := e.s().SetIncidentMessage(id, channel, "1.1", 2, intents.SeverityHigh); !errors.Is(err, intents.ErrInvalid) {
		t.Errorf("SetIncidentMessage(version 2 of 1) = %v, want ErrInvalid", err)
	}
	if err := e.s().SetIncidentMessage(id, channel, "", 1, intents.SeverityHigh); !errors.Is(err, intents.ErrInvalid) {
		t.Errorf("SetIncidentMessage(no ts) = %v, want ErrInvalid", err)
	}
	if err := e.stores[1].SetIncidentMessage(id, channel, "1.1", 1, intents.SeverityHigh); err != nil {
		t.Fatalf("SetIncidentMessage() = %v", err)
	}
	if got := e.unposted(); len(got) != 0 {
		t.Errorf("Unposted() after posting = %v, want none", got)
	}
	chs, err := e.stores[1].AddFindings([]intents.Finding{Finding("success_after_failures", john, 80, "e2")}, e.clock.Now(), intents.WatchOptions{})
	if err != nil || len(chs) != 1 || !chs[0].Rose || chs[0].Incident.Version != 2 {
		t.Fatalf("AddFindings(growth) = %s, %v; want version 2 and Rose", short(chs), err)
	}
	e.watchState("after AddFindings", "c1", map[string][]byte{})
	if got := e.unposted(); !slices.Equal(got, []string{id}) {
		t.Errorf("Unposted() after growth = %v, want [%s]", got, id)
	}
	if err := e.s().SetIncidentMessage(id, channel, "1.1", 2, intents.SeverityCritical); err != nil {
		t.Fatal(err)
	}
	if err := e.s().SetIncidentMessage(id, channel, "1.1", 1, intents.SeverityHigh); err != nil {
		t.Fatal(err)
	}
	if inc := e.incident(id); inc.Posted != 2 || inc.Notified != intents.SeverityCritical || inc.TS != "1.1" || len(e.unposted()) != 0 {
		t.Errorf("after a stale post: posted %d notified %s, unposted %v; want 2, critical, none", inc.Posted, inc.Notified, e.unposted())
	}
	if err := e.s().SetIncidentProposals(id, []string{"p-abc234"}); err != nil {
		t.Fatal(err)
	}
	if inc := e.incident(id); !slices.Equal(inc.Proposals, []string{"p-ABC234"}) {
		t.Errorf("Proposals = %v, want [p-ABC234]", inc.Proposals)
	}
}

// testIncidentConcurrent: two watchers (handles) commit findings about
// the same users at once while buttons are pressed: each user has one
// incident holding every finding, and the chain holds.
func testIncidentConcurrent(t *testing.T, f Factory) {
	const users, rounds = 3, 8
	e := open(t, f, 2)
	var wg sync.WaitGroup
	for w, s := range e.stores {
		wg.Go(func() {
			for r := range rounds {
				var fs []intents.Finding
				for u := range users {
					fs = append(fs, Finding(fmt.Sprintf("det%d", r%3), fmt.Sprintf("u%d@company.com", u), 20+r, fmt.Sprintf("w%d-r%d-u%d", w, r, u)))
				}
				if _, _, err := s.CommitWatch(intents.WatchBatch{Cursor: fmt.Sprintf("w%d-%d", w, r), Findings: fs, Now: e.clock.Now()}, intents.WatchOptions{}); err != nil {
					t.Errorf("store %d: CommitWatch() = %v", w, err)
				}
				incs, err := s.Incidents(true)
				if err != nil {
					t.Errorf("store %d: Incidents() = %v", w, err)
				}
				for _, inc := range incs {
					if _, err := s.Acknowledge(inc.ID, fmt.Sprintf("U_%d", w)); err != nil {
						t.Errorf("store %d: Acknowledge(%s) = %v", w, inc.ID, err)
					}
				}
			}
		})
	}
	wg.Wait()
	incs, err := e.s().Incidents(false)
	if err != nil || len(incs) != users {
		t.Fatalf("Incidents() = %d, %v; want %d, one per user", len(incs), err, users)
	}
	for _, inc := range incs {
		if len(inc.Findings) != 2*rounds || inc.Version != 2*rounds || inc.Status != intents.IncidentAcknowledged {
			t.Errorf("%s: %d findings at version %d, %s; want %d, acknowledged", inc.ID, len(inc.Findings), inc.Version, inc.Status, 2*rounds)
		}
		if got := e.events(inc.ID); !slices.Equal(got, []string{approvals.EventAcknowledged}) {
			t.Errorf("History(%s) = %v, want one acknowledgement", inc.ID, got)
		}
	}
	e.intact(users)
}

// RunIncidents checks the watcher's side of the contract on stores from
// f.
func RunIncidents(t *testing.T, f Factory) {
	tests := []struct {
		name string
		fn   func(t *testing.T, f Factory)
	}{
		{"OnePerSubject", testIncidentOnePerSubject},
		{"SameFindingsTwice", testIncidentSameFindingsTwice},
		{"CommitAtomic", testIncidentCommitAtomic},
		{"Suppression", testIncidentSuppression},
		{"Buttons", testIncidentButtons},
		{"Outbox", testIncidentOutbox},
		{"Concurrent", testIncidentConcurrent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, f) })
	}
}
