package blocks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// modalJSON is a modal as a golden file holds it: views.open's view,
// indented, keys sorted.
func modalJSON(t *testing.T, v slack.ModalViewRequest) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode modal: %v", err)
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatalf("decode modal: %v", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(generic); err != nil {
		t.Fatalf("encode modal: %v", err)
	}
	return buf.Bytes()
}

// validateModal checks a modal against Slack's limits for views.open: the
// blocks as Validate checks a message's, plus at most 100 blocks, a
// plain_text title, submit and close of at most 24 characters, callback
// id and private_metadata lengths, and every input's label, hint,
// placeholder, max_length and initial value.
func validateModal(t *testing.T, name string, v slack.ModalViewRequest) {
	t.Helper()
	fail := func(format string, a ...any) { t.Errorf("%s: %s", name, fmt.Sprintf(format, a...)) }
	if v.Type != slack.VTModal {
		fail("type %q, want modal", v.Type)
	}
	for what, obj := range map[string]*slack.TextBlockObject{"title": v.Title, "submit": v.Submit, "close": v.Close} {
		switch {
		case obj == nil && what != "close":
			fail("no %s", what)
		case obj == nil:
		case obj.Type != slack.PlainTextType || strings.TrimSpace(obj.Text) == "" || chars(obj.Text) > MaxModalTitle:
			fail("%s %q: want plain_text of 1–%d characters", what, obj.Text, MaxModalTitle)
		}
	}
	if n := len(v.Blocks.BlockSet); n == 0 || n > MaxModalBlocks {
		fail("%d blocks, want 1–%d", n, MaxModalBlocks)
	}
	if chars(v.CallbackID) > MaxID || chars(v.PrivateMetadata) > MaxMetadata {
		fail("callback_id %d or private_metadata %d characters too long", chars(v.CallbackID), chars(v.PrivateMetadata))
	}
	if err := Validate(Message{Text: name, Blocks: v.Blocks.BlockSet}); err != nil {
		fail("blocks: %v", err)
	}
	ids := map[string]bool{}
	for i, b := range v.Blocks.BlockSet {
		in, ok := b.(*slack.InputBlock)
		if !ok {
			continue
		}
		where := fmt.Sprintf("input %d (%s)", i, in.BlockID)
		if in.BlockID == "" || ids[in.BlockID] {
			fail("%s: block_id empty or not unique", where)
		}
		ids[in.BlockID] = true
		if in.Label == nil || in.Label.Type != slack.PlainTextType || in.Label.Text == "" || chars(in.Label.Text) > MaxInputLabel {
			fail("%s: label must be plain_text of 1–%d characters", where, MaxInputLabel)
		}
		if in.Hint != nil && (in.Hint.Type != slack.PlainTextType || chars(in.Hint.Text) > MaxInputLabel) {
			fail("%s: hint must be plain_text of at most %d characters", where, MaxInputLabel)
		}
		switch el := in.Element.(type) {
		case *slack.PlainTextInputBlockElement:
			if el.ActionID != in.BlockID {
				fail("%s: action_id %q, want the block_id", where, el.ActionID)
			}
			if el.MaxLength < 1 || el.MaxLength > MaxInputLength {
				fail("%s: max_length %d, want 1–%d", where, el.MaxLength, MaxInputLength)
			}
			if chars(el.InitialValue) > el.MaxLength {
				fail("%s: initial_value of %d characters is over max_length", where, chars(el.InitialValue))
			}
			if el.Placeholder != nil && chars(el.Placeholder.Text) > MaxPlaceholder {
				fail("%s: placeholder over %d characters", where, MaxPlaceholder)
			}
		case *slack.CheckboxGroupsBlockElement:
			if len(el.Options) == 0 || len(el.Options) > 10 {
				fail("%s: %d options", where, len(el.Options))
			}
			for _, o := range el.Options {
				if chars(o.Text.Text) > 75 || (o.Description != nil && chars(o.Description.Text) > 75) {
					fail("%s: option text or description over 75 characters", where)
				}
			}
		default:
			fail("%s: unexpected element %T", where, in.Element)
		}
	}
}

// formKinds are the kinds the catalogue says open a form.
func formKinds() []intents.Kind {
	var out []intents.Kind
	for _, k := range intents.Catalogue {
		if k.Form == intents.FormOpen {
			out = append(out, k.Kind)
		}
	}
	return out
}

func mustForm(t *testing.T, kind intents.Kind, prefill intents.Intent) slack.ModalViewRequest {
	t.Helper()
	v, err := FormModal(kind, prefill)
	if err != nil {
		t.Fatalf("FormModal(%s) = %v", kind, err)
	}
	return v
}

func TestModalGolden(t *testing.T) {
	tests := []struct {
		name string
		v    func(t *testing.T) slack.ModalViewRequest
	}{
		{"modal_reject", func(*testing.T) slack.ModalViewRequest { return RejectModal(suspendProposal()) }},
		{"modal_form_create_user", func(t *testing.T) slack.ModalViewRequest {
			return mustForm(t, intents.CreateUser, intents.Intent{User: "jane.doe@company.com", Fields: map[string]string{"firstName": "Jane", "costCenter": "4410"}})
		}},
		{"modal_form_update_group", func(t *testing.T) slack.ModalViewRequest {
			return mustForm(t, intents.UpdateGroup, intents.Intent{Group: "Engineering", Reason: "rename after reorg"})
		}},
		{"modal_form_update_app", func(t *testing.T) slack.ModalViewRequest {
			return mustForm(t, intents.UpdateApp, intents.Intent{App: "Wiki", Body: json.RawMessage(`{"label":"Team Wiki","settings":{"app":{"url":"https://wiki.company.com"}}}`)})
		}},
		{"modal_form_create_policy_rule", func(t *testing.T) slack.ModalViewRequest {
			return mustForm(t, intents.CreatePolicyRule, intents.Intent{})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.v(t)
			validateModal(t, tc.name, v)
			golden(t, tc.name+".json", modalJSON(t, v))
		})
	}
}

func TestRejectModal(t *testing.T) {
	p := suspendProposal()
	p.Preview.Summary = strings.Repeat("<!channel> ", 400)
	v := RejectModal(p)
	validateModal(t, "RejectModal", v)
	if v.CallbackID != CallbackReject || v.PrivateMetadata != p.ID || v.Title.Text != "Reject proposal" || v.Submit.Text != "Reject" {
		t.Errorf("RejectModal = callback %q, metadata %q, title %q, submit %q", v.CallbackID, v.PrivateMetadata, v.Title.Text, v.Submit.Text)
	}
	for _, s := range mrkdwnTexts(t, Message{Blocks: v.Blocks.BlockSet}) {
		checkInert(t, "RejectModal", s)
	}
	in := v.Blocks.BlockSet[1].(*slack.InputBlock)
	el := in.Element.(*slack.PlainTextInputBlockElement)
	if !in.Optional || !el.Multiline || el.MaxLength != 500 {
		t.Errorf("RejectModal reason input: optional %v, multiline %v, max_length %d; want true, true, 500", in.Optional, el.Multiline, el.MaxLength)
	}
}

func TestRejectReason(t *testing.T) {
	tests := []struct {
		name, state, want string
	}{
		{"given", `{"values":{"reason":{"reason":{"type":"plain_text_input","value":"  wrong user\n\nsee INC-42 "}}}}`, "wrong user see INC-42"},
		{"empty", `{"values":{"reason":{"reason":{"type":"plain_text_input","value":null}}}}`, ""},
		{"missing", `{"values":{}}`, ""},
		{"control characters", `{"values":{"reason":{"reason":{"type":"plain_text_input","value":"a\u001b[2Jb\u202e"}}}}`, "a[2Jb"},
		{"too long", `{"values":{"reason":{"reason":{"type":"plain_text_input","value":"` + strings.Repeat("x", 900) + `"}}}}`, strings.Repeat("x", 499) + "…"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var st slack.ViewState
			if err := json.Unmarshal([]byte(tc.state), &st); err != nil {
				t.Fatal(err)
			}
			if got := RejectReason(&st); got != tc.want {
				t.Errorf("RejectReason(%s) = %q, want %q", tc.name, got, tc.want)
			}
		})
	}
	if got := RejectReason(nil); got != "" {
		t.Errorf("RejectReason(nil) = %q, want empty", got)
	}
}

func TestFormModalEveryKind(t *testing.T) {
	hostile := strings.Repeat("<!channel> Иван 王 👩‍💻 \u202E", 300)
	for _, k := range intents.Catalogue {
		t.Run(string(k.Kind), func(t *testing.T) {
			v, err := FormModal(k.Kind, intents.Intent{})
			hasForm := false
			for _, fk := range formKinds() {
				hasForm = hasForm || fk == k.Kind
			}
			if !hasForm {
				if err == nil {
					t.Errorf("FormModal(%s) = nil error, want one: the kind has no form", k.Kind)
				}
				return
			}
			if err != nil {
				t.Fatalf("FormModal(%s) = %v", k.Kind, err)
			}
			validateModal(t, string(k.Kind), v)
			if v.CallbackID != CallbackForm {
				t.Errorf("FormModal(%s) callback %q, want %q", k.Kind, v.CallbackID, CallbackForm)
			}
			// Every input is read back: an empty submission names only
			// required inputs, and never fails on the metadata.
			if _, _, err := FormIntent(v.PrivateMetadata, slackState(t, v, nil)); err != nil {
				t.Errorf("FormIntent(FormModal(%s) metadata) = %v", k.Kind, err)
			}
			// Hostile prefill in every value: still within limits.
			fields := map[string]string{}
			for i := range 60 {
				fields[fmt.Sprintf("a%02d", i)] = hostile
			}
			v, err = FormModal(k.Kind, intents.Intent{User: hostile, Group: hostile, Fields: fields, Reason: hostile,
				Body: json.RawMessage(`{"label":"` + strings.Repeat("x", 20000) + `"}`)})
			if err == nil {
				validateModal(t, string(k.Kind)+" hostile", v)
			}
		})
	}
	if _, err := FormModal("bogus", intents.Intent{}); err == nil {
		t.Errorf("FormModal(bogus) = nil error, want one")
	}
}

func TestFormModalFixedTarget(t *testing.T) {
	v := mustForm(t, intents.UpdateUser, intents.Intent{User: "john.smith@company.com"})
	if want := `{"kind":"update_user","user":"john.smith@company.com"}`; v.PrivateMetadata != want {
		t.Errorf("FormModal(update_user, fixed) metadata = %s, want %s", v.PrivateMetadata, want)
	}
	for _, b := range v.Blocks.BlockSet {
		if b.ID() == "user" {
			t.Errorf("FormModal(update_user, fixed) still has a user input")
		}
	}
	v = mustForm(t, intents.CreateUser, intents.Intent{User: "jane@company.com"})
	if want := `{"kind":"create_user"}`; v.PrivateMetadata != want {
		t.Errorf("FormModal(create_user) metadata = %s, want %s (a new login is an input, not fixed)", v.PrivateMetadata, want)
	}
	if _, err := FormModal(intents.UpdateUser, intents.Intent{User: "two words"}); err == nil {
		t.Errorf("FormModal(update_user, invalid user) = nil error, want one")
	}
}
