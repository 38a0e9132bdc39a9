package okta

import (
	"errors"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseLinks(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		want   map[string]string
	}{
		{
			name: "one header per rel, as Okta sends",
			header: []string{
				`<https://o.okta.com/api/v1/users?limit=2>; rel="self"`,
				`<https://o.okta.com/api/v1/users?after=00u2&limit=2>; rel="next"`,
			},
			want: map[string]string{"self": "https://o.okta.com/api/v1/users?limit=2", "next": "https://o.okta.com/api/v1/users?after=00u2&limit=2"},
		},
		{
			name:   "comma-joined",
			header: []string{`<https://o/a?limit=2>; rel="self", <https://o/a?after=x%2Cy&limit=2>; rel="next"`},
			want:   map[string]string{"self": "https://o/a?limit=2", "next": "https://o/a?after=x%2Cy&limit=2"},
		},
		{
			name:   "unquoted rel and extra params",
			header: []string{`<https://o/a?after=c1>; title="a, b"; rel=next`},
			want:   map[string]string{"next": "https://o/a?after=c1"},
		},
		{
			name:   "several rels in one",
			header: []string{`<https://o/a?after=z>; rel="next last"`},
			want:   map[string]string{"next": "https://o/a?after=z", "last": "https://o/a?after=z"},
		},
		{name: "none", header: nil, want: map[string]string{}},
		{name: "malformed", header: []string{`https://o/a; rel="next"`, `<https://o/b`}, want: map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.header {
				h.Add("Link", v)
			}
			if diff := cmp.Diff(tt.want, parseLinks(h)); diff != "" {
				t.Errorf("parseLinks(%q) (-want +got):\n%s", tt.header, diff)
			}
		})
	}
}

// nextLink follows Okta's next link as given, and only on the org.
func TestNextLink(t *testing.T) {
	org, _ := url.Parse("https://acme.okta.com")
	c := &Client{s: &settings{org: org}}
	tests := []struct {
		link, want string
		refused    bool
	}{
		{"", "", false},
		{"<https://acme.okta.com/api/v1/logs?since=x&until=y&after=opaque%2B1&filter=a+eq+%22b%22>; rel=\"next\"",
			"/api/v1/logs?since=x&until=y&after=opaque%2B1&filter=a+eq+%22b%22", false},
		{"<HTTPS://ACME.okta.com/api/v1/users?after=z>; rel=\"next\"", "/api/v1/users?after=z", false},
		{"<https://evil.example/api/v1/users?after=z>; rel=\"next\"", "", true},
		{"<http://acme.okta.com/api/v1/users?after=z>; rel=\"next\"", "", true},
		{"<https://acme.okta.com.evil.example/api/v1/users>; rel=\"next\"", "", true},
		{"<https://acme.okta.com/oauth2/v1/token>; rel=\"next\"", "", true},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.link != "" {
			h.Add("Link", tt.link)
		}
		got, err := c.nextLink("list", h)
		if (err != nil) != tt.refused || got != tt.want {
			t.Errorf("nextLink(%s) = %q, %v; want %q, refused %v", tt.link, got, err, tt.want, tt.refused)
		}
	}
}

func TestCursor(t *testing.T) {
	at := time.UnixMilli(1_760_000_000_123).UTC()
	for _, k := range []cursor{{}, {page: "/api/v1/users?after=00u9"}, {page: "/api/v1/users?after=00u9", skip: 7},
		{page: "/api/v1/logs?a=b&c=%22d%22", skip: 1, since: at, until: at.Add(time.Hour), pos: at.Add(time.Minute), rest: at.Add(time.Second)}} {
		s := k.String()
		if s == "" || strings.ContainsAny(s, " &=%") {
			t.Errorf("cursor %+v = %q: want printable text without separators", k, s)
		}
		got, err := parseCursor(s)
		if err != nil || got != k {
			t.Errorf("parseCursor(%q) = %+v, %v; want %+v", s, got, err, k)
		}
	}
	for _, bad := range []cursor{{page: "https://evil.example/api/v1/users"}, {page: "//evil.example/api/v1/users"},
		{page: "/oauth2/v1/token"}, {page: "/api/v1/../../x"}, {page: "/api/v1/users", skip: maxResultCap + 1}} {
		if _, err := parseCursor(bad.String()); err == nil {
			t.Errorf("parseCursor(%+v) succeeded, want an error", bad)
		}
	}
	for _, bad := range []string{"%%%", "skip=3", "after=x&skip=-1", "c1.!!!", "c1.AAAA"} {
		if _, err := parseCursor(bad); err == nil {
			t.Errorf("parseCursor(%q) succeeded, want an error", bad)
		}
	}
}

// fakePages serves a list in pages of size n, from a cursor (its page is
// the index of the page's first item).
func fakePages(all []int, n int, from cursor) iter.Seq2[page[int], error] {
	return func(yield func(page[int], error) bool) {
		start := 0
		if from.page != "" {
			start = int(from.page[len(from.page)-1] - 'a')
		}
		for start < len(all) {
			end := min(start+n, len(all))
			p := page[int]{items: all[start:end], at: cursor{page: fakePage(start)}}
			if end < len(all) {
				p.next, p.more = cursor{page: fakePage(end)}, true
			}
			if from.page == "" && start == 0 {
				p.at = cursor{}
			}
			if !yield(p, nil) || !p.more {
				return
			}
			start = end
		}
	}
}

func fakePage(i int) string { return "/api/v1/fake?at=" + string(rune('a'+i)) }

func TestCollect(t *testing.T) {
	all := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	tests := []struct {
		name      string
		size      int
		from      cursor
		limit     int
		want      []int
		truncated bool
	}{
		{"everything", 4, cursor{}, 100, all, false},
		{"cap mid-page", 4, cursor{}, 6, all[:6], true},
		{"cap at a page end with more", 4, cursor{}, 8, all[:8], true},
		{"cap at the very end", 5, cursor{}, 10, all, false},
		{"resume mid-page", 4, cursor{page: fakePage(4), skip: 2}, 3, []int{6, 7, 8}, true},
		{"resume to the end", 4, cursor{page: fakePage(8)}, 5, []int{8, 9}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, next, truncated, err := collect(fakePages(all, tt.size, tt.from), tt.from, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" || truncated != tt.truncated {
				t.Fatalf("collect() truncated %v (want %v), items (-want +got):\n%s", truncated, tt.truncated, diff)
			}
			if !truncated {
				if next != "" {
					t.Fatalf("collect() next = %q without truncation", next)
				}
				return
			}
			// The cursor continues exactly after the last item taken.
			k, err := parseCursor(next)
			if err != nil {
				t.Fatal(err)
			}
			rest, _, _, err := collect(fakePages(all, tt.size, k), k, 100)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(all[got[len(got)-1]+1:], rest); diff != "" {
				t.Errorf("collect() from next %q (-want +got):\n%s", next, diff)
			}
		})
	}
	t.Run("error", func(t *testing.T) {
		boom := errors.New("boom")
		seq := func(yield func(page[int], error) bool) { yield(page[int]{}, boom) }
		if _, _, _, err := collect(seq, cursor{}, 5); !errors.Is(err, boom) {
			t.Errorf("collect() error = %v, want boom", err)
		}
	})
}
