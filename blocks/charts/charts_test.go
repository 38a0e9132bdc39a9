package charts

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/oktabot/oktabot/intents"
)

// base is the end of every fixture's window.
var base = time.Date(2025, 11, 22, 14, 0, 0, 0, time.UTC)

func ev(uuid, typ, result string, ago time.Duration) intents.Event {
	return intents.Event{UUID: uuid, EventType: typ, Outcome: intents.EventOutcome{Result: result}, Published: base.Add(-ago),
		Actor: intents.Actor{ID: "00ujohn", Type: "User", AlternateID: "john@company.com"}}
}

// investigation is john's day: ordinary sign-ins and SSO, a burst of
// failures from one IP, a denied push, a lockout and a role grant, the
// findings naming the burst and the grant.
func investigation() intents.Result {
	evs := []intents.Event{
		ev("s1", "user.session.start", "SUCCESS", 20*time.Hour),
		ev("m1", "user.authentication.auth_via_mfa", "SUCCESS", 20*time.Hour),
		ev("a1", "user.authentication.sso", "SUCCESS", 19*time.Hour),
		ev("a2", "user.authentication.sso", "SUCCESS", 19*time.Hour),
		ev("d1", "user.mfa.okta_verify.deny_push", "", 3*time.Hour),
		ev("l1", "user.account.lock", "SUCCESS", 2*time.Hour),
		ev("g1", "user.account.privilege.grant", "SUCCESS", time.Hour),
		ev("s2", "user.session.start", "SUCCESS", 30*time.Minute),
	}
	for i := range 5 {
		evs = append(evs, ev(fmt.Sprintf("f%d", i), "user.session.start", "FAILURE", 4*time.Hour-time.Duration(i)*time.Second))
	}
	return intents.Result{
		Intent:  intents.Intent{Kind: intents.Investigate, User: "john", Window: intents.Day},
		Subject: "john@company.com",
		Since:   base.Add(-24 * time.Hour), Until: base,
		Events: evs,
		Findings: []intents.Finding{
			{Detection: "failed_login_burst", Severity: intents.SeverityHigh, Score: 60, User: "john@company.com", Events: []string{"f0", "f1", "f2", "f3", "f4"}},
			// f4 named twice, and an event the answer does not list.
			{Detection: "admin_role_grant", Severity: intents.SeverityCritical, Score: 80, User: "john@company.com", Events: []string{"g1", "f4", "not-listed"}},
		},
	}
}

func sweep() intents.Result {
	f := func(user string, sev intents.Severity, score int) intents.Finding {
		return intents.Finding{Detection: "x", User: user, Severity: sev, Score: score}
	}
	return intents.Result{
		Intent: intents.Intent{Kind: intents.Threats, Window: intents.Week},
		Findings: []intents.Finding{
			f("sarah@company.com", intents.SeverityMedium, 30),
			f("john@company.com", intents.SeverityCritical, 90),
			f("John@company.com", intents.SeverityHigh, 60),
			f("john@company.com", intents.SeverityHigh, 55),
			f("", intents.SeverityHigh, 50),
			f("sarah@company.com", "", 10), // no severity: the band of its score
		},
	}
}

func mfaScan() intents.Result {
	return intents.Result{
		Intent: intents.Intent{Kind: intents.MFAStatus},
		Users:  []intents.User{{Login: "a@company.com"}, {Login: "b@company.com"}},
		MFA: &intents.MFAReport{ScannedAt: base, Active: 197, NoFactor: 5,
			WeakOnly: make([]intents.User, 16)},
	}
}

// decode checks that data is a PNG of the charts' size.
func decode(t *testing.T, name string, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: png.Decode: %v", name, err)
	}
	if b := img.Bounds(); b.Dx() != Width || b.Dy() != Height {
		t.Errorf("%s: image is %dx%d, want %dx%d", name, b.Dx(), b.Dy(), Width, Height)
	}
	return img
}

func TestForDrawsEachKind(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		res      intents.Result
		filename string
		alt      []string // in the alt text
	}{
		{"investigate", investigation(), "events-john@company.com.png",
			[]string{"13 events of john@company.com", "5 failed sign-ins", "1 lockout", "6 events are ringed", "(America/Chicago)", "Sat Nov 22 04:00"}},
		{"threats", sweep(), "threats-168h.png",
			[]string{"6 findings over the last 7 days", "john@company.com 3 (1 critical, 2 high)", "Org-wide 1 (1 high)", "sarah@company.com 2 (1 medium, 1 low)"}},
		{"mfa_status", mfaScan(), "mfa-coverage.png",
			[]string{"197 active users", "176 (89%) with a strong factor", "16 (8%) with weak factors only", "5 (3%) with no MFA factor"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !Has(tc.res) {
				t.Fatalf("Has(%s) = false", tc.name)
			}
			c, ok, err := For(tc.res, chicago)
			if err != nil || !ok {
				t.Fatalf("For(%s) = ok %v, %v", tc.name, ok, err)
			}
			decode(t, tc.name, c.PNG)
			if c.Filename != tc.filename {
				t.Errorf("Filename = %q, want %q", c.Filename, tc.filename)
			}
			if c.Title == "" {
				t.Error("no title")
			}
			for _, want := range tc.alt {
				if !strings.Contains(c.AltText, want) {
					t.Errorf("alt text %q does not say %q", c.AltText, want)
				}
			}
		})
	}
}

func TestNoChart(t *testing.T) {
	empty := investigation()
	empty.Events = nil
	quiet := sweep()
	quiet.Findings = nil
	none := mfaScan()
	none.MFA = &intents.MFAReport{}
	for name, res := range map[string]intents.Result{
		"investigation without events": empty,
		"sweep without findings":       quiet,
		"scan of no active user":       none,
		"scan without report":          {Intent: intents.Intent{Kind: intents.MFAStatus}},
		"list_users":                   {Intent: intents.Intent{Kind: intents.ListUsers}, Users: []intents.User{{Login: "a"}}},
		"logs":                         {Intent: intents.Intent{Kind: intents.Logs}, Events: investigation().Events},
	} {
		c, ok, err := For(res, nil)
		if Has(res) || ok || err != nil || c.PNG != nil {
			t.Errorf("%s: Has %v, For = %d bytes, ok %v, %v; want no chart", name, Has(res), len(c.PNG), ok, err)
		}
	}
}

// The ringed points are the listed events a finding names, each once.
func TestSignInsRingsNamedEvents(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(*intents.Result)
		marked int
	}{
		{"burst and grant", func(*intents.Result) {}, 6},
		{"no finding", func(r *intents.Result) { r.Findings = nil }, 0},
		{"finding without listed events", func(r *intents.Result) { r.Findings = r.Findings[1:2]; r.Findings[0].Events = []string{"elsewhere"} }, 0},
		{"one", func(r *intents.Result) { r.Findings = r.Findings[:1]; r.Findings[0].Events = []string{"d1"} }, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := investigation()
			tc.edit(&res)
			sp, err := newSignInPlot(res, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			if len(sp.marked) != tc.marked {
				t.Errorf("%d ringed points, want %d", len(sp.marked), tc.marked)
			}
			c, err := SignIns(res, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			// Each ringed point has its ring in the picture; with none, the
			// ring colour is nowhere (not even in the legend).
			img := decode(t, tc.name, c.PNG)
			if tc.marked == 0 && hasColour(img, markColour) {
				t.Error("the ring colour is drawn with nothing ringed")
			}
			for _, xy := range sp.marked {
				if !ringDrawn(sp, img, xy) {
					t.Errorf("no ring drawn around the point at %v", unixTime(xy.X).UTC())
				}
			}
		})
	}
}

// ringDrawn reports whether the ring colour is on most of the circle a
// ring around the data point xy covers in img.
func ringDrawn(sp signInPlot, img image.Image, xy plotter.XY) bool {
	_, frame := canvas()
	dc := sp.plot.DataCanvas(frame)
	trX, trY := sp.plot.Transforms(&dc)
	px := func(l vg.Length) float64 { return float64(l) * dpi / 72 }
	cx, cy := px(trX(xy.X)), float64(Height)-px(trY(xy.Y))
	r := px(vg.Points(6))
	hits := 0
	for i := range 16 {
		a := float64(i) * math.Pi / 8
		x, y := int(math.Round(cx+r*math.Cos(a))), int(math.Round(cy+r*math.Sin(a)))
	near:
		for dx := -1; dx <= 1; dx++ {
			for dy := -1; dy <= 1; dy++ {
				if sameColour(img.At(x+dx, y+dy), markColour) {
					hits++
					break near
				}
			}
		}
	}
	return hits >= 12
}

func sameColour(a, b interface{ RGBA() (r, g, b, a uint32) }) bool {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	return ar == br && ag == bg && ab == bb
}

func hasColour(img image.Image, want interface{ RGBA() (r, g, b, a uint32) }) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if sameColour(img.At(x, y), want) {
				return true
			}
		}
	}
	return false
}

func TestOutcomeOf(t *testing.T) {
	for _, tc := range []struct {
		typ, result string
		want        outcome
	}{
		{"user.session.start", "SUCCESS", signedIn},
		{"user.session.start", "FAILURE", signInFailed},
		{"user.session.start", "DENY", signInFailed},
		{"user.authentication.auth_via_IDP", "SUCCESS", signedIn},
		{"user.authentication.sso", "SUCCESS", appSignIn},
		{"user.authentication.sso", "FAILURE", signInFailed},
		{"user.authentication.auth_via_mfa", "SUCCESS", mfaChallenge},
		{"user.authentication.auth_via_mfa", "FAILURE", mfaFailed},
		{"system.push.send_factor_verify_push", "SUCCESS", mfaChallenge},
		{"user.mfa.okta_verify.deny_push", "", mfaFailed},
		{"user.account.lock", "SUCCESS", lockedOut},
		{"user.account.lock.limit", "", lockedOut},
		{"group.privilege.grant", "SUCCESS", otherEvent},
		{"policy.rule.update", "SUCCESS", otherEvent},
	} {
		if got := outcomeOf(intents.Event{EventType: tc.typ, Outcome: intents.EventOutcome{Result: tc.result}}); got != tc.want {
			t.Errorf("outcomeOf(%s %s) = %s, want %s", tc.typ, tc.result, outcomeLabels[got], outcomeLabels[tc.want])
		}
	}
	// Identity Engine logs a password check as auth_via_mfa: a wrong
	// password is a failed sign-in, not a failed MFA.
	pw := intents.Event{EventType: "user.authentication.auth_via_mfa", Debug: map[string]string{"factor": "PASSWORD_AS_FACTOR"},
		Outcome: intents.EventOutcome{Result: "FAILURE", Reason: "INVALID_CREDENTIALS"}}
	if got := outcomeOf(pw); got != signInFailed {
		t.Errorf("outcomeOf(wrong password on Identity Engine) = %s, want %s", outcomeLabels[got], outcomeLabels[signInFailed])
	}
}

// The same data draws the same bytes; different data draws another
// picture.
func TestDeterministicAndDataDriven(t *testing.T) {
	type draw func(intents.Result) (Chart, error)
	signIns := func(r intents.Result) (Chart, error) { return SignIns(r, time.UTC) }
	mfa := func(r intents.Result) (Chart, error) { return MFACoverage(*r.MFA, len(r.Users), time.UTC) }
	for _, tc := range []struct {
		name string
		draw draw
		res  func() intents.Result
		edit func(*intents.Result)
	}{
		{"sign-ins: one failure fewer", signIns, investigation, func(r *intents.Result) { r.Events = r.Events[:len(r.Events)-1] }},
		{"sign-ins: an outcome changed", signIns, investigation, func(r *intents.Result) { r.Events[0].Outcome.Result = "FAILURE" }},
		{"sign-ins: nothing ringed", signIns, investigation, func(r *intents.Result) { r.Findings = nil }},
		{"detections: a severity changed", Detections, sweep, func(r *intents.Result) { r.Findings[0].Severity = intents.SeverityCritical }},
		{"mfa: one user more without MFA", mfa, mfaScan, func(r *intents.Result) { r.MFA.NoFactor++ }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := tc.draw(tc.res())
			if err != nil {
				t.Fatal(err)
			}
			again, err := tc.draw(tc.res())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.PNG, again.PNG) {
				t.Error("the same data drew different bytes")
			}
			changed := tc.res()
			tc.edit(&changed)
			b, err := tc.draw(changed)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(a.PNG, b.PNG) {
				t.Error("different data drew the same picture")
			}
		})
	}
}

func TestSuspects(t *testing.T) {
	res := sweep()
	// sarah's fix outranks john's worst finding: she comes first, as in
	// the sweep's message.
	res.Proposals = []intents.Action{{Kind: intents.SuspendUser, User: &intents.Ref{Name: "Sarah@company.com"}, Confidence: 95}}
	got := suspects(res.Findings, res.Proposals)
	want := []suspect{
		{user: "sarah@company.com", bySev: [4]int{0, 0, 1, 1}, total: 2, worst: 95},
		{user: "john@company.com", bySev: [4]int{1, 2, 0, 0}, total: 3, worst: 90},
		{user: orgWide, bySev: [4]int{0, 1, 0, 0}, total: 1, worst: 50},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("suspects =\n%v\nwant\n%v", got, want)
	}
}

// Many users: the worst maxSuspects are drawn, the rest counted.
func TestDetectionsCapsBars(t *testing.T) {
	res := intents.Result{Intent: intents.Intent{Kind: intents.Threats}}
	for i := range maxSuspects + 3 {
		res.Findings = append(res.Findings, intents.Finding{User: fmt.Sprintf("user%02d@company.com", i), Severity: intents.SeverityLow, Score: 100 - i})
	}
	dp, err := newDetectionPlot(res)
	if err != nil {
		t.Fatal(err)
	}
	if len(dp.shown) != maxSuspects || dp.shown[0].user != "user00@company.com" {
		t.Errorf("%d bars, first %q; want %d, user00 first", len(dp.shown), dp.shown[0].user, maxSuspects)
	}
	c, err := Detections(res)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.AltText, "3 more users have less severe findings") {
		t.Errorf("alt text %q does not count the users left out", c.AltText)
	}
}

// Untrusted, oversized text never makes alt text longer than Slack takes.
func TestAltTextFitsSlack(t *testing.T) {
	long := strings.Repeat("ü", 3000)
	res := sweep()
	for i := range res.Findings {
		res.Findings[i].User = long + fmt.Sprint(i)
	}
	inv := investigation()
	inv.Subject = long
	for name, draw := range map[string]func() (Chart, error){
		"detections": func() (Chart, error) { return Detections(res) },
		"sign-ins":   func() (Chart, error) { return SignIns(inv, time.UTC) },
	} {
		c, err := draw()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n := utf8.RuneCountInString(c.AltText); n > MaxAltText || n == 0 {
			t.Errorf("%s: alt text of %d characters, want 1–%d", name, n, MaxAltText)
		}
		if n := utf8.RuneCountInString(c.Title); n > 200 {
			t.Errorf("%s: title of %d characters", name, n)
		}
		decode(t, name, c.PNG)
	}
}

func TestTimeTicksOnLocalHours(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		from, to    time.Time
		wantMinutes bool // ticks on whole hours (else on local midnights)
	}{
		{"a day", time.Date(2025, 11, 21, 14, 7, 0, 0, time.UTC), time.Date(2025, 11, 22, 14, 7, 0, 0, time.UTC), true},
		{"a week over the end of daylight saving", time.Date(2025, 10, 29, 5, 30, 0, 0, time.UTC), time.Date(2025, 11, 5, 5, 30, 0, 0, time.UTC), false},
		{"an hour", time.Date(2025, 11, 22, 13, 0, 0, 0, time.UTC), time.Date(2025, 11, 22, 14, 0, 0, 0, time.UTC), true},
	} {
		ticks := timeTicks{chicago}.Ticks(unixSeconds(tc.from), unixSeconds(tc.to))
		if len(ticks) < 3 || len(ticks) > 9 {
			t.Errorf("%s: %d ticks, want 3–9", tc.name, len(ticks))
		}
		for _, tk := range ticks {
			at := unixTime(tk.Value).In(chicago)
			if at.Before(tc.from) || at.After(tc.to) {
				t.Errorf("%s: tick %v outside the window", tc.name, at)
			}
			if at.Second() != 0 || at.Minute()%15 != 0 || !tc.wantMinutes && (at.Hour() != 0 || at.Minute() != 0) {
				t.Errorf("%s: tick at %v (%q) is not on a whole local hour or midnight", tc.name, at, tk.Label)
			}
		}
	}
}

func TestIntTicks(t *testing.T) {
	for _, tc := range []struct {
		hi   float64
		want string
	}{
		{3, "0 1 2 3"},
		{7.5, "0 2 4 6"},
		{40, "0 10 20 30 40"},
		{260, "0 50 100 150 200 250"},
	} {
		var got []string
		for _, tk := range (intTicks{}).Ticks(0, tc.hi) {
			got = append(got, tk.Label)
		}
		if s := strings.Join(got, " "); s != tc.want {
			t.Errorf("intTicks(0, %v) = %s, want %s", tc.hi, s, tc.want)
		}
	}
}
