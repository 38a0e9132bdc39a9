package blocks

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// Limits of modals (Slack's views.open), in characters.
const (
	MaxModalBlocks  = 100
	MaxModalTitle   = 24 // title, submit and close
	MaxInputLabel   = 2000
	MaxInputLength  = 3000 // plain_text_input max_length
	MaxPlaceholder  = 150
	MaxMetadata     = 3000 // private_metadata
	maxRejectReason = 500
)

// Block and action ids of the reject modal's input (the same for both).
const rejectReasonID = "reason"

// RejectModal is the dialog a Reject click opens: what is being rejected
// and an optional reason (at most 500 characters) that the proposal
// message will show. Its callback id is CallbackReject and its
// private_metadata the proposal id.
func RejectModal(p intents.Proposal) slack.ModalViewRequest {
	title := actionTitle(p.Preview.Action, func(name, _ string) string { return md(name, 80) })
	text := "Reject *" + title + "* (" + code(p.ID, 64) + ")?"
	if s := md(p.Preview.Summary, 600); s != "" {
		text += "\n" + s
	}
	el := slack.NewPlainTextInputBlockElement(plain("e.g. wrong user, or not without a ticket"), rejectReasonID)
	el.Multiline, el.MaxLength = true, maxRejectReason
	in := slack.NewInputBlock(rejectReasonID, plain("Reason (optional)"), plain("Shown on the proposal, for the requester and the channel."), el)
	in.Optional = true
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plain("Reject proposal"),
		Submit:          plain("Reject"),
		Close:           plain("Cancel"),
		CallbackID:      CallbackReject,
		PrivateMetadata: p.ID,
		Blocks:          slack.Blocks{BlockSet: []slack.Block{section("proposal", text), in}},
	}
}

// RejectReason reads the reason from a RejectModal submission: one line,
// without control characters, at most 500 characters; "" when none was
// given.
func RejectReason(state *slack.ViewState) string {
	return clip(strings.Join(strings.Fields(sanitize(inputValue(state, rejectReasonID))), " "), maxRejectReason)
}

// inputValue is the value of the plain-text input whose block and action
// id are both id, or "".
func inputValue(state *slack.ViewState, id string) string {
	if state == nil {
		return ""
	}
	return state.Values[id][id].Value
}

// FormModal is the dialog for a create or update action whose arguments
// do not fit a slash command: profile attributes for users, name and
// description for groups, Okta's JSON for apps, policies and rules, and a
// reason. Values in prefill are filled in. A target of an update (the user,
// group, app, policy or rule to change, or the policy of a new rule) given
// in prefill is fixed: shown, kept in private_metadata, not editable.
// Submitting makes a proposal; FormIntent reads it back. It is an error
// for a kind that has no form, or a prefilled target that is not valid.
func FormModal(kind intents.Kind, prefill intents.Intent) (slack.ModalViewRequest, error) {
	f, ok := formFor(kind)
	if !ok {
		return slack.ModalViewRequest{}, fmt.Errorf("blocks: form %s: %w", plainText(string(kind), 40), intents.Invalidf("%s has no form", plainText(string(kind), 40)))
	}
	meta := formMeta{intents.Intent{Kind: kind}}
	var targets []string
	for _, a := range f.fixable {
		v := strings.TrimSpace(targetOf(prefill, a))
		if v == "" {
			continue
		}
		if err := probe(kind, func(in *intents.Intent) { setTarget(in, a, v) }); err != nil {
			return slack.ModalViewRequest{}, fmt.Errorf("blocks: form %s: %s: %w", kind, a, err)
		}
		setTarget(&meta.Intent, a, v)
		targets = append(targets, "*"+f.label(a)+":* "+md(v, 255))
	}
	metadata, err := json.Marshal(meta)
	if err != nil || len(metadata) > MaxMetadata {
		return slack.ModalViewRequest{}, fmt.Errorf("blocks: form %s: the target is too long", kind)
	}
	intro := ":lock_with_ink_pen: " + esc(kind.Info().Summary) + ". This makes a proposal: nothing changes in Okta until an approver clicks *Approve*."
	blocks := []slack.Block{section("intro", intro)}
	if len(targets) > 0 {
		blocks = append(blocks, section("target", strings.Join(targets, "\n")))
	}
	for _, fl := range f.fields {
		if fl.target() && targetOf(meta.Intent, fl.arg) != "" {
			continue
		}
		blocks = append(blocks, fl.block(kind, prefill, f))
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plain(f.title),
		Submit:          plain("Submit for approval"),
		Close:           plain("Cancel"),
		CallbackID:      CallbackForm,
		PrivateMetadata: string(metadata),
		Blocks:          slack.Blocks{BlockSet: blocks},
	}, nil
}

// form is the dialog of one kind.
type form struct {
	title   string
	fields  []formField
	fixable []intents.Arg // targets a prefill fixes
}

// formField is one input. Its id is both its block_id and action_id.
type formField struct {
	id          string
	label       string
	arg         intents.Arg // a target, ArgFields, ArgBody or ArgReason
	attr        string      // the profile attribute, for ArgFields; "" for free lines
	optional    bool
	multiline   bool
	max         int
	placeholder string
	hint        string
}

// Ids of the special inputs.
const (
	idAttributes = "attributes" // more profile attributes, "name: value" lines
	idActivate   = "activate"   // create_user's checkbox
	idBody       = "body"
	idReason     = "reason"
)

func (fl formField) target() bool {
	switch fl.arg {
	case intents.ArgUser, intents.ArgGroup, intents.ArgApp, intents.ArgPolicy, intents.ArgRule:
		return true
	}
	return false
}

// block is the input block of fl, with its prefilled value.
func (fl formField) block(kind intents.Kind, prefill intents.Intent, f form) slack.Block {
	if fl.id == idActivate {
		opt := slack.NewOptionBlockObject("activate", plain("Activate now and email an activation link"),
			plain("Unticked, the user is created STAGED and gets no email."))
		cb := slack.NewCheckboxGroupsBlockElement(idActivate, opt)
		if !strings.EqualFold(prefill.Fields["activate"], "false") {
			cb.InitialOptions = []*slack.OptionBlockObject{opt}
		}
		in := slack.NewInputBlock(idActivate, plain(fl.label), nil, cb)
		in.Optional = true
		return in
	}
	var ph *slack.TextBlockObject
	if fl.placeholder != "" {
		ph = plain(clip(fl.placeholder, MaxPlaceholder))
	}
	el := slack.NewPlainTextInputBlockElement(ph, fl.id)
	el.Multiline, el.MaxLength = fl.multiline, fl.max
	el.InitialValue = fl.initial(prefill, f)
	var hint *slack.TextBlockObject
	if fl.hint != "" {
		hint = plain(clip(fl.hint, MaxInputLabel))
	}
	in := slack.NewInputBlock(fl.id, plain(clip(fl.label, MaxInputLabel)), hint, el)
	in.Optional = fl.optional
	return in
}

// initial is fl's value from prefill, cut to what the input takes.
func (fl formField) initial(prefill intents.Intent, f form) string {
	var v string
	switch {
	case fl.target():
		v = targetOf(prefill, fl.arg)
	case fl.arg == intents.ArgFields && fl.attr != "":
		v = prefill.Fields[fl.attr]
	case fl.id == idAttributes:
		var lines []string
		for _, k := range sortedKeys(prefill.Fields) {
			if k != "activate" && !f.hasAttr(k) {
				lines = append(lines, k+": "+sanitize(prefill.Fields[k]))
			}
		}
		return clipLines(strings.Join(lines, "\n"), fl.max)
	case fl.arg == intents.ArgBody:
		return prettyBody(prefill.Body, fl.max)
	case fl.arg == intents.ArgReason:
		v = prefill.Reason
	}
	return clip(strings.TrimSpace(sanitize(v)), fl.max)
}

// label is the label of the input of argument a.
func (f form) label(a intents.Arg) string {
	for _, fl := range f.fields {
		if fl.arg == a {
			return fl.label
		}
	}
	return titleCase(string(a))
}

func (f form) hasAttr(k string) bool {
	for _, fl := range f.fields {
		if fl.attr == k {
			return true
		}
	}
	return false
}

// formMeta is a form's private_metadata: the kind and its fixed targets,
// as compact JSON.
type formMeta struct {
	intents.Intent
}

func (m formMeta) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Kind   intents.Kind `json:"kind"`
		User   string       `json:"user,omitempty"`
		Group  string       `json:"group,omitempty"`
		App    string       `json:"app,omitempty"`
		Policy string       `json:"policy,omitempty"`
		Rule   string       `json:"rule,omitempty"`
	}{m.Kind, m.User, m.Group, m.App, m.Policy, m.Rule})
}

// decodeFormMeta reads private_metadata as strictly as typed input: one
// JSON object naming a kind that has a form, with only targets that form
// fixes, each valid. Anything else is forged or stale.
func decodeFormMeta(s string) (formMeta, form, error) {
	bad := func(format string, a ...any) (formMeta, form, error) {
		return formMeta{}, form{}, fmt.Errorf("blocks: form metadata: %w", intents.Invalidf(format, a...))
	}
	if len(s) > MaxMetadata {
		return bad("the form's metadata is too long")
	}
	var raw struct {
		Kind   intents.Kind `json:"kind"`
		User   string       `json:"user"`
		Group  string       `json:"group"`
		App    string       `json:"app"`
		Policy string       `json:"policy"`
		Rule   string       `json:"rule"`
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return bad("the form's metadata is not oktabot's")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bad("the form's metadata is not oktabot's")
	}
	f, ok := formFor(raw.Kind)
	if !ok {
		return bad("%q has no form", plainText(string(raw.Kind), 40))
	}
	m := formMeta{intents.Intent{Kind: raw.Kind}}
	given := map[intents.Arg]string{intents.ArgUser: raw.User, intents.ArgGroup: raw.Group, intents.ArgApp: raw.App, intents.ArgPolicy: raw.Policy, intents.ArgRule: raw.Rule}
	for a, v := range given {
		if v == "" {
			continue
		}
		if !f.fixes(a) {
			return bad("the %s form has no fixed %s", raw.Kind, a)
		}
		if err := probe(raw.Kind, func(in *intents.Intent) { setTarget(in, a, v) }); err != nil {
			return bad("the form's %s is not valid", a)
		}
		setTarget(&m.Intent, a, v)
	}
	return m, f, nil
}

func (f form) fixes(a intents.Arg) bool {
	for _, x := range f.fixable {
		if x == a {
			return true
		}
	}
	return false
}

// targetOf is the value of a target argument of in.
func targetOf(in intents.Intent, a intents.Arg) string {
	switch a {
	case intents.ArgUser:
		return in.User
	case intents.ArgGroup:
		return in.Group
	case intents.ArgApp:
		return in.App
	case intents.ArgPolicy:
		return in.Policy
	case intents.ArgRule:
		return in.Rule
	}
	return ""
}

// setTarget sets a target argument of in.
func setTarget(in *intents.Intent, a intents.Arg, v string) {
	switch a {
	case intents.ArgUser:
		in.User = v
	case intents.ArgGroup:
		in.Group = v
	case intents.ArgApp:
		in.App = v
	case intents.ArgPolicy:
		in.Policy = v
	case intents.ArgRule:
		in.Rule = v
	}
}

// clipLines cuts text to at most max characters at a line break.
func clipLines(s string, max int) string {
	for chars(s) > max {
		i := strings.LastIndexByte(s, '\n')
		if i < 0 {
			return ""
		}
		s = s[:i]
	}
	return s
}
