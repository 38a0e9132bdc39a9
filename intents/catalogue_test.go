package intents_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
)

// TestCatalogueExamples parses every entry's Example: it must give the
// entry's own kind, no error, and survive a JSON round trip.
func TestCatalogueExamples(t *testing.T) {
	for _, info := range intents.Catalogue {
		t.Run(string(info.Kind), func(t *testing.T) {
			if !strings.HasPrefix(info.Example, "/okta ") {
				t.Errorf("%s: Example %q does not start with /okta", info.Kind, info.Example)
			}
			got, err := intents.Parse(info.Example)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", info.Example, err)
			}
			if got.Kind != info.Kind {
				t.Fatalf("Parse(%q).Kind = %q, want %q", info.Example, got.Kind, info.Kind)
			}
			for _, a := range info.Required {
				if !hasArg(got, a) {
					t.Errorf("Parse(%q) lacks required %s: %+v", info.Example, a, got)
				}
			}
			b, err := json.Marshal(got)
			if err != nil {
				t.Fatalf("json.Marshal(Parse(%q)) error: %v", info.Example, err)
			}
			var back intents.Intent
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("json.Unmarshal(%s) error: %v", b, err)
			}
			if diff := cmp.Diff(got, back, sameJSON()); diff != "" {
				t.Errorf("JSON round trip of Parse(%q) (-parsed +decoded):\n%s", info.Example, diff)
			}
		})
	}
}

// TestCatalogueVerbs checks that every verb (and every kind name, with _ or
// -) names exactly one kind, and that Parse finds that kind from the verb
// alone.
func TestCatalogueVerbs(t *testing.T) {
	owner := map[string]intents.Kind{}
	claim := func(verb string, k intents.Kind) {
		v := strings.ReplaceAll(strings.ToLower(verb), "_", "-")
		if other, dup := owner[v]; dup && other != k {
			t.Errorf("verb %q belongs to both %s and %s", verb, other, k)
		}
		owner[v] = k
	}
	for _, info := range intents.Catalogue {
		for _, v := range info.Verbs {
			if v == "" || strings.ContainsFunc(v, func(r rune) bool { return r == ' ' || r == ':' || r == '"' }) {
				t.Errorf("%s: verb %q must be one word without : or quotes", info.Kind, v)
			}
			if v != strings.ToLower(v) {
				t.Errorf("%s: verb %q must be lower case", info.Kind, v)
			}
			claim(v, info.Kind)
		}
		claim(string(info.Kind), info.Kind)
	}
	for verb, k := range owner {
		for _, text := range []string{verb, "/okta " + strings.ToUpper(verb), strings.ReplaceAll(verb, "-", "_")} {
			got, err := intents.Parse(text)
			switch {
			case err == nil && got.Kind != k:
				t.Errorf("Parse(%q).Kind = %q, want %q", text, got.Kind, k)
			case err != nil && !errors.Is(err, intents.ErrInvalid):
				t.Errorf("Parse(%q) error %v, want nil or ErrInvalid", text, err)
			case err != nil && !strings.Contains(err.Error(), k.Info().Verbs[0]+" needs"):
				t.Errorf("Parse(%q) error %v, want it to say what %s needs", text, err, k)
			}
		}
	}
}

// TestCatalogueEntries checks each entry's own consistency.
func TestCatalogueEntries(t *testing.T) {
	areas := intents.Areas()
	for _, info := range intents.Catalogue {
		k := info.Kind
		if info.Summary == "" {
			t.Errorf("%s: no Summary", k)
		}
		if len(info.Verbs) == 0 {
			t.Errorf("%s: no Verbs", k)
		}
		if !slices.Contains(areas, info.Area) || info.Area == "" {
			t.Errorf("%s: Area %q is not one of %v", k, info.Area, areas)
		}
		if info.Action && info.Scope == "" {
			t.Errorf("%s: an action without a Scope", k)
		}
		if info.Action && !strings.HasSuffix(info.Scope, ".manage") {
			t.Errorf("%s: action Scope %q is not a .manage scope", k, info.Scope)
		}
		if !info.Action && strings.HasSuffix(info.Scope, ".manage") {
			t.Errorf("%s: query with manage scope %q", k, info.Scope)
		}
		if !info.Action && len(info.Said) > 0 {
			t.Errorf("%s: a query with change verbs (Said) %v", k, info.Said)
		}
		if info.BotAnswers && (info.Action || info.Scope != "") {
			t.Errorf("%s: answered by the bot without Okta, but an action or with a Scope %q", k, info.Scope)
		}
		if info.Undo != "" {
			undo, ok := intents.Lookup(info.Undo)
			switch {
			case !ok:
				t.Errorf("%s: Undo %q is not in the catalogue", k, info.Undo)
			case !undo.Action || !info.Action:
				t.Errorf("%s: Undo %q pairs a query with an action", k, info.Undo)
			}
		}
		if info.DefaultWindow != 0 && !info.Accepts(intents.ArgWindow) {
			t.Errorf("%s: DefaultWindow without a window argument", k)
		}
		if info.Accepts(intents.ArgWindow) && info.DefaultWindow == 0 {
			t.Errorf("%s: takes a window but has no DefaultWindow", k)
		}
		// Positional arguments are declared Required or Optional, required
		// ones first.
		seenOptional := false
		for _, a := range info.Positional {
			req, opt := slices.Contains(info.Required, a), slices.Contains(info.Optional, a)
			if !req && !opt {
				t.Errorf("%s: positional %s is neither Required nor Optional", k, a)
			}
			if req && seenOptional {
				t.Errorf("%s: required positional %s after an optional one", k, a)
			}
			seenOptional = seenOptional || !req
		}
		if got := intents.Usage(k); !strings.HasPrefix(got, "/okta "+info.Verbs[0]) {
			t.Errorf("Usage(%s) = %q, want it to start with /okta %s", k, got, info.Verbs[0])
		}
	}
	if _, ok := intents.Lookup(intents.Unknown); ok {
		t.Errorf("Lookup(Unknown) found an entry; Unknown must not be a catalogue kind")
	}
}

// hasArg reports whether the intent has argument a set.
func hasArg(in intents.Intent, a intents.Arg) bool {
	switch a {
	case intents.ArgUser:
		return in.User != ""
	case intents.ArgGroup:
		return in.Group != ""
	case intents.ArgApp:
		return in.App != ""
	case intents.ArgPolicy:
		return in.Policy != ""
	case intents.ArgRule:
		return in.Rule != ""
	case intents.ArgPolicyType:
		return in.PolicyType != ""
	case intents.ArgWindow:
		return in.Window != 0
	case intents.ArgEventType:
		return in.EventType != ""
	case intents.ArgOutcome:
		return in.Outcome != ""
	case intents.ArgStatus:
		return in.Status != ""
	case intents.ArgQuery:
		return in.Query != ""
	case intents.ArgCountries:
		return len(in.Countries) > 0
	case intents.ArgReason:
		return in.Reason != ""
	case intents.ArgFields:
		return len(in.Fields) > 0
	case intents.ArgBody:
		return len(in.Body) > 0
	case intents.ArgLimit:
		return in.Limit != 0
	case intents.ArgID:
		return in.ID != ""
	}
	return false
}

// TestCatalogueTitles checks that every action names itself for a proposal
// (a verb and a target, a link exactly when there is a second target) and
// that no other kind has a title.
func TestCatalogueTitles(t *testing.T) {
	targets := []intents.Arg{intents.ArgUser, intents.ArgGroup, intents.ArgApp, intents.ArgPolicy, intents.ArgRule}
	for _, info := range intents.Catalogue {
		ti := info.Title
		if !info.Action {
			if ti != (intents.Title{}) {
				t.Errorf("%s is no action but has a title %+v", info.Kind, ti)
			}
			continue
		}
		if strings.TrimSpace(ti.Verb) == "" {
			t.Errorf("action %s has no title verb", info.Kind)
		}
		if !slices.Contains(targets, ti.Target) {
			t.Errorf("action %s: title target %q is not one of %v", info.Kind, ti.Target, targets)
		}
		if (ti.Link == "") != (ti.Second == "") {
			t.Errorf("action %s: title link %q and second target %q go together", info.Kind, ti.Link, ti.Second)
		}
		if ti.Second != "" && !slices.Contains(targets, ti.Second) {
			t.Errorf("action %s: title second target %q is not one of %v", info.Kind, ti.Second, targets)
		}
	}
}

// TestCatalogueForms checks that every action states whether its bare verb
// opens a form, and that no other kind does.
func TestCatalogueForms(t *testing.T) {
	for _, info := range intents.Catalogue {
		switch {
		case !info.Action && info.Form != "":
			t.Errorf("%s is no action but has form decision %q", info.Kind, info.Form)
		case info.Action && info.Form != intents.FormNone && info.Form != intents.FormOpen:
			t.Errorf("action %s states no form decision (Form = %q)", info.Kind, info.Form)
		}
	}
}

// TestEnumsAreWhatParseTakes checks that every outcome and status the
// model's tools offer is what the parser accepts, and that a refusal names
// each of them.
func TestEnumsAreWhatParseTakes(t *testing.T) {
	for _, c := range []struct {
		cmd  string
		vals []string
		got  func(intents.Intent) string
	}{
		{"/okta logs outcome:", intents.Outcomes(), func(in intents.Intent) string { return in.Outcome }},
		{"/okta users status:", intents.Statuses(intents.ListUsers), func(in intents.Intent) string { return in.Status }},
		{"/okta apps status:", intents.Statuses(intents.ListApps), func(in intents.Intent) string { return in.Status }},
	} {
		if len(c.vals) == 0 {
			t.Errorf("%s: no values", c.cmd)
		}
		for _, v := range c.vals {
			in, err := intents.Parse(c.cmd + strings.ToLower(v))
			if err != nil || c.got(in) != v {
				t.Errorf("Parse(%q) = %q, %v; want %q", c.cmd+strings.ToLower(v), c.got(in), err, v)
			}
		}
		_, err := intents.Parse(c.cmd + "bogus")
		for _, v := range c.vals {
			if err == nil || !strings.Contains(err.Error(), v) {
				t.Errorf("Parse(%q) error %v does not name %s", c.cmd+"bogus", err, v)
			}
		}
	}
}
