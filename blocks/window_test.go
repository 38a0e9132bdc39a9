package blocks

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// The page buttons of a System Log listing carry its window's cursor, and
// a page of that window is not called a continued listing.
func TestPagerCarriesWindow(t *testing.T) {
	until := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	r := intents.Result{Intent: intents.Intent{Kind: intents.Logs}, Since: until.Add(-24 * time.Hour), Until: until, Window: "c1.window"}
	for i := range 25 {
		r.Events = append(r.Events, intents.Event{UUID: fmt.Sprint(i), EventType: "user.session.start", Published: until.Add(-time.Duration(i) * time.Minute)})
	}
	for _, tt := range []struct {
		after     string
		page      int
		continued bool
	}{{"", 1, false}, {"c1.window", 2, false}, {"c1.other", 1, true}} {
		r.Intent.After = tt.after
		m := Result(r, Options{Page: tt.page})
		b, _ := json.Marshal(m.Blocks)
		n := 0
		for _, id := range []string{ActionPrev, ActionNext, ActionExport} {
			v := buttonValue(t, b, id)
			if v == "" {
				continue
			}
			n++
			in, _, err := DecodePageValue(v)
			want := tt.after
			if want == "" {
				want = r.Window
			}
			if err != nil || in.After != want {
				t.Errorf("after %q: the %s button's query After = %q (%v), want %q", tt.after, id, in.After, err, want)
			}
		}
		if n < 2 {
			t.Errorf("after %q page %d: %d page buttons, want at least ▶ Next and Export", tt.after, tt.page, n)
		}
		if got := strings.Contains(string(b), "continued listing"); got != tt.continued {
			t.Errorf("after %q: says continued listing: %v, want %v", tt.after, got, tt.continued)
		}
	}
}

// buttonValue finds the value of the button with action id in encoded blocks.
func buttonValue(t *testing.T, blocks []byte, id string) string {
	t.Helper()
	var bs []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(blocks, &bs); err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		for _, e := range b.Elements {
			if e.ActionID == id {
				return e.Value
			}
		}
	}
	return ""
}
