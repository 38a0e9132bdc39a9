package blocks

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestMd(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"plain", "John Smith", 50, "John Smith"},
		{"escapes", "AT&T <b>", 50, "AT&amp;T &lt;b&gt;"},
		{"channel mention inert", "<!channel>", 50, "&lt;!channel&gt;"},
		{"link inert", "<https://evil|click>", 50, "&lt;https://evil|click&gt;"},
		{"cut with ellipsis", "abcdefghij", 5, "abcd…"},
		{"never splits an entity", "a<<<<", 6, "a&lt;…"},
		{"entity exactly fits", "a<", 5, "a&lt;"},
		{"cyrillic", "Иван Петров", 6, "Иван …"},
		{"cjk", "王小明王小明", 4, "王小明…"},
		{"emoji counts two", "😀😀😀", 5, "😀😀…"},
		{"zwj sequence kept whole", "ab👩‍💻cd", 5, "ab…"},
		{"flag kept whole", "🇩🇪🇫🇷", 6, "🇩🇪…"},
		{"combining mark kept with base", "e\u0301e\u0301e\u0301", 4, "e\u0301…"},
		{"control chars become spaces or go", "a\nb\tc\x1b[0m\u202Ed", 50, "a b c[0md"},
		{"invalid utf8 replaced", "a\xffb", 50, "a\uFFFDb"},
		{"trimmed", "  x  ", 50, "x"},
		{"empty", "", 10, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := md(tc.in, tc.max)
			if got != tc.want {
				t.Errorf("md(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("md(%q, %d) = %q is not valid UTF-8", tc.in, tc.max, got)
			}
			if chars(got) > tc.max {
				t.Errorf("md(%q, %d) = %q has %d characters", tc.in, tc.max, got, chars(got))
			}
		})
	}
}

func TestClipNeverSplitsUTF8(t *testing.T) {
	inputs := []string{strings.Repeat("Ж", 100), strings.Repeat("漢", 100), strings.Repeat("👩‍👩‍👧", 40), strings.Repeat("שלום ", 30), strings.Repeat("a😀", 60)}
	for _, in := range inputs {
		for max := 1; max < 80; max++ {
			got := clip(in, max)
			if !utf8.ValidString(got) || chars(got) > max || !strings.HasSuffix(got, "…") {
				t.Fatalf("clip(%q…, %d) = %q: invalid, too long or no ellipsis", in[:10], max, got)
			}
			if !strings.HasPrefix(in, strings.TrimSuffix(got, "…")) {
				t.Fatalf("clip(%q…, %d) = %q is not a prefix", in[:10], max, got)
			}
		}
	}
}

func TestClipMarkup(t *testing.T) {
	token := when(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC), time.UTC)
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"fits", "abc", 10, "abc"},
		{"cuts at a late line break", "line one\nline two\nline three", 25, "line one\nline two\n…"},
		{"does not split a token", "seen " + token, 20, "seen …"},
		{"does not split an entity", "xxxxxxxx&amp;", 12, "xxxxxxxx…"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := clipMarkup(tc.in, tc.max); got != tc.want {
				t.Errorf("clipMarkup(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
		})
	}
}

func TestWhen(t *testing.T) {
	ts := time.Date(2026, 11, 28, 14, 25, 0, 0, time.UTC)
	berlin := time.FixedZone("CET", 3600)
	tests := []struct {
		name string
		t    time.Time
		tz   *time.Location
		want string
	}{
		{"utc", ts, time.UTC, "<!date^1795875900^{date_short_pretty} {time}|2026-11-28 14:25 UTC>"},
		{"zone in fallback only", ts, berlin, "<!date^1795875900^{date_short_pretty} {time}|2026-11-28 15:25 CET>"},
		{"zero", time.Time{}, time.UTC, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := when(tc.t, tc.tz); got != tc.want {
				t.Errorf("when(%v) = %q, want %q", tc.t, got, tc.want)
			}
		})
	}
}

func TestSmallHelpers(t *testing.T) {
	got := []string{count(0), count(999), count(1000), count(1234567), plural(1, "user", "users"), plural(1000, "user", "users"),
		age(testNow, ago(3*time.Hour)), age(testNow, ago(143*day)), age(testNow, ago(5*time.Minute)), maskPhone("+1 415-555-0134"), maskPhone("iPhone 15")}
	want := []string{"0", "999", "1,000", "1,234,567", "1 user", "1,000 users", "3 hours", "143 days", "5 minutes", "•••0134", "iPhone 15"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("helpers (-want +got):\n%s", diff)
	}
}
