package blocks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// maxFormBody is the largest JSON body a form accepts, as intents does.
const maxFormBody = 16 << 10

// formFor is the dialog of kind, if it has one.
func formFor(kind intents.Kind) (form, bool) {
	reason := formField{id: idReason, label: "Reason", arg: intents.ArgReason, optional: true, multiline: true, max: 500,
		placeholder: "Why this change? e.g. ticket IT-1234", hint: "Shown to the approver and kept in the audit log."}
	body := func(what, example string) formField {
		return formField{id: idBody, label: "Okta's " + what + " JSON", arg: intents.ArgBody, multiline: true, max: MaxInputLength,
			placeholder: example, hint: "One JSON object, as Okta's API takes it (at most 3,000 characters here)."}
	}
	target := func(a intents.Arg, label, placeholder string) formField {
		max := 255
		if a == intents.ArgUser {
			max = 100
		}
		return formField{id: string(a), label: label, arg: a, max: max, placeholder: placeholder}
	}
	attr := func(id, label, placeholder string) formField {
		return formField{id: id, label: label, arg: intents.ArgFields, attr: id, optional: true, max: 1024, placeholder: placeholder}
	}
	userAttrs := func(create bool) []formField {
		email := attr("email", "Email", "jane.doe@company.com")
		first, last := attr("firstName", "First name", "Jane"), attr("lastName", "Last name", "Doe")
		if create {
			email.hint = "Leave empty to use the login."
			first.optional, last.optional = false, false
		}
		return []formField{email, first, last,
			attr("displayName", "Display name", "Jane Doe"), attr("title", "Title", "Security Engineer"),
			attr("department", "Department", "Security"), attr("manager", "Manager", "John Smith"),
			attr("mobilePhone", "Mobile phone", "+1 555 0100"),
			{id: idAttributes, label: "Other attributes", arg: intents.ArgFields, optional: true, multiline: true, max: MaxInputLength,
				placeholder: "costCenter: 4410", hint: "One per line as name: value, with Okta's attribute names."},
		}
	}
	example := func() string {
		ex := kind.Info().Example
		if i := strings.IndexByte(ex, '{'); i >= 0 {
			return ex[i:]
		}
		return "{…}"
	}
	var f form
	switch kind {
	case intents.CreateUser:
		login := target(intents.ArgUser, "Login", "jane.doe@company.com")
		login.id = "login"
		f = form{title: "Create user", fields: append([]formField{login}, userAttrs(true)...)}
		f.fields = append(f.fields, formField{id: idActivate, label: "Activation", optional: true})
	case intents.UpdateUser:
		u := target(intents.ArgUser, "User", "login or Okta id, e.g. jane.doe@company.com")
		u.hint = "Fill in only the attributes to change."
		f = form{title: "Update user", fields: append([]formField{u}, userAttrs(false)...), fixable: []intents.Arg{intents.ArgUser}}
	case intents.CreateGroup:
		name := target(intents.ArgGroup, "Name", "Incident Responders")
		name.id = "name"
		f = form{title: "Create group", fields: []formField{name,
			{id: "description", label: "Description", arg: intents.ArgFields, attr: "description", optional: true, multiline: true, max: 1024, placeholder: "IR on-call"}}}
	case intents.UpdateGroup:
		f = form{title: "Update group", fixable: []intents.Arg{intents.ArgGroup}, fields: []formField{
			target(intents.ArgGroup, "Group", "name or Okta id of the group"),
			attr("name", "New name", "Incident Response"),
			{id: "description", label: "Description", arg: intents.ArgFields, attr: "description", optional: true, multiline: true, max: 1024, placeholder: "IR on-call"}}}
	case intents.CreateApp:
		f = form{title: "Create app", fields: []formField{body("app", example())}}
	case intents.UpdateApp:
		f = form{title: "Update app", fixable: []intents.Arg{intents.ArgApp}, fields: []formField{target(intents.ArgApp, "Application", "label or Okta id, e.g. Wiki"), body("app", example())}}
	case intents.CreatePolicy:
		f = form{title: "Create policy", fields: []formField{body("policy", example())}}
	case intents.UpdatePolicy:
		f = form{title: "Update policy", fixable: []intents.Arg{intents.ArgPolicy}, fields: []formField{target(intents.ArgPolicy, "Policy", "name or Okta id"), body("policy", example())}}
	case intents.CreatePolicyRule:
		f = form{title: "Create policy rule", fixable: []intents.Arg{intents.ArgPolicy}, fields: []formField{target(intents.ArgPolicy, "Policy", "name or Okta id of the rule's policy"), body("rule", example())}}
	case intents.UpdatePolicyRule:
		f = form{title: "Update policy rule", fixable: []intents.Arg{intents.ArgPolicy, intents.ArgRule}, fields: []formField{
			target(intents.ArgPolicy, "Policy", "name or Okta id"), target(intents.ArgRule, "Rule", "name or Okta id"), body("rule", example())}}
	default:
		return form{}, false
	}
	f.fields = append(f.fields, reason)
	return f, true
}

// FormIntent reads a FormModal submission back into an Intent of the
// form's kind, checked by Intent.Normalize. When a value is wrong it
// returns field errors keyed by block_id, for Slack's response_action
// "errors" (the zero Intent with them). It returns an error only when the
// private_metadata is not a form's (forged or stale).
func FormIntent(privateMetadata string, state *slack.ViewState) (intents.Intent, map[string]string, error) {
	meta, f, err := decodeFormMeta(privateMetadata)
	if err != nil {
		return intents.Intent{}, nil, err
	}
	kind := meta.Kind
	in := meta.Intent
	errs := map[string]string{}
	var inputs []string // ids of the inputs shown, in order
	for _, fl := range f.fields {
		if fl.target() && targetOf(meta.Intent, fl.arg) != "" {
			continue
		}
		inputs = append(inputs, fl.id)
		if fl.id == idActivate {
			if !checked(state, idActivate, "activate") {
				setField(&in, "activate", "false")
			}
			continue
		}
		v := strings.TrimSpace(inputValue(state, fl.id))
		if v == "" {
			if !fl.optional {
				errs[fl.id] = "Required."
			}
			continue
		}
		if msg := readField(kind, &in, fl, v); msg != "" {
			errs[fl.id] = msg
		}
	}
	if len(in.Fields) > 50 {
		errs[idAttributes] = "Too many attributes: at most 50."
	}
	switch kind {
	case intents.UpdateUser, intents.UpdateGroup:
		if len(in.Fields) == 0 && len(errs) == 0 {
			first := "email"
			if kind == intents.UpdateGroup {
				first = "name"
			}
			errs[first] = "Fill in at least one attribute to change."
		}
	case intents.CreateUser:
		if errs["login"] == "" && in.User != "" && !strings.Contains(in.User, "@") && in.Fields["email"] == "" && errs["email"] == "" {
			errs["email"] = "Give an email: the login is not an email address."
		}
	}
	if len(errs) > 0 {
		return intents.Intent{}, errs, nil
	}
	out, err := in.Normalize()
	if err != nil {
		return intents.Intent{}, map[string]string{inputs[0]: problem(err)}, nil
	}
	return out, nil, nil
}

// readField checks one value with intents' rules and puts it into in; it
// returns what is wrong, for people.
func readField(kind intents.Kind, in *intents.Intent, fl formField, v string) string {
	var err error
	switch {
	case fl.target():
		if kind == intents.CreateUser && (strings.HasPrefix(v, "<") || (len(v) == 20 && strings.HasPrefix(v, "00u"))) {
			return "Give the new user's login, e.g. jane.doe@company.com."
		}
		if err = probe(kind, func(x *intents.Intent) { setTarget(x, fl.arg, v) }); err == nil {
			setTarget(in, fl.arg, v)
		}
	case fl.id == idAttributes:
		return readAttributes(kind, in, v)
	case fl.arg == intents.ArgFields:
		if err = probe(kind, func(x *intents.Intent) { x.Fields = map[string]string{fl.attr: v} }); err == nil {
			setField(in, fl.attr, v)
		}
	case fl.arg == intents.ArgBody:
		body, msg := parseBody(v)
		if msg != "" {
			return msg
		}
		if err = probe(kind, func(x *intents.Intent) { x.Body = body }); err == nil {
			in.Body = body
		}
	case fl.arg == intents.ArgReason:
		if err = probe(kind, func(x *intents.Intent) { x.Reason = v }); err == nil {
			in.Reason = v
		}
	}
	if err != nil {
		return problem(err)
	}
	return ""
}

// readAttributes reads "name: value" (or name=value) lines.
func readAttributes(kind intents.Kind, in *intents.Intent, text string) string {
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		at := "Line " + count(i+1) + ": "
		k, v, ok := cutAttribute(line)
		switch {
		case !ok:
			return at + "write name: value, e.g. costCenter: 4410."
		case v == "":
			return at + "give a value after " + k + ":."
		case k == "activate":
			return at + "use the Activation checkbox."
		case in.Fields[k] != "":
			return at + k + " is given twice; give it once."
		}
		if err := probe(kind, func(x *intents.Intent) { x.Fields = map[string]string{k: v} }); err != nil {
			return at + problem(err)
		}
		setField(in, k, v)
	}
	return ""
}

// cutAttribute splits "name: value" or "name=value" at the first : or =.
func cutAttribute(line string) (string, string, bool) {
	i := strings.IndexAny(line, ":=")
	if i <= 0 {
		return "", "", false
	}
	return strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:]), true
}

func setField(in *intents.Intent, k, v string) {
	if in.Fields == nil {
		in.Fields = map[string]string{}
	}
	in.Fields[k] = v
}

// checked reports whether the checkbox option value is ticked.
func checked(state *slack.ViewState, id, value string) bool {
	if state == nil {
		return false
	}
	for _, o := range state.Values[id][id].SelectedOptions {
		if o.Value == value {
			return true
		}
	}
	return false
}

// probe checks one argument with intents' own rules: set puts it into an
// Intent of kind whose other required arguments hold valid placeholders,
// so an error from Normalize is about that argument alone.
func probe(kind intents.Kind, set func(*intents.Intent)) error {
	in := intents.Intent{Kind: kind}
	for _, a := range kind.Info().Required {
		switch a {
		case intents.ArgUser:
			in.User = "probe@example.com"
		case intents.ArgGroup, intents.ArgApp, intents.ArgPolicy, intents.ArgRule:
			setTarget(&in, a, "probe")
		case intents.ArgFields:
			in.Fields = map[string]string{"oktabotProbe": "x"}
		case intents.ArgBody:
			in.Body = json.RawMessage(`{}`)
		}
	}
	set(&in)
	_, err := in.Normalize()
	return err
}

// problem is an intents error as a sentence for a form field.
func problem(err error) string {
	msg := err.Error()
	if e, ok := intents.AsError(err); ok && e.Detail != "" {
		msg = e.Detail
	}
	msg = titleCase(strings.TrimSpace(msg))
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return clip(msg, 300)
}

// parseBody reads a JSON input: one object of at most 16 KB, compacted.
// A mistake is said with its position: "Not valid JSON: line 3, column 7:
// …".
func parseBody(s string) (json.RawMessage, string) {
	if len(s) > maxFormBody {
		return nil, fmt.Sprintf("The JSON is %s bytes; the limit is %s.", count(len(s)), count(maxFormBody))
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		var se *json.SyntaxError
		if !errors.As(err, &se) {
			return nil, "Not valid JSON: " + clip(err.Error(), 200) + "."
		}
		offset := se.Offset
		if strings.Contains(se.Error(), "unexpected end") {
			offset = int64(len(s)) + 1 // after the last character
		}
		line, col := position(s, offset)
		msg := fmt.Sprintf("Not valid JSON: line %d, column %d: %s.", line, col, se.Error())
		if strings.ContainsAny(s, "“”„") {
			msg += " Use straight quotes (\"), not curly ones."
		}
		return nil, clip(msg, 300)
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, "Give one JSON object, {…}, not " + jsonKind(v) + "."
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		return nil, "Not valid JSON."
	}
	return buf.Bytes(), ""
}

// position turns the byte offset of a JSON syntax error into a line and
// a column (in characters), both from 1.
func position(s string, offset int64) (int, int) {
	end := min(max(int(offset)-1, 0), len(s))
	before := s[:end]
	line := strings.Count(before, "\n") + 1
	col := utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
	return line, col
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "an array"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "true or false"
	case nil:
		return "null"
	}
	return "that"
}

// prettyBody is Okta JSON indented for an input of at most max
// characters: compact when indented is too long, "" when neither fits.
func prettyBody(body json.RawMessage, max int) string {
	if len(body) == 0 {
		return ""
	}
	var buf bytes.Buffer
	if json.Indent(&buf, body, "", "  ") == nil && chars(buf.String()) <= max {
		return buf.String()
	}
	buf.Reset()
	if json.Compact(&buf, body) == nil && chars(buf.String()) <= max {
		return buf.String()
	}
	return ""
}

// bodyString is a top-level string of a JSON object, or "".
func bodyString(body json.RawMessage, key string) string {
	var obj map[string]json.RawMessage
	if len(body) == 0 || json.Unmarshal(body, &obj) != nil {
		return ""
	}
	var s string
	if json.Unmarshal(obj[key], &s) != nil {
		return ""
	}
	return strings.TrimSpace(s)
}

// bodyText shows Okta JSON as an indented code block of at most max
// characters, with secrets (client secrets, passwords, tokens, private
// keys) replaced by •••. max 0 leaves it out.
func bodyText(body json.RawMessage, max int) string {
	if len(body) == 0 || max <= 0 {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "_(not valid JSON, " + count(len(body)) + " bytes)_"
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if enc.Encode(redact(v)) != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	var out []string
	used := 0
	for i, l := range lines {
		l = esc(stripTicks(sanitize(l)))
		if used+chars(l)+1 > max {
			out = append(out, "… ("+plural(len(lines)-i, "more line", "more lines")+")")
			break
		}
		used += chars(l) + 1
		out = append(out, l)
	}
	return "```" + strings.Join(out, "\n") + "```"
}

// redact replaces the values of secret-looking keys, and the private
// parts of JSON Web Keys, with •••.
func redact(v any) any {
	switch v := v.(type) {
	case map[string]any:
		_, jwk := v["kty"]
		out := make(map[string]any, len(v))
		for k, e := range v {
			if secretKey(k) || (jwk && isPrivateJWKPart(k)) {
				out[k] = "•••"
				continue
			}
			out[k] = redact(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = redact(e)
		}
		return out
	}
	return v
}

func secretKey(k string) bool {
	k = strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(k))
	return strings.Contains(k, "secret") || strings.Contains(k, "password") || strings.Contains(k, "privatekey") ||
		strings.Contains(k, "apikey") || strings.HasSuffix(k, "token") || k == "credential" || k == "passphrase"
}

func isPrivateJWKPart(k string) bool {
	switch k {
	case "d", "p", "q", "dp", "dq", "qi", "k", "oth":
		return true
	}
	return false
}

// sortedKeys are the keys of m in order.
func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}
