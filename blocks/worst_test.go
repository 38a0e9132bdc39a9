package blocks

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/oktabot/oktabot/intents"
)

// mrkdwnTexts returns every mrkdwn text of a message, decoded from the
// JSON Slack receives.
func mrkdwnTexts(t *testing.T, m Message) []string {
	t.Helper()
	raw, err := marshalBlocks(m.Blocks)
	if err != nil {
		t.Fatalf("marshal blocks: %v", err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decode blocks: %v", err)
	}
	var out []string
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			if x["type"] == "mrkdwn" {
				s, _ := x["text"].(string)
				out = append(out, s)
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// checkInert fails if a mrkdwn text has a <…> token other than our own
// dates, or an & that does not start an entity.
func checkInert(t *testing.T, where, s string) {
	t.Helper()
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '<' && !strings.HasPrefix(s[i:], "<!date^"):
			t.Errorf("%s: live token at %d: %.60q", where, i, s[i:])
			return
		case s[i] == '&' && !(strings.HasPrefix(s[i:], "&amp;") || strings.HasPrefix(s[i:], "&lt;") || strings.HasPrefix(s[i:], "&gt;")):
			t.Errorf("%s: bare & at %d: %.60q", where, i, s[i:])
			return
		}
	}
}

// forKind returns r as the answer to a query of kind, with v as its
// query where the kind takes one.
func forKind(r intents.Result, kind intents.Kind, v string) intents.Result {
	r.Intent = intents.Intent{Kind: kind}
	if info, ok := intents.Lookup(kind); ok && info.Accepts(intents.ArgQuery) {
		r.Intent.Query = v
	}
	return r
}

// hostileResult fills every list a result can hold with n items made of v.
func hostileResult(v string, n int) intents.Result {
	r := intents.Result{Subject: v, Since: ago(day), Until: testNow, Truncated: true, Next: "cursor"}
	appRaw := raw(map[string]any{"settings": map[string]any{"app": map[string]any{"url": v}, "oauthClient": map[string]any{"redirect_uris": []string{v, v, v, v, v, v, v}}}})
	for i := range n {
		id := fmt.Sprintf("id%04d", i)
		r.Users = append(r.Users, intents.User{ID: id, Status: v, Login: v, Email: v + "x", DisplayName: v, Department: v, Title: v, LastLogin: testNow})
		r.Groups = append(r.Groups, intents.Group{ID: id, Name: v, Description: v, Type: v})
		r.Apps = append(r.Apps, intents.App{ID: id, Name: v, Label: v, Status: v, SignOnMode: v, Raw: appRaw})
		r.Assignments = append(r.Assignments, intents.Assignment{Type: []string{"user", "group"}[i%2], ID: id, Name: v, Status: v, Scope: v})
		r.Policies = append(r.Policies, intents.Policy{ID: id, Name: v, Type: v, Status: v, Description: v, Priority: i})
		r.Rules = append(r.Rules, intents.PolicyRule{ID: id, Name: v, Status: v, Summary: v, Priority: i})
		a := intents.Actor{ID: id, Type: v, AlternateID: v, DisplayName: v + "y"}
		r.Events = append(r.Events, intents.Event{UUID: id, Published: testNow, EventType: v, DisplayMessage: v, Actor: a, Targets: []intents.Actor{a, a},
			Outcome: intents.EventOutcome{Result: v, Reason: v}, Client: intents.EventClient{IP: v, City: v, Country: v}, Security: intents.Security{IsProxy: true},
			Debug: map[string]string{"threatSuspected": "true", "risk": "level=HIGH"}})
		if i < 20 {
			r.Findings = append(r.Findings, intents.Finding{Detection: v, Severity: intents.SeverityCritical, Score: 99, User: v, Summary: v,
				Evidence: []intents.Evidence{{Text: v, Points: 1}, {Text: v, Points: 2}, {Text: v}, {Text: v}, {Text: v}, {Text: v}, {Text: v}, {Text: v}}})
			r.Proposals = append(r.Proposals, intents.Action{Kind: intents.SuspendUser, User: &intents.Ref{Type: "user", ID: id, Name: v}, Confidence: 90})
		}
	}
	r.Profile = &intents.UserProfile{User: r.Users[0], Groups: r.Groups, Apps: r.Apps}
	for range n {
		r.Profile.Factors = append(r.Profile.Factors, intents.Factor{Type: v, Provider: v, Status: v, Name: v})
	}
	scopes := []string{v, v + "1", v + "2"}
	r.Status = &intents.OrgStatus{OrgURL: v, ClientID: v, TokenType: v, TokenExpires: testNow, Requested: scopes, Granted: scopes, Missing: scopes, AdminRoleNote: v}
	return r
}

func TestWorstCasesEveryKind(t *testing.T) {
	values := map[string]string{
		"3000-char name":     strings.Repeat("Jöhn Smïth ", 273)[:3000],
		"mentions and links": "<!channel> <!here> <@U123> <#C1|general> <https://evil.example|click> &amp; & <b>",
		"all escapes":        strings.Repeat("<&>", 1000),
		"non-latin":          "Иван Петров 王小明 👩‍💻 דנה כהן مهندسة 🇩🇪",
		"long cjk":           strings.Repeat("安全部", 1000),
		"emoji wall":         strings.Repeat("👩‍👩‍👧‍👦", 500),
		"control chars":      "a\x1b[2J\u202Egnp.exe\r\n\x00b",
	}
	for vname, v := range values {
		data := map[int]intents.Result{1: hostileResult(v, 1), 1000: hostileResult(v, 1000)}
		for _, kind := range intents.Kinds() {
			if kind.IsAction() {
				continue
			}
			for _, n := range []int{1, 1000} {
				t.Run(fmt.Sprintf("%s/%s/%d", vname, kind, n), func(t *testing.T) {
					r := forKind(data[n], kind, v)
					m := Result(r, Options{Now: testNow, Page: 2})
					if err := Validate(m); err != nil {
						t.Fatalf("Validate(Result(%s)) = %v", kind, err)
					}
					if !utf8.ValidString(m.Text) {
						t.Errorf("Result(%s).Text is not UTF-8", kind)
					}
					checkInert(t, "text", m.Text)
					for _, s := range mrkdwnTexts(t, m) {
						if !utf8.ValidString(s) {
							t.Errorf("Result(%s): mrkdwn is not UTF-8: %.60q", kind, s)
						}
						checkInert(t, string(kind), s)
						if strings.ContainsAny(s, "\x1b\x00\u202E\r") {
							t.Errorf("Result(%s): control character in %.60q", kind, s)
						}
					}
					if strings.Contains(mustJSON(t, m), "too large to show") {
						t.Errorf("Result(%s) fell back to the too-large message", kind)
					}
				})
			}
		}
	}
}

func mustJSON(t *testing.T, m Message) string {
	t.Helper()
	b, err := json.Marshal(m.Blocks)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return string(b)
}

func TestLongDisplayNameTruncated(t *testing.T) {
	name := strings.Repeat("Ж", 2999) + "!"
	u := john()
	u.DisplayName = name
	for _, r := range []intents.Result{
		{Intent: intents.Intent{Kind: intents.UserDetails, User: "x"}, Profile: &intents.UserProfile{User: u}},
		{Intent: intents.Intent{Kind: intents.ListUsers}, Users: []intents.User{u}},
	} {
		m := Result(r, Options{})
		if err := Validate(m); err != nil {
			t.Fatalf("Validate(Result(%s)) = %v", r.Intent.Kind, err)
		}
		all := m.Text + strings.Join(mrkdwnTexts(t, m), "\n")
		if strings.Contains(all, "Ж!") || !strings.Contains(all, "ЖЖЖ…") {
			t.Errorf("Result(%s) did not cut the 3,000-character name with …", r.Intent.Kind)
		}
		if !strings.Contains(all, "john.smith@company.com") {
			t.Errorf("Result(%s) lost the login next to a long name", r.Intent.Kind)
		}
	}
}

func TestPagingThousandRows(t *testing.T) {
	users := manyUsers(1000)
	in := intents.Intent{Kind: intents.ListUsers, Status: "ACTIVE"}
	r := intents.Result{Intent: in, Users: users}
	seen := map[string]int{}
	pages := (1000 + DefaultPageSize - 1) / DefaultPageSize
	for page := 1; page <= pages; page++ {
		m := Result(r, Options{Page: page})
		if err := Validate(m); err != nil {
			t.Fatalf("Validate(Result page %d) = %v", page, err)
		}
		for _, s := range mrkdwnTexts(t, m) {
			for _, line := range strings.Split(s, "\n") {
				if i := strings.Index(line, "user0"); i >= 0 {
					seen[line[i:i+8]]++
				}
			}
		}
		_, choices := Plain(m)
		byAction := map[string]Choice{}
		for _, c := range choices {
			byAction[c.ActionID] = c
		}
		check := func(action string, wantPage int, want bool) {
			c, ok := byAction[action]
			if ok != want {
				t.Fatalf("page %d: button %s present = %v, want %v", page, action, ok, want)
			}
			if !ok {
				return
			}
			gotIn, gotPage, err := DecodePageValue(c.Value)
			if err != nil || gotPage != wantPage || gotIn.Kind != in.Kind || gotIn.Status != in.Status {
				t.Fatalf("page %d: %s value decodes to %+v, %d, %v; want page %d of %+v", page, action, gotIn, gotPage, err, wantPage, in)
			}
		}
		check(ActionPrev, page-1, page > 1)
		check(ActionNext, page+1, page < pages)
		check(ActionExport, page, true)
		wantPos := fmt.Sprintf("Page %s of %s", count(page), count(pages))
		if !strings.Contains(strings.Join(mrkdwnTexts(t, m), "\n"), wantPos) {
			t.Errorf("page %d does not say %q", page, wantPos)
		}
	}
	if len(seen) != 1000 {
		t.Errorf("paging showed %d distinct users, want 1000", len(seen))
	}
	for login, n := range seen {
		if n != 1 {
			t.Errorf("%s shown %d times across pages", login, n)
		}
	}
}

func TestPageClampAndSize(t *testing.T) {
	r := intents.Result{Intent: intents.Intent{Kind: intents.ListGroups}, Groups: make([]intents.Group, 100)}
	for i := range r.Groups {
		r.Groups[i] = intents.Group{ID: fmt.Sprint(i), Name: fmt.Sprintf("g%03d", i)}
	}
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"default size", Options{}, "Page 1 of 7 · 1–15 of 100 groups"},
		{"page past the end", Options{Page: 999}, "Page 7 of 7 · 91–100 of 100 groups"},
		{"negative page", Options{Page: -3}, "Page 1 of 7"},
		{"custom size", Options{PageSize: 20, Page: 2}, "Page 2 of 5 · 21–40 of 100 groups"},
		{"size capped", Options{PageSize: 1000}, "Page 1 of 4 · 1–25 of 100 groups"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := Result(r, tc.opts)
			if err := Validate(m); err != nil {
				t.Fatalf("Validate(Result(%+v)) = %v", tc.opts, err)
			}
			if all := strings.Join(mrkdwnTexts(t, m), "\n"); !strings.Contains(all, tc.want) {
				t.Errorf("Result(%+v) does not say %q", tc.opts, tc.want)
			}
		})
	}
}

func TestTruncatedCursorNext(t *testing.T) {
	r := intents.Result{Intent: intents.Intent{Kind: intents.ListUsers}, Users: manyUsers(20), Truncated: true, Next: "00u00019"}
	m := Result(r, Options{Page: 2})
	_, choices := Plain(m)
	var next *Choice
	for i := range choices {
		if choices[i].ActionID == ActionNext {
			next = &choices[i]
		}
	}
	if next == nil {
		t.Fatalf("last page of a truncated listing has no ▶ Next: %+v", choices)
	}
	in, page, err := DecodePageValue(next.Value)
	if err != nil || in.After != "00u00019" || page != 1 {
		t.Errorf("▶ Next decodes to %+v, %d, %v; want the cursor and page 1", in, page, err)
	}
	if all := strings.Join(mrkdwnTexts(t, m), "\n"); !strings.Contains(all, "stopped at 20 users") {
		t.Errorf("truncated listing does not say so")
	}
}

func TestSecretsNeverShown(t *testing.T) {
	for _, tc := range goldenCases() {
		m := Result(tc.r, tc.opts)
		all := m.Text + mustJSON(t, m)
		for _, secret := range []string{"SUPERSECRET", "SECRET-TOKEN", "123-45-6789", "0134\"", "415-555"} {
			if strings.Contains(all, secret) {
				t.Errorf("Result(%s) shows %q", tc.name, secret)
			}
		}
	}
}

func TestTimeZoneOnlyInFallback(t *testing.T) {
	r := intents.Result{Intent: intents.Intent{Kind: intents.ListUsers}, Users: someUsers()[:1]}
	tz := time.FixedZone("JST", 9*3600)
	got := strings.Join(mrkdwnTexts(t, Result(r, Options{TZ: tz})), "\n")
	if !strings.Contains(got, "^{date_short_pretty} {time}|2026-11-28 18:00 JST>") {
		t.Errorf("date token fallback not in TZ: %s", got)
	}
}

func TestEmptyFields(t *testing.T) {
	r := intents.Result{
		Users:       []intents.User{{ID: "00uEMPTY"}},
		Groups:      []intents.Group{{ID: "00gEMPTY"}},
		Apps:        []intents.App{{ID: "0oaEMPTY"}},
		Assignments: []intents.Assignment{{ID: "00uA"}, {Type: "group", ID: "00gA"}},
		Policies:    []intents.Policy{{ID: "00pEMPTY"}},
		Rules:       []intents.PolicyRule{{ID: "0prEMPTY"}},
		Events:      []intents.Event{{UUID: "ev-EMPTY"}},
		Findings:    []intents.Finding{{}},
		Proposals:   []intents.Action{{Kind: intents.SuspendUser}},
		Profile:     &intents.UserProfile{User: intents.User{ID: "00uEMPTY"}, Factors: []intents.Factor{{}}, Groups: []intents.Group{{}}},
		Status:      &intents.OrgStatus{},
	}
	for _, kind := range intents.Kinds() {
		if kind.IsAction() {
			continue
		}
		m := Result(forKind(r, kind, ""), Options{})
		if err := Validate(m); err != nil {
			t.Errorf("Validate(Result(%s, empty fields)) = %v", kind, err)
		}
		for _, s := range mrkdwnTexts(t, m) {
			if strings.Contains(s, "**") {
				t.Errorf("Result(%s, empty fields) has an empty bold: %q", kind, s)
			}
		}
		all := strings.Join(mrkdwnTexts(t, m), "\n")
		for k, id := range map[intents.Kind]string{intents.ListUsers: "00uEMPTY", intents.ListGroups: "00gEMPTY", intents.ListApps: "0oaEMPTY",
			intents.ListPolicies: "00pEMPTY", intents.PolicyRules: "0prEMPTY", intents.Logs: "ev-EMPTY", intents.AppAssignments: "00gA"} {
			if k == kind && !strings.Contains(all, id) {
				t.Errorf("Result(%s, empty fields) does not fall back to the id %s:\n%s", kind, id, all)
			}
		}
	}
}
