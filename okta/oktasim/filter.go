package oktasim

import (
	"fmt"
	"strconv"
	"strings"
)

// Okta's filter and search expressions (SCIM-like):
//
//	expr   = term { "or" term }
//	term   = factor { "and" factor }
//	factor = "not" factor | "(" expr ")" | path op value | path "pr"
//	op     = eq | ne | sw | ew | co | gt | ge | lt | le
//	value  = "string" | number | true | false | null
//
// Keywords are case-insensitive. Inside a quoted string \" and \\ (and the
// JSON escapes \/ \b \f \n \r \t \uXXXX) are escapes; nothing in a string is
// ever read as an operator.

// expr is a parsed filter.
type expr interface {
	eval(r resolver) bool
	walk(fn func(c *comparison) error) error
}

// resolver gives the values at an attribute path (also given split at its
// dots) of the object being tested: several when the path crosses a list,
// none when absent.
type resolver func(path string, parts []string) []any

type logical struct {
	and         bool
	left, right expr
}

type negation struct{ inner expr }

type comparison struct {
	path  string
	parts []string
	op    string // eq, ne, sw, ew, co, gt, ge, lt, le, pr
	value any    // string, float64, bool or nil
	exact bool   // eq and ne compare strings case-sensitively (the System Log's)
}

func (l *logical) eval(r resolver) bool {
	if l.and {
		return l.left.eval(r) && l.right.eval(r)
	}
	return l.left.eval(r) || l.right.eval(r)
}

func (l *logical) walk(fn func(*comparison) error) error {
	if err := l.left.walk(fn); err != nil {
		return err
	}
	return l.right.walk(fn)
}

func (n *negation) eval(r resolver) bool                  { return !n.inner.eval(r) }
func (n *negation) walk(fn func(*comparison) error) error { return n.inner.walk(fn) }
func (c *comparison) walk(fn func(*comparison) error) error {
	return fn(c)
}

func (c *comparison) eval(r resolver) bool {
	vals := r(c.path, c.parts)
	switch c.op {
	case "pr":
		for _, v := range vals {
			if v != nil && v != "" {
				return true
			}
		}
		return false
	case "ne":
		for _, v := range vals {
			if c.equal(v) {
				return false
			}
		}
		return c.value != nil || len(vals) > 0
	case "eq":
		if c.value == nil && len(vals) == 0 {
			return true
		}
	}
	for _, v := range vals {
		if c.match(v) {
			return true
		}
	}
	return false
}

func (c *comparison) match(v any) bool {
	switch c.op {
	case "eq":
		return c.equal(v)
	case "sw", "ew", "co":
		s, ok1 := v.(string)
		lit, ok2 := c.value.(string)
		if !ok1 || !ok2 {
			return false
		}
		s, lit = strings.ToLower(s), strings.ToLower(lit)
		switch c.op {
		case "sw":
			return strings.HasPrefix(s, lit)
		case "ew":
			return strings.HasSuffix(s, lit)
		}
		return strings.Contains(s, lit)
	}
	cmp, ok := compareValue(v, c.value)
	if !ok {
		return false
	}
	switch c.op {
	case "gt":
		return cmp > 0
	case "ge":
		return cmp >= 0
	case "lt":
		return cmp < 0
	case "le":
		return cmp <= 0
	}
	return false
}

// equal compares a stored value with the literal: exactly for a string
// when the comparison is exact, else as equalValue does.
func (c *comparison) equal(v any) bool {
	if c.exact {
		if l, ok := c.value.(string); ok {
			if s, ok := v.(string); ok && !(timeLike(s) && timeLike(l)) {
				return s == l
			}
		}
	}
	return equalValue(v, c.value)
}

// equalValue compares a stored value with a literal: strings
// case-insensitively (timestamps as instants), numbers numerically,
// booleans with their string forms ("true") too.
func equalValue(v, lit any) bool {
	if lit == nil {
		return v == nil
	}
	// Two strings that are not both timestamps: compare them without
	// allocating or trying to parse times. A System Log search evaluates
	// this for every event of the window.
	if l, ok := lit.(string); ok {
		if s, ok := v.(string); ok && !(timeLike(s) && timeLike(l)) {
			return strings.EqualFold(s, l)
		}
	}
	if cmp, ok := compareValue(v, lit); ok {
		return cmp == 0
	}
	return false
}

// timeLike reports whether s may be a timestamp (2006-01-02…).
func timeLike(s string) bool {
	return len(s) >= 10 && s[4] == '-' && s[7] == '-' && s[0] >= '0' && s[0] <= '9'
}

// compareValue orders a stored value against a literal.
func compareValue(v, lit any) (int, bool) {
	switch l := lit.(type) {
	case string:
		s, ok := scalarString(v)
		if !ok {
			return 0, false
		}
		if t1, ok1 := parseTime(s); ok1 {
			if t2, ok2 := parseTime(l); ok2 {
				return t1.Compare(t2), true
			}
		}
		return strings.Compare(strings.ToLower(s), strings.ToLower(l)), true
	case float64:
		f, ok := number(v)
		if !ok {
			return 0, false
		}
		switch {
		case f < l:
			return -1, true
		case f > l:
			return 1, true
		}
		return 0, true
	case bool:
		switch x := v.(type) {
		case bool:
			if x == l {
				return 0, true
			}
		case string:
			if strings.EqualFold(x, strconv.FormatBool(l)) {
				return 0, true
			}
		default:
			return 0, false
		}
		return 1, true
	}
	return 0, false
}

func scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case fmt.Stringer: // json.Number
		return x.String(), true
	}
	return "", false
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	case fmt.Stringer:
		f, err := strconv.ParseFloat(x.String(), 64)
		return f, err == nil
	}
	return 0, false
}

// objectResolver resolves dotted paths in a JSON object; a list on the way
// yields every element's value (so target.id matches any target).
func objectResolver(obj Object) resolver {
	return func(_ string, parts []string) []any {
		return resolve(obj, parts, nil)
	}
}

func resolve(v any, parts []string, out []any) []any {
	if len(parts) == 0 {
		if list, ok := v.([]any); ok {
			return append(out, list...)
		}
		return append(out, v)
	}
	switch x := v.(type) {
	case map[string]any:
		if c, ok := x[parts[0]]; ok {
			return resolve(c, parts[1:], out)
		}
	case []any:
		for _, e := range x {
			out = resolve(e, parts, out)
		}
	}
	return out
}

// parseFilter parses an expression; the error says where it went wrong.
func parseFilter(src string) (expr, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, fmt.Errorf("unexpected %s at %d", t, t.pos)
	}
	return e, nil
}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) keyword(word string) bool {
	t := p.peek()
	if t.kind == tokWord && strings.EqualFold(t.text, word) {
		p.i++
		return true
	}
	return false
}

func (p *parser) or() (expr, error) {
	left, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.keyword("or") {
		right, err := p.and()
		if err != nil {
			return nil, err
		}
		left = &logical{left: left, right: right}
	}
	return left, nil
}

func (p *parser) and() (expr, error) {
	left, err := p.factor()
	if err != nil {
		return nil, err
	}
	for p.keyword("and") {
		right, err := p.factor()
		if err != nil {
			return nil, err
		}
		left = &logical{and: true, left: left, right: right}
	}
	return left, nil
}

var operators = map[string]bool{"eq": true, "ne": true, "sw": true, "ew": true, "co": true,
	"gt": true, "ge": true, "lt": true, "le": true, "pr": true}

var reserved = map[string]bool{"and": true, "or": true, "not": true, "true": true, "false": true, "null": true}

func (p *parser) factor() (expr, error) {
	t := p.next()
	switch {
	case t.kind == tokLParen:
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tokRParen {
			return nil, fmt.Errorf("missing ) at %d", c.pos)
		}
		return e, nil
	case t.kind == tokWord && strings.EqualFold(t.text, "not"):
		inner, err := p.factor()
		if err != nil {
			return nil, err
		}
		return &negation{inner: inner}, nil
	case t.kind != tokWord || reserved[strings.ToLower(t.text)] || operators[strings.ToLower(t.text)]:
		return nil, fmt.Errorf("expected an attribute, got %s at %d", t, t.pos)
	}
	op := p.next()
	opName := strings.ToLower(op.text)
	if op.kind != tokWord || !operators[opName] {
		return nil, fmt.Errorf("expected an operator after %s, got %s at %d", t.text, op, op.pos)
	}
	c := &comparison{path: t.text, parts: strings.Split(t.text, "."), op: opName}
	if opName == "pr" {
		return c, nil
	}
	v := p.next()
	switch {
	case v.kind == tokString:
		c.value = v.text
	case v.kind == tokNumber:
		f, err := strconv.ParseFloat(v.text, 64)
		if err != nil {
			return nil, fmt.Errorf("bad number %s at %d", v.text, v.pos)
		}
		c.value = f
	case v.kind == tokWord && strings.EqualFold(v.text, "true"):
		c.value = true
	case v.kind == tokWord && strings.EqualFold(v.text, "false"):
		c.value = false
	case v.kind == tokWord && strings.EqualFold(v.text, "null"):
		c.value = nil
	default:
		return nil, fmt.Errorf("expected a value after %s %s, got %s at %d", t.text, opName, v, v.pos)
	}
	return c, nil
}
