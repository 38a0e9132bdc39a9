package rules

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// mod is how a value is compared.
type mod int

const (
	modEq mod = iota
	modContains
	modStartsWith
	modEndsWith
	modRe
)

var modNames = map[string]mod{"contains": modContains, "startswith": modStartsWith, "endswith": modEndsWith, "re": modRe}

// matcher is one compiled value.
type matcher struct {
	null bool           // matches an absent or null field
	kind mod            // how lit compares
	text string         // the value as written
	lit  string         // the value lower-cased, wildcards unescaped (no wildcard)
	re   *regexp.Regexp // a regular expression, or the value's wildcards
}

// newMatcher compiles value compared by kind: re as a Go regular
// expression, anything else as text with Sigma's wildcards.
func newMatcher(value string, kind mod) (*matcher, error) {
	m := &matcher{kind: kind, text: value}
	if kind == modRe {
		re, err := regexp.Compile(value)
		if err != nil {
			return nil, err
		}
		m.re = re
		return m, nil
	}
	lit, pattern, wild := unglob(value)
	if !wild {
		m.lit = strings.ToLower(lit)
		return m, nil
	}
	switch kind {
	case modEq:
		pattern = "^" + pattern + "$"
	case modStartsWith:
		pattern = "^" + pattern
	case modEndsWith:
		pattern += "$"
	}
	m.re = regexp.MustCompile("(?is)" + pattern) // unglob quotes every literal
	return m, nil
}

// unglob reads Sigma's wildcards: * any run, ? one character, \ escaping
// *, ? and \ (any other \ is itself). It returns the value without
// escapes, its regular expression, and whether it has a wildcard.
func unglob(s string) (lit, pattern string, wild bool) {
	var l, re strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '?' || s[i+1] == '\\'):
			i++
			l.WriteByte(s[i])
			re.WriteString(regexp.QuoteMeta(s[i : i+1]))
		case c == '*':
			wild = true
			re.WriteString(".*")
		case c == '?':
			wild = true
			re.WriteString(".")
		default:
			l.WriteByte(c)
			re.WriteString(regexp.QuoteMeta(s[i : i+1]))
		}
	}
	return l.String(), re.String(), wild
}

// match reports whether the value v (a leaf of the event: string,
// json.Number, bool or nil) matches.
func (m *matcher) match(v any) bool {
	if m.null {
		return v == nil
	}
	s, ok := scalar(v)
	if !ok {
		return false
	}
	if m.re != nil {
		return m.re.MatchString(s)
	}
	s = strings.ToLower(s)
	switch m.kind {
	case modContains:
		return strings.Contains(s, m.lit)
	case modStartsWith:
		return strings.HasPrefix(s, m.lit)
	case modEndsWith:
		return strings.HasSuffix(s, m.lit)
	}
	return s == m.lit
}

// scalar is the text of a leaf value.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// field is one field condition of a selection.
type field struct {
	name string   // as written
	path []string // lower-cased parts
	vals []*matcher
	all  bool // every value must match (else any)
}

func (f *field) match(d *doc) bool {
	vs := d.lookup(f.path)
	if len(vs) == 0 {
		vs = []any{nil} // absent: only null matches
	}
	for _, m := range f.vals {
		hit := false
		for _, v := range vs {
			if m.match(v) {
				hit = true
				break
			}
		}
		if hit && !f.all {
			return true
		}
		if !hit && f.all {
			return false
		}
	}
	return f.all
}

// selection is a named selection: any of its groups, each of whose
// fields must match; or any of its keywords.
type selection struct {
	name     string
	groups   [][]*field
	keywords []*matcher
}

func (s *selection) match(d *doc) bool {
	for _, g := range s.groups {
		all := true
		for _, f := range g {
			if !f.match(d) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	for _, k := range s.keywords {
		for _, v := range d.leaves() {
			if k.match(v) {
				return true
			}
		}
	}
	return false
}

// matches evaluates r's condition on d.
func (r *Rule) matches(d *doc) bool { return r.cond.eval(d) }

// doc is one event as JSON, as Okta logged it when the event still has
// its raw JSON, else rebuilt from its decoded fields.
type doc struct {
	root any
	all  []any // leaves, read once for keywords
}

func newDoc(e intents.Event) *doc {
	if len(e.Raw) > 0 {
		dec := json.NewDecoder(bytes.NewReader(e.Raw))
		dec.UseNumber()
		var v map[string]any
		if dec.Decode(&v) == nil {
			return &doc{root: v}
		}
	}
	return &doc{root: rebuilt(e)}
}

// rebuilt is the event's decoded fields at the paths Okta gives them.
func rebuilt(e intents.Event) map[string]any {
	str := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	actor := func(a intents.Actor) map[string]any {
		m := map[string]any{"id": str(a.ID), "type": str(a.Type), "alternateId": str(a.AlternateID), "displayName": str(a.DisplayName)}
		if len(a.Detail) > 0 {
			d := map[string]any{}
			for k, v := range a.Detail {
				d[k] = v
			}
			m["detailEntry"] = d
		}
		return m
	}
	targets := make([]any, len(e.Targets))
	for i, t := range e.Targets {
		targets[i] = actor(t)
	}
	debug := map[string]any{}
	for k, v := range e.Debug {
		debug[k] = v
	}
	c := e.Client
	return map[string]any{
		"uuid":           str(e.UUID),
		"published":      e.Published.UTC().Format("2006-01-02T15:04:05.000Z"),
		"eventType":      str(e.EventType),
		"displayMessage": str(e.DisplayMessage),
		"severity":       str(e.Severity),
		"actor":          actor(e.Actor),
		"target":         targets,
		"outcome":        map[string]any{"result": str(e.Outcome.Result), "reason": str(e.Outcome.Reason)},
		"client": map[string]any{
			"ipAddress": str(c.IP), "device": str(c.Device), "zone": str(c.Zone),
			"userAgent":           map[string]any{"rawUserAgent": str(c.UserAgent), "browser": str(c.Browser), "os": str(c.OS)},
			"geographicalContext": map[string]any{"city": str(c.City), "state": str(c.State), "country": str(c.Country)},
		},
		"securityContext": map[string]any{
			"asNumber": json.Number(strconv.Itoa(e.Security.ASNumber)), "asOrg": str(e.Security.ASOrg),
			"isp": str(e.Security.ISP), "domain": str(e.Security.Domain), "isProxy": e.Security.IsProxy,
		},
		"authenticationContext": map[string]any{"externalSessionId": str(e.SessionID)},
		"transaction":           map[string]any{"id": str(e.TransactionID)},
		"debugContext":          map[string]any{"debugData": debug},
	}
}

// lookup returns the leaf values at path, matching keys without regard to
// case and fanning out over arrays. A key may itself hold dots: the
// longest key that matches is taken.
func (d *doc) lookup(path []string) []any {
	var out []any
	var walk func(v any, rest []string)
	walk = func(v any, rest []string) {
		if arr, ok := v.([]any); ok {
			for _, x := range arr {
				walk(x, rest)
			}
			return
		}
		if len(rest) == 0 {
			out = append(out, v)
			return
		}
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		for n := len(rest); n >= 1; n-- {
			key := strings.Join(rest[:n], ".")
			if x, ok := m[key]; ok {
				walk(x, rest[n:])
				return
			}
			for k, x := range m {
				if strings.EqualFold(k, key) {
					walk(x, rest[n:])
					return
				}
			}
		}
	}
	walk(d.root, path)
	return out
}

// leaves are every scalar value of the event.
func (d *doc) leaves() []any {
	if d.all != nil {
		return d.all
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		default:
			d.all = append(d.all, x)
		}
	}
	walk(d.root)
	if d.all == nil {
		d.all = []any{}
	}
	return d.all
}
