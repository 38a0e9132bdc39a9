package intents

import (
	"testing"
	"time"
)

func sum(fs []Finding) (int, Severity) {
	s := 0
	for _, f := range fs {
		s += f.Score
	}
	return min(s, 100), Band(min(s, 100))
}

// TestAbsorb follows one incident through the changes Absorb reports: a
// new incident, the same finding again (nothing), a grown finding, a new
// detection that raises the severity, and a closed incident.
func TestAbsorb(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	burst := Finding{Detection: "failed_login_burst", User: "john@company.com", Score: 40, Summary: "12 failed", Events: []string{"e1", "e2"}}
	var inc Incident
	ch, ok := inc.Absorb([]Finding{burst}, t0, sum)
	if !ok || !ch.New || inc.Version != 1 || inc.Severity != SeverityMedium || inc.Status != IncidentOpen || len(ch.Lines) != 0 {
		t.Fatalf("first absorb: ok=%v change=%+v incident=%+v", ok, ch, inc)
	}
	inc.Posted, inc.Notified = inc.Version, inc.Severity
	if _, ok := inc.Absorb([]Finding{burst}, t0.Add(time.Minute), sum); ok || inc.Version != 1 {
		t.Fatalf("the same finding again changed the incident: %+v", inc)
	}
	grown := burst
	grown.Events, grown.Summary = []string{"e2", "e3"}, "13 failed"
	ch, ok = inc.Absorb([]Finding{grown}, t0.Add(2*time.Minute), sum)
	if !ok || ch.New || ch.Rose || len(inc.Findings) != 1 || len(inc.Findings[0].Events) != 3 || len(ch.Lines) != 1 {
		t.Fatalf("grown finding: ok=%v change=%+v findings=%+v", ok, ch, inc.Findings)
	}
	tor := Finding{Detection: "success_after_failures", User: "john@company.com", Score: 50, Summary: "success after failures", Events: []string{"e4"}}
	ch, ok = inc.Absorb([]Finding{tor}, t0.Add(3*time.Minute), sum)
	if !ok || !ch.Rose || inc.Severity != SeverityCritical || inc.Summary != tor.Summary || len(ch.Lines) != 2 {
		t.Fatalf("new detection: ok=%v change=%+v incident=%+v", ok, ch, inc)
	}
	if !inc.Takes(t0.Add(3*time.Minute+DefaultIncidentWindow), DefaultIncidentWindow) || inc.Takes(t0.Add(4*time.Minute+DefaultIncidentWindow), DefaultIncidentWindow) {
		t.Error("Takes does not follow the window")
	}
	inc.Status = IncidentClosed
	if _, ok := inc.Absorb([]Finding{{Detection: "x", Events: []string{"e9"}, Score: 10}}, t0.Add(4*time.Minute), sum); ok {
		t.Error("a closed incident took a finding")
	}
}

func TestSuppressionMatches(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	f := Finding{Detection: "impossible_travel", User: "John@company.com", IPs: []string{"1.2.3.4"}}
	for _, c := range []struct {
		s    Suppression
		want bool
	}{
		{Suppression{Detection: "impossible_travel", User: "john@company.com", Until: now.Add(time.Hour)}, true},
		{Suppression{Detection: "impossible_travel", IP: "1.2.3.4", Until: now.Add(time.Hour)}, true},
		{Suppression{Detection: "impossible_travel", IP: "1.2.3.5", Until: now.Add(time.Hour)}, false},
		{Suppression{Detection: "mfa_failures", User: "john@company.com", Until: now.Add(time.Hour)}, false},
		{Suppression{Detection: "impossible_travel", User: "john@company.com", Until: now.Add(-time.Second)}, false},
		{Suppression{Detection: "impossible_travel", Until: now.Add(time.Hour)}, false},
	} {
		if got := c.s.Matches(f, now); got != c.want {
			t.Errorf("%+v: Matches = %v, want %v", c.s, got, c.want)
		}
	}
}
