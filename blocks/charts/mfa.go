package charts

import (
	"image/color"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/oktabot/oktabot/intents"
)

// The MFA scan's chart: the active users in three bars, those with a
// strong factor, those with weak factors only (SMS, voice, email,
// security question) and those with none.

// strengths are the bars, in order.
var strengths = [...]struct {
	label  string
	words  string // in the alt text, after the count
	colour color.Color
}{
	{"Strong factor", "with a strong factor", green},
	{"Weak factors only", "with weak factors only", amber},
	{"No MFA", "with no MFA factor", red},
}

// coverage counts the active users of a scan by factor strength, as the
// mfa_status answer does: listed is how many users the result lists
// without a factor.
func coverage(rep intents.MFAReport, listed int) [len(strengths)]int {
	none := max(rep.NoFactor, listed)
	weak := len(rep.WeakOnly)
	strong := max(rep.Active-none-weak, 0)
	return [len(strengths)]int{strong, weak, none}
}

// mfaPlot is the MFA chart before it is drawn.
type mfaPlot struct {
	plot   *plot.Plot
	counts [len(strengths)]int
}

func newMFAPlot(rep intents.MFAReport, listed int, tz *time.Location) (mfaPlot, error) {
	mp := mfaPlot{counts: coverage(rep, listed)}
	title := "MFA coverage of " + plural(rep.Active, "active user", "active users")
	if !rep.ScannedAt.IsZero() {
		title += " · scanned " + when(rep.ScannedAt, tz) + " (" + zoneName(tz) + ")"
	}
	p := newPlot(title)
	names := make([]string, len(strengths))
	most := 0
	for i, s := range strengths {
		names[i] = s.label
		most = max(most, mp.counts[i])
	}
	p.NominalX(names...)
	p.X.Tick.Label.Font.Size = vg.Points(11)
	p.Y.Label.Text = "Active users"
	p.Y.Tick.Marker = intTicks{}
	// Room above the tallest bar for its label.
	p.Y.Min, p.Y.Max = 0, float64(most)*1.15+1
	p.X.Min, p.X.Max = -0.6, float64(len(strengths))-0.4
	p.Add(plotter.NewGrid())
	for i, s := range strengths {
		vals := make(plotter.Values, len(strengths))
		vals[i] = float64(mp.counts[i])
		bars, err := plotter.NewBarChart(vals, vg.Points(90))
		if err != nil {
			return mp, err
		}
		bars.Color = s.colour
		bars.LineStyle.Width = 0
		p.Add(bars)
	}
	xys := make(plotter.XYs, len(strengths))
	texts := make([]string, len(strengths))
	for i, n := range mp.counts {
		xys[i] = plotter.XY{X: float64(i), Y: float64(n)}
		texts[i] = count(n) + " (" + percent(n, rep.Active) + ")"
	}
	labels, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: texts})
	if err != nil {
		return mp, err
	}
	for i := range labels.TextStyle {
		labels.TextStyle[i].XAlign = draw.XCenter
		labels.TextStyle[i].Font = sans(vg.Points(11))
	}
	labels.Offset = vg.Point{Y: vg.Points(4)}
	p.Add(labels)
	mp.plot = p
	return mp, nil
}

// percent is n of total as a whole percentage: "12%", "<1%".
func percent(n, total int) string {
	switch {
	case total <= 0:
		return "–"
	case n > 0 && n*100 < total:
		return "<1%"
	}
	return count((n*100+total/2)/total) + "%"
}

// MFACoverage draws an MFA scan's active users by factor strength; listed
// is how many users the answer lists as having no factor.
func MFACoverage(rep intents.MFAReport, listed int, tz *time.Location) (Chart, error) {
	mp, err := newMFAPlot(rep, listed, tz)
	if err != nil {
		return Chart{}, err
	}
	png, err := render(mp.plot)
	if err != nil {
		return Chart{}, err
	}
	var parts []string
	for i, n := range mp.counts {
		parts = append(parts, count(n)+" ("+percent(n, rep.Active)+") "+strengths[i].words)
	}
	alt := "Bar chart of MFA coverage of " + plural(rep.Active, "active user", "active users") + ": " + strings.Join(parts, ", ") + "."
	if !rep.ScannedAt.IsZero() {
		alt += " Scanned " + when(rep.ScannedAt, tz) + " (" + zoneName(tz) + ")."
	}
	return Chart{
		Filename: "mfa-coverage.png",
		Title:    "MFA coverage by factor strength",
		AltText:  clip(alt, MaxAltText),
		PNG:      png,
	}, nil
}
