package oktasim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// This file is the simulator's control plane for live tests and demos:
// System Log events added while it serves, as Okta would write them.
// Control-plane routes live under /_sim/, never under /api/: they need no
// token and no client of Okta's API can reach them by mistake.

// maxEventsBody bounds a POST /_sim/events body.
const maxEventsBody = 32 << 20

// AddEvents appends System Log events now, in the order given, and returns
// their uuids. An event without "uuid" gets a random one; one without
// "published" is published at the simulator's now (to the millisecond, as
// Okta writes it), so a polling read sees it at once. Either every event is
// added or, when one's published is not a time, none is. Events published
// before the newest ones are placed by their time, as Okta's log orders
// them: a polling reader already past that time does not see them.
func (s *Server) AddEvents(events []Object) ([]string, error) {
	now := s.now().UTC().Truncate(time.Millisecond)
	filled := make([]Object, len(events))
	uuids := make([]string, len(events))
	for i, ev := range events {
		obj, err := copyObject(ev)
		if err != nil {
			return nil, fmt.Errorf("oktasim: add events: event %d: %w", i, err)
		}
		if v, ok := obj["published"]; !ok || v == nil {
			obj["published"] = formatTime(now)
		}
		if id, _ := obj["uuid"].(string); id == "" {
			obj["uuid"] = newUUID()
		}
		uuids[i] = obj["uuid"].(string)
		filled[i] = obj
	}
	if err := s.org.addLogs(filled, 0); err != nil {
		return nil, fmt.Errorf("oktasim: add events: %w", err)
	}
	return uuids, nil
}

// postEvents is POST /_sim/events: a JSON array of LogEvent objects, added
// with AddEvents. It answers {"accepted":N,"uuids":[…]}, or 400 in Okta's
// error shape with nothing added.
func (s *Server) postEvents(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxEventsBody+1))
	if err != nil {
		writeAPIError(w, errValidation("events", "the body could not be read"))
		return
	}
	if len(body) > maxEventsBody {
		writeAPIError(w, errValidation("events", fmt.Sprintf("the body is larger than %d bytes", maxEventsBody)))
		return
	}
	events, err := decodeEvents(body)
	if err != nil {
		writeAPIError(w, errValidation("events", err.Error()))
		return
	}
	uuids, err := s.AddEvents(events)
	if err != nil {
		writeAPIError(w, errValidation("events", err.Error()))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"accepted": len(uuids), "uuids": uuids})
}

// decodeEvents reads a JSON array of objects; anything else (an object,
// null, an array holding a non-object) is refused.
func decodeEvents(body []byte) ([]Object, error) {
	var raws []json.RawMessage
	if err := json.Unmarshal(body, &raws); err != nil || raws == nil {
		return nil, errors.New("the body must be a JSON array of System Log events")
	}
	out := make([]Object, len(raws))
	for i, raw := range raws {
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || raw[0] != '{' {
			return nil, fmt.Errorf("event %d is not a JSON object", i)
		}
		if err := json.Unmarshal(raw, &out[i]); err != nil {
			return nil, fmt.Errorf("event %d is not a JSON object", i)
		}
	}
	return out, nil
}

// controlRoutes adds the control plane's routes to the mux.
func (s *Server) controlRoutes() {
	s.mux.HandleFunc("POST /_sim/events", s.postEvents)
	s.mux.HandleFunc("POST /_sim/factor-verify-outcome", s.postVerifyOutcome)
}
