package oktasim

import (
	"encoding/json"
	"testing"
)

func TestFilterEval(t *testing.T) {
	var obj Object
	err := json.Unmarshal([]byte(`{
		"id": "00u1", "status": "ACTIVE", "lastUpdated": "2026-01-02T10:00:00.000Z",
		"profile": {"login": "john@company.com", "firstName": "John", "nick": "x\" or profile.login sw \"", "age": 42},
		"securityContext": {"isProxy": true},
		"debugContext": {"debugData": {"threatSuspected": "true"}},
		"target": [{"id": "0oa1", "type": "AppInstance"}, {"id": "00u9", "type": "User"}]
	}`), &obj)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		filter string
		want   bool
	}{
		{`status eq "ACTIVE"`, true},
		{`status eq "active"`, true},
		{`STATUS EQ "ACTIVE"`, false}, // attribute names are case-sensitive, keywords are not
		{`status EQ "ACTIVE"`, true},
		{`status ne "ACTIVE"`, false},
		{`status ne "SUSPENDED"`, true},
		{`profile.login sw "john"`, true},
		{`profile.login ew "company.com"`, true},
		{`profile.login co "@comp"`, true},
		{`profile.login co "nope"`, false},
		{`profile.middleName pr`, false},
		{`profile.firstName pr`, true},
		{`profile.middleName ne "x"`, true},
		{`lastUpdated gt "2026-01-01T00:00:00.000Z"`, true},
		{`lastUpdated lt "2026-01-02T10:00:00Z"`, false},
		{`lastUpdated ge "2026-01-02T10:00:00Z"`, true},
		{`lastUpdated eq "2026-01-02T10:00:00Z"`, true},
		{`profile.age gt 40`, true},
		{`profile.age le 41`, false},
		{`securityContext.isProxy eq true`, true},
		{`securityContext.isProxy eq false`, false},
		{`debugContext.debugData.threatSuspected eq true`, true},
		{`debugContext.debugData.threatSuspected eq "true"`, true},
		{`target.id eq "00u9"`, true},
		{`target.type eq "Group"`, false},
		{`status eq "SUSPENDED" or profile.firstName eq "John"`, true},
		{`status eq "SUSPENDED" and profile.firstName eq "John"`, false},
		{`status eq "ACTIVE" and (profile.firstName eq "Jane" or profile.lastName pr)`, false},
		{`(status eq "ACTIVE" or status eq "SUSPENDED") and profile.firstName eq "John"`, true},
		{`status eq "SUSPENDED" or status eq "ACTIVE" and profile.firstName eq "Jane"`, false}, // and binds tighter
		{`not (status eq "ACTIVE")`, false},
		{`not status eq "SUSPENDED"`, true},
		{`profile.nick eq null`, false},
		{`profile.middleName eq null`, true},
		// Escaped quotes stay inside the string: never operators.
		{`profile.nick eq "x\" or profile.login sw \""`, true},
		{`profile.login eq "x\" or profile.login sw \""`, false},
		{`profile.login eq "john\u0040company.com"`, true},
	}
	for _, tt := range tests {
		e, err := parseFilter(tt.filter)
		if err != nil {
			t.Errorf("parseFilter(%q): %v", tt.filter, err)
			continue
		}
		if got := e.eval(objectResolver(obj)); got != tt.want {
			t.Errorf("parseFilter(%q).eval = %v, want %v", tt.filter, got, tt.want)
		}
	}
}

func TestFilterParseErrors(t *testing.T) {
	for _, f := range []string{
		``,
		`status`,
		`status eq`,
		`status eq ACTIVE`,
		`status equals "ACTIVE"`,
		`status eq "ACTIVE`,
		`status eq "ACTIVE\"`,
		`status eq "bad \q escape"`,
		`status eq "x" and`,
		`status eq "x" or or status eq "y"`,
		`(status eq "x"`,
		`status eq "x")`,
		`status eq "x" status eq "y"`,
		`eq eq "x"`,
		`and eq "x"`,
		`status eq "x" ; drop`,
		`status eq 'x'`,
	} {
		if e, err := parseFilter(f); err == nil {
			t.Errorf("parseFilter(%q) = %#v, want an error", f, e)
		}
	}
}
