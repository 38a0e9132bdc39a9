package detect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// This file is a test-only decoder from Okta's LogEvent JSON to
// intents.Event, kept minimal: it reads the fields detect uses and nothing
// more. The okta adapter package has the production decoder.

type oktaActor struct {
	ID          string         `json:"id"`
	Type        string         `json:"type"`
	AlternateID string         `json:"alternateId"`
	DisplayName string         `json:"displayName"`
	DetailEntry map[string]any `json:"detailEntry"`
}

type oktaLogEvent struct {
	UUID           string      `json:"uuid"`
	Published      string      `json:"published"`
	EventType      string      `json:"eventType"`
	DisplayMessage string      `json:"displayMessage"`
	Severity       string      `json:"severity"`
	Actor          oktaActor   `json:"actor"`
	Target         []oktaActor `json:"target"`
	Outcome        struct {
		Result string `json:"result"`
		Reason string `json:"reason"`
	} `json:"outcome"`
	Client struct {
		IPAddress string `json:"ipAddress"`
		Device    string `json:"device"`
		Zone      string `json:"zone"`
		UserAgent struct {
			RawUserAgent string `json:"rawUserAgent"`
			Browser      string `json:"browser"`
			OS           string `json:"os"`
		} `json:"userAgent"`
		GeographicalContext struct {
			City        string `json:"city"`
			State       string `json:"state"`
			Country     string `json:"country"`
			Geolocation struct {
				Lat float64 `json:"lat"`
				Lon float64 `json:"lon"`
			} `json:"geolocation"`
		} `json:"geographicalContext"`
	} `json:"client"`
	SecurityContext struct {
		AsNumber int    `json:"asNumber"`
		AsOrg    string `json:"asOrg"`
		ISP      string `json:"isp"`
		Domain   string `json:"domain"`
		IsProxy  bool   `json:"isProxy"`
	} `json:"securityContext"`
	AuthenticationContext struct {
		ExternalSessionID string `json:"externalSessionId"`
		Issuer            struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		} `json:"issuer"`
	} `json:"authenticationContext"`
	Transaction struct {
		ID string `json:"id"`
	} `json:"transaction"`
	DebugContext struct {
		DebugData map[string]json.RawMessage `json:"debugData"`
	} `json:"debugContext"`
}

// decodeLogEvent turns one Okta LogEvent into an intents.Event. debugData
// values that are not strings (some samples hold logOnlySecurityData as an
// object) become their compact JSON text, as Okta sends them.
func decodeLogEvent(raw json.RawMessage) (intents.Event, error) {
	var o oktaLogEvent
	if err := json.Unmarshal(raw, &o); err != nil {
		return intents.Event{}, fmt.Errorf("decode log event: %w", err)
	}
	e := intents.Event{
		UUID:           o.UUID,
		EventType:      o.EventType,
		DisplayMessage: o.DisplayMessage,
		Severity:       o.Severity,
		Actor:          actorOf(o.Actor),
		Outcome:        intents.EventOutcome{Result: o.Outcome.Result, Reason: o.Outcome.Reason},
		Client: intents.EventClient{
			IP:        o.Client.IPAddress,
			UserAgent: o.Client.UserAgent.RawUserAgent,
			Browser:   o.Client.UserAgent.Browser,
			OS:        o.Client.UserAgent.OS,
			Device:    o.Client.Device,
			Zone:      o.Client.Zone,
			City:      o.Client.GeographicalContext.City,
			State:     o.Client.GeographicalContext.State,
			Country:   o.Client.GeographicalContext.Country,
			Lat:       o.Client.GeographicalContext.Geolocation.Lat,
			Lon:       o.Client.GeographicalContext.Geolocation.Lon,
		},
		Security: intents.Security{
			ASNumber: o.SecurityContext.AsNumber, ASOrg: o.SecurityContext.AsOrg, ISP: o.SecurityContext.ISP,
			Domain: o.SecurityContext.Domain, IsProxy: o.SecurityContext.IsProxy,
		},
		SessionID:     o.AuthenticationContext.ExternalSessionID,
		Issuer:        intents.Issuer{ID: o.AuthenticationContext.Issuer.ID, Type: o.AuthenticationContext.Issuer.Type},
		TransactionID: o.Transaction.ID,
		Raw:           raw,
	}
	if o.Published != "" {
		t, err := time.Parse(time.RFC3339Nano, o.Published)
		if err != nil {
			return intents.Event{}, fmt.Errorf("decode log event %s: published: %w", o.UUID, err)
		}
		e.Published = t
	}
	for _, t := range o.Target {
		e.Targets = append(e.Targets, actorOf(t))
	}
	if len(o.DebugContext.DebugData) > 0 {
		e.Debug = map[string]string{}
		for k, v := range o.DebugContext.DebugData {
			var s string
			if err := json.Unmarshal(v, &s); err == nil {
				e.Debug[k] = s
				continue
			}
			var b bytes.Buffer
			if err := json.Compact(&b, v); err != nil {
				return intents.Event{}, fmt.Errorf("decode log event %s: debugData %s: %w", o.UUID, k, err)
			}
			e.Debug[k] = b.String()
		}
	}
	return e, nil
}

func actorOf(a oktaActor) intents.Actor {
	out := intents.Actor{ID: a.ID, Type: a.Type, AlternateID: a.AlternateID, DisplayName: a.DisplayName}
	if len(a.DetailEntry) > 0 {
		out.Detail = map[string]string{}
		for k, v := range a.DetailEntry {
			out.Detail[k] = text(v)
		}
	}
	return out
}

// sample is one line of the Panther sample files.
type sample struct {
	SourceFile    string          `json:"source_file"`
	RuleID        string          `json:"rule_id"`
	TestName      string          `json:"test_name"`
	ExpectedMatch bool            `json:"expected_match"`
	Event         json.RawMessage `json:"event"`

	event intents.Event
}

// readSamples reads an ndjson file of the okta package's testdata, where
// the one copy of the Panther samples is kept with its licence.
func readSamples(t *testing.T, name string) []sample {
	t.Helper()
	data, err := os.ReadFile("../testdata/" + name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	var out []sample
	for i, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var s sample
		if err := json.Unmarshal(line, &s); err != nil {
			t.Fatalf("%s line %d: %v", name, i+1, err)
		}
		if s.event, err = decodeLogEvent(s.Event); err != nil {
			t.Fatalf("%s line %d: %v", name, i+1, err)
		}
		out = append(out, s)
	}
	return out
}

func TestDecodeLogEvent(t *testing.T) {
	raw := json.RawMessage(`{"uuid":"u1","published":"2022-06-22T18:18:29.015Z","eventType":"policy.evaluate_sign_on",
		"actor":{"id":"00u1","type":"User","alternateId":"a@b.c"},
		"target":[{"id":"0pr1","type":"PolicyRule","displayName":"R","detailEntry":{"policyType":"OktaSignOn","n":1}}],
		"client":{"ipAddress":"1.2.3.4","userAgent":{"rawUserAgent":"UA","browser":"CHROME","os":"Mac OS X"},
		"geographicalContext":{"city":"Springfield","country":"United States","geolocation":{"lat":20,"lon":-25}}},
		"securityContext":{"asNumber":701,"isProxy":true},"authenticationContext":{"externalSessionId":"s1"},
		"transaction":{"id":"t1"},"debugContext":{"debugData":{"risk":"{level=LOW}","logOnlySecurityData":{"risk":{"level":"HIGH"}}}}}`)
	e, err := decodeLogEvent(raw)
	if err != nil {
		t.Fatal(err)
	}
	if e.UUID != "u1" || e.Published.IsZero() || e.Actor.AlternateID != "a@b.c" || e.Client.Lat != 20 ||
		!e.Security.IsProxy || e.SessionID != "s1" || e.TransactionID != "t1" || e.Targets[0].Detail["n"] != "1" ||
		e.Debug["risk"] != "{level=LOW}" || e.Debug["logOnlySecurityData"] != `{"risk":{"level":"HIGH"}}` {
		t.Errorf("decodeLogEvent() = %+v", e)
	}
}
