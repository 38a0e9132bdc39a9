package intents

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// This file maps option keys to arguments and stores validated values in
// the intent being parsed.

// NormKey is the form option keys are compared in.
func NormKey(k string) string {
	return strings.ReplaceAll(strings.ToLower(k), "-", "_")
}

// ArgsForKey maps a normalized option key to the arguments it may mean, in
// order of preference: an Arg's own name, or an alias.
func ArgsForKey(k string) []Arg {
	switch k {
	case "type":
		return []Arg{ArgEventType, ArgPolicyType}
	case "eventtype", "event":
		return []Arg{ArgEventType}
	case "ptype", "policytype":
		return []Arg{ArgPolicyType}
	case "q", "search":
		return []Arg{ArgQuery}
	case "country":
		return []Arg{ArgCountries}
	case "application":
		return []Arg{ArgApp}
	case "result":
		return []Arg{ArgOutcome}
	}
	for _, a := range []Arg{ArgUser, ArgGroup, ArgApp, ArgPolicy, ArgRule, ArgPolicyType, ArgWindow, ArgSince, ArgUntil,
		ArgEventType, ArgOutcome, ArgStatus, ArgQuery, ArgCountries, ArgReason, ArgLimit, ArgID} {
		if string(a) == k {
			return []Arg{a}
		}
	}
	return nil
}

// optionKey is the key shown to people for an argument.
func optionKey(a Arg) string {
	if a == ArgEventType {
		return "type"
	}
	return string(a)
}

// argNoun names an argument in a sentence: "a user".
func argNoun(a Arg) string {
	switch a {
	case ArgUser:
		return "a user (login, email, Okta id or @mention)"
	case ArgGroup:
		return "a group name"
	case ArgApp:
		return "an application name"
	case ArgPolicy:
		return "a policy name"
	case ArgRule:
		return "a rule name"
	case ArgFields:
		return "at least one attribute to set, as name:value"
	case ArgBody:
		return "Okta's JSON for the object, starting with {"
	case ArgID:
		return "a proposal id"
	case ArgWindow:
		return "a time window such as 24h or 7d"
	case ArgSince, ArgUntil:
		return "a time: a date (2026-11-30), a date and time (2026-11-30T14:00), or how long ago (2h, 3d)"
	default:
		return "a " + optionKey(a)
	}
}

// setArg validates one argument and stores it in the intent.
func (ps *parser) setArg(a Arg, val string) error {
	if ps.set[a] {
		return Invalid("%s is given twice; give it once", optionKey(a))
	}
	val = strings.TrimSpace(val)
	if val == "" {
		return Invalid("%s: is empty; give %s", optionKey(a), argNoun(a))
	}
	in := &ps.in
	var err error
	switch a {
	case ArgUser:
		in.User, err = validUser(val)
	case ArgGroup, ArgApp, ArgPolicy, ArgRule:
		var name string
		if name, err = validName(a, val); err == nil {
			*nameField(in, a) = name
		}
	case ArgPolicyType:
		in.PolicyType, err = ValidPolicyType(val)
	case ArgWindow:
		if ps.set[ArgSince] {
			return Invalid("give the window once: either its length (%s) or since:", Excerpt(val))
		}
		in.Window, err = validWindow(val)
	case ArgSince, ArgUntil:
		err = ps.setBound(a, val)
	case ArgEventType:
		in.EventType, err = ValidEventType(val)
	case ArgOutcome:
		in.Outcome, err = validOutcome(val)
	case ArgStatus:
		in.Status, err = validStatus(ps.info.Kind, val)
	case ArgQuery:
		in.Query, err = validText("query", val, maxQuery)
	case ArgCountries:
		in.Countries, err = validCountries(val)
	case ArgLimit:
		in.Limit, err = validLimit(val)
	case ArgID:
		in.ID, err = validID(val)
	default:
		return Invalid("%s: cannot be given as an option", optionKey(a))
	}
	if err != nil {
		return err
	}
	ps.set[a] = true
	return nil
}

func nameField(in *Intent, a Arg) *string {
	switch a {
	case ArgGroup:
		return &in.Group
	case ArgApp:
		return &in.App
	case ArgPolicy:
		return &in.Policy
	default:
		return &in.Rule
	}
}

// setReason validates and stores the reason.
func (ps *parser) setReason(val string) error {
	if !ps.info.Accepts(ArgReason) {
		return ps.notAccepted("reason")
	}
	val = strings.Join(strings.Fields(val), " ")
	if val == "" {
		return Invalid("reason: is empty; write the reason after it, e.g. reason: stolen laptop")
	}
	r, err := validText("reason", val, maxReason)
	if err != nil {
		return err
	}
	ps.in.Reason = r
	ps.set[ArgReason] = true
	return nil
}

// setField validates and stores one profile attribute.
func (ps *parser) setField(key, val string) error {
	if !validFieldKey(key) {
		return Invalid("%q is not an Okta attribute name: use letters, digits and _ (starting with a letter, at most %d)", Excerpt(key), maxFieldKey)
	}
	if _, dup := ps.in.Fields[key]; dup {
		return Invalid("%s is given twice; give it once", key)
	}
	if len(ps.in.Fields) >= maxFields {
		return Invalid("too many attributes (at most %d)", maxFields)
	}
	if utf8.RuneCountInString(val) > maxFieldVal || hasControl(val) {
		return Invalid("the value of %s must be at most %d characters without control characters", key, maxFieldVal)
	}
	if ps.in.Fields == nil {
		ps.in.Fields = map[string]string{}
	}
	ps.in.Fields[key] = val
	ps.set[ArgFields] = true
	return nil
}

// setBody stores Okta's JSON object (lex has checked it).
func (ps *parser) setBody(body json.RawMessage) {
	ps.in.Body = body
	ps.set[ArgBody] = true
}
