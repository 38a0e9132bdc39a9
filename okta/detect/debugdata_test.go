package detect

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
)

func TestBraced(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]string
	}{
		{"{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=POSITIVE}",
			map[string]string{"New Geo-Location": "NEGATIVE", "New Device": "POSITIVE", "New IP": "POSITIVE"}},
		{"{level=HIGH, reasons=Anomalous Device, Anomalous Location}",
			map[string]string{"level": "HIGH", "reasons": "Anomalous Device, Anomalous Location"}},
		{"{level=LOW}", map[string]string{"level": "LOW"}},
		{"{}", map[string]string{}},
		{"", map[string]string{}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, braced(tc.in)); diff != "" {
			t.Errorf("braced(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestBehaviorsAndRisk(t *testing.T) {
	tests := []struct {
		name      string
		debug     map[string]string
		behaviors map[string]string
		level     string
		reasons   string
	}{
		{"none", nil, map[string]string{}, "", ""},
		{"debugData strings",
			map[string]string{"behaviors": "{New Device=POSITIVE, New IP=NEGATIVE}", "risk": "{level=HIGH, reasons=Anomalous Device}"},
			map[string]string{"New Device": "POSITIVE", "New IP": "NEGATIVE"}, "HIGH", "Anomalous Device"},
		{"logOnlySecurityData JSON",
			map[string]string{"logOnlySecurityData": `{"risk":{"level":"MEDIUM","reasons":["Anomalous Location","New ASN"]},"behaviors":{"New Country":"POSITIVE"}}`},
			map[string]string{"New Country": "POSITIVE"}, "MEDIUM", "Anomalous Location, New ASN"},
		{"broken JSON is ignored", map[string]string{"logOnlySecurityData": `{"risk":`}, map[string]string{}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := intents.Event{Debug: tc.debug}
			if diff := cmp.Diff(tc.behaviors, behaviors(e)); diff != "" {
				t.Errorf("behaviors() (-want +got):\n%s", diff)
			}
			level, reasons := risk(e)
			if level != tc.level || reasons != tc.reasons {
				t.Errorf("risk() = %q, %q; want %q, %q", level, reasons, tc.level, tc.reasons)
			}
		})
	}
}

func TestBehaviorEvidenceCapped(t *testing.T) {
	e := intents.Event{Debug: map[string]string{"behaviors": allNew}}
	var ev evidence
	behaviorEvidence(&ev, e)
	if len(ev) != 1 || ev[0].Points != wBehaviorsCap {
		t.Errorf("behaviorEvidence(%s) = %+v, want one item of %d", allNew, ev, wBehaviorsCap)
	}
	ev = nil
	behaviorEvidence(&ev, intents.Event{Debug: map[string]string{"behaviors": "{New IP=POSITIVE, New City=POSITIVE}"}})
	if len(ev) != 1 || ev[0].Points != 10 {
		t.Errorf("behaviorEvidence(New IP, New City) = %+v, want 10 points", ev)
	}
}

func TestThreatDetections(t *testing.T) {
	e := intents.Event{Debug: map[string]string{"threatDetections": `{"Password Spray":"HIGH","Login Failures":"MEDIUM"}`}}
	items, high := threatDetections(e)
	if diff := cmp.Diff([]string{"Login Failures (MEDIUM)", "Password Spray (HIGH)"}, items); diff != "" || !high {
		t.Errorf("threatDetections() = %v, %v (-want +got):\n%s", items, high, diff)
	}
}
