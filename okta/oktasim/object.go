package oktasim

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// oktaTime is how Okta writes timestamps: UTC with milliseconds.
const oktaTime = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string { return t.UTC().Format(oktaTime) }

// parseTime reads a timestamp as Okta writes it (or any RFC 3339 time).
func parseTime(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok || s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// lookup walks nested objects along path.
func lookup(obj Object, path ...string) (any, bool) {
	var cur any = obj
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// child returns obj[key] as an object, creating it when absent or not an
// object.
func child(obj Object, key string) Object {
	if m, ok := obj[key].(map[string]any); ok {
		return m
	}
	m := Object{}
	obj[key] = m
	return m
}

// deepCopy copies a JSON-like value so that the copy shares nothing with the
// original. Values that are not plain JSON trees (structs, typed slices and
// maps from Go fixtures) are normalised through encoding/json.
func deepCopy(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool, float64, json.Number:
		return x, nil
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			c, err := deepCopy(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = c
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			c, err := deepCopy(e)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	return out, nil
}

// copyObject deep-copies an object.
func copyObject(obj Object) (Object, error) {
	if obj == nil {
		return Object{}, nil
	}
	c, err := deepCopy(obj)
	if err != nil {
		return nil, err
	}
	return c.(map[string]any), nil
}

// mustCopy deep-copies an object that is known to hold only JSON values.
func mustCopy(obj Object) Object {
	c, err := copyObject(obj)
	if err != nil {
		return Object{}
	}
	return c
}

// stringList reads a fixture list of references ("members", "apps", …):
// a JSON array of strings, or a Go []string.
func stringList(v any) ([]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []string:
		return x, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("list holds %T, want strings", e)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("got %T, want a list of strings", v)
}

// objectList reads a fixture list of objects ("rules"): a JSON array or a Go
// []Object.
func objectList(v any) ([]Object, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []Object:
		return x, nil
	case []any:
		out := make([]Object, 0, len(x))
		for _, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("list holds %T, want objects", e)
			}
			out = append(out, m)
		}
		return out, nil
	}
	return nil, fmt.Errorf("got %T, want a list of objects", v)
}

// displayName is "First Last" of a user, or its login.
func displayName(u *entity) string {
	name := strings.TrimSpace(u.str("profile", "firstName") + " " + u.str("profile", "lastName"))
	if name == "" {
		return u.str("profile", "login")
	}
	return name
}
