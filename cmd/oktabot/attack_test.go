package main

import (
	"context"
	"encoding/json"
	"regexp"
	"testing"
)

// Every finding `ask --json` prints carries its ATT&CK technique ids, for
// an org-wide sweep and for one person's investigation of the demo org.
func TestAskJSONCarriesAttack(t *testing.T) {
	technique := regexp.MustCompile(`^T1[0-9]{3}(\.[0-9]{3})?$`)
	for _, command := range []string{"/okta threats 7d", "/okta investigate john@company.com"} {
		t.Run(command, func(t *testing.T) {
			out, stderr, err := runCmd(t, context.Background(), nil, "ask", "--sim", "--json", command)
			if err != nil {
				t.Fatalf("ask %q: %v\n%s", command, err, stderr)
			}
			var r struct {
				Findings []struct {
					Detection string   `json:"detection"`
					Attack    []string `json:"attack"`
				} `json:"findings"`
			}
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("ask %q printed non-JSON: %v", command, err)
			}
			if len(r.Findings) == 0 {
				t.Fatalf("ask %q found nothing on the demo org", command)
			}
			detections := map[string]bool{}
			for _, f := range r.Findings {
				detections[f.Detection] = true
				if len(f.Attack) == 0 {
					t.Errorf("ask %q: finding %s has no attack ids", command, f.Detection)
				}
				for _, id := range f.Attack {
					if !technique.MatchString(id) {
						t.Errorf("ask %q: finding %s has attack id %q", command, f.Detection, id)
					}
				}
			}
			t.Logf("%d findings from %d detections", len(r.Findings), len(detections))
		})
	}
}
