package charts

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/oktabot/oktabot/intents"
)

// Every chart's size in pixels.
const (
	Width  = 800
	Height = 400
)

// MaxAltText is the most characters of alt text Slack takes
// (files.getUploadURLExternal answers alt_txt_too_large beyond it).
const MaxAltText = 1000

// dpi is the resolution the charts are drawn at: Width pixels are
// Width/dpi inches.
const dpi = 96

// Chart is a picture for an answer's thread.
type Chart struct {
	Filename string // e.g. "signins-john@company.com.png"
	Title    string // the file's title in Slack
	AltText  string // what the picture shows, for screen readers
	PNG      []byte
}

// Has reports whether For draws a chart for res: investigations with
// events, threat sweeps with findings and MFA scans with active users.
func Has(res intents.Result) bool {
	switch res.Intent.Kind {
	case intents.Investigate:
		return len(res.Events) > 0
	case intents.Threats:
		return len(res.Findings) > 0
	case intents.MFAStatus:
		return res.MFA != nil && res.MFA.Active > 0
	}
	return false
}

// For draws the chart of res, times in tz (nil: UTC). ok is false when
// res gets no chart (Has).
func For(res intents.Result, tz *time.Location) (c Chart, ok bool, err error) {
	if !Has(res) {
		return Chart{}, false, nil
	}
	if tz == nil {
		tz = time.UTC
	}
	switch res.Intent.Kind {
	case intents.Investigate:
		c, err = SignIns(res, tz)
	case intents.Threats:
		c, err = Detections(res)
	case intents.MFAStatus:
		c, err = MFACoverage(*res.MFA, len(res.Users), tz)
	}
	return c, err == nil, err
}

// render draws p as a Width × Height PNG. A panic in the plotting library
// (it panics on some degenerate ranges) is returned as an error.
func render(p *plot.Plot) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("charts: draw: %v", r)
		}
	}()
	img, frame := canvas()
	p.Draw(frame)
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("charts: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// canvas is a white Width × Height image and the frame a plot is drawn
// in: the image less a margin all round, because plot's text measure can
// be a few pixels short of what it draws, which would cut the widest label
// at the edge.
func canvas() (*vgimg.Canvas, draw.Canvas) {
	c := vgimg.NewWith(
		vgimg.UseWH(vg.Length(Width)*vg.Inch/dpi, vg.Length(Height)*vg.Inch/dpi),
		vgimg.UseDPI(dpi),
		vgimg.UseBackgroundColor(color.White),
	)
	m := vg.Points(6)
	return c, draw.Crop(draw.New(c), m, -m, m, -m)
}

// newPlot is a plot with the title and the look all charts share.
func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.Padding = vg.Points(6)
	for _, f := range []*font.Font{&p.Title.TextStyle.Font, &p.Legend.TextStyle.Font, &p.X.Tick.Label.Font,
		&p.Y.Tick.Label.Font, &p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font} {
		*f = sans(vg.Points(10))
	}
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.X.Tick.Label.Font.Size = vg.Points(9)
	return p
}

// sans is plot's embedded Liberation Sans at size points.
func sans(size vg.Length) font.Font {
	return font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
}

// Colours, chosen to stay apart for the common kinds of colour blindness
// where they must (success against failure).
var (
	green  = color.RGBA{R: 0x1b, G: 0x9e, B: 0x77, A: 0xff}
	red    = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	orange = color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}
	amber  = color.RGBA{R: 0xe6, G: 0xab, B: 0x02, A: 0xff}
	blue   = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	purple = color.RGBA{R: 0x75, G: 0x70, B: 0xb3, A: 0xff}
	teal   = color.RGBA{R: 0x17, G: 0xbe, B: 0xcf, A: 0xff}
	grey   = color.RGBA{R: 0x8c, G: 0x8c, B: 0x8c, A: 0xff}
	dark   = color.RGBA{R: 0x7b, G: 0x00, B: 0x1c, A: 0xff}
	// markColour rings the events a finding names; nothing else is drawn
	// in it: no other colour has no green, and text is grey-black.
	markColour = color.RGBA{R: 0x2d, G: 0x00, B: 0x4b, A: 0xff}
)

// intTicks marks whole numbers only (counts), about six of them.
type intTicks struct{}

func (intTicks) Ticks(lo, hi float64) []plot.Tick {
	step := 1.0
	for i := 0; (hi-lo)/step > 6; i++ {
		step = []float64{2, 5, 10}[i%3] * math.Pow(10, float64(i/3))
	}
	var ts []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', 0, 64)})
	}
	return ts
}

// timeTicks marks whole hours or days in the zone, about seven of them.
type timeTicks struct{ tz *time.Location }

// tickSteps are the spacings timeTicks chooses from.
var tickSteps = []time.Duration{
	15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour,
	12 * time.Hour, 24 * time.Hour, 2 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour,
}

func (t timeTicks) Ticks(lo, hi float64) []plot.Tick {
	from, to := unixTime(lo).In(t.tz), unixTime(hi).In(t.tz)
	span := to.Sub(from)
	step := tickSteps[len(tickSteps)-1]
	for _, s := range tickSteps {
		if span/s <= 8 {
			step = s
			break
		}
	}
	layout := "15:04"
	if step >= 24*time.Hour {
		layout = "Mon Jan 2"
	}
	var ts []plot.Tick
	for at := alignUp(from, step); !at.After(to); at = nextTick(at, step) {
		label := at.Format(layout)
		if step < 24*time.Hour && (at.Hour() == 0 && at.Minute() == 0 || len(ts) == 0) {
			label = at.Format("Mon 15:04") // the day where it changes
		}
		ts = append(ts, plot.Tick{Value: unixSeconds(at), Label: label})
	}
	return ts
}

// alignUp is the first whole multiple of step (counted from local
// midnight, or from a Monday for weeks) at or after t.
func alignUp(t time.Time, step time.Duration) time.Time {
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	if step >= 24*time.Hour {
		days := int(step / (24 * time.Hour))
		if days == 7 || days == 14 {
			day = day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7)) // back to Monday
		}
		for day.Before(t) {
			day = day.AddDate(0, 0, days)
		}
		return day
	}
	at := day
	for at.Before(t) {
		at = at.Add(step)
	}
	return at
}

// nextTick is the tick after at: calendar days for day steps, so that a
// daylight saving change keeps them at midnight.
func nextTick(at time.Time, step time.Duration) time.Time {
	if step >= 24*time.Hour {
		return at.AddDate(0, 0, int(step/(24*time.Hour)))
	}
	return at.Add(step)
}

func unixSeconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func unixTime(s float64) time.Time { return time.UnixMilli(int64(math.Round(s * 1000))) }

// clip shortens s to at most n characters, ending it with "…".
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// fileSafe keeps the letters, digits and . _ @ - of s, for a file name.
func fileSafe(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '@', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return clip(strings.Trim(b.String(), "-."), 60)
}

// plural is "1 event", "3 events".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return count(n) + " " + many
}

// count is n with thousands separated: 1,234.
func count(n int) string {
	if n < 0 {
		return "-" + count(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// when is a time as the charts write it: "Mon Jan 2 15:04".
func when(t time.Time, tz *time.Location) string {
	return t.In(tz).Format("Mon Jan 2 15:04")
}

// windowWords names the window of a result: "last 24 hours", or its
// start and end for a window set by the clock ("yesterday", since:).
func windowWords(res intents.Result, tz *time.Location) string {
	if res.Intent.Bounded() && !res.Since.IsZero() && !res.Until.IsZero() {
		return when(res.Since, tz) + " – " + when(res.Until, tz)
	}
	return "last " + intents.Duration(res.Intent.EffectiveWindow()).Human()
}

// zoneName names tz for people: "UTC", "America/Chicago".
func zoneName(tz *time.Location) string {
	if tz == nil || tz.String() == "" || tz.String() == "Local" {
		return "UTC"
	}
	return tz.String()
}
