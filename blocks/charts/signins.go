package charts

import (
	"image/color"
	"math"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/oktabot/oktabot/intents"
)

// The investigation's chart: one row per outcome (signed in, sign-in
// failed, MFA challenge, MFA failed, app sign-in, account locked, other),
// each event a dot at its time, the events a finding names ringed.

// outcome is a row of the sign-in chart.
type outcome int

const (
	signedIn outcome = iota
	signInFailed
	mfaChallenge
	mfaFailed
	appSignIn
	lockedOut
	otherEvent
	outcomes // how many
)

var outcomeLabels = [outcomes]string{"Signed in", "Sign-in failed", "MFA challenge", "MFA failed", "App sign-in (SSO)", "Account locked", "Other events"}

var outcomeColours = [outcomes]color.Color{green, red, blue, orange, teal, purple, grey}

// outcomeWords name an outcome's events in the alt text: one, many.
var outcomeWords = [outcomes][2]string{
	{"sign-in", "sign-ins"}, {"failed sign-in", "failed sign-ins"},
	{"MFA challenge", "MFA challenges"}, {"failed or denied MFA", "failed or denied MFAs"},
	{"app sign-in", "app sign-ins"}, {"lockout", "lockouts"}, {"other event", "other events"},
}

// outcomeOf puts an event in its row.
func outcomeOf(e intents.Event) outcome {
	failed := notSuccess(e.Outcome.Result)
	switch t := e.EventType; {
	case t == "user.account.lock" || t == "user.account.lock.limit":
		return lockedOut
	case t == "user.mfa.okta_verify.deny_push" || t == "user.mfa.attempt_bypass":
		return mfaFailed
	case e.PasswordCheck(): // Identity Engine's password step: a sign-in, not MFA
		if failed {
			return signInFailed
		}
		return signedIn
	case t == "user.authentication.auth_via_mfa" || strings.HasPrefix(t, "system.push.send_factor_verify") ||
		t == "system.sms.send_factor_verify_message" || t == "system.voice.send_factor_verify_call":
		if failed {
			return mfaFailed
		}
		return mfaChallenge
	case t == "user.authentication.sso":
		if failed {
			return signInFailed
		}
		return appSignIn
	case t == "user.session.start" || strings.HasPrefix(t, "user.authentication."):
		if failed {
			return signInFailed
		}
		return signedIn
	}
	return otherEvent
}

// notSuccess reports an outcome other than success (or none), as the
// investigation's timeline reads it.
func notSuccess(result string) bool {
	r := strings.ToUpper(result)
	return r != "" && r != "SUCCESS" && r != "ALLOW"
}

// signInPlot is the investigation's chart before it is drawn.
type signInPlot struct {
	plot   *plot.Plot
	counts [outcomes]int
	marked plotter.XYs // the ringed events, one point each
	since  time.Time   // the span drawn
	until  time.Time
}

// newSignInPlot lays out res's events (an investigation's) in tz.
func newSignInPlot(res intents.Result, tz *time.Location) (signInPlot, error) {
	var sp signInPlot
	named := map[string]bool{}
	for _, f := range res.Findings {
		for _, id := range f.Events {
			named[id] = true
		}
	}
	evs := slices.Clone(res.Events)
	slices.SortStableFunc(evs, func(a, b intents.Event) int { return a.Published.Compare(b.Published) })
	for _, e := range evs {
		sp.counts[outcomeOf(e)]++
	}
	// Rows top to bottom in outcome order, only those with events.
	row := map[outcome]int{}
	var labels []string
	for o := outcomes - 1; o >= 0; o-- {
		if sp.counts[o] > 0 {
			row[o] = len(labels)
			labels = append(labels, outcomeLabels[o]+" · "+count(sp.counts[o]))
		}
	}

	since, until := window(res, evs)
	sp.since, sp.until = since, until
	p := newPlot(clip("Events of "+subject(res)+" · "+windowWords(res, tz), 90))
	p.X.Label.Text = when(since, tz) + " → " + when(until, tz) + " (" + zoneName(tz) + ")"
	if res.Truncated {
		p.X.Label.Text += " · the newest " + plural(len(evs), "event", "events") + " of the window"
	}
	p.X.Tick.Marker = timeTicks{tz}
	// A margin of 2% each side, so that no dot or tick label sits on the edge.
	margin := until.Sub(since).Seconds() * 0.02
	p.X.Min, p.X.Max = unixSeconds(since)-margin, unixSeconds(until)+margin
	p.NominalY(labels...)
	// Half a row of room above the top row for the legend.
	p.Y.Min, p.Y.Max = -0.5, float64(len(labels))-0.5+0.7
	p.Add(plotter.NewGrid())

	seen := [outcomes]int{}
	points := [outcomes]plotter.XYs{}
	for _, e := range evs {
		o := outcomeOf(e)
		seen[o]++
		xy := plotter.XY{X: unixSeconds(e.Published), Y: float64(row[o]) + jitter(seen[o])}
		points[o] = append(points[o], xy)
		if named[e.UUID] {
			sp.marked = append(sp.marked, xy)
		}
	}
	for o := range outcomes {
		if len(points[o]) == 0 {
			continue
		}
		s, err := plotter.NewScatter(points[o])
		if err != nil {
			return sp, err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: outcomeColours[o], Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
		p.Add(s)
	}
	if len(sp.marked) > 0 {
		s, err := plotter.NewScatter(sp.marked)
		if err != nil {
			return sp, err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: markColour, Radius: vg.Points(6), Shape: ring{}}
		p.Add(s)
		p.Legend.Add("named by a finding · "+count(len(sp.marked)), s)
		p.Legend.Top = true
	}
	sp.plot = p
	return sp, nil
}

// ring is plot's RingGlyph drawn thick enough to see at a glance.
type ring struct{}

func (ring) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: vg.Points(1.6)})
	var p vg.Path
	p.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
	p.Arc(pt, sty.Radius, 0, 2*math.Pi)
	p.Close()
	c.Stroke(p)
}

// jitter spreads the k-th event of a row (k from 1) across the row's
// height, so that a burst at one time shows as many dots: a low-
// discrepancy sequence, the same for the same k.
func jitter(k int) float64 {
	_, frac := math.Modf(float64(k) * 0.6180339887)
	return (frac - 0.5) * 0.56
}

// window is the time span drawn: the result's, else its events'.
func window(res intents.Result, evs []intents.Event) (since, until time.Time) {
	since, until = res.Since, res.Until
	if len(evs) > 0 {
		if since.IsZero() || evs[0].Published.Before(since) {
			since = evs[0].Published
		}
		if last := evs[len(evs)-1].Published; until.IsZero() || last.After(until) {
			until = last
		}
	}
	if !until.After(since) {
		since, until = since.Add(-30*time.Minute), since.Add(30*time.Minute)
	}
	return since, until
}

// subject is the login the investigation is about.
func subject(res intents.Result) string {
	switch {
	case res.Profile != nil && res.Profile.User.Login != "":
		return res.Profile.User.Login
	case res.Subject != "":
		return res.Subject
	case res.Intent.User != "":
		return res.Intent.User
	}
	return "the user"
}

// SignIns draws an investigation's events over its window by outcome,
// the events a finding names ringed, times in tz.
func SignIns(res intents.Result, tz *time.Location) (Chart, error) {
	sp, err := newSignInPlot(res, tz)
	if err != nil {
		return Chart{}, err
	}
	png, err := render(sp.plot)
	if err != nil {
		return Chart{}, err
	}
	who := subject(res)
	window := windowWords(res, tz)
	return Chart{
		Filename: "events-" + fileSafe(who) + ".png",
		Title:    clip("Events of "+who+", "+window+", by outcome", 200),
		AltText:  signInAlt(res, sp, who, tz),
		PNG:      png,
	}, nil
}

// signInAlt says what the investigation's chart shows, in words.
func signInAlt(res intents.Result, sp signInPlot, who string, tz *time.Location) string {
	total := 0
	var parts []string
	for o := range outcomes {
		if n := sp.counts[o]; n > 0 {
			total += n
			parts = append(parts, plural(n, outcomeWords[o][0], outcomeWords[o][1]))
		}
	}
	s := "Chart of " + plural(total, "event", "events") + " of " + clip(who, 100) + " from " + when(sp.since, tz) + " to " + when(sp.until, tz) +
		" (" + zoneName(tz) + "), one row per outcome: " + strings.Join(parts, ", ") + "."
	if res.Truncated {
		s += " Only the newest events of the window are drawn."
	}
	switch n := len(sp.marked); n {
	case 0:
		s += " No event is named by a finding."
	default:
		first, last := span(sp.marked)
		s += " " + plural(n, "event is", "events are") + " ringed as named by a finding"
		s += ", " + when(first, tz)
		if last.After(first) {
			s += " to " + when(last, tz)
		}
		s += "."
	}
	return clip(s, MaxAltText)
}

// span is the time of the first and the last of points.
func span(points plotter.XYs) (first, last time.Time) {
	xs := make([]float64, len(points))
	for i, m := range points {
		xs[i] = m.X
	}
	return unixTime(slices.Min(xs)), unixTime(slices.Max(xs))
}
