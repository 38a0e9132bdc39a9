package blocks

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
)

// readCSV parses an export, checking the byte order mark.
func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(data, []byte(BOM)) {
		t.Fatalf("CSV does not start with a UTF-8 BOM: %.20q", data)
	}
	rows, err := csv.NewReader(bytes.NewReader(data[len(BOM):])).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	return rows
}

func TestCSVEveryListKind(t *testing.T) {
	tests := []struct {
		name     string
		r        intents.Result
		wantHead string // first column names
		wantRows int
		wantFile string
	}{
		{"list_users", intents.Result{Intent: intents.Intent{Kind: intents.ListUsers}, Users: manyUsers(1000)}, "id,status,login,email", 1000, "okta-list_users.csv"},
		{"group_members", intents.Result{Intent: intents.Intent{Kind: intents.GroupMembers, Group: "eng"}, Subject: "Engineering Team", Users: someUsers()}, "id,status,login", 5, "okta-group_members-engineering-team.csv"},
		{"mfa_status", intents.Result{Intent: intents.Intent{Kind: intents.MFAStatus}, Users: someUsers()[:2]}, "id,status,login", 2, "okta-mfa_status.csv"},
		{"user_details", intents.Result{Intent: intents.Intent{Kind: intents.UserDetails, User: "john"}, Profile: &intents.UserProfile{User: john()}}, "id,status,login", 1, "okta-user_details-john.csv"},
		{"list_groups", intents.Result{Intent: intents.Intent{Kind: intents.ListGroups}, Groups: someGroups()}, "id,name,type,description", 4, "okta-list_groups.csv"},
		{"group_apps", intents.Result{Intent: intents.Intent{Kind: intents.GroupApps, Group: "Инженеры"}, Apps: someApps()}, "id,label,name,status", 3, "okta-group_apps.csv"},
		{"list_apps", intents.Result{Intent: intents.Intent{Kind: intents.ListApps}, Apps: someApps()}, "id,label,name,status", 3, "okta-list_apps.csv"},
		{"app_assignments", intents.Result{Intent: intents.Intent{Kind: intents.AppAssignments, App: "Salesforce"}, Assignments: []intents.Assignment{{Type: "user", ID: "00u1", Name: "a"}, {Type: "group", ID: "00g1", Name: "b"}}}, "type,id,name,status,scope", 2, "okta-app_assignments-salesforce.csv"},
		{"list_policies", intents.Result{Intent: intents.Intent{Kind: intents.ListPolicies}, Policies: []intents.Policy{{ID: "00p1", Name: "Default"}}}, "id,name,type,status", 1, "okta-list_policies.csv"},
		{"policy_rules", intents.Result{Intent: intents.Intent{Kind: intents.PolicyRules, Policy: "Default"}, Rules: []intents.PolicyRule{{ID: "0pr1", Name: "r"}, {ID: "0pr2", Name: "s"}}}, "id,policy_id,name", 2, "okta-policy_rules-default.csv"},
		{"logs", intents.Result{Intent: intents.Intent{Kind: intents.Logs}, Events: someEvents(), Until: testNow}, "published,uuid,event_type", 7, "okta-logs-20261128-1200.csv"},
		{"admin_actions", intents.Result{Intent: intents.Intent{Kind: intents.AdminActions}, Events: someEvents()[6:]}, "published,uuid,event_type", 1, "okta-admin_actions.csv"},
		{"security_events empty", intents.Result{Intent: intents.Intent{Kind: intents.SecurityEvents}}, "published,uuid,event_type", 0, "okta-security_events.csv"},
		{"threats findings", intents.Result{Intent: intents.Intent{Kind: intents.Threats}, Findings: []intents.Finding{{Detection: "x", Severity: intents.SeverityHigh, Score: 60}}}, "detection,severity,score", 1, "okta-threats.csv"},
		{"status scopes", intents.Result{Intent: intents.Intent{Kind: intents.Status}, Status: &intents.OrgStatus{Requested: []string{"a", "b"}, Granted: []string{"a"}, Missing: []string{"b"}}}, "scope,requested,granted", 2, "okta-status.csv"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name, data := CSV(tc.r)
			if name != tc.wantFile {
				t.Errorf("CSV(%s) file name = %q, want %q", tc.name, name, tc.wantFile)
			}
			rows := readCSV(t, data)
			if len(rows) != tc.wantRows+1 {
				t.Fatalf("CSV(%s) has %d rows, want a header and %d", tc.name, len(rows), tc.wantRows)
			}
			if head := strings.Join(rows[0], ","); !strings.HasPrefix(head, tc.wantHead) {
				t.Errorf("CSV(%s) header = %q, want it to start with %q", tc.name, head, tc.wantHead)
			}
			for i, row := range rows {
				if len(row) != len(rows[0]) {
					t.Errorf("CSV(%s) row %d has %d cells, header %d", tc.name, i, len(row), len(rows[0]))
				}
			}
		})
	}
}

func TestCSVEscapesAndDefuses(t *testing.T) {
	u := intents.User{
		ID: "00u1", Status: "ACTIVE", Login: "a@b.c",
		DisplayName: "Smith, \"Jr\"\nline two",
		FirstName:   "=HYPERLINK(\"http://evil\",\"x\")",
		LastName:    "+1+1",
		Department:  "-2-1",
		Title:       "@SUM(A1)",
		Email:       "\tcmd",
		Profile:     map[string]any{"ssn": "123"},
	}
	_, data := CSV(intents.Result{Intent: intents.Intent{Kind: intents.ListUsers}, Users: []intents.User{u}})
	rows := readCSV(t, data)
	got := map[string]string{}
	for i, h := range rows[0] {
		got[h] = rows[1][i]
	}
	want := map[string]string{
		"display_name": "Smith, \"Jr\"\nline two",
		"first_name":   "'=HYPERLINK(\"http://evil\",\"x\")",
		"last_name":    "'+1+1",
		"department":   "'-2-1",
		"title":        "'@SUM(A1)",
		"email":        "'\tcmd",
		"login":        "a@b.c",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("CSV cell %s = %q, want %q", k, got[k], v)
		}
	}
	if strings.Contains(string(data), "ssn") {
		t.Errorf("CSV exported profile attributes: %s", data)
	}
	if !bytes.Contains(data, []byte(`"Smith, ""Jr""`)) {
		t.Errorf("CSV did not quote a cell with a comma and quotes: %s", data)
	}
}

func TestCSVNonLatinRoundTrip(t *testing.T) {
	us := hostileUsers()
	_, data := CSV(intents.Result{Intent: intents.Intent{Kind: intents.ListUsers}, Users: us})
	rows := readCSV(t, data)
	var got []string
	for _, row := range rows[1:] {
		got = append(got, row[6]) // display_name
	}
	want := []string{us[0].DisplayName, "", us[2].DisplayName, us[3].DisplayName, us[4].DisplayName}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CSV display names (-want +got):\n%s", diff)
	}
}

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"Engineering":            "engineering",
		"Super Admins / On-Call": "super-admins-on-call",
		"Инженеры":               "",
		"../../etc/passwd":       "etc-passwd",
		strings.Repeat("a", 99):  strings.Repeat("a", 40),
	}
	for in, want := range tests {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}
