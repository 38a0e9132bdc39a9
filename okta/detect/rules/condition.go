package rules

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
)

// A condition: and, or, not and parentheses over selection names, and
// "1 of X" / "all of X" over the selections X names (a name with *
// wildcards, or them). not binds tighter than and, and than or.

type op int

const (
	opSel op = iota
	opAnd
	opOr
	opNot
)

// node is a compiled condition.
type node struct {
	op   op
	sel  *selection
	kids []*node
}

func (n *node) eval(d *doc) bool {
	switch n.op {
	case opSel:
		return n.sel.match(d)
	case opNot:
		return !n.kids[0].eval(d)
	case opAnd:
		for _, k := range n.kids {
			if !k.eval(d) {
				return false
			}
		}
		return true
	default:
		for _, k := range n.kids {
			if k.eval(d) {
				return true
			}
		}
		return false
	}
}

// maxCondition bounds a condition's length and nesting.
const (
	maxCondition = 4096
	maxDepth     = 64
)

// parseCondition compiles s over the selections named (in file order).
func parseCondition(s string, names []string, sels map[string]*selection) (*node, error) {
	if len(s) > maxCondition {
		return nil, errors.New("longer than 4096 characters")
	}
	if strings.Contains(s, "|") {
		return nil, errors.New("aggregations (| count() …) are not supported: one rule matches one event")
	}
	c := &cond{toks: tokens(s), names: names, sels: sels}
	if len(c.toks) == 0 {
		return nil, errors.New("empty")
	}
	n, err := c.or(0)
	if err != nil {
		return nil, err
	}
	if c.i < len(c.toks) {
		return nil, fmt.Errorf("unexpected %q", c.toks[c.i])
	}
	return n, nil
}

// tokens splits a condition into words and parentheses.
func tokens(s string) []string {
	var out []string
	word := func(w string) {
		if w != "" {
			out = append(out, w)
		}
	}
	start := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '(', ')':
			word(s[start:i])
			out = append(out, string(c))
			start = i + 1
		case ' ', '\t', '\n', '\r':
			word(s[start:i])
			start = i + 1
		}
	}
	word(s[start:])
	return out
}

type cond struct {
	toks  []string
	i     int
	names []string
	sels  map[string]*selection
}

func (c *cond) peek() string {
	if c.i < len(c.toks) {
		return c.toks[c.i]
	}
	return ""
}

func (c *cond) is(word string) bool { return strings.EqualFold(c.peek(), word) }

func (c *cond) or(depth int) (*node, error) {
	if depth > maxDepth {
		return nil, errors.New("nested too deeply")
	}
	return c.chain("or", opOr, c.and, depth)
}

func (c *cond) and(depth int) (*node, error) { return c.chain("and", opAnd, c.unary, depth) }

// chain reads terms (next) joined by word into one node of o.
func (c *cond) chain(word string, o op, next func(int) (*node, error), depth int) (*node, error) {
	n, err := next(depth)
	if err != nil {
		return nil, err
	}
	kids := []*node{n}
	for c.is(word) {
		c.i++
		k, err := next(depth)
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	if len(kids) == 1 {
		return n, nil
	}
	return &node{op: o, kids: kids}, nil
}

func (c *cond) unary(depth int) (*node, error) {
	if c.is("not") {
		if depth > maxDepth {
			return nil, errors.New("nested too deeply")
		}
		c.i++
		k, err := c.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &node{op: opNot, kids: []*node{k}}, nil
	}
	return c.primary(depth)
}

func (c *cond) primary(depth int) (*node, error) {
	t := c.peek()
	switch {
	case t == "":
		return nil, errors.New("ends too early: a selection name is missing")
	case t == "(":
		c.i++
		n, err := c.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if c.peek() != ")" {
			return nil, errors.New("a ( is not closed")
		}
		c.i++
		return n, nil
	case t == ")":
		return nil, errors.New("unexpected )")
	case strings.EqualFold(t, "1") || strings.EqualFold(t, "all"):
		c.i++
		if !c.is("of") {
			return nil, fmt.Errorf("%q must be followed by of (1 of X, all of X)", t)
		}
		c.i++
		target := c.peek()
		if target == "" || target == "(" || target == ")" {
			return nil, fmt.Errorf("%s of what? Want a selection name, a name with *, or them", t)
		}
		c.i++
		sels, err := c.matching(target)
		if err != nil {
			return nil, err
		}
		kids := make([]*node, len(sels))
		for i, s := range sels {
			kids[i] = &node{op: opSel, sel: s}
		}
		o := opOr
		if strings.EqualFold(t, "all") {
			o = opAnd
		}
		return &node{op: o, kids: kids}, nil
	}
	for _, kw := range []string{"and", "or", "of", "them"} {
		if strings.EqualFold(t, kw) {
			return nil, fmt.Errorf("unexpected %q", t)
		}
	}
	if strings.ContainsAny(t, "*?") {
		return nil, fmt.Errorf("%q: a name with wildcards needs 1 of or all of", t)
	}
	s := c.sels[t]
	if s == nil {
		if len(t) > 0 && t[0] >= '2' && t[0] <= '9' {
			return nil, fmt.Errorf("%q of: only 1 of and all of are supported", t)
		}
		return nil, fmt.Errorf("%q is not a selection of this rule (it has %s)", t, strings.Join(c.names, ", "))
	}
	c.i++
	return &node{op: opSel, sel: s}, nil
}

// matching are the selections target names, in file order: them is every
// selection not starting with _.
func (c *cond) matching(target string) ([]*selection, error) {
	var out []*selection
	for _, name := range c.names {
		var ok bool
		if strings.EqualFold(target, "them") {
			ok = !strings.HasPrefix(name, "_")
		} else {
			ok, _ = path.Match(globPattern(target), name)
		}
		if ok {
			out = append(out, c.sels[name])
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q names no selection of this rule (it has %s)", target, strings.Join(c.names, ", "))
	}
	return out, nil
}

// globPattern makes a condition's name pattern (only * and ? are special)
// safe for path.Match.
func globPattern(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '[', ']', '\\', '/':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// bound are the event types a condition may match (a trailing "*" is a
// prefix), or any when it cannot be bounded: a selection bounds when each
// of its groups requires eventType to equal, or start with, one of its
// values; and bounds when any of its terms does, or when every term does;
// not never bounds.
func bound(n *node) (types []string, any bool) {
	switch n.op {
	case opSel:
		return selBound(n.sel)
	case opNot:
		return nil, true
	case opAnd:
		var best []string
		found := false
		for _, k := range n.kids {
			if ts, a := bound(k); !a && (!found || len(ts) < len(best)) {
				best, found = ts, true
			}
		}
		return best, !found
	default:
		var out []string
		for _, k := range n.kids {
			ts, a := bound(k)
			if a {
				return nil, true
			}
			for _, t := range ts {
				if !slices.Contains(out, t) {
					out = append(out, t)
				}
			}
		}
		return out, false
	}
}

func selBound(s *selection) ([]string, bool) {
	if len(s.keywords) > 0 {
		return nil, true
	}
	var out []string
	for _, g := range s.groups {
		var ts []string
		for _, f := range g {
			if t, ok := fieldBound(f); ok {
				ts = t
				break
			}
		}
		if ts == nil {
			return nil, true
		}
		for _, t := range ts {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out, false
}

// fieldBound are the types an eventType field condition allows.
func fieldBound(f *field) ([]string, bool) {
	if len(f.path) != 1 || f.path[0] != "eventtype" {
		return nil, false
	}
	var out []string
	for _, m := range f.vals {
		lit, _, wild := unglob(m.text)
		switch {
		case m.null || m.kind == modRe || m.kind == modContains || m.kind == modEndsWith:
			return nil, false
		case !wild && m.kind == modEq:
			out = append(out, lit)
		case !wild && m.kind == modStartsWith:
			out = append(out, lit+"*")
		case wild && (m.kind == modEq || m.kind == modStartsWith):
			p, _, w := unglob(strings.TrimSuffix(m.text, "*"))
			if w || (!strings.HasSuffix(m.text, "*") && m.kind == modEq) || p == "" {
				return nil, false
			}
			out = append(out, p+"*")
		default:
			return nil, false
		}
	}
	return out, len(out) > 0
}
