package rules

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// parser compiles one file's YAML tree into a Rule, naming the file and
// the line in every error.
type parser struct {
	file string
}

func (p *parser) errf(line int, format string, a ...any) error {
	return &Error{File: p.file, Line: line, Msg: fmt.Sprintf(format, a...)}
}

// pairs are a mapping's key/value pairs, each key a plain scalar, no key
// twice.
func (p *parser) pairs(n *yaml.Node, what string) ([][2]*yaml.Node, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n.Line, "%s: want a map of keys and values, not %s", what, kindName(n))
	}
	seen := map[string]int{}
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, p.errf(k.Line, "%s: a key must be text, not %s", what, kindName(k))
		}
		if line, ok := seen[k.Value]; ok {
			return nil, p.errf(k.Line, "%s: %q is given twice (first on line %d)", what, k.Value, line)
		}
		seen[k.Value] = k.Line
		if v.Kind == yaml.AliasNode || k.Kind == yaml.AliasNode {
			return nil, p.errf(v.Line, "%s: YAML aliases (*name) are not supported", what)
		}
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out, nil
}

// text is a scalar's text.
func (p *parser) text(n *yaml.Node, what string) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", p.errf(n.Line, "%s: want text, not %s", what, kindName(n))
	}
	return n.Value, nil
}

// texts is a scalar or a list of scalars.
func (p *parser) texts(n *yaml.Node, what string) ([]string, error) {
	if n.Kind == yaml.ScalarNode {
		if isNull(n) {
			return nil, nil
		}
		return []string{n.Value}, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n.Line, "%s: want a list of text, not %s", what, kindName(n))
	}
	var out []string
	for _, c := range n.Content {
		s, err := p.text(c, what)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

// attackTag is an ATT&CK technique tag: attack.t1098 or attack.t1098.003.
var attackTag = regexp.MustCompile(`(?i)^attack\.t(\d{4})(\.\d{3})?$`)

// tactics are the ATT&CK enterprise tactics' ids by the names Sigma tags
// them with (attack.persistence): a rule tagged with a tactic alone
// still says where it sits.
var tactics = map[string]string{
	"reconnaissance":       "TA0043",
	"resource-development": "TA0042",
	"initial-access":       "TA0001",
	"execution":            "TA0002",
	"persistence":          "TA0003",
	"privilege-escalation": "TA0004",
	"defense-evasion":      "TA0005",
	"credential-access":    "TA0006",
	"discovery":            "TA0007",
	"lateral-movement":     "TA0008",
	"collection":           "TA0009",
	"command-and-control":  "TA0011",
	"exfiltration":         "TA0010",
	"impact":               "TA0040",
}

// rule compiles the document root.
func (p *parser) rule(root *yaml.Node) (*Rule, error) {
	top := root
	if top.Kind == yaml.DocumentNode {
		if len(top.Content) == 0 {
			return nil, p.errf(0, "the file is empty: want a Sigma rule (title, logsource, detection)")
		}
		top = top.Content[0]
	}
	kv, err := p.pairs(top, "the rule")
	if err != nil {
		return nil, err
	}
	r := &Rule{}
	var logsource, detection [2]*yaml.Node // key, value
	for _, e := range kv {
		k, v := e[0], e[1]
		switch k.Value {
		case "title":
			r.Title, err = p.text(v, "title")
		case "id":
			r.ID, err = p.text(v, "id")
		case "description":
			r.Description, err = p.text(v, "description")
		case "author":
			r.Author, err = p.text(v, "author")
		case "level":
			var l string
			if l, err = p.text(v, "level"); err == nil {
				r.Level = strings.ToLower(strings.TrimSpace(l))
				if !slices.Contains(levels, r.Level) {
					err = p.errf(v.Line, "level %q: want one of %s", l, strings.Join(levels, ", "))
				}
			}
		case "tags":
			r.Tags, err = p.texts(v, "tags")
		case "falsepositives":
			r.FalsePositives, err = p.texts(v, "falsepositives")
		case "logsource":
			logsource = e
		case "detection":
			detection = e
		}
		if err != nil {
			return nil, err
		}
	}
	if strings.TrimSpace(r.Title) == "" {
		return nil, p.errf(top.Line, "the rule has no title")
	}
	if logsource[0] == nil {
		return nil, p.errf(top.Line, "the rule has no logsource: want logsource: {product: okta}")
	}
	if err := p.logsource(logsource[0].Line, logsource[1]); err != nil {
		return nil, err
	}
	if detection[0] == nil {
		return nil, p.errf(top.Line, "the rule has no detection")
	}
	if err := p.detection(r, detection[0].Line, detection[1]); err != nil {
		return nil, err
	}
	if r.ID == "" {
		r.ID = strings.TrimSuffix(filepath.Base(p.file), filepath.Ext(p.file))
	}
	if r.Level == "" {
		r.Level = "medium"
	}
	var tacticIDs []string
	for _, t := range r.Tags {
		if m := attackTag.FindStringSubmatch(t); m != nil {
			id := "T" + m[1] + m[2]
			if !slices.Contains(r.Attack, id) {
				r.Attack = append(r.Attack, id)
			}
		} else if id, ok := tactics[strings.ToLower(strings.TrimPrefix(strings.ToLower(t), "attack."))]; ok && !slices.Contains(tacticIDs, id) {
			tacticIDs = append(tacticIDs, id)
		}
	}
	if len(r.Attack) == 0 {
		r.Attack = tacticIDs // a technique says more than its tactic
	}
	r.File = p.file
	r.types, r.any = bound(r.cond)
	return r, nil
}

// logsource checks that the rule reads Okta's System Log.
func (p *parser) logsource(line int, n *yaml.Node) error {
	kv, err := p.pairs(n, "logsource")
	if err != nil {
		return err
	}
	for _, e := range kv {
		if e[0].Value != "product" {
			continue
		}
		s, err := p.text(e[1], "logsource product")
		if err != nil {
			return err
		}
		if !strings.EqualFold(strings.TrimSpace(s), "okta") {
			return p.errf(e[1].Line, "logsource product %q: oktabot reads Okta's System Log only (want product: okta)", s)
		}
		return nil
	}
	return p.errf(line, "logsource has no product: want product: okta")
}

// detection compiles the selections and the condition.
func (p *parser) detection(r *Rule, line int, n *yaml.Node) error {
	kv, err := p.pairs(n, "detection")
	if err != nil {
		return err
	}
	r.sels = map[string]*selection{}
	var cond *yaml.Node
	var names []string
	for _, e := range kv {
		k, v := e[0], e[1]
		switch k.Value {
		case "condition":
			cond = v
			continue
		case "timeframe":
			return p.errf(k.Line, "timeframe: aggregations over time are not supported (one rule matches one event)")
		}
		s, err := p.selection(k.Value, v)
		if err != nil {
			return err
		}
		r.sels[k.Value] = s
		names = append(names, k.Value)
	}
	if len(names) == 0 {
		return p.errf(line, "detection has no selection")
	}
	if cond == nil {
		return p.errf(line, "detection has no condition")
	}
	var conds []*yaml.Node
	switch cond.Kind {
	case yaml.ScalarNode:
		conds = []*yaml.Node{cond}
	case yaml.SequenceNode:
		conds = cond.Content
	default:
		return p.errf(cond.Line, "condition: want text such as \"selection and not filter\", not %s", kindName(cond))
	}
	if len(conds) == 0 {
		return p.errf(cond.Line, "condition is empty")
	}
	var alts []*node
	for _, c := range conds {
		if c.Kind != yaml.ScalarNode {
			return p.errf(c.Line, "condition: want text, not %s", kindName(c))
		}
		x, err := parseCondition(c.Value, names, r.sels)
		if err != nil {
			return p.errf(c.Line, "condition %q: %v", c.Value, err)
		}
		alts = append(alts, x)
	}
	r.cond = alts[0]
	if len(alts) > 1 {
		r.cond = &node{op: opOr, kids: alts}
	}
	return nil
}

// selection compiles one named selection.
func (p *parser) selection(name string, n *yaml.Node) (*selection, error) {
	what := "selection " + name
	s := &selection{name: name}
	switch n.Kind {
	case yaml.MappingNode:
		g, err := p.group(n, what)
		if err != nil {
			return nil, err
		}
		s.groups = [][]*field{g}
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			return nil, p.errf(n.Line, "%s is an empty list", what)
		}
		for _, c := range n.Content {
			switch {
			case c.Kind == yaml.MappingNode && len(s.keywords) == 0:
				g, err := p.group(c, what)
				if err != nil {
					return nil, err
				}
				s.groups = append(s.groups, g)
			case c.Kind == yaml.ScalarNode && len(s.groups) == 0 && !isNull(c):
				m, err := p.matcher(c, modEq, what)
				if err != nil {
					return nil, err
				}
				m.kind = modContains // a keyword occurs anywhere in a value
				s.keywords = append(s.keywords, m)
			default:
				return nil, p.errf(c.Line, "%s: want a list of maps (any of them) or of keywords, not a mix or %s", what, kindName(c))
			}
		}
	default:
		return nil, p.errf(n.Line, "%s: want a map of field: value, or a list, not %s", what, kindName(n))
	}
	return s, nil
}

// group compiles a map of field conditions, all of which must hold.
func (p *parser) group(n *yaml.Node, what string) ([]*field, error) {
	kv, err := p.pairs(n, what)
	if err != nil {
		return nil, err
	}
	if len(kv) == 0 {
		return nil, p.errf(n.Line, "%s is an empty map", what)
	}
	var out []*field
	for _, e := range kv {
		f, err := p.field(e[0], e[1], what)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// field compiles "path|modifier…: value(s)".
func (p *parser) field(k, v *yaml.Node, what string) (*field, error) {
	parts := strings.Split(k.Value, "|")
	f := &field{name: parts[0]}
	if strings.TrimSpace(f.name) == "" {
		return nil, p.errf(k.Line, "%s: %q names no field (keyword modifiers are not supported)", what, k.Value)
	}
	for _, seg := range strings.Split(f.name, ".") {
		if seg == "" {
			return nil, p.errf(k.Line, "%s: field %q has an empty part", what, f.name)
		}
		f.path = append(f.path, strings.ToLower(seg))
	}
	kind := modEq
	for _, m := range parts[1:] {
		switch m {
		case "all":
			if f.all {
				return nil, p.errf(k.Line, "%s: %q: all is given twice", what, k.Value)
			}
			f.all = true
		case "contains", "startswith", "endswith", "re":
			if kind != modEq {
				return nil, p.errf(k.Line, "%s: %q: one of contains, startswith, endswith and re at a time", what, k.Value)
			}
			kind = modNames[m]
		default:
			return nil, p.errf(k.Line, "%s: %q: modifier %q is not supported (use contains, startswith, endswith, re, all)", what, k.Value, m)
		}
	}
	vals := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		vals = v.Content
		if len(vals) == 0 {
			return nil, p.errf(v.Line, "%s: %s has an empty list of values", what, f.name)
		}
	}
	for _, c := range vals {
		m, err := p.matcher(c, kind, what+": "+f.name)
		if err != nil {
			return nil, err
		}
		f.vals = append(f.vals, m)
	}
	return f, nil
}

// matcher compiles one value.
func (p *parser) matcher(n *yaml.Node, kind mod, what string) (*matcher, error) {
	if n.Kind == yaml.AliasNode {
		return nil, p.errf(n.Line, "%s: YAML aliases (*name) are not supported", what)
	}
	if n.Kind != yaml.ScalarNode {
		return nil, p.errf(n.Line, "%s: want a value or a list of values, not %s", what, kindName(n))
	}
	if isNull(n) {
		if kind != modEq {
			return nil, p.errf(n.Line, "%s: null takes no modifier", what)
		}
		return &matcher{null: true}, nil
	}
	m, err := newMatcher(n.Value, kind)
	if err != nil {
		return nil, p.errf(n.Line, "%s: %v", what, err)
	}
	return m, nil
}
