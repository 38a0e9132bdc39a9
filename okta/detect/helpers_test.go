package detect

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
)

// t0 is a Tuesday afternoon, inside office hours.
var t0 = time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)

const (
	john  = "john@company.com"
	alice = "alice@company.com"
	admin = "admin@company.com"
	torIP = "185.220.101.1"
	home  = "198.51.100.7"
)

// place is a geolocated client.
type place struct {
	city, country string
	lat, lon      float64
}

var (
	sanFrancisco = place{"San Francisco", "United States", 37.7749, -122.4194}
	oakland      = place{"Oakland", "United States", 37.8044, -122.2712}
	newYork      = place{"New York", "United States", 40.7128, -74.0060}
	london       = place{"London", "United Kingdom", 51.5072, -0.1276}
	moscow       = place{"Moscow", "Russia", 55.7558, 37.6173}
	frankfurt    = place{"Frankfurt", "Germany", 50.1109, 8.6821}
)

// orgLog builds realistic System Log events with unique uuids.
type orgLog struct {
	events []intents.Event
}

type opt func(*intents.Event)

// add appends an event of type typ at t0+at. By default the actor is john,
// signing in from home in San Francisco with Chrome on macOS, outcome
// SUCCESS.
func (l *orgLog) add(typ string, at time.Duration, opts ...opt) intents.Event {
	e := intents.Event{
		UUID:      fmt.Sprintf("ev-%03d", len(l.events)+1),
		Published: t0.Add(at),
		EventType: typ,
		Severity:  "INFO",
		Actor:     userActor(john),
		Outcome:   intents.EventOutcome{Result: "SUCCESS"},
		Client: intents.EventClient{
			IP:        home,
			UserAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
			Browser:   "CHROME",
			OS:        "Mac OS X",
			Device:    "Computer",
			Zone:      "null",
			City:      sanFrancisco.city,
			Country:   sanFrancisco.country,
			Lat:       sanFrancisco.lat,
			Lon:       sanFrancisco.lon,
		},
		Security:      intents.Security{ASNumber: 7922, ASOrg: "comcast", ISP: "comcast cable communications  llc", Domain: "comcast.net"},
		TransactionID: fmt.Sprintf("tx-%03d", len(l.events)+1),
		Debug:         map[string]string{},
	}
	for _, o := range opts {
		o(&e)
	}
	l.events = append(l.events, e)
	return e
}

func userActor(login string) intents.Actor {
	return intents.Actor{ID: "00u" + strings.Split(login, "@")[0], Type: "User", AlternateID: login, DisplayName: login}
}

func as(login string) opt { return func(e *intents.Event) { e.Actor = userActor(login) } }

func targetUserOpt(login string) opt {
	return func(e *intents.Event) { e.Targets = append(e.Targets, userActor(login)) }
}

func target(typ, id, name string) opt {
	return func(e *intents.Event) {
		e.Targets = append(e.Targets, intents.Actor{ID: id, Type: typ, AlternateID: name, DisplayName: name})
	}
}

func targetDetail(typ, id, name string, detail map[string]string) opt {
	return func(e *intents.Event) {
		e.Targets = append(e.Targets, intents.Actor{ID: id, Type: typ, AlternateID: "unknown", DisplayName: name, Detail: detail})
	}
}

func outcome(result, reason string) opt {
	return func(e *intents.Event) { e.Outcome = intents.EventOutcome{Result: result, Reason: reason} }
}

func failure(reason string) opt { return outcome("FAILURE", reason) }

func from(ip string, p place) opt {
	return func(e *intents.Event) {
		e.Client.IP = ip
		e.Client.City, e.Client.Country, e.Client.Lat, e.Client.Lon = p.city, p.country, p.lat, p.lon
	}
}

func asn(n int, org string) opt {
	return func(e *intents.Event) { e.Security = intents.Security{ASNumber: n, ASOrg: org, ISP: org, Domain: org} }
}

func proxied(e *intents.Event) { e.Security.IsProxy = true }

func agent(raw, browser, os string) opt {
	return func(e *intents.Event) { e.Client.UserAgent, e.Client.Browser, e.Client.OS = raw, browser, os }
}

func debug(kv ...string) opt {
	return func(e *intents.Event) {
		for i := 0; i+1 < len(kv); i += 2 {
			e.Debug[kv[i]] = kv[i+1]
		}
	}
}

func session(id string) opt { return func(e *intents.Event) { e.SessionID = id } }

func message(m string) opt { return func(e *intents.Event) { e.DisplayMessage = m } }

func tx(id string) opt { return func(e *intents.Event) { e.TransactionID = id } }

// testConfig is DefaultConfig with a Tor exit listed.
func testConfig() Config {
	c := DefaultConfig()
	c.ProxyIPs = []string{"192.0.2.0/28"}
	c.TorExits = exitList(torIP)
	return c
}

// detection finds a catalogue entry.
func detection(t *testing.T, id string) Detection {
	t.Helper()
	for _, d := range Catalogue() {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("Catalogue() has no %q", id)
	return Detection{}
}

// got is what a detection test compares.
type got struct {
	User     string
	Severity intents.Severity
	Events   int
}

func project(fs []intents.Finding, id string) []got {
	var out []got
	for _, f := range fs {
		if f.Detection == id {
			out = append(out, got{f.User, f.Severity, len(f.Events)})
		}
	}
	return out
}

// detCase is one table row: events, and what the detection must say.
type detCase struct {
	name   string
	events []intents.Event
	cfg    func(*Config)
	want   []got // nil: no finding
}

// runCases runs detection id alone and through Run over each case and
// checks the findings and their invariants.
func runCases(t *testing.T, id string, cases []detCase) {
	t.Helper()
	d := detection(t, id)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			fs := d.Run(cfg, tc.events)
			if diff := cmp.Diff(tc.want, project(fs, id)); diff != "" {
				t.Errorf("Detection(%s).Run() findings (-want +got):\n%s\nfindings: %s", id, diff, dump(fs))
			}
			all := Run(cfg, tc.events)
			if diff := cmp.Diff(project(fs, id), project(all, id)); diff != "" {
				t.Errorf("Run() disagrees with Detection(%s).Run() (-alone +all):\n%s", id, diff)
			}
			checkFindings(t, tc.events, all)
			if !t.Failed() {
				tally.record(id, len(tc.want) > 0)
			}
		})
	}
}

// tally counts, per detection, the cases of runCases that passed with a
// finding (positive) and without one (negative): TestMain holds every
// detection an idea names to both.
var tally = caseLog{pos: map[string]int{}, neg: map[string]int{}}

type caseLog struct {
	mu       sync.Mutex
	pos, neg map[string]int
}

func (c *caseLog) record(id string, positive bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if positive {
		c.pos[id]++
	} else {
		c.neg[id]++
	}
}

// unbacked lists the detections covering an idea (docs/detections.md)
// without both a positive and a negative passing case.
func (c *caseLog) unbacked() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, d := range Catalogue() {
		covers := false
		for _, in := range Ideas() {
			covers = covers || slices.Contains(in.Detections, d.ID)
		}
		if covers && (c.pos[d.ID] == 0 || c.neg[d.ID] == 0) {
			out = append(out, fmt.Sprintf("%s (%d positive, %d negative)", d.ID, c.pos[d.ID], c.neg[d.ID]))
		}
	}
	return out
}

// TestMain runs the tests and, on a whole run (no -run, no -skip), fails
// when a detection that covers an idea lacks a positive or a negative
// case.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.skip").Value.String() == "" {
		if missing := tally.unbacked(); len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "detections that cover an idea need a positive and a negative case (runCases): %s\n", strings.Join(missing, "; "))
			code = 1
		}
	}
	os.Exit(code)
}

// checkFindings checks what every finding must hold.
func checkFindings(t *testing.T, events []intents.Event, fs []intents.Finding) {
	t.Helper()
	uuids := map[string]bool{}
	for _, e := range events {
		uuids[e.UUID] = true
	}
	for i, f := range fs {
		sum := 0
		for _, e := range f.Evidence {
			sum += e.Points
			if e.Text == "" {
				t.Errorf("finding %s: evidence item with no text", f.Detection)
			}
		}
		if want := min(max(sum, 0), 100); f.Score != want {
			t.Errorf("finding %s %q: score %d, evidence sums to %d (clamped %d)", f.Detection, f.Summary, f.Score, sum, want)
		}
		if f.Severity != intents.Band(f.Score) {
			t.Errorf("finding %s: severity %s for score %d, want %s", f.Detection, f.Severity, f.Score, intents.Band(f.Score))
		}
		if len(f.Events) == 0 {
			t.Errorf("finding %s %q has no events", f.Detection, f.Summary)
		}
		for _, u := range f.Events {
			if !uuids[u] && !strings.HasPrefix(u, noUUID) {
				t.Errorf("finding %s names event %q that is not in the input", f.Detection, u)
			}
		}
		if f.Summary == "" || strings.Contains(f.Summary, "\n") {
			t.Errorf("finding %s: summary %q is not one line", f.Detection, f.Summary)
		}
		checkAttack(t, f)
		if i > 0 && fs[i-1].Score < f.Score {
			t.Errorf("findings not worst first: %d before %d", fs[i-1].Score, f.Score)
		}
	}
}

func dump(fs []intents.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\n  %s %d %s user=%q %q", f.Detection, f.Score, f.Severity, f.User, f.Summary)
		for _, e := range f.Evidence {
			fmt.Fprintf(&b, "\n      %+d %s", e.Points, e.Text)
		}
	}
	return b.String()
}

// repeat adds n events every step starting at start.
func repeat(l *orgLog, n int, start, step time.Duration, typ string, opts ...opt) {
	for i := range n {
		l.add(typ, start+time.Duration(i)*step, opts...)
	}
}

// exitList is a Tor exit list of ips.
func exitList(ips ...string) *ExitList {
	l := &ExitList{}
	set, err := ParseExitList(strings.NewReader(strings.Join(ips, "\n")))
	if err != nil {
		panic(err)
	}
	l.Set(set, "test", time.Time{})
	return l
}

func rootSession(id string) opt { return func(e *intents.Event) { e.RootSessionID = id } }
