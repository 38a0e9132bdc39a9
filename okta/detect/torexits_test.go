package detect

import (
	"strings"
	"testing"
	"time"
)

func TestParseExitList(t *testing.T) {
	bulk := "# the bulk list\n185.220.101.1\n\n2001:db8::7\n::ffff:198.51.100.9\n"
	doc := "ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E\nPublished 2026-12-01 07:21:55\n" +
		"LastStatus 2026-12-01 18:00:00\nExitAddress 203.0.113.44 2026-12-01 18:02:31\n"
	for _, tc := range []struct {
		name, in string
		has      []string
		not      []string
		err      string
	}{
		{name: "bulk list", in: bulk, has: []string{"185.220.101.1", "2001:db8::7", "198.51.100.9"}, not: []string{"185.220.101.2"}},
		{name: "exit-addresses", in: doc, has: []string{"203.0.113.44"}, not: []string{"0011BD2485AD45D984EC4159C88FC066E5E3300E"}},
		{name: "an HTML page", in: "<html><body>Not Found</body></html>\n", err: "line 1 is not an IP address"},
		{name: "a hostname", in: "185.220.101.1\nexit.example.org\n", err: `line 2: "exit.example.org" is not an IP address`},
		{name: "ExitAddress without an address", in: "ExitAddress\n", err: "line 1: ExitAddress without an address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := ParseExitList(strings.NewReader(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseExitList() error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseExitList() error = %v", err)
			}
			var l ExitList
			l.Set(set, "test", time.Unix(0, 0))
			for _, ip := range tc.has {
				if !l.Has(ip) {
					t.Errorf("Has(%q) = false, want true", ip)
				}
			}
			for _, ip := range tc.not {
				if l.Has(ip) {
					t.Errorf("Has(%q) = true, want false", ip)
				}
			}
			if n, src, _ := l.Len(); n != len(tc.has) || src != "test" {
				t.Errorf("Len() = %d, %q; want %d, test", n, src, len(tc.has))
			}
		})
	}
	var none *ExitList
	if none.Has("185.220.101.1") {
		t.Error("a nil list has an address")
	}
}
