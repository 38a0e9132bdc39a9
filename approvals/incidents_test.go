package approvals_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

const (
	john = "john@company.com"
	mary = "mary@company.com"
)

// finding is a finding of detection about user, made of events.
func finding(detection, user string, score int, events ...string) intents.Finding {
	return intents.Finding{Detection: detection, User: user, Score: score, Severity: intents.Band(score),
		Summary: fmt.Sprintf("%s for %s (%s)", detection, user, strings.Join(events, ",")), Events: events}
}

// commit commits one batch at the store clock's now, or fails the test.
func (ts *TestStore) commit(cursor string, fs ...intents.Finding) ([]intents.IncidentChange, int) {
	ts.t.Helper()
	chs, dropped, err := ts.CommitWatch(approvals.WatchBatch{Cursor: cursor, Findings: fs, Now: ts.Clock.Now()}, approvals.WatchOptions{})
	if err != nil {
		ts.t.Fatalf("CommitWatch(%s) = %v", cursor, err)
	}
	return chs, dropped
}

func (ts *TestStore) incidents(open bool) []intents.Incident {
	ts.t.Helper()
	incs, err := ts.Incidents(open)
	if err != nil {
		ts.t.Fatalf("Incidents(%v) = %v", open, err)
	}
	return incs
}

func (ts *TestStore) incident(id string) intents.Incident {
	ts.t.Helper()
	inc, err := ts.Incident(id)
	if err != nil {
		ts.t.Fatalf("Incident(%s) = %v", id, err)
	}
	return inc
}

func (ts *TestStore) mustChain() {
	ts.t.Helper()
	rep, err := ts.Verify()
	if err != nil || rep.Break != nil {
		ts.t.Fatalf("Verify() = %+v, %v; break %v", rep, err, rep.Break)
	}
}

// short describes changes in a line: "[i-ABC234 new v1 john@company.com …]".
func short(chs []intents.IncidentChange) string {
	var out []string
	for _, ch := range chs {
		s := fmt.Sprintf("%s v%d %s %s", ch.Incident.ID, ch.Incident.Version, ch.Incident.Severity, ch.Incident.Subject)
		if ch.New {
			s += " new"
		}
		if ch.Rose {
			s += " rose"
		}
		out = append(out, s)
	}
	return "[" + strings.Join(out, "; ") + "]"
}

func incidentIDs(incs []intents.Incident) []string {
	var out []string
	for _, inc := range incs {
		out = append(out, inc.ID)
	}
	return out
}

// Findings about one user within the window make one incident; another
// user has their own; after the window the same user gets a second one.
func TestIncidentOnePerSubjectWithinWindow(t *testing.T) {
	ts := MustOpen(t)
	chs, _ := ts.commit("c1", finding("failed_login_burst", john, 40, "e1", "e2"))
	if len(chs) != 1 || !chs[0].New || !strings.HasPrefix(chs[0].Incident.ID, "i-") || chs[0].Incident.Subject != john {
		t.Fatalf("first finding: changes %s, want one new incident about %s", short(chs), john)
	}
	first := chs[0].Incident.ID

	ts.Clock.Advance(time.Hour)
	chs, _ = ts.commit("c2", finding("success_after_failures", "John@Company.com", 60, "e3"), finding("mfa_failures", mary, 30, "e4"))
	if len(chs) != 2 || chs[0].New || chs[0].Incident.ID != first || !chs[1].New || chs[1].Incident.ID == first {
		t.Fatalf("second batch: changes %s, want %s grown and a new incident for %s", short(chs), first, mary)
	}
	if inc := ts.incident(first); inc.Version != 2 || len(inc.Findings) != 2 || inc.Score != 60 || inc.Severity != intents.SeverityHigh {
		t.Errorf("incident %s = version %d, %d findings, score %d %s; want version 2, 2 findings, 60 high", first, inc.Version, len(inc.Findings), inc.Score, inc.Severity)
	}

	// An hour and the window after the last change: a new incident.
	ts.Clock.Advance(intents.DefaultIncidentWindow + time.Second)
	chs, _ = ts.commit("c3", finding("impossible_travel", john, 50, "e5"))
	if len(chs) != 1 || !chs[0].New || chs[0].Incident.ID == first {
		t.Fatalf("after the window: changes %s, want a new incident", short(chs))
	}
	second := chs[0].Incident.ID
	if got := incidentIDs(ts.incidents(true)); len(got) != 3 || got[0] != second {
		t.Errorf("Incidents(open) = %v, want 3, newest (%s) first", got, second)
	}
}

// The same findings committed again (a re-read) change nothing: no new
// version, no change reported, no new incident.
func TestIncidentSameFindingsTwice(t *testing.T) {
	ts := MustOpen(t)
	fs := []intents.Finding{finding("failed_login_burst", john, 40, "e1", "e2"), finding("mfa_failures", mary, 30, "e3")}
	if chs, _ := ts.commit("c1", fs...); len(chs) != 2 {
		t.Fatalf("first commit: %d changes, want 2", len(chs))
	}
	before := ts.incidents(false)
	ts.Clock.Advance(time.Minute)
	// The same findings, one of them seen through only part of its events.
	again := []intents.Finding{fs[1], finding("failed_login_burst", john, 40, "e2")}
	if chs, _ := ts.commit("c2", again...); len(chs) != 0 {
		t.Errorf("same findings again: changes %s, want none", short(chs))
	}
	ts.Reopen()
	if chs, _ := ts.commit("c3", fs...); len(chs) != 0 {
		t.Errorf("same findings after reopening: changes %s, want none", short(chs))
	}
	if after := ts.incidents(false); !slices.EqualFunc(before, after, func(a, b intents.Incident) bool {
		return a.ID == b.ID && a.Version == b.Version && a.Updated.Equal(b.Updated)
	}) {
		t.Errorf("incidents moved: before %+v, after %+v", before, after)
	}
}

// watchState reads the committed cursor and windows, or fails the test.
func (ts *TestStore) watchState() (string, map[string][]byte) {
	ts.t.Helper()
	c, w, err := ts.WatchState()
	if err != nil {
		ts.t.Fatalf("WatchState() = %v", err)
	}
	return c, w
}

// A batch that fails halfway (after its cursor, windows and one incident
// were written in the transaction) leaves nothing behind, and what was
// committed survives a reopen.
func TestIncidentCommitAtomic(t *testing.T) {
	ts := MustOpen(t)
	if c, w := ts.watchState(); c != "" || len(w) != 0 {
		t.Fatalf("a new store's watch state = %q %v, want none", c, w)
	}
	_, _, err := ts.CommitWatch(approvals.WatchBatch{
		Cursor:   "c1",
		Windows:  map[string][]byte{"user:john": []byte("a"), "user:mary": []byte("m")},
		Findings: []intents.Finding{finding("failed_login_burst", john, 40, "e1")},
		Now:      ts.Clock.Now(),
	}, approvals.WatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantWindows := map[string][]byte{"user:john": []byte("a"), "user:mary": []byte("m")}
	check := func(when string) {
		t.Helper()
		c, w := ts.watchState()
		if c != "c1" || !maps.EqualFunc(w, wantWindows, func(a, b []byte) bool { return string(a) == string(b) }) {
			t.Errorf("%s: watch state = %q %q, want c1 %q", when, c, w, wantWindows)
		}
		incs := ts.incidents(false)
		if len(incs) != 1 || incs[0].Subject != john || incs[0].Version != 1 {
			t.Errorf("%s: incidents %+v, want john's alone at version 1", when, incs)
		}
	}

	// A valid finding (a new incident for mary) and then an invalid one.
	_, _, err = ts.CommitWatch(approvals.WatchBatch{
		Cursor:   "c2",
		Windows:  map[string][]byte{"user:john": nil, "user:bob": []byte("b")},
		Findings: []intents.Finding{finding("mfa_failures", mary, 30, "e2"), finding("failed_login_burst", john, 50, "e1", "e3"), {Detection: "x", User: "bob"}},
		Now:      ts.Clock.Now(),
	}, approvals.WatchOptions{})
	if !errors.Is(err, intents.ErrInvalid) {
		t.Errorf("CommitWatch(finding without events) = %v, want ErrInvalid", err)
	}
	check("after an invalid finding")

	// A window key bbolt refuses, after the cursor was put.
	_, _, err = ts.CommitWatch(approvals.WatchBatch{Cursor: "c3", Windows: map[string][]byte{"": []byte("x")}, Now: ts.Clock.Now()}, approvals.WatchOptions{})
	if err == nil {
		t.Error("CommitWatch(empty window key) succeeded")
	}
	check("after a bad window key")

	ts.Reopen()
	check("after reopening")

	ts.Close()
	s, err := approvals.Open(ts.Path, ts.options())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CommitWatch(approvals.WatchBatch{Cursor: "c4"}, approvals.WatchOptions{}); !errors.Is(err, approvals.ErrClosed) {
		t.Errorf("CommitWatch on a closed store = %v, want ErrClosed", err)
	}
	ts.open()
	check("after a commit on a closed store")

	// A nil window value deletes the key.
	if _, _, err := ts.CommitWatch(approvals.WatchBatch{Cursor: "c5", Windows: map[string][]byte{"user:mary": nil}, Now: ts.Clock.Now()}, approvals.WatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if c, w := ts.watchState(); c != "c5" || len(w) != 1 || string(w["user:john"]) != "a" {
		t.Errorf("after deleting a window: %q %q, want c5 and user:john alone", c, w)
	}
}

// Suppress validates and audits; a live suppression drops the findings it
// matches (and counts them) and no others, and lapses at Until.
func TestIncidentSuppression(t *testing.T) {
	ts := MustOpen(t)
	now := ts.Clock.Now()
	week := now.Add(7 * 24 * time.Hour)
	for _, bad := range []intents.Suppression{
		{User: john, Until: week, By: approver},
		{Detection: "impossible_travel", Until: week, By: approver},
		{Detection: "impossible_travel", User: john, Until: now, By: approver},
		{Detection: "impossible_travel", User: john, Until: now.Add(approvals.MaxSuppression + time.Second), By: approver},
		{Detection: "impossible_travel", IP: "1.2.3", Until: week, By: approver},
		{Detection: "impossible_travel", User: john, Until: week},
	} {
		if _, err := ts.Suppress(bad); !errors.Is(err, intents.ErrInvalid) {
			t.Errorf("Suppress(%+v) = %v, want ErrInvalid", bad, err)
		}
	}
	if n := len(ts.AllRecords()); n != 0 {
		t.Errorf("refused suppressions wrote %d audit records", n)
	}
	sp, err := ts.Suppress(intents.Suppression{Detection: "impossible_travel", User: john, Until: week, By: approver, Incident: "i-abcdef", Reason: "VPN"})
	if err != nil {
		t.Fatalf("Suppress() = %v", err)
	}
	if !strings.HasPrefix(sp.ID, "s-") || !sp.At.Equal(now) || sp.Incident != "i-ABCDEF" {
		t.Errorf("Suppress() = %+v, want an s- id, At now and the incident's id", sp)
	}
	if got, err := ts.Suppressions(); err != nil || len(got) != 1 || got[0].ID != sp.ID {
		t.Errorf("Suppressions() = %+v, %v; want %s", got, err, sp.ID)
	}

	chs, dropped := ts.commit("c1",
		finding("impossible_travel", john, 60, "e1"),
		finding("mfa_failures", john, 30, "e2"),
		finding("impossible_travel", mary, 60, "e3"))
	if dropped != 1 || len(chs) != 2 {
		t.Fatalf("with a suppression: %d dropped, changes %s; want 1 dropped, john's and mary's incidents", dropped, short(chs))
	}
	for _, f := range chs[0].Incident.Findings {
		if f.Detection == "impossible_travel" {
			t.Errorf("john's incident holds the suppressed finding %+v", f)
		}
	}

	// A week and a second later the suppression has lapsed.
	ts.Clock.Set(week.Add(time.Second))
	if got, _ := ts.Suppressions(); len(got) != 0 {
		t.Errorf("Suppressions() after Until = %+v, want none", got)
	}
	if _, dropped := ts.commit("c2", finding("impossible_travel", john, 60, "e4")); dropped != 0 {
		t.Errorf("a lapsed suppression dropped %d findings", dropped)
	}

	recs := ts.AllRecords()
	if len(recs) != 1 || recs[0].Event != approvals.EventSuppressed || recs[0].ProposalID != sp.ID || recs[0].Approver != approver ||
		recs[0].Target != "user "+john || !strings.Contains(recs[0].Detail, "impossible_travel") || !strings.Contains(recs[0].Detail, week.Format(time.RFC3339)) {
		t.Errorf("audit log = %+v, want one suppressed record for %s naming the detection and until", recs, sp.ID)
	}
	ts.mustChain()
}

// A removed suppression drops nothing more, and its removal is audited.
func TestIncidentRemoveSuppression(t *testing.T) {
	ts := MustOpen(t)
	sp, err := ts.Suppress(intents.Suppression{Detection: "password_spray", IP: "185.220.101.1", Until: ts.Clock.Now().Add(time.Hour), By: approver})
	if err != nil {
		t.Fatal(err)
	}
	spray := finding("password_spray", "", 70, "e1")
	spray.IPs = []string{"185.220.101.1"}
	if _, dropped := ts.commit("c1", spray); dropped != 1 {
		t.Fatalf("IP suppression dropped %d, want 1", dropped)
	}
	if err := ts.RemoveSuppression(strings.ToLower(sp.ID), "U_OTHER"); err != nil {
		t.Fatalf("RemoveSuppression() = %v", err)
	}
	if err := ts.RemoveSuppression(sp.ID, "U_OTHER"); !errors.Is(err, intents.ErrNotFound) {
		t.Errorf("RemoveSuppression(again) = %v, want ErrNotFound", err)
	}
	if chs, dropped := ts.commit("c2", spray); dropped != 0 || len(chs) != 1 || chs[0].Incident.Key != "org:password_spray" {
		t.Errorf("after removal: %d dropped, changes %s; want an org incident", dropped, short(chs))
	}
	if got := ts.Events(sp.ID); !slices.Equal(got, []string{approvals.EventSuppressed, approvals.EventUnsuppressed}) {
		t.Errorf("History(%s) = %v, want suppressed, unsuppressed", sp.ID, got)
	}
	if recs := ts.AllRecords(); recs[1].Approver != "U_OTHER" || recs[1].Target != "IP 185.220.101.1" {
		t.Errorf("unsuppressed record = %+v", recs[1])
	}
	ts.mustChain()
}

// Acknowledge and close are recorded and audited; an acknowledged incident
// still takes findings, a closed one none, and a new finding after it
// opens a new incident while the closed one's own findings open nothing.
func TestIncidentAcknowledgeAndClose(t *testing.T) {
	ts := MustOpen(t)
	burst := finding("failed_login_burst", john, 40, "e1", "e2")
	chs, _ := ts.commit("c1", burst)
	id := chs[0].Incident.ID
	if _, err := ts.Acknowledge("i-NOPE99", "U_A"); !errors.Is(err, intents.ErrNotFound) {
		t.Errorf("Acknowledge(unknown) = %v, want ErrNotFound", err)
	}
	ackAt := ts.Clock.Now()
	inc, err := ts.Acknowledge(strings.ToLower(id), "U_A")
	if err != nil || inc.Status != intents.IncidentAcknowledged || inc.AckBy != "U_A" || !inc.AckAt.Equal(ackAt) {
		t.Fatalf("Acknowledge() = %+v, %v; want acknowledged by U_A at %s", inc, err, ackAt)
	}
	ts.Clock.Advance(time.Minute)
	if inc, err := ts.Acknowledge(id, "U_B"); err != nil || inc.AckBy != "U_A" || !inc.AckAt.Equal(ackAt) {
		t.Errorf("Acknowledge(again) = %+v, %v; want the first acknowledgement kept", inc, err)
	}
	if chs, _ := ts.commit("c2", finding("mfa_failures", john, 30, "e3")); len(chs) != 1 || chs[0].Incident.ID != id || chs[0].Incident.Status != intents.IncidentAcknowledged {
		t.Errorf("an acknowledged incident did not take a finding: %s", short(chs))
	}

	inc, err = ts.CloseIncident(id, "U_B", "false positive")
	if err != nil || inc.Status != intents.IncidentClosed || inc.ClosedBy != "U_B" || inc.Closing != "false positive" || inc.ClosedAt.IsZero() {
		t.Fatalf("CloseIncident() = %+v, %v", inc, err)
	}
	if inc, err := ts.CloseIncident(id, "U_C", ""); !errors.Is(err, approvals.ErrIncidentClosed) || inc.ClosedBy != "U_B" || !strings.Contains(err.Error(), "U_B") {
		t.Errorf("CloseIncident(again) = %+v, %v; want ErrIncidentClosed naming U_B", inc, err)
	}
	if _, err := ts.Acknowledge(id, "U_C"); !errors.Is(err, approvals.ErrIncidentClosed) {
		t.Errorf("Acknowledge(closed) = %v, want ErrIncidentClosed", err)
	}
	if got := ts.Events(id); !slices.Equal(got, []string{approvals.EventAcknowledged, approvals.EventClosed}) {
		t.Errorf("History(%s) = %v, want acknowledged, closed", id, got)
	}
	recs := ts.AllRecords()
	if closed := recs[len(recs)-1]; closed.Approver != "U_B" || closed.Target != "user "+john || !strings.Contains(closed.Detail, "false positive") {
		t.Errorf("closed record = %+v", closed)
	}
	ts.mustChain()

	// The closed incident's finding again opens nothing; a new one, within
	// the window, opens a new incident.
	if chs, _ := ts.commit("c3", burst); len(chs) != 0 {
		t.Errorf("the closed incident's own finding opened %s", short(chs))
	}
	chs, _ = ts.commit("c4", finding("impossible_travel", john, 60, "e9"))
	if len(chs) != 1 || !chs[0].New || chs[0].Incident.ID == id {
		t.Fatalf("a finding after close: %s, want a new incident", short(chs))
	}
	if inc := ts.incident(id); inc.Version != 2 || inc.Status != intents.IncidentClosed {
		t.Errorf("the closed incident moved: %+v", inc)
	}
	if got := incidentIDs(ts.incidents(true)); !slices.Equal(got, []string{chs[0].Incident.ID}) {
		t.Errorf("Incidents(open) = %v, want only %s", got, chs[0].Incident.ID)
	}
	if got := ts.incidents(false); len(got) != 2 {
		t.Errorf("Incidents(all) = %d, want 2", len(got))
	}
}

// Unposted is an outbox: an incident stays in it until SetIncidentMessage
// records that Slack shows its latest version, across a reopen.
func TestIncidentOutbox(t *testing.T) {
	ts := MustOpen(t)
	chs, _ := ts.commit("c1", finding("failed_login_burst", john, 60, "e1"))
	id := chs[0].Incident.ID
	unposted := func() []string {
		t.Helper()
		incs, err := ts.Unposted()
		if err != nil {
			t.Fatalf("Unposted() = %v", err)
		}
		return incidentIDs(incs)
	}
	ts.Reopen() // the bot died before posting
	if got := unposted(); !slices.Equal(got, []string{id}) {
		t.Fatalf("Unposted() = %v, want [%s]", got, id)
	}
	if err := ts.SetIncidentMessage(id, channel, "1.1", 2, intents.SeverityHigh); !errors.Is(err, intents.ErrInvalid) {
		t.Errorf("SetIncidentMessage(version 2 of 1) = %v, want ErrInvalid", err)
	}
	if err := ts.SetIncidentMessage(id, channel, "1.1", 1, intents.SeverityHigh); err != nil {
		t.Fatalf("SetIncidentMessage() = %v", err)
	}
	if got := unposted(); len(got) != 0 {
		t.Errorf("Unposted() after posting = %v, want none", got)
	}
	// It grows to critical: above what the channel was told.
	chs, _ = ts.commit("c2", finding("success_after_failures", john, 80, "e2"))
	if len(chs) != 1 || !chs[0].Rose || chs[0].Incident.Version != 2 {
		t.Fatalf("growth: %s, want version 2 and Rose", short(chs))
	}
	if got := unposted(); !slices.Equal(got, []string{id}) {
		t.Errorf("Unposted() after growth = %v, want [%s]", got, id)
	}
	if err := ts.SetIncidentMessage(id, channel, "1.1", 1, intents.SeverityHigh); err != nil || !slices.Equal(unposted(), []string{id}) {
		t.Errorf("a stale post (version 1) took the incident off the outbox: %v", err)
	}
	if err := ts.SetIncidentMessage(id, channel, "1.1", 2, intents.SeverityCritical); err != nil {
		t.Fatal(err)
	}
	inc := ts.incident(id)
	if inc.Posted != 2 || inc.Notified != intents.SeverityCritical || inc.Channel != channel || inc.TS != "1.1" || len(unposted()) != 0 {
		t.Errorf("after posting version 2: posted %d notified %s message %s/%s, unposted %v", inc.Posted, inc.Notified, inc.Channel, inc.TS, unposted())
	}
	// A slow post of version 1 finishing now moves nothing back.
	if err := ts.SetIncidentMessage(id, channel, "1.1", 1, intents.SeverityHigh); err != nil {
		t.Fatal(err)
	}
	if inc := ts.incident(id); inc.Posted != 2 || inc.Notified != intents.SeverityCritical || len(unposted()) != 0 {
		t.Errorf("after a stale post: posted %d notified %s, unposted %v; want 2, critical, none", inc.Posted, inc.Notified, unposted())
	}
	if err := ts.SetIncidentProposals(id, []string{"p-abc234"}); err != nil {
		t.Fatal(err)
	}
	if inc := ts.incident(id); !slices.Equal(inc.Proposals, []string{"p-ABC234"}) {
		t.Errorf("Proposals = %v, want [p-ABC234]", inc.Proposals)
	}
}

// Answers to "was this you?" are recorded, on a closed incident too.
func TestIncidentAnswer(t *testing.T) {
	ts := MustOpen(t)
	chs, _ := ts.commit("c1", finding("impossible_travel", john, 60, "e1"))
	id := chs[0].Incident.ID
	at := ts.Clock.Now().Add(time.Minute)
	if _, err := ts.SetAnswer(id, intents.AnswerAsked, at); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.SetAnswer(id, "maybe", at); !errors.Is(err, intents.ErrInvalid) {
		t.Errorf("SetAnswer(maybe) = %v, want ErrInvalid", err)
	}
	if _, err := ts.CloseIncident(id, "U_A", ""); err != nil {
		t.Fatal(err)
	}
	inc, err := ts.SetAnswer(id, intents.AnswerNo, at.Add(time.Minute))
	if err != nil || inc.Answer != "no" || !inc.AskedAt.Equal(at) || !inc.AnsweredAt.Equal(at.Add(time.Minute)) || inc.NoSlack {
		t.Errorf("SetAnswer(no) = %+v, %v", inc, err)
	}
	if inc, _ := ts.SetAnswer(id, intents.AnswerNoSlack, at); !inc.NoSlack {
		t.Errorf("SetAnswer(noslack) = %+v", inc)
	}
	var answered []string
	if err := ts.Audit(func(r intents.AuditRecord) error {
		if r.Event == approvals.EventAnswered && r.ProposalID == id {
			answered = append(answered, r.Detail)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(answered) != 1 || !strings.Contains(answered[0], "no") {
		t.Errorf("the audit log's answers = %q, want the one no", answered)
	}
	ts.mustChain()
}

// Watch commits and button presses from many goroutines: every finding
// lands once, each user has one incident, and the audit chain holds.
func TestIncidentConcurrent(t *testing.T) {
	ts := MustOpen(t)
	const users, rounds = 4, 20
	var watchers, buttons sync.WaitGroup
	for w := range 2 {
		watchers.Go(func() {
			for r := range rounds {
				var fs []intents.Finding
				for u := range users {
					fs = append(fs, finding(fmt.Sprintf("det%d", r%3), fmt.Sprintf("u%d@company.com", u), 20+r, fmt.Sprintf("w%d-r%d-u%d", w, r, u)))
				}
				if _, _, err := ts.CommitWatch(approvals.WatchBatch{Cursor: fmt.Sprintf("w%d-%d", w, r), Findings: fs, Now: ts.Clock.Now()}, approvals.WatchOptions{}); err != nil {
					t.Errorf("CommitWatch() = %v", err)
				}
			}
		})
	}
	done := make(chan struct{})
	// Press the buttons and record posts while the watchers commit, and
	// once more after they finished.
	press := func() bool {
		incs, err := ts.Incidents(true)
		if err != nil {
			t.Errorf("Incidents() = %v", err)
			return false
		}
		for _, inc := range incs {
			if _, err := ts.Acknowledge(inc.ID, "U_A"); err != nil {
				t.Errorf("Acknowledge(%s) = %v", inc.ID, err)
			}
			if err := ts.SetIncidentMessage(inc.ID, channel, "1.1", inc.Version, inc.Severity); err != nil {
				t.Errorf("SetIncidentMessage(%s) = %v", inc.ID, err)
			}
		}
		return true
	}
	for range 2 {
		buttons.Go(func() {
			for {
				select {
				case <-done:
					press()
					return
				default:
					if !press() {
						return
					}
				}
			}
		})
	}
	watchers.Wait()
	close(done)
	buttons.Wait()
	incs := ts.incidents(false)
	if len(incs) != users {
		t.Fatalf("%d incidents, want %d", len(incs), users)
	}
	for _, inc := range incs {
		if len(inc.Findings) != 2*rounds || inc.Version != 2*rounds || inc.Status != intents.IncidentAcknowledged || inc.Posted != inc.Version {
			t.Errorf("%s: %d findings at version %d (posted %d), %s; want %d findings at version %d, posted, acknowledged",
				inc.ID, len(inc.Findings), inc.Version, inc.Posted, inc.Status, 2*rounds, 2*rounds)
		}
	}
	if got := len(ts.Events(incs[0].ID)); got != 1 {
		t.Errorf("%s has %d audit records, want one acknowledgement", incs[0].ID, got)
	}
	ts.mustChain()
}

// A file written before the watcher (schema 2, without its buckets) opens,
// gets them, and keeps its proposals and chain.
func TestIncidentBucketsAddedToOldFile(t *testing.T) {
	ts := MustOpen(t)
	p := ts.MustCreate(suspendJohn())
	ts.Close()
	db, err := bolt.Open(ts.Path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{"watch", "windows", "incidents", "incidentKeys", "incidentOpen", "incidentOutbox", "suppressions"} {
			if err := tx.DeleteBucket([]byte(name)); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	ts.open()
	if chs, _ := ts.commit("c1", finding("failed_login_burst", john, 40, "e1")); len(chs) != 1 {
		t.Fatalf("CommitWatch on an upgraded file: %s", short(chs))
	}
	if _, err := ts.Suppress(intents.Suppression{Detection: "x", User: john, Until: ts.Clock.Now().Add(time.Hour), By: approver}); err != nil {
		t.Fatal(err)
	}
	ts.MustState(p.ID, intents.StatePending)
	ts.mustChain()
}

// TestIncidentAddFindings joins a finding to its incident without moving
// the committed cursor or windows.
func TestIncidentAddFindings(t *testing.T) {
	s := MustOpen(t)
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	f := intents.Finding{Detection: "impossible_travel", User: "john@company.com", Score: 50, Events: []string{"e1"}, Summary: "travel"}
	chs, _, err := s.CommitWatch(approvals.WatchBatch{Cursor: "c1", Windows: map[string][]byte{"user:john": []byte("w")}, Findings: []intents.Finding{f}, Now: now}, approvals.WatchOptions{})
	if err != nil || len(chs) != 1 {
		t.Fatalf("CommitWatch: %v, %d changes", err, len(chs))
	}
	no := intents.Finding{Detection: "user_denied_activity", User: "john@company.com", Score: 80, Events: []string{"answer:" + chs[0].Incident.ID}, Summary: "john said it was not them"}
	got, err := s.AddFindings([]intents.Finding{no}, now.Add(time.Minute), approvals.WatchOptions{})
	if err != nil || len(got) != 1 || got[0].Incident.ID != chs[0].Incident.ID || got[0].Incident.Score != 80 {
		t.Fatalf("AddFindings: %v, %+v", err, got)
	}
	cursor, windows, err := s.WatchState()
	if err != nil || cursor != "c1" || string(windows["user:john"]) != "w" {
		t.Fatalf("the watch state moved: %q %v %v", cursor, windows, err)
	}
}
