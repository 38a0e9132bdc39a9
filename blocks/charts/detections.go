package charts

import (
	"cmp"
	"image/color"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/oktabot/oktabot/intents"
)

// The threat sweep's chart: a bar per user (org-wide findings on a bar of
// their own), worst first, its length the user's findings, split by
// severity.

// maxSuspects bounds the bars of a sweep's chart; the alt text and the
// title count the rest.
const maxSuspects = 12

// severities are the bands in the order the bars are split.
var severities = [...]intents.Severity{intents.SeverityCritical, intents.SeverityHigh, intents.SeverityMedium, intents.SeverityLow}

var severityColours = [len(severities)]color.Color{dark, red, orange, amber}

// orgWide labels the bar of the findings about no one user.
const orgWide = "Org-wide"

// suspect is one bar: a user's findings by severity.
type suspect struct {
	user  string // orgWide for findings about no one user
	bySev [len(severities)]int
	total int
	worst int // the highest score
}

// severityIndex is a finding's place in severities: its severity, or the
// band of its score when it has none.
func severityIndex(f intents.Finding) int {
	s := f.Severity
	if i := slices.Index(severities[:], s); i >= 0 {
		return i
	}
	return slices.Index(severities[:], intents.Band(f.Score))
}

// suspects groups findings by user (case-insensitively), worst first as
// the sweep's message orders them: by the worst finding's score or the
// user's top proposed fix's confidence; users with the same worst score
// keep their order.
func suspects(fs []intents.Finding, ps []intents.Action) []suspect {
	index := map[string]int{}
	var out []suspect
	for _, f := range fs {
		user := strings.TrimSpace(f.User)
		if user == "" {
			user = orgWide
		}
		k := strings.ToLower(user)
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, suspect{user: user, worst: -1})
		}
		out[i].bySev[severityIndex(f)]++
		out[i].total++
		out[i].worst = max(out[i].worst, f.Score)
	}
	for _, p := range ps {
		if p.User == nil {
			continue
		}
		if i, ok := index[strings.ToLower(p.User.Name)]; ok {
			out[i].worst = max(out[i].worst, p.Confidence)
		}
	}
	slices.SortStableFunc(out, func(a, b suspect) int { return cmp.Compare(b.worst, a.worst) })
	return out
}

// detectionPlot is the sweep's chart before it is drawn.
type detectionPlot struct {
	plot  *plot.Plot
	shown []suspect // top to bottom
	all   int       // users (and org-wide) with findings
}

func newDetectionPlot(res intents.Result) (detectionPlot, error) {
	all := suspects(res.Findings, res.Proposals)
	dp := detectionPlot{shown: all[:min(len(all), maxSuspects)], all: len(all)}
	n := len(dp.shown)
	title := "Threat sweep · last " + intents.Duration(res.Intent.EffectiveWindow()).Human() + " · findings by user and severity"
	if n < dp.all {
		title += " · the " + count(n) + " worst of " + count(dp.all)
	}
	p := newPlot(title)
	labels := make([]string, n)
	most := 0
	for i, s := range dp.shown {
		labels[n-1-i] = clip(s.user, 36)
		most = max(most, s.total)
	}
	p.NominalY(labels...)
	p.X.Label.Text = "Findings"
	p.X.Tick.Marker = intTicks{}
	// Room on the right for the legend.
	p.X.Min, p.X.Max = 0, float64(most)*1.35+0.5
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
	p.Add(plotter.NewGrid())

	width := min(vg.Points(18), vg.Points(200)/vg.Length(n))
	var below *plotter.BarChart
	for j, sev := range severities {
		vals := make(plotter.Values, n)
		any := false
		for i, s := range dp.shown {
			vals[n-1-i] = float64(s.bySev[j])
			any = any || s.bySev[j] > 0
		}
		bars, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return dp, err
		}
		bars.Horizontal = true
		bars.Color = severityColours[j]
		bars.LineStyle.Width = 0
		if below != nil {
			bars.StackOn(below)
		}
		below = bars
		p.Add(bars)
		if any {
			p.Legend.Add(string(sev), bars)
		}
	}
	dp.plot = p
	return dp, nil
}

// Detections draws a threat sweep's findings by user and severity.
func Detections(res intents.Result) (Chart, error) {
	dp, err := newDetectionPlot(res)
	if err != nil {
		return Chart{}, err
	}
	png, err := render(dp.plot)
	if err != nil {
		return Chart{}, err
	}
	window := intents.Duration(res.Intent.EffectiveWindow())
	return Chart{
		Filename: "threats-" + fileSafe(window.String()) + ".png",
		Title:    "Threat sweep, last " + window.Human() + ": findings by user and severity",
		AltText:  detectionAlt(res, dp, window),
		PNG:      png,
	}, nil
}

// detectionAlt says what the sweep's chart shows, in words.
func detectionAlt(res intents.Result, dp detectionPlot, window intents.Duration) string {
	s := "Bar chart of " + plural(len(res.Findings), "finding", "findings") + " over the last " + window.Human() +
		", one bar per user, worst first, split by severity: "
	var bars []string
	for _, u := range dp.shown {
		var sev []string
		for j, n := range u.bySev {
			if n > 0 {
				sev = append(sev, count(n)+" "+string(severities[j]))
			}
		}
		bars = append(bars, clip(u.user, 60)+" "+count(u.total)+" ("+strings.Join(sev, ", ")+")")
	}
	s += strings.Join(bars, "; ") + "."
	if rest := dp.all - len(dp.shown); rest > 0 {
		s += " " + plural(rest, "more user has", "more users have") + " less severe findings, not drawn."
	}
	return clip(s, MaxAltText)
}
