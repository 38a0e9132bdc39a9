package blocks

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// manyProposals makes n pending proposals, given newest first so that
// Pending must sort them.
func manyProposals(n int) []intents.Proposal {
	ps := make([]intents.Proposal, n)
	for i := range ps {
		p := suspendProposal()
		p.ID = fmt.Sprintf("p-%06d", i)
		p.Created = ago(time.Duration(i) * time.Minute)
		p.Expires = p.Created.Add(time.Hour)
		p.Preview.Action.User = &intents.Ref{Type: "user", ID: fmt.Sprintf("00u%017d", i), Name: fmt.Sprintf("user%04d@company.com", i)}
		p.Preview.Summary = fmt.Sprintf("Suspend user%04d@company.com (User %04d): ACTIVE → SUSPENDED", i, i)
		if i%4 == 1 {
			p.Requester = "cli:alice"
		}
		ps[i] = p
	}
	return ps
}

func threeProposals() []intents.Proposal {
	return []intents.Proposal{createAppProposal(), addMemberNoScope(), suspendProposal()}
}

func auditHistory() []intents.AuditRecord {
	p := executed(suspendProposal())
	target := "user john.smith@company.com (00u1abcdJOHN)"
	return []intents.AuditRecord{
		{Seq: 1, At: p.Created, ProposalID: p.ID, Event: "requested", Requester: requester, Action: intents.SuspendUser, Target: target},
		{Seq: 2, At: ago(7 * time.Minute), ProposalID: p.ID, Event: "refused", Requester: requester, Approver: requester, Action: intents.SuspendUser, Target: target,
			Result: "the requester may not approve their own proposal"},
		{Seq: 3, At: p.DecidedAt, ProposalID: p.ID, Event: "approved", Requester: requester, Approver: approver, Action: intents.SuspendUser, Target: target},
		{Seq: 4, At: p.DecidedAt, ProposalID: p.ID, Event: "executing", Requester: requester, Approver: approver, Action: intents.SuspendUser, Target: target},
		{Seq: 5, At: p.Updated, ProposalID: p.ID, Event: "executed", Requester: requester, Approver: approver, Action: intents.SuspendUser, Target: target,
			Result: "Done: Suspend john.smith@company.com", RequestID: "YXBwLXJlcS0xMjM0", Before: "ACTIVE", After: "SUSPENDED"},
	}
}

func TestPendingGolden(t *testing.T) {
	tests := []struct {
		name string
		m    Message
	}{
		{"proposal_list_empty", Pending(nil, testNow)},
		{"proposal_list_3", Pending(threeProposals(), testNow)},
		{"proposal_list_45", Pending(manyProposals(45), testNow)},
		{"proposal_detail", ProposalDetail(executed(suspendProposal()), auditHistory(), testNow)},
		{"proposal_detail_no_history", ProposalDetail(addMemberNoScope(), nil, testNow)},
	}
	for _, tc := range tests {
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

func TestPendingList(t *testing.T) {
	tests := []struct {
		name     string
		ps       []intents.Proposal
		listed   int
		more     string
		fallback string
	}{
		{"empty", nil, 0, "", "No open proposals."},
		{"three", threeProposals(), 3, "", "Open proposals: 3; oldest p-ADD4MB"},
		{"forty", manyProposals(40), 40, "", "Open proposals: 40; oldest p-000039"},
		{"forty-five", manyProposals(45), 40, "and 5 more open proposals", "Open proposals: 45; oldest p-000044"},
		{"a thousand", manyProposals(1000), 40, "and 960 more open proposals", "Open proposals: 1,000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := Pending(tc.ps, testNow)
			if err := Validate(m); err != nil {
				t.Fatalf("Validate(Pending(%d)) = %v", len(tc.ps), err)
			}
			text, _ := Plain(m)
			if got := strings.Count(text, "↳ by "); got != tc.listed {
				t.Errorf("Pending(%d) lists %d proposals, want %d:\n%s", len(tc.ps), got, tc.listed, text)
			}
			if tc.more != "" && !strings.Contains(text, tc.more) {
				t.Errorf("Pending(%d) lacks %q:\n%s", len(tc.ps), tc.more, text)
			}
			if !strings.HasPrefix(m.Text, tc.fallback) {
				t.Errorf("Pending(%d).Text = %q, want it to start with %q", len(tc.ps), m.Text, tc.fallback)
			}
			if len(tc.ps) == 0 && !strings.Contains(text, "No open proposals.") {
				t.Errorf("Pending(nil) = %q, want No open proposals.", text)
			}
		})
	}
}

func TestPendingOrderAndFlags(t *testing.T) {
	late := suspendProposal()
	late.ID = "p-LATE01"
	late.Expires = ago(time.Minute)
	ps := append(threeProposals(), late)
	text, _ := Plain(Pending(ps, testNow))
	order := []string{"p-ADD4MB", "p-LATE01", "p-APP5WK"} // created 60, 10, 2 minutes ago
	last := -1
	for _, id := range order {
		i := strings.Index(text, id)
		if i < last {
			t.Errorf("Pending: %s is out of order (oldest first):\n%s", id, text)
		}
		last = i
	}
	for _, want := range []string{
		"by cli:alice · expires 2026-11-29 11:00 UTC (in 23 hours) · ⚠️ missing scope `okta.groups.manage`",
		"⌛ expired 2026-11-28 11:59 UTC",
		"by @U0123ABCD · expires 2026-11-28 12:58 UTC (in 58 minutes)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("Pending lacks %q:\n%s", want, text)
		}
	}
}

func TestProposalDetailHistory(t *testing.T) {
	m := ProposalDetail(executed(suspendProposal()), auditHistory(), testNow)
	text, _ := Plain(m)
	for _, want := range []string{
		"requested by @U0123ABCD",
		"refused by @U0123ABCD — the requester may not approve their own proposal",
		"approved by @U0APPROVER",
		"executed by @U0APPROVER — Done: Suspend john.smith@company.com · ACTIVE → SUSPENDED · Okta request id `YXBwLXJlcS0xMjM0`",
		"✅ Done: Suspend",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("ProposalDetail lacks %q:\n%s", want, text)
		}
	}
	many := make([]intents.AuditRecord, 100)
	for i := range many {
		many[i] = intents.AuditRecord{At: testNow, Event: "refused", Approver: fmt.Sprintf("U%08d", i)}
	}
	m = ProposalDetail(suspendProposal(), many, testNow)
	if err := Validate(m); err != nil {
		t.Fatalf("Validate(ProposalDetail(100 records)) = %v", err)
	}
	text, _ = Plain(m)
	if !strings.Contains(text, "80 earlier records not shown") || !strings.Contains(text, "U00000099") || strings.Contains(text, "U00000079") {
		t.Errorf("ProposalDetail(100 records) does not show the latest 20:\n%s", text)
	}
}
