package okta

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/detect"
	"github.com/oktabot/oktabot/okta/detect/rules"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// sigmaEvent is the test event of a copied Sigma rule (okta/detect/rules
// testdata) that the rule fires on, published a second ago (a window
// ending now holds it).
func sigmaEvent(t *testing.T, rule string) oktasim.Object {
	t.Helper()
	b, err := os.ReadFile("detect/rules/testdata/sigma-events.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases map[string]struct{ Match oktasim.Object }
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	ev := cases[rule].Match
	if ev == nil {
		t.Fatalf("no test event for %s", rule)
	}
	ev["published"] = time.Now().Add(-time.Second).UTC().Format("2006-01-02T15:04:05.000Z")
	return ev
}

// rulesHarness is an org (nil: an empty one) whose client runs the Sigma
// rules named (copied from okta/detect/rules/testdata/sigma into a
// directory).
func rulesHarness(t *testing.T, fx *oktasim.Fixture, names ...string) (*harness, *rules.Set) {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("detect/rules/testdata/sigma", n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return rulesHarnessIn(t, fx, dir)
}

// rulesHarnessIn is rulesHarness with the rules of dir.
func rulesHarnessIn(t *testing.T, fx *oktasim.Fixture, dir string) (*harness, *rules.Set) {
	t.Helper()
	set, err := rules.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	dc := detect.DefaultConfig()
	dc.Rules = set
	if fx == nil {
		fx = &oktasim.Fixture{}
	}
	return newHarness(t, setup{fixture: fx, cfg: Config{Detect: &dc}}), set
}

// ruleFinding is the finding of the rule with id on the event uuid.
func ruleFinding(fs []intents.Finding, id, uuid string) *intents.Finding {
	for i, f := range fs {
		if f.Detection == detect.RulePrefix+id && slices.Contains(f.Events, uuid) {
			return &fs[i]
		}
	}
	return nil
}

// TestRulesInTheSweep: a team rule's finding comes out of the threats
// sweep and the watcher, read through the real SDK client from the
// simulator: the System Log filter asks for the rule's event type, which
// no built-in detection reads.
func TestRulesInTheSweep(t *testing.T) {
	const rule, id = "okta_application_modified_or_deleted.yml", "7899144b-e416-4c28-b0b5-ab8f9e0a541d"
	h, _ := rulesHarness(t, nil, rule)
	uuids, err := h.sim.AddEvents([]oktasim.Object{sigmaEvent(t, rule)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	mark := len(h.seen.all())
	res, err := h.client.Query(ctx, intents.Intent{Kind: intents.Threats, Window: intents.Duration(time.Hour)})
	if err != nil {
		t.Fatalf("Query(threats 1h) error = %v", err)
	}
	f := ruleFinding(res.Findings, id, uuids[0])
	if f == nil {
		t.Fatalf("Query(threats 1h): no finding of the rule on %s; findings: %v", uuids[0], summaries(res.Findings))
	}
	if f.Severity != intents.SeverityMedium || !strings.HasPrefix(f.Summary, "Okta Application Modified or Deleted: application.lifecycle.delete") ||
		!strings.Contains(f.Evidence[0].Text, "by Austin Songer") {
		t.Errorf("Query(threats 1h): the rule's finding = %+v", *f)
	}
	filters := sentFilters(since(h, mark), "/api/v1/logs")
	if len(filters) == 0 || !strings.Contains(filters[0], `eventType eq "application.lifecycle.delete"`) || !strings.Contains(filters[0], `eventType sw "user.session."`) {
		t.Errorf("threats asked Okta for %q; want the catalogue's event types and the rule's", filters)
	}

	var found []intents.Finding
	w := h.client.NewWatcher(WatchConfig{})
	if err := w.Poll(ctx, func(b intents.WatchBatch) error { found = append(found, b.Findings...); return nil }); err != nil {
		t.Fatalf("Watcher.Poll: %v", err)
	}
	if ruleFinding(found, id, uuids[0]) == nil {
		t.Errorf("Watcher.Poll: no finding of the rule; findings: %v", summaries(found))
	}
}

// TestRulesReadEverything: with a rule that may match any event type (a
// password typed as the username, told by legacyEventType, which only the
// raw JSON holds) the sweep reads the log unfiltered and the rule reads
// the raw event.
func TestRulesReadEverything(t *testing.T) {
	const rule, id = "okta_password_in_alternateid_field.yml", "91b76b84-8589-47aa-9605-c837583b82a9"
	h, set := rulesHarness(t, nil, rule, "okta_user_created.yml")
	if _, all := set.EventTypes(); !all {
		t.Fatal("the password rule is bounded by event types; the test needs one that is not")
	}
	uuids, err := h.sim.AddEvents([]oktasim.Object{sigmaEvent(t, rule)})
	if err != nil {
		t.Fatal(err)
	}
	mark := len(h.seen.all())
	res, err := h.client.Query(context.Background(), intents.Intent{Kind: intents.Threats, Window: intents.Duration(time.Hour)})
	if err != nil {
		t.Fatalf("Query(threats 1h) error = %v", err)
	}
	if f := ruleFinding(res.Findings, id, uuids[0]); f == nil || f.Severity != intents.SeverityHigh || !slices.Equal(f.Attack, []string{"T1552"}) {
		t.Errorf("Query(threats 1h): the password rule's finding = %v; findings: %v", f, summaries(res.Findings))
	}
	for _, fl := range sentFilters(since(h, mark), "/api/v1/logs") {
		if fl != "" {
			t.Errorf("threats filtered the log (%q) with a rule that may match any event type", fl)
		}
	}
}

// TestRulesInAnInvestigation: investigating a user runs the team's rules
// over the user's events.
func TestRulesInAnInvestigation(t *testing.T) {
	const rule, id = "okta_api_token_created.yml", "19951c21-229d-4ccb-8774-b993c3ff3c5c"
	ev := sigmaEvent(t, rule)
	h, _ := rulesHarness(t, &oktasim.Fixture{Logs: []oktasim.Object{ev}}, rule)
	res, err := h.client.Query(context.Background(), intents.Intent{Kind: intents.Investigate, User: "ada.admin@example.com", Window: intents.Duration(time.Hour)})
	if err != nil {
		t.Fatalf("Query(investigate ada.admin) error = %v", err)
	}
	if ruleFinding(res.Findings, id, ev["uuid"].(string)) == nil {
		t.Errorf("Query(investigate ada.admin): no finding of the rule; findings: %v", summaries(res.Findings))
	}
}

// TestWatcherCursorFromBeforeTheRules: a watcher's stored cursor made
// before a rule was added keeps the old filter (Okta binds a cursor to its
// filter), so it is not followed: the watcher reads again from the
// backfill with the new filter and the rule sees its event.
func TestWatcherCursorFromBeforeTheRules(t *testing.T) {
	// A team rule on an event type no built-in detection reads.
	const id = "5b0e3c4a-9f1d-4c1e-8a57-2f0c7d1b9e61"
	dir := t.TempDir()
	rule := "title: Group created\nid: " + id + "\nlogsource:\n  product: okta\n  service: okta\n" +
		"detection:\n  selection:\n    eventType: group.lifecycle.create\n  condition: selection\nlevel: medium\n"
	if err := os.WriteFile(filepath.Join(dir, "group_created.yml"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	h, _ := rulesHarnessIn(t, nil, dir)
	uuids, err := h.sim.AddEvents([]oktasim.Object{{
		"eventType": "group.lifecycle.create", "displayMessage": "Create Okta group",
		"published": time.Now().Add(-time.Second).UTC().Format("2006-01-02T15:04:05.000Z"),
		"outcome":   map[string]any{"result": "SUCCESS"},
		"actor":     map[string]any{"type": "User", "alternateId": "ada.admin@example.com", "id": "00u1adm1n2AbCdEf3d7"},
		"target":    []any{map[string]any{"type": "UserGroup", "id": "00g1", "displayName": "Shadow admins"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	before, err := New(Config{OrgURL: h.srv.URL, ClientID: testClientID, PrivateKey: rsaJWK(t, testRSA(), "kid-test")})
	if err != nil {
		t.Fatal(err)
	}
	old := runPoll(before.Poll(ctx, "", time.Now().Add(-time.Minute)), nil)
	if old.err != nil || old.last() == "" || len(old.uuids) != 0 {
		t.Fatalf("a poll without the rule: %+v", old)
	}
	var found []intents.Finding
	w := h.client.NewWatcher(WatchConfig{Load: func() (string, map[string][]byte, error) { return old.last(), nil, nil }})
	if err := w.Poll(ctx, func(b intents.WatchBatch) error { found = append(found, b.Findings...); return nil }); err != nil {
		t.Fatalf("Watcher.Poll from the old cursor: %v", err)
	}
	if ruleFinding(found, id, uuids[0]) == nil {
		t.Errorf("Watcher.Poll from a cursor made before the rule: no finding of the rule; findings: %v", summaries(found))
	}
	if !strings.Contains(h.logs.String(), "reading again from the backfill window") {
		t.Errorf("the watcher did not say it read again from the backfill:\n%s", h.logs.String())
	}
}
