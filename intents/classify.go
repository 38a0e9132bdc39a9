package intents

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Classifier turns the text of a mention or direct message into an Intent.
// freetext.Rules is the default; intents/llm asks a model and falls back to
// the rules.
// Implementations validate what they return exactly as Parse does: an error
// wraps ErrInvalid and comes with the zero Intent.
type Classifier interface {
	Classify(ctx context.Context, text string) (Intent, error)
}

// By names the path that decided an Intent, for `oktabot intent` and logs.
type By string

// The paths.
const (
	ByRules By = "rules"
	ByModel By = "model"
)

// Draft holds arguments as text, before validation. The free-text rules
// and FromArgs fill them; Build validates them with the slash parser's own
// setters, so every path into an Intent checks values the same way.
type Draft struct {
	Vals      map[Arg]string
	Countries []string
	Fields    map[string]string
	Body      string
	Reason    string
}

// Set drafts v as the value of arg, replacing any earlier one.
func (a *Draft) Set(arg Arg, v string) {
	if a.Vals == nil {
		a.Vals = map[Arg]string{}
	}
	a.Vals[arg] = v
}

// SetField drafts v as the value of the profile attribute k.
func (a *Draft) SetField(k, v string) {
	if a.Fields == nil {
		a.Fields = map[string]string{}
	}
	a.Fields[k] = v
}

// argOrder is the order Build validates arguments in, so that the first
// error is the same every time.
var argOrder = []Arg{ArgUser, ArgGroup, ArgApp, ArgPolicy, ArgRule, ArgPolicyType, ArgWindow, ArgSince, ArgUntil,
	ArgEventType, ArgOutcome, ArgStatus, ArgQuery, ArgLimit, ArgID}

// Build validates draft arguments for kind k into an Intent at now (zero:
// the real clock), with the parser's setters and checks.
func Build(k Kind, a Draft, now time.Time) (Intent, error) {
	info, ok := Lookup(k)
	if !ok {
		return Intent{}, Invalid("%q is not a kind oktabot knows", Excerpt(string(k)))
	}
	ps := &parser{info: info, in: Intent{Kind: k}, set: map[Arg]bool{}, now: now}
	for _, arg := range argOrder {
		v, ok := a.Vals[arg]
		if !ok {
			continue
		}
		if !info.Accepts(arg) {
			return Intent{}, ps.notAccepted(string(arg))
		}
		if err := ps.setArg(arg, v); err != nil {
			return Intent{}, withUsage(err, k)
		}
	}
	for arg := range a.Vals {
		if !slices.Contains(argOrder, arg) {
			return Intent{}, ps.notAccepted(string(arg))
		}
	}
	if len(a.Countries) > 0 {
		if !info.Accepts(ArgCountries) {
			return Intent{}, ps.notAccepted(string(ArgCountries))
		}
		if err := ps.setCountries(a.Countries); err != nil {
			return Intent{}, err
		}
	}
	if len(a.Fields) > 0 {
		if !info.Accepts(ArgFields) {
			return Intent{}, ps.notAccepted(string(ArgFields))
		}
		keys := make([]string, 0, len(a.Fields))
		for key := range a.Fields {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		for _, key := range keys {
			if err := ps.setField(key, a.Fields[key]); err != nil {
				return Intent{}, err
			}
		}
	}
	if a.Body != "" {
		if !info.Accepts(ArgBody) {
			return Intent{}, ps.notAccepted(string(ArgBody))
		}
		s := strings.TrimSpace(a.Body)
		if !strings.HasPrefix(s, "{") {
			return Intent{}, Invalid("the body must be one JSON object, starting with {")
		}
		raw, n, err := DecodeObject(s)
		if err != nil {
			return Intent{}, err
		}
		if strings.TrimSpace(s[n:]) != "" {
			return Intent{}, Invalid("the body must be one JSON object (got more after it)")
		}
		ps.setBody(raw)
	}
	if a.Reason != "" {
		if err := ps.setReason(a.Reason); err != nil {
			return Intent{}, err
		}
	}
	if err := ps.checkWindow(); err != nil {
		return Intent{}, withUsage(err, k)
	}
	if err := ps.checkRequired(); err != nil {
		return Intent{}, err
	}
	return ps.in, nil
}

// BuildWindow validates only the window arguments of a (window, since:,
// until:) for kind k at now, with the parser's setters and window check,
// and without checking required arguments.
func BuildWindow(k Kind, a Draft, now time.Time) (Intent, error) {
	ps := &parser{info: k.Info(), in: Intent{Kind: k}, set: map[Arg]bool{}, now: now}
	for _, arg := range []Arg{ArgWindow, ArgSince, ArgUntil} {
		if v, ok := a.Vals[arg]; ok {
			if err := ps.setArg(arg, v); err != nil {
				return Intent{}, err
			}
		}
	}
	if err := ps.checkWindow(); err != nil {
		return Intent{}, err
	}
	return ps.in, nil
}

// setCountries validates a list of country names or codes, one per item,
// with CountryName, keeping the first of repeats.
func (ps *parser) setCountries(list []string) error {
	if ps.set[ArgCountries] {
		return Invalid("countries is given twice; give it once")
	}
	if len(list) > MaxCountries {
		return Invalid("too many countries (at most %d)", MaxCountries)
	}
	var out []string
	for _, c := range list {
		name, ok := CountryName(c)
		if !ok {
			return Invalid("%q is not a country oktabot knows: use an ISO code such as RU or a name such as Russia", Excerpt(c))
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		return Invalid("countries is empty; give codes or names, e.g. countries:RU,KP")
	}
	ps.in.Countries = out
	ps.set[ArgCountries] = true
	return nil
}

// FromArgs builds the Intent of kind k from a JSON object of named
// arguments, as a model's tool call gives them: keys are Arg names; values
// are strings, except countries (an array of strings, or one comma-separated
// string), fields (an object of strings), body (an object) and limit (a
// whole number). Null and empty values count as absent. Every value is
// checked by the validators Parse uses; an unknown key, an argument the kind
// does not take, a value of the wrong type or a missing required argument is
// an error wrapping ErrInvalid, with the zero Intent.
func FromArgs(k Kind, args json.RawMessage) (Intent, error) {
	if k == Unknown {
		return Intent{}, Invalid("unknown is not a kind to build")
	}
	if _, ok := Lookup(k); !ok {
		return Intent{}, Invalid("%q is not a kind oktabot knows", Excerpt(string(k)))
	}
	var raw map[string]json.RawMessage
	if len(bytes.TrimSpace(args)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(args))
		if err := dec.Decode(&raw); err != nil {
			return Intent{}, Invalid("the arguments are not a JSON object (%s)", jsonProblem(err))
		}
		if dec.More() {
			return Intent{}, Invalid("the arguments must be one JSON object")
		}
	}
	var a Draft
	keys := make([]string, 0, len(raw))
	for key := range raw {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		v := bytes.TrimSpace(raw[key])
		if string(v) == "null" {
			continue
		}
		if err := a.fromJSON(Arg(key), v); err != nil {
			return Intent{}, err
		}
	}
	return Build(k, a, time.Time{})
}

// fromJSON stores one JSON argument in a, checking its JSON type.
func (a *Draft) fromJSON(arg Arg, v json.RawMessage) error {
	switch arg {
	case ArgCountries:
		var list []string
		if err := json.Unmarshal(v, &list); err != nil {
			var s string
			if err2 := json.Unmarshal(v, &s); err2 != nil {
				return Invalid("countries must be an array of strings")
			}
			list = strings.Split(s, ",")
		}
		for _, c := range list {
			if c = strings.TrimSpace(c); c != "" {
				a.Countries = append(a.Countries, c)
			}
		}
		return nil
	case ArgFields:
		var m map[string]string
		if err := json.Unmarshal(v, &m); err != nil {
			return Invalid("fields must be an object of strings")
		}
		for key, val := range m {
			a.SetField(key, val)
		}
		return nil
	case ArgBody:
		if len(v) == 0 || v[0] != '{' {
			return Invalid("body must be a JSON object")
		}
		a.Body = string(v)
		return nil
	case ArgLimit:
		var n json.Number
		if err := json.Unmarshal(v, &n); err != nil || v[0] == '"' {
			return Invalid("limit must be a whole number")
		}
		i, err := strconv.ParseInt(n.String(), 10, 64)
		if err != nil {
			return Invalid("limit must be a whole number from 1 to %d (got %s)", maxLimit, Excerpt(n.String()))
		}
		a.Set(ArgLimit, strconv.FormatInt(i, 10))
		return nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		if ArgsForKey(string(arg)) == nil {
			return Invalid("%q is not an argument oktabot knows", Excerpt(string(arg)))
		}
		return Invalid("%s must be a string", arg)
	}
	if strings.TrimSpace(s) == "" {
		return nil
	}
	if arg == ArgReason {
		a.Reason = s
		return nil
	}
	if args := ArgsForKey(string(arg)); len(args) != 1 || args[0] != arg {
		return Invalid("%q is not an argument oktabot knows", Excerpt(string(arg)))
	}
	a.Set(arg, s)
	return nil
}
