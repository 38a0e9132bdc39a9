package intents

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Classifier turns the text of a mention or direct message into an Intent.
// Rules is the default; intents/llm asks a model and falls back to Rules.
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

// Rules is the Classifier that needs no model and no network: Understand
// with the clock Now (time.Now when nil), reading days in the zone the
// context carries (WithLocation), else in Location (nil: UTC).
type Rules struct {
	Now      func() time.Time
	Location *time.Location
}

// Classify implements Classifier.
func (r Rules) Classify(ctx context.Context, text string) (Intent, error) {
	in, _, err := r.ClassifyBy(ctx, text)
	return in, err
}

// ClassifyBy is Classify that also says which path decided: always ByRules.
func (r Rules) ClassifyBy(ctx context.Context, text string) (Intent, By, error) {
	if err := ctx.Err(); err != nil {
		return Intent{}, ByRules, fmt.Errorf("intents: classify: %w", err)
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	in, err := UnderstandIn(text, ReadOptions{Now: now(), Location: LocationFrom(ctx, r.Location)})
	return in, ByRules, err
}

// draftArgs are arguments as text, before validation. The free-text rules
// and FromArgs fill them; build validates them with the slash parser's own
// setters, so every path into an Intent checks values the same way.
type draftArgs struct {
	vals      map[Arg]string
	countries []string
	fields    map[string]string
	body      string
	reason    string
}

func (a *draftArgs) set(arg Arg, v string) {
	if a.vals == nil {
		a.vals = map[Arg]string{}
	}
	a.vals[arg] = v
}

func (a *draftArgs) setField(k, v string) {
	if a.fields == nil {
		a.fields = map[string]string{}
	}
	a.fields[k] = v
}

// argOrder is the order build validates arguments in, so that the first
// error is the same every time.
var argOrder = []Arg{ArgUser, ArgGroup, ArgApp, ArgPolicy, ArgRule, ArgPolicyType, ArgWindow, ArgSince, ArgUntil,
	ArgEventType, ArgOutcome, ArgStatus, ArgQuery, ArgLimit, ArgID}

// build validates draft arguments for kind k into an Intent at now (zero:
// the real clock), with the parser's setters and checks.
func build(k Kind, a draftArgs, now time.Time) (Intent, error) {
	info, ok := Lookup(k)
	if !ok {
		return Intent{}, invalid("%q is not a kind oktabot knows", excerpt(string(k)))
	}
	ps := &parser{info: info, in: Intent{Kind: k}, set: map[Arg]bool{}, now: now}
	for _, arg := range argOrder {
		v, ok := a.vals[arg]
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
	for arg := range a.vals {
		if !slices.Contains(argOrder, arg) {
			return Intent{}, ps.notAccepted(string(arg))
		}
	}
	if len(a.countries) > 0 {
		if !info.Accepts(ArgCountries) {
			return Intent{}, ps.notAccepted(string(ArgCountries))
		}
		if err := ps.setCountries(a.countries); err != nil {
			return Intent{}, err
		}
	}
	if len(a.fields) > 0 {
		if !info.Accepts(ArgFields) {
			return Intent{}, ps.notAccepted(string(ArgFields))
		}
		keys := make([]string, 0, len(a.fields))
		for key := range a.fields {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		for _, key := range keys {
			if err := ps.setField(key, a.fields[key]); err != nil {
				return Intent{}, err
			}
		}
	}
	if a.body != "" {
		if !info.Accepts(ArgBody) {
			return Intent{}, ps.notAccepted(string(ArgBody))
		}
		s := strings.TrimSpace(a.body)
		if !strings.HasPrefix(s, "{") {
			return Intent{}, invalid("the body must be one JSON object, starting with {")
		}
		raw, n, err := decodeObject(s)
		if err != nil {
			return Intent{}, err
		}
		if strings.TrimSpace(s[n:]) != "" {
			return Intent{}, invalid("the body must be one JSON object (got more after it)")
		}
		ps.setBody(raw)
	}
	if a.reason != "" {
		if err := ps.setReason(a.reason); err != nil {
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

// setCountries validates a list of country names or codes, one per item,
// with CountryName, keeping the first of repeats.
func (ps *parser) setCountries(list []string) error {
	if ps.set[ArgCountries] {
		return invalid("countries is given twice; give it once")
	}
	if len(list) > maxCountries {
		return invalid("too many countries (at most %d)", maxCountries)
	}
	var out []string
	for _, c := range list {
		name, ok := CountryName(c)
		if !ok {
			return invalid("%q is not a country oktabot knows: use an ISO code such as RU or a name such as Russia", excerpt(c))
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		return invalid("countries is empty; give codes or names, e.g. countries:RU,KP")
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
		return Intent{}, invalid("unknown is not a kind to build")
	}
	if _, ok := Lookup(k); !ok {
		return Intent{}, invalid("%q is not a kind oktabot knows", excerpt(string(k)))
	}
	var raw map[string]json.RawMessage
	if len(bytes.TrimSpace(args)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(args))
		if err := dec.Decode(&raw); err != nil {
			return Intent{}, invalid("the arguments are not a JSON object (%s)", jsonProblem(err))
		}
		if dec.More() {
			return Intent{}, invalid("the arguments must be one JSON object")
		}
	}
	var a draftArgs
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
	return build(k, a, time.Time{})
}

// fromJSON stores one JSON argument in a, checking its JSON type.
func (a *draftArgs) fromJSON(arg Arg, v json.RawMessage) error {
	switch arg {
	case ArgCountries:
		var list []string
		if err := json.Unmarshal(v, &list); err != nil {
			var s string
			if err2 := json.Unmarshal(v, &s); err2 != nil {
				return invalid("countries must be an array of strings")
			}
			list = strings.Split(s, ",")
		}
		for _, c := range list {
			if c = strings.TrimSpace(c); c != "" {
				a.countries = append(a.countries, c)
			}
		}
		return nil
	case ArgFields:
		var m map[string]string
		if err := json.Unmarshal(v, &m); err != nil {
			return invalid("fields must be an object of strings")
		}
		for key, val := range m {
			a.setField(key, val)
		}
		return nil
	case ArgBody:
		if len(v) == 0 || v[0] != '{' {
			return invalid("body must be a JSON object")
		}
		a.body = string(v)
		return nil
	case ArgLimit:
		var n json.Number
		if err := json.Unmarshal(v, &n); err != nil || v[0] == '"' {
			return invalid("limit must be a whole number")
		}
		i, err := strconv.ParseInt(n.String(), 10, 64)
		if err != nil {
			return invalid("limit must be a whole number from 1 to %d (got %s)", maxLimit, excerpt(n.String()))
		}
		a.set(ArgLimit, strconv.FormatInt(i, 10))
		return nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		if argsForKey(string(arg)) == nil {
			return invalid("%q is not an argument oktabot knows", excerpt(string(arg)))
		}
		return invalid("%s must be a string", arg)
	}
	if strings.TrimSpace(s) == "" {
		return nil
	}
	if arg == ArgReason {
		a.reason = s
		return nil
	}
	if args := argsForKey(string(arg)); len(args) != 1 || args[0] != arg {
		return invalid("%q is not an argument oktabot knows", excerpt(string(arg)))
	}
	a.set(arg, s)
	return nil
}
