package blocks

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
)

// The actions a user's buttons offer follow their state.
func TestUserActions(t *testing.T) {
	const (
		unlock    = intents.UnlockUser
		unsuspend = intents.UnsuspendUser
		activate  = intents.ActivateUser
		suspend   = intents.SuspendUser
		clear     = intents.ClearSessions
		factors   = intents.ResetFactors
		password  = intents.ResetPassword
	)
	tests := []struct {
		status  string
		factors int
		blocked bool
		want    []intents.Kind
	}{
		{"ACTIVE", 2, false, []intents.Kind{suspend, clear, factors, password}},
		{"ACTIVE", 0, false, []intents.Kind{suspend, clear, password}},
		{"ACTIVE", 1, true, []intents.Kind{unlock, suspend, clear, factors, password}},
		{"LOCKED_OUT", 1, false, []intents.Kind{unlock, password, clear, factors}},
		{"LOCKED_OUT", -1, false, []intents.Kind{unlock, password, clear}},
		{"SUSPENDED", 3, false, []intents.Kind{unsuspend}},
		{"PASSWORD_EXPIRED", 0, false, []intents.Kind{password, clear}},
		{"RECOVERY", 1, false, []intents.Kind{password, clear, factors}},
		{"STAGED", 0, false, []intents.Kind{activate}},
		{"PROVISIONED", 0, false, []intents.Kind{activate}},
		{"DEPROVISIONED", 2, false, nil},
	}
	for _, tt := range tests {
		got := UserActions(intents.User{ID: "00u1", Status: tt.status}, tt.factors, tt.blocked)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("UserActions(%s, %d factors, blocked %v) (-want +got):\n%s", tt.status, tt.factors, tt.blocked, diff)
		}
		for _, k := range got {
			if _, err := EncodeUserAction(k, "00u1"); err != nil {
				t.Errorf("UserActions(%s) offers %s, which its button cannot carry: %v", tt.status, k, err)
			}
			if !k.IsAction() || !slices.Contains(k.Info().Positional, intents.ArgUser) {
				t.Errorf("UserActions(%s) offers %s, not an action on one user", tt.status, k)
			}
		}
	}
}

// A user action value decodes to what was encoded; anything else, forged or
// stale, is refused as invalid.
func TestDecodeUserAction(t *testing.T) {
	v, err := EncodeUserAction(intents.SuspendUser, "00u1abcdJOHN")
	if err != nil {
		t.Fatal(err)
	}
	in, err := DecodeUserAction(v)
	if err != nil || in.Kind != intents.SuspendUser || in.User != "00u1abcdJOHN" || in.Reason != "" {
		t.Fatalf("DecodeUserAction(%s) = %+v, %v; want suspend_user of 00u1abcdJOHN", v, in, err)
	}
	for _, bad := range []string{
		"",
		"suspend_user 00u1abcdJOHN",
		`{"v":1,"k":"deactivate_user","u":"00u1abcdJOHN"}`,
		`{"v":1,"k":"delete_group","u":"00u1abcdJOHN"}`,
		`{"v":1,"k":"list_users","u":"00u1abcdJOHN"}`,
		`{"v":1,"k":"suspend_user","u":"john@company.com"}`,
		`{"v":1,"k":"suspend_user","u":"<!channel>"}`,
		`{"v":1,"k":"suspend_user","u":""}`,
		`{"v":1,"k":"suspend_user","u":"` + strings.Repeat("a", 65) + `"}`,
		`{"v":2,"k":"suspend_user","u":"00u1abcdJOHN"}`,
		`{"v":1,"k":"suspend_user","u":"00u1abcdJOHN","reason":"x"}`,
		`{"v":1,"k":"suspend_user","u":"00u1abcdJOHN"} {}`,
	} {
		if in, err := DecodeUserAction(bad); !errors.Is(err, intents.ErrInvalid) {
			t.Errorf("DecodeUserAction(%q) = %+v, %v; want ErrInvalid", bad, in, err)
		}
	}
}

// A user card carries its actions in one actions block; a list carries an
// Unlock button for each locked-out user of the page, and no more than an
// actions block holds.
func TestUserButtons(t *testing.T) {
	m := Result(intents.Result{Intent: intents.Intent{Kind: intents.UserDetails, User: "ana"},
		Profile: &intents.UserProfile{User: someUsers()[2]}}, Options{Now: testNow})
	if err := Validate(m); err != nil {
		t.Fatal(err)
	}
	_, choices := Plain(m)
	var got []string
	for _, c := range choices {
		in, err := DecodeUserAction(c.Value)
		if err != nil {
			t.Fatalf("card button %q: %v", c.Label, err)
		}
		got = append(got, c.Label+"="+string(in.Kind)+":"+in.User)
	}
	want := []string{"Unlock=unlock_user:00u3", "Reset password=reset_password:00u3", "Clear sessions=clear_sessions:00u3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the locked-out user's card buttons (-want +got):\n%s", diff)
	}

	us := manyUsers(60)
	for i := range us {
		us[i].Status = "LOCKED_OUT"
		us[i].Login = strings.Repeat("x", 90) + us[i].Login
	}
	m = Result(intents.Result{Intent: intents.Intent{Kind: intents.ListUsers, Status: "LOCKED_OUT"}, Users: us}, Options{Now: testNow, PageSize: MaxPageSize, Page: 2})
	if err := Validate(m); err != nil {
		t.Fatalf("Validate(a page of locked-out users) = %v", err)
	}
	_, choices = Plain(m)
	unlocks := 0
	for _, c := range choices {
		if strings.HasPrefix(c.ActionID, ActionUserAct) {
			unlocks++
			if in, err := DecodeUserAction(c.Value); err != nil || in.Kind != intents.UnlockUser {
				t.Errorf("list button %q = %+v, %v; want unlock_user", c.Label, in, err)
			}
		}
	}
	if unlocks != MaxPageSize {
		t.Errorf("a page of %d locked-out users has %d Unlock buttons, want %d", MaxPageSize, unlocks, MaxPageSize)
	}
}
