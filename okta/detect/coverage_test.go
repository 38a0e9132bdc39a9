package detect

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite docs/detections.md from the catalogue")

const docPath = "../../docs/detections.md"

// TestDetectionsDoc fails when docs/detections.md is not what the
// catalogue, the ideas and the ATT&CK table make; `go test ./okta/detect
// -run TestDetectionsDoc -update` rewrites it.
func TestDetectionsDoc(t *testing.T) {
	got := detectionsDoc(t)
	if *update {
		if err := os.WriteFile(docPath, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatalf("read %s (go test ./okta/detect -run TestDetectionsDoc -update writes it): %v", docPath, err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s is stale (-file +generated; go test ./okta/detect -run TestDetectionsDoc -update rewrites it):\n%s", docPath, diff)
	}
}

var ideaID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// TestIdeas checks the ideas table: each idea named once, with an anchor,
// each covering detection in the catalogue, a note where one is owed, and
// each anchor rule in one idea only.
func TestIdeas(t *testing.T) {
	ids := map[string]bool{}
	rules := map[string]string{}
	covers := map[string]bool{}
	for _, in := range Ideas() {
		if !ideaID.MatchString(in.ID) || ids[in.ID] {
			t.Errorf("idea %q: id not kebab-case or not unique", in.ID)
		}
		ids[in.ID] = true
		if in.Text == "" || strings.Contains(in.Text, "\n") {
			t.Errorf("idea %s: text %q is not one line", in.ID, in.Text)
		}
		n := 0
		for _, set := range anchorSets(in) {
			for _, r := range set.rules {
				n++
				key := set.name + ": " + r
				if other, ok := rules[key]; ok {
					t.Errorf("%s is an anchor of both %s and %s", key, other, in.ID)
				}
				rules[key] = in.ID
			}
		}
		if n == 0 {
			t.Errorf("idea %s names no public rule", in.ID)
		}
		switch in.Coverage {
		case Covered, Partly:
			if len(in.Detections) == 0 {
				t.Errorf("idea %s is %s by no detection", in.ID, in.Coverage)
			}
		case NotYet, LeftOut:
			if len(in.Detections) > 0 {
				t.Errorf("idea %s is %s but names detections %v", in.ID, in.Coverage, in.Detections)
			}
		default:
			t.Errorf("idea %s: coverage %q", in.ID, in.Coverage)
		}
		if (in.Coverage == Partly || in.Coverage == LeftOut) && in.Note == "" {
			t.Errorf("idea %s is %s with no note saying what is missing or why", in.ID, in.Coverage)
		}
		for _, d := range in.Detections {
			if rank(d) == len(Catalogue()) {
				t.Errorf("idea %s is covered by %q, which is not in the catalogue", in.ID, d)
			}
			covers[d] = true
		}
	}
	for _, d := range Catalogue() {
		if !covers[d.ID] {
			t.Errorf("detection %s covers no idea: add it to an idea in ideas.go", d.ID)
		}
	}
}

// TestIdeasAgreeWithPanther: every Panther rule the comparison test maps
// or skips is an anchor of an idea, and a mapped rule's idea is covered by
// the detection the comparison runs.
func TestIdeasAgreeWithPanther(t *testing.T) {
	idea := map[string]Idea{}
	for _, in := range Ideas() {
		for _, r := range in.Panther {
			idea[r] = in
		}
	}
	for r, d := range pantherRules {
		in, ok := idea[r]
		if !ok {
			t.Errorf("Panther rule %s (compared with %s) is in no idea", r, d)
			continue
		}
		if !slices.Contains(in.Detections, d) {
			t.Errorf("Panther rule %s: panther_test.go compares it with %s, idea %s names %v", r, d, in.ID, in.Detections)
		}
	}
	for r := range pantherSkipped {
		if _, ok := idea[r]; !ok {
			t.Errorf("skipped Panther rule %s is in no idea", r)
		}
	}
}

// TestCoverageTables: every detection lists its events, and every setting
// named is a field of Config.
func TestCoverageTables(t *testing.T) {
	for _, d := range Catalogue() {
		if len(detectionEvents[d.ID]) == 0 {
			t.Errorf("detection %s lists no events in detectionEvents (coverage.go)", d.ID)
		}
		for _, s := range detectionSettings[d.ID] {
			if _, ok := setting(DefaultConfig(), s); !ok {
				t.Errorf("detection %s: setting %q is not a field of Config", d.ID, s)
			}
		}
	}
	// Every threshold is some detection's: a new one is listed where it
	// is used, or the table says less than the code does.
	used := map[string]bool{}
	for _, ss := range detectionSettings {
		for _, s := range ss {
			used[s] = true
		}
	}
	th := reflect.TypeFor[Thresholds]()
	for i := range th.NumField() {
		if sel := "Thresholds." + th.Field(i).Name; !used[sel] {
			t.Errorf("%s is no detection's setting in detectionSettings (coverage.go)", sel)
		}
	}
	for _, table := range []map[string][]string{detectionEvents, detectionSettings} {
		for id := range table {
			if rank(id) == len(Catalogue()) {
				t.Errorf("coverage.go has %s, which is not in the catalogue", id)
			}
		}
	}
}

type anchorSet struct {
	name  string
	rules []string
}

func anchorSets(in Idea) []anchorSet {
	return []anchorSet{{"Panther", in.Panther}, {"Sigma", in.Sigma}, {"Elastic", in.Elastic}, {"Okta", in.Okta}, {"Splunk", in.Splunk}}
}

// setting is the value of the Config field named by selector.
func setting(c Config, selector string) (reflect.Value, bool) {
	v := reflect.ValueOf(c)
	for _, name := range strings.Split(selector, ".") {
		if v.Kind() != reflect.Struct {
			return reflect.Value{}, false
		}
		v = v.FieldByName(name)
		if !v.IsValid() {
			return reflect.Value{}, false
		}
	}
	return v, true
}

// detectionsDoc is docs/detections.md.
func detectionsDoc(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	ideas := Ideas()
	p("# Detections and coverage")
	p("")
	p("<!-- Generated by TestDetectionsDoc in okta/detect/coverage_test.go from the catalogue (catalogue.go),")
	p("     the ideas (ideas.go), ATT&CK (attack.go) and events and settings (coverage.go). Do not edit:")
	p("     go test ./okta/detect -run TestDetectionsDoc -update -->")
	p("")
	p("oktabot's detections (`okta/detect`), what each reads and fires at, the MITRE ATT&CK techniques its")
	p("findings carry, and how they cover the detection ideas of five public Okta rule sets: Panther's")
	p("`okta_rules` and standard rules, SigmaHQ's `rules/identity/okta`, Elastic's `rules/integrations/okta`,")
	p("Okta's `customer-detections` and Splunk's `detections/application/okta_*`. Rules are named as their")
	p("sets name them; an idea is counted once however many sets express it. Hunts and saved queries are")
	p("not counted.")
	p("")
	count := map[Coverage]int{}
	for _, in := range ideas {
		count[in.Coverage]++
	}
	p("## Summary")
	p("")
	p("%d ideas: %d covered, %d partly covered, %d not yet covered, %d left out.", len(ideas), count[Covered], count[Partly], count[NotYet], count[LeftOut])
	p("")
	p("| rule set | ideas it expresses | covered | partly | not yet | left out |")
	p("|---|---|---|---|---|---|")
	for i := range anchorSets(Idea{}) {
		name := ""
		per := map[Coverage]int{}
		n := 0
		for _, in := range ideas {
			s := anchorSets(in)[i]
			name = s.name
			if len(s.rules) > 0 {
				n++
				per[in.Coverage]++
			}
		}
		p("| %s | %d | %d | %d | %d | %d |", name, n, per[Covered], per[Partly], per[NotYet], per[LeftOut])
	}
	p("")
	p("## Detections")
	p("")
	p("Settings are `detect.Config` fields at their defaults (`DefaultConfig`); `Admins` weighs in every")
	p("user's roll-up. Panther rules are those whose labelled test events `panther_test.go` runs the")
	p("detection on.")
	p("")
	panther := map[string][]string{}
	for r, d := range pantherRules {
		panther[d] = append(panther[d], r)
	}
	cfg := DefaultConfig()
	for _, d := range Catalogue() {
		p("### `%s`", d.ID)
		p("")
		p("%s.", strings.TrimSuffix(d.Title, "."))
		p("")
		p("- **Events:** %s", eventList(detectionEvents[d.ID]))
		var settings []string
		for _, s := range detectionSettings[d.ID] {
			v, _ := setting(cfg, s)
			settings = append(settings, "`"+s+"` "+settingText(v))
		}
		if len(settings) == 0 {
			settings = []string{"none: one event is a finding"}
		}
		p("- **Fires at:** %s", strings.Join(settings, "; "))
		p("- **After:** %s", d.Source)
		p("- **ATT&CK:** %s", techniqueList(Attack(d.ID)))
		if d.ID == SecurityConfigChange {
			for _, ev := range detectionEvents[d.ID] {
				p("  - `%s`: %s", ev, strings.Join(configAttack(strings.TrimSuffix(ev, "*")+"update"), ", "))
			}
		}
		var covered []string
		for _, in := range ideas {
			if slices.Contains(in.Detections, d.ID) {
				s := "`" + in.ID + "`"
				if in.Coverage == Partly {
					s += " (partly)"
				}
				covered = append(covered, s)
			}
		}
		p("- **Ideas:** %s", strings.Join(covered, ", "))
		if rs := panther[d.ID]; len(rs) > 0 {
			slices.Sort(rs)
			p("- **Panther rules compared:** %s", codes(rs))
		}
		p("")
	}
	p("## Ideas")
	p("")
	p("| idea | coverage | detections | rules that express it | note |")
	p("|---|---|---|---|---|")
	for _, in := range ideas {
		var rules []string
		for _, s := range anchorSets(in) {
			if len(s.rules) > 0 {
				rules = append(rules, s.name+": "+strings.Join(s.rules, "; "))
			}
		}
		p("| `%s` %s | %s | %s | %s | %s |", in.ID, cell(in.Text), in.Coverage, codes(in.Detections), cell(strings.Join(rules, "<br>")), cell(in.Note))
	}
	p("")
	p("## ATT&CK techniques")
	p("")
	p("| technique | name | detections |")
	p("|---|---|---|")
	var techs []string
	for id := range techniques {
		techs = append(techs, id)
	}
	slices.Sort(techs)
	for _, id := range techs {
		var ds []string
		for _, d := range Catalogue() {
			if slices.Contains(Attack(d.ID), id) {
				ds = append(ds, d.ID)
			}
		}
		p("| %s | %s | %s |", id, TechniqueName(id), codes(ds))
	}
	return b.String()
}

func codes(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	return "`" + strings.Join(ss, "`, `") + "`"
}

// eventList codes each event type, leaving its remark plain:
// "`user.session.start` (FAILURE)".
func eventList(evs []string) string {
	var out []string
	for _, e := range evs {
		typ, rest, ok := strings.Cut(e, " ")
		switch {
		case strings.HasPrefix(e, "any "):
			out = append(out, e)
		case ok:
			out = append(out, "`"+typ+"` "+rest)
		default:
			out = append(out, "`"+typ+"`")
		}
	}
	return strings.Join(out, ", ")
}

func techniqueList(ids []string) string {
	var out []string
	for _, id := range ids {
		out = append(out, id+" ("+TechniqueName(id)+")")
	}
	return strings.Join(out, ", ")
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// settingText words a setting's default value.
func settingText(v reflect.Value) string {
	switch x := v.Interface().(type) {
	case Rate:
		return fmt.Sprintf("%d in %s", x.Count, duration(x.Window))
	case IPAttack:
		s := fmt.Sprintf("≥ %d users and ≥ %d tries", x.Users, x.Tries)
		switch {
		case x.MinPerUser > 0 && x.MaxPerUser > 0:
			s += fmt.Sprintf(", %d–%d per user", x.MinPerUser, x.MaxPerUser)
		case x.MaxPerUser > 0:
			s += fmt.Sprintf(", ≤ %d per user", x.MaxPerUser)
		}
		if x.MinSpan > 0 {
			s += ", over ≥ " + duration(x.MinSpan)
		}
		return s + " within " + duration(x.Window)
	case Distributed:
		return fmt.Sprintf("≥ %d IPs, ≥ %d users and ≥ %d tries, ≤ %d per user on average, within %s",
			x.IPs, x.Users, x.Tries, x.MaxPerUser, duration(x.Window))
	case time.Duration:
		return duration(x)
	case int:
		return fmt.Sprint(x)
	case float64:
		return fmt.Sprint(x)
	case []string:
		if len(x) == 0 {
			return "(none)"
		}
		return strings.Join(x, ", ")
	case []int:
		if len(x) == 0 {
			return "(none)"
		}
		return strings.ReplaceAll(strings.Trim(fmt.Sprint(x), "[]"), " ", ", ")
	case *ExitList:
		return "(OKTABOT_TOR_EXITS; none by default)"
	case OfficeHours:
		return fmt.Sprintf("%02d–%02d on %d weekdays, UTC (off-hours changes weigh more)", x.Start, x.End, len(x.Days))
	}
	return fmt.Sprint(v.Interface())
}

func duration(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%d h", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%d min", d/time.Minute)
	}
	return d.String()
}
