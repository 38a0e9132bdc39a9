package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot/slackfake"
)

// termForm is a modal the bot opened (views.open or views.push), asked in the
// terminal field by field and submitted as Slack submits it: a
// view_submission with every input's state. A response_action "errors"
// shows the bot's problems and asks those fields again.
type termForm struct {
	id     string
	title  string
	submit string // the submit button's text
	intro  string // the view's other blocks, as text
	fields []*formField
	queue  []*formField // fields still to ask, in order
	lines  []string     // a multi-line answer so far
	shown  bool         // the title and intro have been printed
	// changed is set when the bot updated the view while it was asked.
	changed bool
	// readOnly is a view with neither inputs nor a submit button: only
	// to read.
	readOnly bool
}

// formField is one input block.
type formField struct {
	blockID, actionID string
	kind              string // the element's type
	label, hint       string
	placeholder       string
	optional          bool
	multiline         bool
	minLen, maxLen    int
	options           []formOption
	initial           string // initial_value
	initialSel        []int  // the initial options, by index
	value             any    // the input's entry in view.state.values; nil until answered
}

// formOption is one option of a select, radio buttons or checkboxes.
type formOption struct {
	text, description string
	raw               json.RawMessage // as the view has it: Slack sends it back when chosen
}

// Kinds of input, by what the terminal asks for.
const (
	askText = iota
	askOne
	askMany
	askNothing // an element the terminal cannot fill
)

func (fl *formField) asks() int {
	switch fl.kind {
	case "plain_text_input", "email_text_input", "url_text_input", "number_input":
		return askText
	case "static_select", "radio_buttons":
		return askOne
	case "checkboxes", "multi_static_select":
		return askMany
	}
	return askNothing
}

// viewDef is what the terminal reads of a view.
type viewDef struct {
	Title  viewText          `json:"title"`
	Submit *viewText         `json:"submit"`
	Blocks []json.RawMessage `json:"blocks"`
}

type viewText struct {
	Text string `json:"text"`
}

type inputDef struct {
	Type     string    `json:"type"`
	BlockID  string    `json:"block_id"`
	Label    viewText  `json:"label"`
	Hint     *viewText `json:"hint"`
	Optional bool      `json:"optional"`
	Element  struct {
		Type         string            `json:"type"`
		ActionID     string            `json:"action_id"`
		Placeholder  *viewText         `json:"placeholder"`
		InitialValue string            `json:"initial_value"`
		Multiline    bool              `json:"multiline"`
		MinLength    int               `json:"min_length"`
		MaxLength    int               `json:"max_length"`
		Options      []json.RawMessage `json:"options"`
		OptionGroups []struct {
			Options []json.RawMessage `json:"options"`
		} `json:"option_groups"`
		InitialOption  json.RawMessage   `json:"initial_option"`
		InitialOptions []json.RawMessage `json:"initial_options"`
	} `json:"element"`
}

// parseForm reads a view the bot opened.
func parseForm(v slackfake.View) (*termForm, error) {
	var def viewDef
	if err := json.Unmarshal(v.View, &def); err != nil {
		return nil, err
	}
	f := &termForm{id: v.ID, title: termText(def.Title.Text), submit: "Submit", readOnly: def.Submit == nil}
	if def.Submit != nil {
		f.submit = termText(def.Submit.Text)
	}
	var others []json.RawMessage
	var skipped []string
	for _, raw := range def.Blocks {
		var in inputDef
		if err := json.Unmarshal(raw, &in); err != nil {
			return nil, err
		}
		if in.Type != "input" {
			others = append(others, raw)
			continue
		}
		fl, err := newField(in)
		if err != nil {
			return nil, err
		}
		f.fields = append(f.fields, fl)
		f.readOnly = false
		if fl.asks() == askNothing {
			skipped = append(skipped, fmt.Sprintf("(This terminal cannot fill “%s”, a %s; it is sent empty.)", fl.label, fl.kind))
			continue
		}
		f.queue = append(f.queue, fl)
	}
	if len(others) > 0 {
		var bl slack.Blocks
		raw, err := json.Marshal(others)
		if err == nil {
			err = json.Unmarshal(raw, &bl)
		}
		if err != nil {
			return nil, err
		}
		f.intro, _ = blocks.Plain(blocks.Message{Blocks: bl.BlockSet})
	}
	f.intro = strings.TrimSpace(strings.Join(append([]string{f.intro}, skipped...), "\n"))
	return f, nil
}

func newField(in inputDef) (*formField, error) {
	el := in.Element
	fl := &formField{
		blockID: in.BlockID, actionID: el.ActionID, kind: el.Type,
		label: termText(in.Label.Text), optional: in.Optional, multiline: el.Multiline,
		minLen: el.MinLength, maxLen: el.MaxLength, initial: el.InitialValue,
	}
	if in.Hint != nil {
		fl.hint = termText(in.Hint.Text)
	}
	if el.Placeholder != nil {
		fl.placeholder = termText(el.Placeholder.Text)
	}
	raws := el.Options
	for _, g := range el.OptionGroups {
		raws = append(raws, g.Options...)
	}
	values := map[string]int{}
	for _, raw := range raws {
		var o struct {
			Text        viewText  `json:"text"`
			Description *viewText `json:"description"`
			Value       string    `json:"value"`
		}
		if err := json.Unmarshal(raw, &o); err != nil {
			return nil, err
		}
		opt := formOption{text: termText(o.Text.Text), raw: raw}
		if o.Description != nil {
			opt.description = termText(o.Description.Text)
		}
		values[o.Value] = len(fl.options)
		fl.options = append(fl.options, opt)
	}
	initial := el.InitialOptions
	if len(el.InitialOption) > 0 && string(el.InitialOption) != "null" {
		initial = append(initial, el.InitialOption)
	}
	for _, raw := range initial {
		var o struct {
			Value string `json:"value"`
		}
		if json.Unmarshal(raw, &o) == nil {
			if i, ok := values[o.Value]; ok {
				fl.initialSel = append(fl.initialSel, i)
			}
		}
	}
	return fl, nil
}

// view follows the views the bot opens, pushes and updates for this user.
// A view only to read is shown and closed at once.
func (c *chat) view(ctx context.Context, v slackfake.View) {
	if v.UserID != c.user {
		return
	}
	f, err := parseForm(v)
	if err != nil {
		c.say("  (the bot opened a view this terminal cannot read: %v)", err)
		return
	}
	switch v.Method {
	case "views.open", "views.push":
		c.answered()
		if f.readOnly {
			c.say("\n📄 %s:\n%s", f.title, indent(f.intro))
			c.closeForm(ctx, f)
			return
		}
		c.forms = append(c.forms, f)
	case "views.update":
		for i, old := range c.forms {
			if old.id == v.ID {
				f.keep(old)
				c.forms[i] = f
				c.prompted = false
			}
		}
	}
}

// keep carries the answers given in old into f, an update of the same
// view: fields answered there are not asked again.
func (f *termForm) keep(old *termForm) {
	done := map[string]*formField{}
	for _, fl := range old.fields {
		if fl.value != nil && !slices.Contains(old.queue, fl) {
			done[fl.blockID+"/"+fl.actionID] = fl
		}
	}
	var queue []*formField
	for _, fl := range f.queue {
		if prev := done[fl.blockID+"/"+fl.actionID]; prev != nil && prev.kind == fl.kind {
			fl.value = prev.value
			continue
		}
		queue = append(queue, fl)
	}
	f.queue = queue
	f.changed = true
}

// ask prints the form's title and intro the first time, then the question
// of the field being asked.
func (f *termForm) ask(w io.Writer) {
	if !f.shown {
		f.shown = true
		if f.changed {
			fmt.Fprintf(w, "\n📝 %s: oktabot changed the form; what you answered is kept.\n", f.title)
		} else {
			fmt.Fprintf(w, "\n📝 %s: a form. Answer field by field; Enter skips an optional field; cancel closes the form.\n", f.title)
		}
		if f.intro != "" {
			fmt.Fprintln(w, indent(f.intro))
		}
	}
	switch {
	case len(f.queue) == 0:
		fmt.Fprintf(w, "\nEnter submits “%s”; cancel closes> ", f.submit)
	case len(f.lines) > 0:
		fmt.Fprint(w, "… ")
	default:
		f.queue[0].question(w)
	}
}

// question asks for one field: its label, hint, example or options, and
// how to answer.
func (fl *formField) question(w io.Writer) {
	head := fl.label
	if fl.optional && !strings.Contains(strings.ToLower(head), "optional") {
		head += " (optional)"
	}
	if fl.hint != "" {
		head += " — " + fl.hint
	}
	fmt.Fprintln(w, "\n"+head)
	var how []string
	switch fl.asks() {
	case askText:
		if ex := fl.placeholder; ex != "" {
			if !strings.Contains(ex, "e.g.") {
				ex = "e.g. " + ex
			}
			fmt.Fprintln(w, "  "+ex)
		}
		if fl.multiline {
			how = append(how, "Several lines; an empty line ends.")
		}
		switch {
		case fl.initial != "" && fl.optional:
			how = append(how, fmt.Sprintf("Enter keeps “%s”; - clears it.", termText(fl.initial)))
		case fl.initial != "":
			how = append(how, fmt.Sprintf("Enter keeps “%s”.", termText(fl.initial)))
		case fl.optional:
			how = append(how, "Enter skips it.")
		}
	case askOne, askMany:
		for i, o := range fl.options {
			mark := "[ ]"
			if slices.Contains(fl.initialSel, i) {
				mark = "[x]"
			}
			line := fmt.Sprintf("  %d) %s %s", i+1, mark, o.text)
			if o.description != "" {
				line += " — " + o.description
			}
			fmt.Fprintln(w, line)
		}
		if fl.asks() == askOne {
			how = append(how, "Type the number of one option.")
		} else {
			how = append(how, "Type the numbers of the options to tick, e.g. 1 3.")
		}
		keep := "Enter keeps what is ticked"
		if fl.asks() == askOne && len(fl.initialSel) == 1 {
			keep = "Enter keeps “" + fl.options[fl.initialSel[0]].text + "”"
		}
		switch {
		case len(fl.initialSel) > 0 && fl.optional:
			how = append(how, keep+"; - clears it.")
		case len(fl.initialSel) > 0:
			how = append(how, keep+".")
		case fl.optional:
			how = append(how, "Enter skips it.")
		}
	}
	if len(how) > 0 {
		fmt.Fprintln(w, "  "+strings.Join(how, " "))
	}
	fmt.Fprint(w, firstLine(strings.TrimSpace(strings.ReplaceAll(fl.label, "(optional)", "")))+"> ")
}

// set takes a typed answer; it returns what is wrong with it, as Slack's
// own form would say before sending.
func (fl *formField) set(input string) string {
	if fl.asks() == askText {
		v := input
		switch {
		case v == "" && fl.initial != "":
			v = fl.initial
		case v == "-" && fl.initial != "" && fl.optional:
			v = ""
		}
		if v == "" {
			if !fl.optional {
				return "Required: type a value, or cancel to close the form."
			}
			fl.value = map[string]any{"type": fl.kind, "value": nil}
			return ""
		}
		n := utf8.RuneCountInString(v)
		switch {
		case fl.maxLen > 0 && n > fl.maxLen:
			return fmt.Sprintf("At most %d characters; that was %d.", fl.maxLen, n)
		case fl.minLen > 0 && n < fl.minLen:
			return fmt.Sprintf("At least %d characters; that was %d.", fl.minLen, n)
		}
		fl.value = map[string]any{"type": fl.kind, "value": v}
		return ""
	}
	sel := fl.initialSel
	switch input {
	case "":
	case "-":
		sel = nil
	default:
		sel = nil
		for _, w := range strings.FieldsFunc(input, func(r rune) bool { return r == ' ' || r == ',' }) {
			i, err := strconv.Atoi(w)
			if err != nil || i < 1 || i > len(fl.options) {
				if fl.asks() == askOne {
					return fmt.Sprintf("Type a number from 1 to %d.", len(fl.options))
				}
				return fmt.Sprintf("Type option numbers from 1 to %d.", len(fl.options))
			}
			if !slices.Contains(sel, i-1) {
				sel = append(sel, i-1)
			}
		}
	}
	switch {
	case len(sel) == 0 && !fl.optional:
		return "Required: choose an option, or cancel to close the form."
	case len(sel) > 1 && fl.asks() == askOne:
		return "Choose one option."
	}
	chosen := []json.RawMessage{}
	for _, i := range sel {
		chosen = append(chosen, fl.options[i].raw)
	}
	if fl.asks() == askOne {
		var one any
		if len(chosen) == 1 {
			one = chosen[0]
		}
		fl.value = map[string]any{"type": fl.kind, "selected_option": one}
	} else {
		fl.value = map[string]any{"type": fl.kind, "selected_options": chosen}
	}
	return ""
}

// answer takes a typed line for the form being filled.
func (c *chat) answer(ctx context.Context, line string) {
	f := c.forms[len(c.forms)-1]
	if strings.EqualFold(line, "cancel") {
		c.closeForm(ctx, f)
		return
	}
	if len(f.queue) == 0 {
		if line != "" {
			c.say("  (Enter submits “%s”; cancel closes the form.)", f.submit)
			return
		}
		c.submitForm(ctx, f)
		return
	}
	fl := f.queue[0]
	if fl.multiline && fl.asks() == askText {
		if line != "" {
			f.lines = append(f.lines, line)
			return
		}
		line, f.lines = strings.Join(f.lines, "\n"), nil
	}
	if problem := fl.set(line); problem != "" {
		c.say("  (%s)", problem)
		return
	}
	f.queue = f.queue[1:]
	if len(f.queue) == 0 {
		c.submitForm(ctx, f)
	}
}

// submitForm sends the form as a view_submission and reads the bot's ack:
// no response_action closes the form, "errors" asks those fields again.
func (c *chat) submitForm(ctx context.Context, f *termForm) {
	state := map[string]map[string]any{}
	for _, fl := range f.fields {
		if fl.value != nil {
			state[fl.blockID] = map[string]any{fl.actionID: fl.value}
		}
	}
	raw, err := json.Marshal(state)
	if err != nil {
		c.say("  (the form could not be sent: %v)", err)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	id, err := c.slack.SubmitView(ctx, slackfake.ViewSubmission{UserID: c.user, ViewID: f.id, State: raw})
	var ack slackfake.Ack
	if err == nil {
		ack, err = c.slack.WaitAck(ctx, id)
	}
	if err != nil {
		c.say("  (the form “%s” could not be sent: %v)", f.title, err)
		c.drop(f)
		return
	}
	var resp struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
	}
	if len(ack.Payload) > 0 {
		_ = json.Unmarshal(ack.Payload, &resp)
	}
	switch resp.Action {
	case "errors":
		c.say("→ oktabot sent the form “%s” back:", f.title)
		c.refill(ctx, f, resp.Errors)
		return
	case "", "clear":
		c.say("→ submitted “%s”", f.title)
	default:
		c.say("→ submitted “%s”; oktabot answered with response_action %q, which this terminal does not show", f.title, resp.Action)
	}
	c.drop(f)
	if resp.Action == "clear" {
		c.forms = nil
	}
	c.awaitAnswer()
}

// refill shows the bot's problems with a form under their fields' labels
// and asks those fields again.
func (c *chat) refill(ctx context.Context, f *termForm, errs map[string]string) {
	stuck := false
	for _, fl := range f.fields {
		msg, ok := errs[fl.blockID]
		if !ok {
			continue
		}
		delete(errs, fl.blockID)
		c.say("  ⚠️ %s: %s", fl.label, termText(msg))
		if fl.asks() == askNothing {
			stuck = true
		}
		f.queue = append(f.queue, fl)
	}
	for _, k := range slices.Sorted(maps.Keys(errs)) {
		c.say("  ⚠️ %s: %s", termText(k), termText(errs[k]))
		stuck = true
	}
	if stuck || len(f.queue) == 0 {
		c.say("  (this terminal cannot answer that)")
		c.closeForm(ctx, f)
	}
}

// closeForm closes a form as Slack's Cancel does (view_closed if the view
// asked for it).
func (c *chat) closeForm(ctx context.Context, f *termForm) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	c.drop(f)
	what := "form"
	if f.readOnly {
		what = "view"
	}
	switch id, err := c.slack.CloseView(ctx, slackfake.ViewClose{UserID: c.user, ViewID: f.id}); {
	case err != nil:
		c.say("  (closing the %s “%s”: %v)", what, f.title, err)
	case id != "":
		c.say("→ closed the %s “%s”; oktabot was told", what, f.title)
	default:
		c.say("→ closed the %s “%s”; nothing was sent", what, f.title)
	}
}

// drop forgets a form.
func (c *chat) drop(f *termForm) {
	c.forms = slices.DeleteFunc(c.forms, func(g *termForm) bool { return g == f })
}
