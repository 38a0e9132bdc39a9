package intents

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Validate checks an Intent that did not come from Parse (a model's tool
// call, a button's value, a modal) with the same rules Parse applies to
// typed input: the kind exists, every argument is one the kind takes and is
// valid, and the required ones are present. Its errors wrap ErrInvalid and
// say what to do.
func (in Intent) Validate() error {
	_, err := in.Normalize()
	return err
}

// Normalize validates in like Validate and returns it as Parse would have
// produced it (policy types and countries canonical, reasons folded).
func (in Intent) Normalize() (Intent, error) {
	info, ok := Lookup(in.Kind)
	if !ok {
		return Intent{}, Invalid("%q is not something oktabot does; type /okta help", Excerpt(string(in.Kind)))
	}
	ps := &parser{info: info, in: Intent{Kind: in.Kind}, set: map[Arg]bool{}}
	set := func(a Arg, val string) error {
		if val == "" {
			return nil
		}
		if !info.Accepts(a) {
			return ps.notAccepted(optionKey(a))
		}
		return ps.setArg(a, val)
	}
	steps := []struct {
		a   Arg
		val string
	}{
		{ArgUser, in.User}, {ArgGroup, in.Group}, {ArgApp, in.App}, {ArgPolicy, in.Policy},
		{ArgRule, in.Rule}, {ArgPolicyType, in.PolicyType}, {ArgEventType, in.EventType},
		{ArgOutcome, in.Outcome}, {ArgStatus, in.Status}, {ArgQuery, in.Query},
		{ArgCountries, strings.Join(in.Countries, ",")}, {ArgID, in.ID},
		{ArgSince, BoundText(in.Since)}, {ArgUntil, BoundText(in.Until)},
	}
	if in.Window != 0 {
		steps = append(steps, struct {
			a   Arg
			val string
		}{ArgWindow, in.Window.String()})
	}
	if in.Limit != 0 {
		steps = append(steps, struct {
			a   Arg
			val string
		}{ArgLimit, strconv.Itoa(in.Limit)})
	}
	for _, s := range steps {
		if err := set(s.a, s.val); err != nil {
			return Intent{}, err
		}
	}
	if in.Reason != "" {
		if err := ps.setReason(in.Reason); err != nil {
			return Intent{}, err
		}
	}
	if len(in.Fields) > 0 {
		if !info.Accepts(ArgFields) {
			return Intent{}, Invalid("%s takes no profile attributes", info.Verbs[0])
		}
		for _, k := range slices.Sorted(maps.Keys(in.Fields)) {
			if err := ps.setField(k, in.Fields[k]); err != nil {
				return Intent{}, err
			}
		}
	}
	if len(in.Body) > 0 {
		if !info.Accepts(ArgBody) {
			return Intent{}, Invalid("%s takes no JSON body", info.Verbs[0])
		}
		var obj map[string]any
		if len(in.Body) > maxBody || json.Unmarshal(in.Body, &obj) != nil || obj == nil {
			return Intent{}, Invalid("the body must be one JSON object of at most %d KB", maxBody/1024)
		}
		ps.setBody(in.Body)
	}
	if err := ps.checkWindow(); err != nil {
		return Intent{}, err
	}
	if err := ps.checkRequired(); err != nil {
		return Intent{}, err
	}
	out := ps.in
	out.After = in.After
	return out, nil
}
