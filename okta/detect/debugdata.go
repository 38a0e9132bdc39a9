package detect

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// The System Log's debugContext.debugData is a map of strings. Some of them
// are structured: behaviors and risk in Java's map notation
// ("{New Geo-Location=NEGATIVE, New Device=POSITIVE}", "{level=HIGH,
// reasons=Anomalous Device, Anomalous Location}"), logOnlySecurityData and
// threatDetections as JSON text. Okta also writes behaviors and risk as a
// JSON array of "Name=VALUE" strings or as a JSON object (and the adapter
// passes a non-string value on as its compact JSON): keyValues reads all
// three.

// braced parses Java's map notation. A part without "=" continues the value
// before it (reasons hold commas).
func braced(s string) map[string]string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "{")
	s = strings.TrimSuffix(s, "}")
	out := map[string]string{}
	last := ""
	for part := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			if last != "" && strings.TrimSpace(part) != "" {
				out[last] += "," + part
			}
			continue
		}
		last = strings.TrimSpace(k)
		out[last] = v
	}
	for k, v := range out {
		out[k] = strings.TrimSpace(v)
	}
	return out
}

// keyValues reads a behaviors or risk value in any of Okta's shapes: a
// braced string ("{New Device=POSITIVE, New IP=NEGATIVE}"), a JSON array
// of "Name=VALUE" strings (["New Device=POSITIVE","New IP=NEGATIVE"]) or a
// JSON object ({"New Device":"POSITIVE"}; a list value, like risk's
// reasons, is joined with ", ").
func keyValues(s string) map[string]string {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "["):
		var list []any
		if json.Unmarshal([]byte(s), &list) == nil {
			out := map[string]string{}
			last := ""
			for _, item := range list {
				part := text(item)
				k, v, ok := strings.Cut(part, "=")
				if !ok { // a reason with a comma, split by the writer
					if last != "" && strings.TrimSpace(part) != "" {
						out[last] += ", " + strings.TrimSpace(part)
					}
					continue
				}
				last = strings.TrimSpace(k)
				out[last] = strings.TrimSpace(v)
			}
			return out
		}
	case strings.HasPrefix(s, "{\""):
		var m map[string]any
		if json.Unmarshal([]byte(s), &m) == nil {
			out := make(map[string]string, len(m))
			for k, v := range m {
				out[strings.TrimSpace(k)] = strings.TrimSpace(text(v))
			}
			return out
		}
	}
	return braced(s)
}

// securityData is debugData.logOnlySecurityData.
type securityData struct {
	Risk      map[string]any    `json:"risk"`
	Behaviors map[string]string `json:"behaviors"`
}

func logOnly(e intents.Event) (securityData, bool) {
	s := e.Debug["logOnlySecurityData"]
	if s == "" {
		return securityData{}, false
	}
	var d securityData
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		return securityData{}, false
	}
	return d, true
}

// behaviors returns Okta's behavior verdicts for e ("New Device" →
// "POSITIVE"), from debugData.behaviors and logOnlySecurityData.
func behaviors(e intents.Event) map[string]string {
	out := map[string]string{}
	if d, ok := logOnly(e); ok {
		for k, v := range d.Behaviors {
			out[strings.TrimSpace(k)] = strings.ToUpper(strings.TrimSpace(v))
		}
	}
	if s := e.Debug["behaviors"]; s != "" {
		for k, v := range keyValues(s) {
			out[k] = strings.ToUpper(v)
		}
	}
	return out
}

// positive reports whether Okta flagged behavior name for e.
func positive(e intents.Event, name string) bool {
	return behaviors(e)[name] == "POSITIVE"
}

// risk returns Okta's risk level of e (HIGH, MEDIUM, LOW or "") and its
// reasons.
func risk(e intents.Event) (level, reasons string) {
	if s := e.Debug["risk"]; s != "" {
		m := keyValues(s)
		return strings.ToUpper(m["level"]), m["reasons"]
	}
	if d, ok := logOnly(e); ok && d.Risk != nil {
		level = strings.ToUpper(text(d.Risk["level"]))
		return level, text(d.Risk["reasons"])
	}
	return "", ""
}

// riskDetection is the detection that raised a risk (debugData.risk
// detectionName on user.risk.detect: "Okta Threat Intelligence",
// "Session Influenced User Risk"), or "".
func riskDetection(e intents.Event) string {
	if s := e.Debug["risk"]; s != "" {
		return keyValues(s)["detectionName"]
	}
	if d, ok := logOnly(e); ok && d.Risk != nil {
		return text(d.Risk["detectionName"])
	}
	return ""
}

// text formats a decoded JSON value: strings as they are, lists joined.
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []any:
		parts := make([]string, 0, len(v))
		for _, x := range v {
			parts = append(parts, text(x))
		}
		return strings.Join(parts, ", ")
	default:
		return fmt.Sprint(v)
	}
}

// threatSuspected reports debugData.threatSuspected = "true".
func threatSuspected(e intents.Event) bool {
	return strings.EqualFold(strings.TrimSpace(e.Debug["threatSuspected"]), "true")
}

// threatDetections reads ThreatInsight's debugData.threatDetections, e.g.
// {"Password Spray":"HIGH","Login Failures":"MEDIUM"}, as "name (LEVEL)"
// items sorted by name, and reports whether any is HIGH.
func threatDetections(e intents.Event) (items []string, high bool) {
	s := e.Debug["threatDetections"]
	if s == "" {
		return nil, false
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, false
	}
	for k, v := range m {
		lv := strings.ToUpper(text(v))
		items = append(items, k+" ("+lv+")")
		high = high || lv == "HIGH"
	}
	slices.Sort(items)
	return items, high
}
