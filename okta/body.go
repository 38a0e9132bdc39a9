package okta

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// This file handles the Okta JSON bodies of create_app, update_app and the
// policy and rule actions: parsed with exact numbers, merged into the
// current object (Okta's PUT replaces), and described path by path for
// Before and After.

// readOnlyKeys are the fields Okta sets itself; they are dropped from
// bodies a person gives and from the objects sent back with PUT.
func readOnlyKeys() []string {
	return []string{"id", "_links", "_embedded", "created", "lastUpdated", "status", "system"}
}

// parseObject reads a JSON object with exact numbers.
func parseObject(b []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil || m == nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	if d.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return m, nil
}

// parseBody reads the body a person gave for an action: a JSON object
// without read-only fields (status changes are their own actions).
func parseBody(op string, b []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, invalid(op, "give Okta's JSON for the object")
	}
	m, err := parseObject(b)
	if err != nil {
		return nil, invalid(op, "the body is "+err.Error()+": give one JSON object in Okta's shape")
	}
	for _, k := range readOnlyKeys() {
		if _, ok := m[k]; ok {
			return nil, invalid(op, "the body sets "+quote(k)+", which Okta sets itself (use the activate/deactivate actions for status)")
		}
	}
	if len(m) == 0 {
		return nil, invalid(op, "the body is empty: give the fields to set")
	}
	return m, nil
}

// leafPaths lists the paths of body's leaves: objects are recursed into,
// anything else (arrays included) is a leaf. Sorted.
func leafPaths(body map[string]any) [][]string {
	var out [][]string
	var walk func(m map[string]any, prefix []string)
	walk = func(m map[string]any, prefix []string) {
		for k, v := range m {
			p := append(slices.Clone(prefix), k)
			if sub, ok := v.(map[string]any); ok && len(sub) > 0 {
				walk(sub, p)
				continue
			}
			out = append(out, p)
		}
	}
	walk(body, nil)
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(strings.Join(a, "."), strings.Join(b, ".")) })
	return out
}

// valueAt returns the value at path, and whether it is there.
func valueAt(m map[string]any, path []string) (any, bool) {
	var cur any = m
	for _, k := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = mm[k]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}

// describe states the values of obj at paths: `label="Wiki"; settings.app.url="…"`,
// "(unset)" where there is none. Deterministic, for Before and After.
func describe(obj map[string]any, paths [][]string) string {
	parts := make([]string, 0, len(paths))
	for _, p := range paths {
		v, ok := valueAt(obj, p)
		s := "(unset)"
		if ok {
			b, err := json.Marshal(v)
			if err == nil {
				s = string(b)
			}
		}
		if len(s) > 200 {
			s = s[:197] + "…"
		}
		parts = append(parts, strings.Join(p, ".")+"="+s)
	}
	return strings.Join(parts, "; ")
}

// merge returns dst with src merged in as a JSON Merge Patch (RFC 7386):
// objects merge key by key, null removes a key, anything else replaces.
// dst is not modified.
func merge(dst, src map[string]any) map[string]any {
	out := make(map[string]any, len(dst)+len(src))
	for k, v := range dst {
		out[k] = v
	}
	for k, v := range src {
		if v == nil {
			delete(out, k)
			continue
		}
		if sv, ok := v.(map[string]any); ok {
			if dv, ok := out[k].(map[string]any); ok {
				out[k] = merge(dv, sv)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// withoutReadOnly returns obj without the fields Okta sets itself.
func withoutReadOnly(obj map[string]any) map[string]any {
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		if !slices.Contains(readOnlyKeys(), k) {
			out[k] = v
		}
	}
	return out
}

// str returns the string at a top-level key.
func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}
