package okta

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// sampleEvents reads every System Log event under testdata: the `event`
// of each .ndjson line and the StreamAlert sample. Events without a uuid
// or sharing one get a unique uuid, and all get recent times in their
// original order, a minute apart.
func sampleEvents(t *testing.T) []oktasim.Object {
	t.Helper()
	var out []oktasim.Object
	files, err := filepath.Glob(filepath.Join("testdata", "*.ndjson"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .ndjson files under testdata: %v", err)
	}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var line struct {
				Event oktasim.Object `json:"event"`
			}
			if err := json.Unmarshal(sc.Bytes(), &line); err != nil || line.Event == nil {
				t.Fatalf("%s: a line without an event: %v", f, err)
			}
			out = append(out, line.Event)
		}
		_ = fh.Close() // teardown; a close error here decides nothing the test checks
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(filepath.Join("testdata", "streamalert_new_device_notification.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sa oktasim.Object
	if err := json.Unmarshal(b, &sa); err != nil {
		t.Fatal(err)
	}
	out = append(out, sa)

	// Keep their order, but pack them into the last hours: the samples
	// span years and the System Log keeps 90 days.
	sort.SliceStable(out, func(i, j int) bool {
		return fmt.Sprint(out[i]["published"]) < fmt.Sprint(out[j]["published"])
	})
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	seen := map[string]bool{}
	for i, ev := range out {
		id, _ := ev["uuid"].(string)
		if id == "" || id == "..." || seen[id] {
			ev["uuid"] = fmt.Sprintf("%s#%d", id, i)
		}
		seen[ev["uuid"].(string)] = true
		at := base.Add(-time.Duration(len(out)-i)*time.Minute + time.Duration(i)*time.Millisecond)
		ev["published"] = at.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	return out
}

// eventKey is what must survive the round trip.
type eventKey struct {
	UUID, Type, Published, ActorID, ActorLogin, ActorType, Outcome string
	City, State, Country                                           string
	Lat, Lon                                                       float64
	IP, Device                                                     string
}

func keyOfObject(ev oktasim.Object) eventKey {
	s := func(path ...string) string {
		v, _ := valueAt(ev, path)
		if v == nil {
			return ""
		}
		return fmt.Sprint(v)
	}
	f := func(path ...string) float64 {
		v, _ := valueAt(ev, path)
		n, _ := v.(float64)
		return n
	}
	return eventKey{
		UUID: s("uuid"), Type: s("eventType"), Published: s("published"),
		ActorID: s("actor", "id"), ActorLogin: s("actor", "alternateId"), ActorType: s("actor", "type"), Outcome: s("outcome", "result"),
		City: s("client", "geographicalContext", "city"), State: s("client", "geographicalContext", "state"), Country: s("client", "geographicalContext", "country"),
		Lat: f("client", "geographicalContext", "geolocation", "lat"), Lon: f("client", "geographicalContext", "geolocation", "lon"),
		IP: s("client", "ipAddress"), Device: s("client", "device"),
	}
}

func keyOfEvent(e intents.Event) eventKey {
	return eventKey{
		UUID: e.UUID, Type: e.EventType, Published: e.Published.UTC().Format("2006-01-02T15:04:05.000Z"),
		ActorID: e.Actor.ID, ActorLogin: e.Actor.AlternateID, ActorType: e.Actor.Type, Outcome: e.Outcome.Result,
		City: e.Client.City, State: e.Client.State, Country: e.Client.Country, Lat: e.Client.Lat, Lon: e.Client.Lon,
		IP: e.Client.IP, Device: e.Client.Device,
	}
}

func TestSampleEventsRoundTrip(t *testing.T) {
	events := sampleEvents(t)
	if len(events) < 78 {
		t.Fatalf("read %d sample events, want all 78", len(events))
	}
	h := newHarness(t, setup{})
	if err := h.sim.AddLogs(events...); err != nil {
		t.Fatalf("AddLogs() error = %v", err)
	}
	want := map[string]eventKey{}
	for _, ev := range events {
		k := keyOfObject(ev)
		want[k.UUID] = k
	}
	check := func(t *testing.T, how string, got []intents.Event) {
		t.Helper()
		keys := map[string]eventKey{}
		for _, e := range got {
			if len(e.Raw) == 0 || !json.Valid(e.Raw) {
				t.Errorf("%s: event %s has no raw JSON", how, e.UUID)
			}
			keys[e.UUID] = keyOfEvent(e)
		}
		if diff := cmp.Diff(want, keys); diff != "" {
			t.Errorf("%s: events (-loaded +read):\n%s", how, diff)
		}
	}

	t.Run("Events", func(t *testing.T) {
		var got []intents.Event
		for e, err := range h.client.Events(t.Context(), intents.LogFilter{Since: time.Now().Add(-89 * 24 * time.Hour)}) {
			if err != nil {
				t.Fatalf("Events() error = %v", err)
			}
			got = append(got, e)
		}
		check(t, "Events", got)
		for i := 1; i < len(got); i++ {
			if got[i].Published.Before(got[i-1].Published) {
				t.Fatalf("Events() is not oldest first at %d", i)
			}
		}
	})
	t.Run("Query logs", func(t *testing.T) {
		r, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.Logs, Window: intents.MaxWindow - intents.Day, Limit: maxResultCap})
		if err != nil {
			t.Fatalf("Query(logs) error = %v", err)
		}
		if r.Truncated {
			t.Errorf("Query(logs) truncated at %d events", len(r.Events))
		}
		check(t, "Query(logs)", r.Events)
	})
	t.Run("Events in small pages, stopping early", func(t *testing.T) {
		h2 := newHarness(t, setup{})
		if err := h2.sim.AddLogs(events...); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, err := range h2.client.Events(t.Context(), intents.LogFilter{Since: time.Now().Add(-89 * 24 * time.Hour), Limit: 25}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != 25 {
			t.Errorf("Events(limit 25) gave %d events", n)
		}
	})
	t.Run("debug data kept", func(t *testing.T) {
		withDebug := 0
		for e, err := range h.client.Events(t.Context(), intents.LogFilter{Since: time.Now().Add(-89 * 24 * time.Hour)}) {
			if err != nil {
				t.Fatal(err)
			}
			if e.Debug["threatSuspected"] != "" || e.Debug["requestUri"] != "" {
				withDebug++
			}
		}
		if withDebug == 0 {
			t.Error("no event kept its debugContext.debugData")
		}
	})
}

func TestDecodeEventLenient(t *testing.T) {
	raw := json.RawMessage(`{"uuid":"u1","published":"2026-11-28T10:00:00.123Z","eventType":"user.session.start",
		"actor":{"id":"00u1","type":"User","alternateId":"a@b.c","displayName":"A","detailEntry":{"n":5,"s":"x","o":{"k":true},"z":null}},
		"client":{"device":"Mobile","zone":"null","ipAddress":"198.51.100.1","userAgent":null,
			"geographicalContext":{"city":null,"country":"Iran","geolocation":{"lat":"35.7","lon":51.4}}},
		"securityContext":{"asNumber":"44244","isProxy":null,"isp":"x"},
		"outcome":{"result":"FAILURE","reason":null},
		"debugContext":{"debugData":{"threatSuspected":"true","risk":"{level=HIGH}","count":3,"list":["a"]}},
		"authenticationContext":{"externalSessionId":"sess","rootSessionId":"idxROOT","issuer":{"id":"http://www.okta.com/exk1partner","type":"SAML2"}},"transaction":{"id":"tx"}}`)
	e, err := decodeEvent(raw)
	if err != nil {
		t.Fatalf("decodeEvent() error = %v", err)
	}
	want := intents.Event{
		UUID: "u1", Published: time.Date(2026, 11, 28, 10, 0, 0, 123e6, time.UTC), EventType: "user.session.start",
		Actor:     intents.Actor{ID: "00u1", Type: "User", AlternateID: "a@b.c", DisplayName: "A", Detail: map[string]string{"n": "5", "s": "x", "o": `{"k":true}`}},
		Outcome:   intents.EventOutcome{Result: "FAILURE"},
		Client:    intents.EventClient{IP: "198.51.100.1", Device: "Mobile", Zone: "null", Country: "Iran", Lat: 35.7, Lon: 51.4},
		Security:  intents.Security{ASNumber: 44244, ISP: "x"},
		SessionID: "sess", RootSessionID: "idxROOT", TransactionID: "tx", Issuer: intents.Issuer{ID: "http://www.okta.com/exk1partner", Type: "SAML2"},
		Debug: map[string]string{"threatSuspected": "true", "risk": "{level=HIGH}", "count": "3", "list": `["a"]`},
		Raw:   raw,
	}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("decodeEvent() (-want +got):\n%s", diff)
	}
	// A modelled field of an unexpected type does not lose the event.
	odd := json.RawMessage(`{"uuid":"u2","published":"2026-11-28T10:00:00Z","eventType":"x","actor":{"id":42}}`)
	e, err = decodeEvent(odd)
	if err != nil || e.UUID != "u2" || e.EventType != "x" || e.Published.IsZero() || string(e.Raw) != string(odd) {
		t.Errorf("decodeEvent(odd) = %+v, %v; want uuid, type, time and Raw kept", e, err)
	}
}

// BenchmarkDecodeEvent compares this package's event decoding with the
// SDK's LogEvent model (which also drops client.device).
func BenchmarkDecodeEvent(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "streamalert_new_device_notification.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("lean", func(b *testing.B) {
		for b.Loop() {
			if _, err := decodeEvent(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sdk", func(b *testing.B) {
		for b.Loop() {
			var ev oktasdk.LogEvent
			if err := json.Unmarshal(raw, &ev); err != nil {
				b.Fatal(err)
			}
		}
	})
}
