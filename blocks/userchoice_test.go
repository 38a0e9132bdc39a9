package blocks

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/intents"
)

func pickButtons(t *testing.T, m Message) []*slack.ButtonBlockElement {
	t.Helper()
	var out []*slack.ButtonBlockElement
	for _, b := range m.Blocks {
		if a, ok := b.(*slack.ActionBlock); ok {
			for _, e := range a.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok {
					out = append(out, btn)
				}
			}
		}
	}
	return out
}

// An ask-back between several users: one button per user (at most five),
// each running the same request for that user's login; valid Block Kit.
func TestPickUserAmbiguous(t *testing.T) {
	var us []intents.User
	for i := range 7 {
		us = append(us, intents.User{ID: fmt.Sprintf("00u%d", i), Login: fmt.Sprintf("john%d@company.com", i), FirstName: "John", LastName: fmt.Sprint(i), Status: "ACTIVE"})
	}
	req := intents.Intent{Kind: intents.FailedLogins, User: "john", Window: 3 * intents.Day}
	m := PickUser(UserChoice{Request: req, Typed: "john", Ambiguous: true, Candidates: us, More: true})
	if err := Validate(m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "users match john") || strings.Contains(m.Text, "✅") {
		t.Errorf("text %q, want an ask-back, never a check mark", m.Text)
	}
	bs := pickButtons(t, m)
	if len(bs) != 5 {
		t.Fatalf("%d buttons, want 5", len(bs))
	}
	for i, b := range bs {
		in, err := DecodeRerun(b.Value)
		if err != nil {
			t.Fatalf("button %d: %v", i, err)
		}
		if !strings.HasPrefix(b.ActionID, ActionPickUser) || in.Kind != req.Kind || in.Window != req.Window || in.User != us[i].Login {
			t.Errorf("button %d (%s) runs %+v, want %s for %s", i, b.ActionID, in, req.Kind, us[i].Login)
		}
	}
}

// No match: "no user matches" with the suggestions as buttons; an action
// is run again too (it only proposes); a request too big for a button is
// listed without one.
func TestPickUserNoMatch(t *testing.T) {
	emily := intents.User{ID: "00ue", Login: "emily.chen@company.com", FirstName: "Emily", LastName: "Chen", Status: "SUSPENDED"}
	m := PickUser(UserChoice{Request: intents.Intent{Kind: intents.SuspendUser, User: "emil", Reason: "tor"}, Typed: "emil", Candidates: []intents.User{emily}})
	if err := Validate(m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "No user matches emil") || !strings.Contains(m.Text, "emily.chen@company.com") {
		t.Errorf("text %q, want no user matches with the suggestion", m.Text)
	}
	bs := pickButtons(t, m)
	if len(bs) != 1 {
		t.Fatalf("%d buttons, want 1", len(bs))
	}
	if in, err := DecodeRerun(bs[0].Value); err != nil || in.Kind != intents.SuspendUser || in.User != emily.Login || in.Reason != "tor" {
		t.Errorf("button runs %+v (%v), want suspend emily.chen@ with the reason", in, err)
	}
	big := intents.Intent{Kind: intents.UpdateUser, User: "emil", Fields: map[string]string{"title": strings.Repeat("x", 450), "department": strings.Repeat("y", 450),
		"city": strings.Repeat("z", 450), "state": strings.Repeat("w", 450), "zip": strings.Repeat("v", 450)}}
	m = PickUser(UserChoice{Request: big, Typed: "emil", Candidates: []intents.User{emily}})
	if err := Validate(m); err != nil {
		t.Fatal(err)
	}
	if len(pickButtons(t, m)) != 0 || !strings.Contains(mustJSON(t, m), "emily.chen@company.com") {
		t.Errorf("a request too big for a button: want the login listed and no button")
	}
	if m := PickUser(UserChoice{Request: big, Typed: "zzz"}); !strings.Contains(m.Text, "No user matches zzz") || Validate(m) != nil {
		t.Errorf("no candidates: %q", m.Text)
	}
}

// A forged value is refused: unknown kinds, a cursor, no user, arguments
// the kind does not take, unknown keys.
func TestDecodeRerunRefuses(t *testing.T) {
	for _, v := range []string{
		`{"v":1,"q":{"kind":"drop_everything","user":"a"}}`,
		`{"v":1,"q":{"kind":"investigate"}}`,
		`{"v":1,"q":{"kind":"investigate","user":"a","after":"x"}}`,
		`{"v":1,"q":{"kind":"suspend_user","user":"a","group":"Admins"}}`,
		`{"v":1,"q":{"kind":"investigate","user":"a"},"x":1}`,
		`{"v":2,"q":{"kind":"investigate","user":"a"}}`,
		`{"v":1,"q":{"kind":"investigate","user":"a\u0000"}}`,
	} {
		if _, err := DecodeRerun(v); !errors.Is(err, intents.ErrInvalid) {
			t.Errorf("DecodeRerun(%s) = %v, want ErrInvalid", v, err)
		}
	}
}
