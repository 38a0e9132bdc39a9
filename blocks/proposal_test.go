package blocks

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
)

const (
	requester = "U0123ABCD"
	approver  = "U0APPROVER"
)

func johnRef() *intents.Ref {
	return &intents.Ref{Type: "user", ID: "00u1abcdJOHN", Name: "john.smith@company.com"}
}

// suspendProposal is a pending suspension proposed by an investigation,
// with confidence and evidence.
func suspendProposal() intents.Proposal {
	return intents.Proposal{
		ID: "p-7Q2MXK",
		Preview: intents.Preview{
			Action: intents.Action{
				Kind: intents.SuspendUser, User: johnRef(), Reason: "Tor login after 5 failures",
				Confidence: 91,
				Evidence: []intents.Evidence{
					{Text: "5 failed logins from 185.220.101.1 (Tor exit node)", Points: 30},
					{Text: "successful login from the same IP at 14:25", Points: 26},
					{Text: "access to 7 applications", Points: 10},
					{Text: "known device", Points: -5},
				},
			},
			Summary: "Suspend john.smith@company.com (John Smith): ACTIVE → SUSPENDED",
			Before:  "ACTIVE", After: "SUSPENDED",
			Impact: []string{"member of 3 groups: Engineering, VPN Users, Everyone", "7 app assignments: Salesforce, Slack, GitHub, AWS, Jira, Zoom, Workday"},
			Scope:  intents.ScopeUsersManage, Granted: true,
		},
		State:     intents.StatePending,
		Requester: requester,
		Channel:   "C0SEC",
		Created:   ago(10 * time.Minute),
		Expires:   testNow.Add(50 * time.Minute),
		Updated:   ago(10 * time.Minute),
	}
}

// decided moves p to state, decided by the approver five minutes ago.
func decided(p intents.Proposal, state intents.State) intents.Proposal {
	p.State = state
	p.DecidedBy = approver
	p.DecidedAt = ago(5 * time.Minute)
	p.Updated = ago(4 * time.Minute)
	return p
}

func executed(p intents.Proposal) intents.Proposal {
	p = decided(p, intents.StateExecuted)
	p.Outcome = &intents.ActionOutcome{
		Action: p.Preview.Action, Summary: "Done: " + p.Preview.Summary, Before: p.Preview.Before, After: p.Preview.After,
		RequestID: "YXBwLXJlcS0xMjM0", At: ago(4 * time.Minute),
	}
	return p
}

func clearSessionsProposal() intents.Proposal {
	p := suspendProposal()
	p.ID = "p-CLR9ZZ"
	p.Preview.Action.Kind = intents.ClearSessions
	p.Preview.Summary = "End every session of john.smith@company.com (John Smith) and revoke their OAuth tokens; they must sign in again"
	p.Preview.Before, p.Preview.After = "2 active sessions", "all sessions ended, OAuth tokens revoked"
	return p
}

// addMemberNoScope is a typed request from the command line whose scope
// the service app lacks.
func addMemberNoScope() intents.Proposal {
	return intents.Proposal{
		ID: "p-ADD4MB",
		Preview: intents.Preview{
			Action: intents.Action{Kind: intents.AddGroupMember, User: johnRef(),
				Group: &intents.Ref{Type: "group", ID: "00g2ENG", Name: "Engineering"}},
			Summary: "Add john.smith@company.com to Engineering",
			Before:  "not a member", After: "member",
			Impact: []string{"john.smith@company.com gains 4 apps assigned to the group: GitHub, AWS, Jira, Datadog"},
			Scope:  intents.ScopeGroupsManage, Granted: false,
		},
		State: intents.StatePending, Requester: "cli:alice",
		Created: ago(time.Hour), Expires: testNow.Add(23 * time.Hour),
	}
}

// createAppProposal carries Okta JSON with a client secret.
func createAppProposal() intents.Proposal {
	body := `{"name":"oidc_client","label":"Wiki","signOnMode":"OPENID_CONNECT","credentials":{"oauthClient":{"client_secret":"s3cr3t-DO-NOT-SHOW","token_endpoint_auth_method":"client_secret_basic"}},"settings":{"oauthClient":{"redirect_uris":["https://wiki.company.com/callback"]}}}`
	return intents.Proposal{
		ID: "p-APP5WK",
		Preview: intents.Preview{
			Action:  intents.Action{Kind: intents.CreateApp, App: &intents.Ref{Type: "app", Name: "Wiki"}, Body: json.RawMessage(body), Reason: "new wiki for IT-1234"},
			Summary: `Create the OPENID_CONNECT app "Wiki" (oidc_client), active`,
			Before:  `no app labelled "Wiki"`, After: `app "Wiki" exists (ACTIVE)`,
			Scope: intents.ScopeAppsManage, Granted: true,
		},
		State: intents.StatePending, Requester: requester,
		Created: ago(2 * time.Minute), Expires: testNow.Add(58 * time.Minute),
	}
}

func updateUserProposal() intents.Proposal {
	return intents.Proposal{
		ID: "p-UPD3US",
		Preview: intents.Preview{
			Action:  intents.Action{Kind: intents.UpdateUser, User: johnRef(), Fields: map[string]string{"department": "Finance", "title": "Controller"}},
			Summary: "Change department, title of john.smith@company.com (John Smith)",
			Before:  "department: Engineering, title: Senior Engineer", After: "department: Finance, title: Controller",
			Scope: intents.ScopeUsersManage, Granted: true,
		},
		State: intents.StatePending, Requester: requester,
		Created: ago(3 * time.Minute), Expires: testNow.Add(57 * time.Minute),
	}
}

func proposalGoldenCases() []struct {
	name string
	m    Message
} {
	opts := ProposalOptions{Now: testNow}
	executing := decided(suspendProposal(), intents.StateExecuting)
	failed := decided(suspendProposal(), intents.StateFailed)
	failed.Error = "john.smith@company.com changed since the proposal: expected ACTIVE, found SUSPENDED; nothing was changed"
	rejected := decided(addMemberNoScope(), intents.StateRejected)
	rejected.Reason = "Not without a ticket & a manager's OK <see #it-requests>"
	expired := suspendProposal()
	expired.State, expired.Updated = intents.StateExpired, expired.Expires
	unknown := decided(suspendProposal(), intents.StateUnknown)
	undo := executed(suspendProposal())
	undo.ID, undo.UndoOf = "p-UNDO22", "p-OLD111"
	clearPending := clearSessionsProposal()
	return []struct {
		name string
		m    Message
	}{
		{"proposal_pending", Proposal(suspendProposal(), opts)},
		{"proposal_pending_no_scope", Proposal(addMemberNoScope(), opts)},
		{"proposal_pending_body", Proposal(createAppProposal(), opts)},
		{"proposal_pending_attributes", Proposal(updateUserProposal(), opts)},
		{"proposal_executing", Proposal(executing, ProposalOptions{Now: testNow, Note: "⏳ Executing… approved by <@" + approver + ">"})},
		{"proposal_approved_default", Proposal(decided(suspendProposal(), intents.StateApproved), opts)},
		{"proposal_executed_undo", Proposal(executed(suspendProposal()), opts)},
		{"proposal_executed_no_undo", Proposal(executed(clearSessionsProposal()), opts)},
		{"proposal_executed_is_undo", Proposal(undo, opts)},
		{"proposal_failed", Proposal(failed, opts)},
		{"proposal_rejected", Proposal(rejected, opts)},
		{"proposal_expired", Proposal(expired, opts)},
		{"proposal_unknown", Proposal(unknown, opts)},
		{"proposal_detail_body", ProposalDetail(createAppProposal(), nil, testNow)},
		{"proposal_detail_attributes", ProposalDetail(updateUserProposal(), nil, testNow)},
		{"proposal_group_pending", ProposalGroup([]intents.Proposal{clearPending, suspendProposal()}, opts)},
		{"proposal_group_one_executed", ProposalGroup([]intents.Proposal{executed(clearPending), suspendProposal()}, opts)},
	}
}

func TestProposalGolden(t *testing.T) {
	for _, tc := range proposalGoldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			if err := Validate(tc.m); err != nil {
				t.Fatalf("Validate(%s) = %v", tc.name, err)
			}
			golden(t, tc.name+".json", messageJSON(t, tc.m))
			text, _ := Plain(tc.m)
			golden(t, tc.name+".txt", []byte(text+"\n"))
		})
	}
}

// buttonsOf lists "action_id=value" of every button, in order.
func buttonsOf(m Message) []string {
	_, choices := Plain(m)
	var out []string
	for _, c := range choices {
		out = append(out, c.ActionID+"="+c.Value)
	}
	return out
}

func TestProposalButtons(t *testing.T) {
	expiredByNow := suspendProposal()
	tests := []struct {
		name string
		p    intents.Proposal
		now  time.Time
		want []string
	}{
		{"pending", suspendProposal(), testNow, []string{"proposal_approve=p-7Q2MXK", "proposal_reject=p-7Q2MXK", "proposal_details=p-7Q2MXK"}},
		{"pending without Now", suspendProposal(), time.Time{}, []string{"proposal_approve=p-7Q2MXK", "proposal_reject=p-7Q2MXK", "proposal_details=p-7Q2MXK"}},
		{"scope missing: Reject only", addMemberNoScope(), testNow, []string{"proposal_reject=p-ADD4MB", "proposal_details=p-ADD4MB"}},
		{"pending but past Expires", expiredByNow, expiredByNow.Expires, []string{"proposal_details=p-7Q2MXK"}},
		{"approved", decided(suspendProposal(), intents.StateApproved), testNow, []string{"proposal_details=p-7Q2MXK"}},
		{"executing", decided(suspendProposal(), intents.StateExecuting), testNow, []string{"proposal_details=p-7Q2MXK"}},
		{"executed, reversible", executed(suspendProposal()), testNow, []string{"proposal_undo=p-7Q2MXK", "proposal_details=p-7Q2MXK"}},
		{"executed, clear_sessions has no undo", executed(clearSessionsProposal()), testNow, []string{"proposal_details=p-CLR9ZZ"}},
		{"failed", decided(suspendProposal(), intents.StateFailed), testNow, []string{"proposal_details=p-7Q2MXK"}},
		{"rejected", decided(suspendProposal(), intents.StateRejected), testNow, []string{"proposal_details=p-7Q2MXK"}},
		{"expired", decided(suspendProposal(), intents.StateExpired), testNow, []string{"proposal_details=p-7Q2MXK"}},
		{"unknown", decided(suspendProposal(), intents.StateUnknown), testNow, []string{"proposal_details=p-7Q2MXK"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := Proposal(tc.p, ProposalOptions{Now: tc.now})
			if err := Validate(m); err != nil {
				t.Fatalf("Validate(Proposal(%s)) = %v", tc.name, err)
			}
			if diff := cmp.Diff(tc.want, buttonsOf(m)); diff != "" {
				t.Errorf("Proposal(%s) buttons (-want +got):\n%s", tc.name, diff)
			}
			if d := ProposalDetail(tc.p, nil, tc.now); len(buttonsOf(d)) != 0 {
				t.Errorf("ProposalDetail(%s) has buttons %v, want none", tc.name, buttonsOf(d))
			}
		})
	}
}

func TestProposalPlainChoices(t *testing.T) {
	text, choices := Plain(Proposal(suspendProposal(), ProposalOptions{Now: testNow}))
	if !strings.Contains(text, "[1] Approve  [2] Reject  [3] Details") {
		t.Errorf("Plain(Proposal(pending)) lacks the choices line:\n%s", text)
	}
	want := []Choice{
		{N: 1, Label: "Approve", ActionID: ActionApprove, BlockID: "decision", Value: "p-7Q2MXK"},
		{N: 2, Label: "Reject", ActionID: ActionReject, BlockID: "decision", Value: "p-7Q2MXK"},
		{N: 3, Label: "Details", ActionID: ActionDetails, BlockID: "decision", Value: "p-7Q2MXK"},
	}
	if diff := cmp.Diff(want, choices); diff != "" {
		t.Errorf("Plain(Proposal(pending)) choices (-want +got):\n%s", diff)
	}
}

// buttonJSON returns the decoded button with action id id, or nil.
func buttonJSON(t *testing.T, m Message, id string) map[string]any {
	t.Helper()
	raw, err := marshalBlocks(m.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	var found map[string]any
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			if x["type"] == "button" && x["action_id"] == id {
				found = x
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
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	walk(v)
	return found
}

func TestProposalApproveConfirm(t *testing.T) {
	m := Proposal(suspendProposal(), ProposalOptions{Now: testNow})
	approve := buttonJSON(t, m, ActionApprove)
	if approve == nil {
		t.Fatalf("Proposal(pending) has no %s button", ActionApprove)
	}
	if approve["style"] != "primary" {
		t.Errorf("Approve style = %v, want primary", approve["style"])
	}
	confirm, _ := approve["confirm"].(map[string]any)
	text, _ := confirm["text"].(map[string]any)["text"].(string)
	for _, want := range []string{"Suspend", "john.smith@company.com", "00u1abcdJOHN"} {
		if !strings.Contains(text, want) {
			t.Errorf("Approve confirm text %q does not name %q", text, want)
		}
	}
	if reject := buttonJSON(t, m, ActionReject); reject == nil || reject["style"] != "danger" {
		t.Errorf("Reject button = %v, want style danger", reject)
	}
}

func TestProposalContent(t *testing.T) {
	tests := []struct {
		name    string
		m       Message
		want    []string // in Plain's text
		notWant []string
		text    []string // in the fallback
	}{
		{"pending card shows ids, change, reason, evidence, confidence, people, times",
			Proposal(suspendProposal(), ProposalOptions{Now: testNow}),
			[]string{"Proposed action: Suspend john.smith@company.com", "`00u1abcdJOHN`", "Before → After: ACTIVE → SUSPENDED",
				"Reason: Tor login after 5 failures", "Evidence:\n• 5 failed logins from 185.220.101.1 (Tor exit node)", "Confidence: Critical (91%)",
				"Requested by @U0123ABCD", "expires 2026-11-28 12:50 UTC (in 50 minutes)", "`p-7Q2MXK`"},
			[]string{"not granted", "7 app assignments", "(+30)", "okta.users.manage"},
			[]string{"Proposal p-7Q2MXK: Suspend john.smith@company.com — waiting for approval", "<@U0123ABCD>"}},
		{"details show impact, every scored item and the scope",
			ProposalDetail(suspendProposal(), nil, testNow),
			[]string{"Proposal: Suspend john.smith@company.com", "7 app assignments", "(+30)", "(-5)", "okta.users.manage"}, nil, nil},
		{"no scope warns and names the scope",
			Proposal(addMemberNoScope(), ProposalOptions{Now: testNow}),
			[]string{"oktabot's service app lacks the scope `okta.groups.manage`: grant it in Okta before this can be approved",
				"Add john.smith@company.com to Engineering", "`00g2ENG`", "Requested by cli:alice", "Reason: none given"},
			[]string{"Approve", "@cli"},
			[]string{"cannot be approved yet"}},
		{"body is shown with secrets redacted",
			ProposalDetail(createAppProposal(), nil, testNow),
			[]string{"Proposal: Create app Wiki", "Application: Wiki (new)", `"client_secret": "•••"`, `"token_endpoint_auth_method": "client_secret_basic"`, "redirect_uris"},
			[]string{"s3cr3t"},
			nil},
		{"attributes listed",
			ProposalDetail(updateUserProposal(), nil, testNow),
			[]string{"`department`: Finance", "`title`: Controller"}, nil, nil},
		{"executed says what was done, by whom, with the request id",
			Proposal(executed(suspendProposal()), ProposalOptions{Now: testNow}),
			[]string{"✅ Done: Suspend john.smith@company.com", "Approved by @U0APPROVER 2026-11-28 11:55 UTC", "Okta request id `YXBwLXJlcS0xMjM0`", "Undo proposes unsuspend"},
			[]string{"expires"},
			[]string{"done: ACTIVE → SUSPENDED (approved by <@U0APPROVER>"}},
		{"failed says not done and who approved",
			Proposal(func() intents.Proposal {
				p := decided(suspendProposal(), intents.StateFailed)
				p.Error = "Okta said <b>no</b>"
				return p
			}(), ProposalOptions{}),
			[]string{"❌ Not done: Okta said <b>no</b>", "Approved by @U0APPROVER"}, nil, []string{"not done: Okta said &lt;b&gt;no&lt;/b&gt;"}},
		{"rejected with reason",
			Proposal(func() intents.Proposal {
				p := decided(suspendProposal(), intents.StateRejected)
				p.Reason = "false positive"
				return p
			}(), ProposalOptions{}),
			[]string{"🚫 Rejected by @U0APPROVER", "Why: false positive"}, []string{"Approve"}, []string{"rejected by <@U0APPROVER>: false positive"}},
		{"expired",
			Proposal(decided(suspendProposal(), intents.StateExpired), ProposalOptions{}),
			[]string{"⌛ Expired 2026-11-28 12:50 UTC without a decision."}, nil, nil},
		{"unknown tells a person to check by hand",
			Proposal(decided(suspendProposal(), intents.StateUnknown), ProposalOptions{}),
			[]string{"oktabot stopped while this was executing. It was not re-run: check the target in Okta and act by hand if needed."}, nil, nil},
		{"executing without a note",
			Proposal(decided(suspendProposal(), intents.StateExecuting), ProposalOptions{}),
			[]string{"⏳ Executing… approved by @U0APPROVER"}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := Validate(tc.m); err != nil {
				t.Fatalf("Validate = %v", err)
			}
			text, _ := Plain(tc.m)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("Plain text lacks %q:\n%s", w, text)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(text, w) || strings.Contains(tc.m.Text, w) {
					t.Errorf("message has %q, want not:\n%s", w, text)
				}
			}
			for _, w := range tc.text {
				if !strings.Contains(tc.m.Text, w) {
					t.Errorf("fallback %q lacks %q", tc.m.Text, w)
				}
			}
			if strings.Contains(tc.m.Text, "\n") {
				t.Errorf("fallback %q is not one line", tc.m.Text)
			}
		})
	}
}

func TestProposalNote(t *testing.T) {
	p := decided(suspendProposal(), intents.StateExecuting)
	m := Proposal(p, ProposalOptions{Note: "⏳ Executing… approved by <@U0APPROVER> <!channel> <@U1|x> <https://evil.example|click> & co"})
	texts := mrkdwnTexts(t, m)
	status := texts[len(texts)-1]
	want := "⏳ Executing… approved by <@U0APPROVER> &lt;!channel&gt; &lt;@U1|x&gt; &lt;https://evil.example|click&gt; &amp; co"
	if status != want {
		t.Errorf("Proposal(Note) status = %q, want %q", status, want)
	}
}

func TestPersonMentionsOnlySlackIDs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"U0123ABCD", "<@U0123ABCD>"},
		{"W0123ABCD", "<@W0123ABCD>"},
		{"cli:alice", "cli:alice"},
		{"u0123abcd", "u0123abcd"},
		{"U1", "U1"},
		{"<!channel>", "&lt;!channel&gt;"},
		{"U0123ABCD>", "U0123ABCD&gt;"},
		{"U012345678901234567890123", "U012345678901234567890123"},
	}
	for _, tc := range tests {
		if got := person(tc.in, 80); got != tc.want {
			t.Errorf("person(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestActionTitles(t *testing.T) {
	u := johnRef()
	g := &intents.Ref{Type: "group", ID: "00g2", Name: "Engineering"}
	pol := &intents.Ref{Type: "policy", ID: "00p1", Name: "Contractors"}
	rule := &intents.Ref{Type: "rule", ID: "0pr1", Name: "Require MFA"}
	tests := []struct {
		a    intents.Action
		want string
	}{
		{intents.Action{Kind: intents.SuspendUser, User: u}, "Suspend john.smith@company.com"},
		{intents.Action{Kind: intents.ResetFactors, User: u}, "Reset the MFA factors of john.smith@company.com"},
		{intents.Action{Kind: intents.RemoveGroupMember, User: u, Group: g}, "Remove john.smith@company.com from Engineering"},
		{intents.Action{Kind: intents.DeactivateApp, App: &intents.Ref{Type: "app", ID: "0oa1", Name: "Salesforce"}}, "Deactivate app Salesforce"},
		{intents.Action{Kind: intents.CreateApp, Body: json.RawMessage(`{"label":"Wiki"}`)}, "Create app Wiki"},
		{intents.Action{Kind: intents.CreatePolicy, Body: json.RawMessage(`{"name":"Contractors"}`)}, "Create policy Contractors"},
		{intents.Action{Kind: intents.CreatePolicyRule, Policy: pol, Body: json.RawMessage(`{"name":"Require MFA"}`)}, "Create rule Require MFA in policy Contractors"},
		{intents.Action{Kind: intents.DeactivatePolicyRule, Policy: pol, Rule: rule}, "Deactivate rule Require MFA of policy Contractors"},
		{intents.Action{Kind: intents.SuspendUser, User: &intents.Ref{ID: "00u9"}}, "Suspend 00u9"},
		{intents.Action{}, "Change"},
	}
	for _, tc := range tests {
		got := actionTitle(tc.a, func(name, _ string) string { return name })
		if got != tc.want {
			t.Errorf("actionTitle(%s) = %q, want %q", tc.a.Kind, got, tc.want)
		}
	}
	for _, k := range intents.Catalogue {
		if !k.Action {
			continue
		}
		a := intents.Action{Kind: k.Kind, User: u, Group: g, App: &intents.Ref{Type: "app", ID: "0oa1", Name: "Wiki"}, Policy: pol, Rule: rule}
		got := actionTitle(a, func(name, _ string) string { return name })
		if strings.Contains(got, "_") || !strings.ContainsAny(got, "jEWCR") {
			t.Errorf("actionTitle(%s) = %q: want plain words naming a target", k.Kind, got)
		}
	}
}

// liveToken finds Slack tokens in mrkdwn.
var liveToken = regexp.MustCompile(`<[^>]*>`)

// checkOnlyOurTokens fails if mrkdwn holds a token other than a date or
// a mention of one of ids, or a bare &.
func checkOnlyOurTokens(t *testing.T, where, s string, ids ...string) {
	t.Helper()
	for _, tok := range liveToken.FindAllString(s, -1) {
		ok := strings.HasPrefix(tok, "<!date^")
		for _, id := range ids {
			ok = ok || tok == "<@"+id+">"
		}
		if !ok {
			t.Errorf("%s: live token %.60q in %.80q", where, tok, s)
		}
	}
	checkInert(t, where, liveToken.ReplaceAllString(s, ""))
}

// hostileProposal fills every text of a proposal with v, n times where
// there are lists.
func hostileProposal(v string, n int, state intents.State) intents.Proposal {
	ref := func() *intents.Ref { return &intents.Ref{Type: v, ID: v, Name: v} }
	ev := make([]intents.Evidence, n)
	impact := make([]string, n)
	fields := map[string]string{}
	for i := range n {
		ev[i] = intents.Evidence{Text: v, Points: i}
		impact[i] = v
		fields[fmt.Sprintf("attr%03d", i)] = v
	}
	body, _ := json.Marshal(map[string]any{"label": v, "settings": map[string]any{"app": map[string]any{"url": v, "note": strings.Repeat(v, 3)}}})
	if len(body) > 16<<10 {
		body, _ = json.Marshal(map[string]any{"label": v[:min(len(v), 5000)]})
	}
	return intents.Proposal{
		ID: "p-HOST1L",
		Preview: intents.Preview{
			Action: intents.Action{Kind: intents.UpdateApp, User: ref(), Group: ref(), App: ref(), Policy: ref(), Rule: ref(),
				Fields: fields, Body: body, Reason: v, Confidence: 99, Evidence: ev},
			Summary: v, Before: v, After: v, Impact: impact, Scope: v, Granted: true,
		},
		State: state, Requester: v, Created: ago(time.Hour), Expires: testNow.Add(time.Hour),
		DecidedBy: v, DecidedAt: ago(time.Minute), Reason: v, Error: v, Updated: ago(time.Minute),
		Outcome: &intents.ActionOutcome{Summary: v, Before: v, After: v, RequestID: v, Created: ref()},
		UndoOf:  v,
	}
}

func hostileValues() map[string]string {
	return map[string]string{
		"3000-char name":     strings.Repeat("Jöhn Smïth ", 273)[:3000],
		"mentions and links": "<!channel> <!here> <@U123> <#C1|general> <https://evil.example|click> &amp; & <b> ```",
		"all escapes":        strings.Repeat("<&>", 1000),
		"non-latin":          "Иван Петров 王小明 👩‍💻 דנה כהן مهندسة 🇩🇪",
		"long cjk":           strings.Repeat("安全部", 1000),
		"control chars":      "a\x1b[2J\u202Egnp.exe\r\n\x00b",
	}
}

func TestProposalHostile(t *testing.T) {
	states := []intents.State{intents.StatePending, intents.StateApproved, intents.StateExecuting, intents.StateExecuted,
		intents.StateFailed, intents.StateRejected, intents.StateExpired, intents.StateUnknown, "bogus"}
	for vname, v := range hostileValues() {
		for _, state := range states {
			for _, n := range []int{1, 60} {
				t.Run(fmt.Sprintf("%s/%s/%d", vname, state, n), func(t *testing.T) {
					p := hostileProposal(v, n, state)
					history := make([]intents.AuditRecord, n)
					for i := range history {
						history[i] = intents.AuditRecord{At: testNow, Event: v, Requester: v, Approver: v, Result: v, RequestID: v, Before: v, After: v, Detail: v}
					}
					for name, m := range map[string]Message{
						"Proposal":       Proposal(p, ProposalOptions{Now: testNow, Note: v}),
						"ProposalDetail": ProposalDetail(p, history, testNow),
						"Pending":        Pending([]intents.Proposal{p, p, p}, testNow),
					} {
						if err := Validate(m); err != nil {
							t.Fatalf("Validate(%s) = %v", name, err)
						}
						if !utf8.ValidString(m.Text) || strings.ContainsAny(m.Text, "\n\x1b\x00\u202E") {
							t.Errorf("%s fallback is not one clean line: %.80q", name, m.Text)
						}
						// The Note is the bot's own text: its mentions stay live.
						var allowed []string
						if name == "Proposal" {
							allowed = []string{"U123"}
						}
						checkOnlyOurTokens(t, name+" text", m.Text, allowed...)
						for _, s := range mrkdwnTexts(t, m) {
							checkOnlyOurTokens(t, name, s, allowed...)
							if strings.ContainsAny(s, "\x1b\x00\u202E\r") || !utf8.ValidString(s) {
								t.Errorf("%s: control character or bad UTF-8 in %.60q", name, s)
							}
						}
					}
					if state == intents.StatePending {
						got := buttonsOf(Proposal(p, ProposalOptions{Now: testNow}))
						if diff := cmp.Diff([]string{"proposal_approve=p-HOST1L", "proposal_reject=p-HOST1L", "proposal_details=p-HOST1L"}, got); diff != "" {
							t.Errorf("hostile pending proposal lost its buttons (-want +got):\n%s", diff)
						}
					}
				})
			}
		}
	}
}

func TestProposalEveryActionKind(t *testing.T) {
	for _, k := range intents.Catalogue {
		if !k.Action {
			continue
		}
		t.Run(string(k.Kind), func(t *testing.T) {
			p := suspendProposal()
			p.Preview.Action.Kind = k.Kind
			for _, s := range []intents.State{intents.StatePending, intents.StateExecuted} {
				p.State = s
				m := Proposal(p, ProposalOptions{Now: testNow})
				if err := Validate(m); err != nil {
					t.Fatalf("Validate(Proposal(%s, %s)) = %v", k.Kind, s, err)
				}
				hasUndo := strings.Contains(strings.Join(buttonsOf(m), " "), ActionUndo)
				if want := s == intents.StateExecuted && k.Undo != ""; hasUndo != want {
					t.Errorf("Proposal(%s, %s) Undo button = %v, want %v", k.Kind, s, hasUndo, want)
				}
			}
		})
	}
}

func TestRedactBody(t *testing.T) {
	body := json.RawMessage(`{"password":"p1","clientSecret":"s1","api_key":"k1","accessToken":"t1","token_endpoint_auth_method":"private_key_jwt",` +
		`"jwks":{"keys":[{"kty":"RSA","kid":"k","n":"modulus","e":"AQAB","d":"private-d","p":"private-p"}]},"name":"ok"}`)
	got := bodyText(body, 3000)
	for _, secret := range []string{"p1", "s1", "k1", "t1", "private-d", "private-p"} {
		if strings.Contains(got, `"`+secret+`"`) {
			t.Errorf("bodyText shows secret %q:\n%s", secret, got)
		}
	}
	for _, keep := range []string{"private_key_jwt", "modulus", "AQAB", `"name": "ok"`} {
		if !strings.Contains(got, keep) {
			t.Errorf("bodyText hides %q, which is no secret:\n%s", keep, got)
		}
	}
}
