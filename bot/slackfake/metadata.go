package slackfake

import (
	"bytes"
	"encoding/json"
	"regexp"
)

// Message metadata. chat.postMessage and chat.update take a metadata
// argument, a JSON object {"event_type": …, "event_payload": {…}}, which
// Slack keeps with the message and returns from conversations.history
// when asked with include_all_metadata.
//
// Slack's documentation says event_type may contain letters, digits,
// underscores and hyphens only, and that metadata with an invalid
// event_type "returns an invalid_metadata_schema warning and is
// ignored": the message is posted without it. The fake does the same (a
// warning in the answer, the message stored without metadata, and a
// Rejection recorded so that a test notices). Metadata that is not a
// JSON object with an event_type string and an event_payload object is
// refused with invalid_metadata_format, and nothing is posted.

// eventTypeRE is what Slack accepts as a metadata event_type.
var eventTypeRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// metadataResult is a chat method's metadata argument after checking.
type metadataResult struct {
	value   json.RawMessage // compact {"event_type","event_payload"}; nil if none or ignored
	warning string          // invalid_metadata_schema when ignored
}

// checkedMetadata validates the metadata argument of a chat method,
// recording a rejection when it is refused or ignored.
func (s *Server) checkedMetadata(req *apiRequest, channel string) (metadataResult, error) {
	raw := bytes.TrimSpace(req.raw("metadata"))
	if len(raw) == 0 || string(raw) == "null" {
		return metadataResult{}, nil
	}
	var md struct {
		EventType    json.RawMessage `json:"event_type"`
		EventPayload json.RawMessage `json:"event_payload"`
	}
	var payload map[string]any
	if json.Unmarshal(raw, &md) != nil ||
		json.Unmarshal(md.EventPayload, &payload) != nil || payload == nil {
		err := &apiError{Code: "invalid_metadata_format", Messages: []string{
			"[ERROR] metadata must be a JSON object with event_type and an event_payload object [json-pointer:/metadata]",
		}}
		s.reject(req.method, channel, req.arg("text"), nil, err)
		return metadataResult{}, err
	}
	var eventType string
	if json.Unmarshal(md.EventType, &eventType) != nil || !eventTypeRE.MatchString(eventType) {
		s.reject(req.method, channel, req.arg("text"), nil, &apiError{Code: "invalid_metadata_schema", Messages: []string{
			"[WARN] event_type must be letters, digits, underscores and hyphens; metadata ignored [json-pointer:/metadata/event_type]",
		}})
		return metadataResult{warning: "invalid_metadata_schema"}, nil
	}
	compact, err := json.Marshal(map[string]any{"event_type": eventType, "event_payload": payload})
	if err != nil {
		return metadataResult{}, err
	}
	return metadataResult{value: compact}, nil
}

// withWarning adds a metadata warning to a successful answer as Slack
// reports warnings: a top-level warning and response_metadata.warnings.
func (r metadataResult) withWarning(out map[string]any) map[string]any {
	if r.warning != "" {
		out["warning"] = r.warning
		out["response_metadata"] = map[string]any{"warnings": []string{r.warning}}
	}
	return out
}
