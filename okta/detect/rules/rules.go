package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/detect"
)

// Error is a rule file that cannot be used: the file, the line of the
// offending key or value (0 when it is the file as a whole) and why.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("rules: %s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("rules: %s: %s", e.File, e.Msg)
}

// Rule is one compiled rule.
type Rule struct {
	detect.Rule
	Description    string
	FalsePositives []string
	Tags           []string

	sels  map[string]*selection
	cond  *node
	types []string // the event types it can match (a trailing "*" is a prefix)
	any   bool     // it may match any event type
}

// levels are the rule levels, lowest first.
var levels = []string{"informational", "low", "medium", "high", "critical"}

// Set is the rules of a directory. It implements detect.Rules.
type Set struct {
	rules []*Rule
}

var _ detect.Rules = (*Set)(nil)

// NewSet makes a Set of rules (nil entries are left out).
func NewSet(rs ...*Rule) *Set {
	return &Set{rules: slices.DeleteFunc(slices.Clone(rs), func(r *Rule) bool { return r == nil })}
}

// Rules are the set's rules in load order.
func (s *Set) Rules() []*Rule { return slices.Clone(s.rules) }

// Len is how many rules the set holds.
func (s *Set) Len() int { return len(s.rules) }

// Match returns the rules e matches, in load order.
func (s *Set) Match(e intents.Event) []detect.Rule {
	if s == nil || len(s.rules) == 0 {
		return nil
	}
	var d *doc
	var out []detect.Rule
	for _, r := range s.rules {
		if !r.wants(e.EventType) {
			continue
		}
		if d == nil {
			d = newDoc(e)
		}
		if r.matches(d) {
			out = append(out, r.Rule)
		}
	}
	return out
}

// Matches reports whether r matches e.
func (r *Rule) Matches(e intents.Event) bool { return r.matches(newDoc(e)) }

// EventTypes are the event types the set's rules may match, and whether
// one may match any type.
func (s *Set) EventTypes() ([]string, bool) {
	if s == nil {
		return nil, false
	}
	var out []string
	for _, r := range s.rules {
		if r.any {
			return nil, true
		}
		for _, t := range r.types {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out, false
}

// EventTypes are the event types r may match (a trailing "*" is a
// prefix), and whether it may match any type.
func (r *Rule) EventTypes() ([]string, bool) { return slices.Clone(r.types), r.any }

// wants reports whether r may match an event of type t.
func (r *Rule) wants(t string) bool { return r.any || detect.OfType(t, r.types) }

// Load reads every rule file (*.yml, *.yaml) under dir, its
// subdirectories included, in lexical order. The first file that is not
// a rule stops it with an *Error naming the file and line; two rules with
// one id are an error too.
func Load(dir string) (*Set, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("rules: %s is not a directory", dir)
	}
	var files []string
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if strings.HasPrefix(name, ".") && path != dir {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() && (strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".yaml")) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	slices.Sort(files)
	s := &Set{}
	byID := map[string]*Rule{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("rules: %w", err)
		}
		r, err := Parse(f, data)
		if err != nil {
			return nil, err
		}
		if o := byID[strings.ToLower(r.ID)]; o != nil {
			return nil, &Error{File: f, Msg: fmt.Sprintf("id %s is also the id of %s: give each rule its own id", r.ID, o.File)}
		}
		byID[strings.ToLower(r.ID)] = r
		s.rules = append(s.rules, r)
	}
	return s, nil
}

// maxFile bounds a rule file; Sigma's rules are a few kilobytes.
const maxFile = 1 << 20

// Parse compiles the rule in data, read from file (named in errors).
func Parse(file string, data []byte) (*Rule, error) {
	p := parser{file: file}
	if len(data) > maxFile {
		return nil, p.errf(0, "the file is larger than 1 MB; a rule is a few kilobytes")
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, p.errf(0, "the file is empty: want a Sigma rule (title, logsource, detection)")
		}
		return nil, p.yamlErr(data, err)
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		return nil, p.errf(next.Line, "a second YAML document: one rule per file (Sigma rule collections are not supported)")
	} else if !errors.Is(err, io.EOF) {
		return nil, p.yamlErr(data, err)
	}
	return p.rule(&root)
}

// yamlLine finds the problem in a yaml.v3 syntax error.
var yamlLine = regexp.MustCompile(`^yaml: line \d+: (.*)$`)

// yamlErr is a YAML syntax error as an *Error. yaml.v3 names a line
// near the problem, sometimes one before it; the line given is the first
// after the longest start of the file that is valid YAML.
func (p *parser) yamlErr(data []byte, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		msg = m[1]
	}
	return p.errf(syntaxLine(data), "not valid YAML: %s", msg)
}

// syntaxLine is the first line after the longest run of whole lines from
// the start that is valid YAML (0 when the file is too long to look).
func syntaxLine(data []byte) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) > 2000 {
		return 0
	}
	for k := len(lines) - 1; k > 0; k-- {
		if validYAML(bytes.Join(lines[:k], nil)) {
			return k + 1
		}
	}
	return 1
}

func validYAML(b []byte) bool {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			return false
		}
	}
}
