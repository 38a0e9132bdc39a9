package blocks

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// MaxPendingListed is how many proposals Pending lists; the rest are
// counted.
const MaxPendingListed = 40

// pendingPerSection is how many rows share one section block.
const pendingPerSection = 10

// Pending renders `/okta pending`: the open proposals, oldest first, each
// with its id, summary, requester and expiry (and a warning when its scope
// is missing or its time is up at now). At most MaxPendingListed are
// listed, then "and N more". The message always passes Validate.
func Pending(ps []intents.Proposal, now time.Time) Message {
	sorted := slices.Clone(ps)
	slices.SortStableFunc(sorted, func(a, b intents.Proposal) int {
		return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID))
	})
	title := ":ballot_box_with_check: Open proposals"
	if len(sorted) == 0 {
		return Message{Text: "No open proposals.", Blocks: []slack.Block{
			header("title", title),
			section("empty", ":white_check_mark: No open proposals."),
		}}
	}
	title += " (" + count(len(sorted)) + ")"
	for level := range numLevels {
		if m := pendingList(title, sorted, now, proposalLimitsAt(level)); Validate(m) == nil {
			return m
		}
	}
	// Last resort: ids only.
	ids := make([]string, 0, MaxPendingListed)
	for i, p := range sorted {
		if i == MaxPendingListed {
			break
		}
		ids = append(ids, code(p.ID, 64))
	}
	return Message{
		Text: "Open proposals: " + count(len(sorted)),
		Blocks: []slack.Block{header("title", title), section("rows_1", clipMarkup(strings.Join(ids, " "), MaxSectionText)),
			contextBlock("more", "`/okta proposal ID` shows one in full.")},
	}
}

func pendingList(title string, ps []intents.Proposal, now time.Time, c proposalLimits) Message {
	blocks := []slack.Block{header("title", title)}
	var rows []string
	flush := func() {
		if len(rows) > 0 {
			blocks = append(blocks, section("rows_"+count(len(blocks)), strings.Join(rows, "\n")))
			rows = nil
		}
	}
	for i, p := range ps {
		if i == MaxPendingListed {
			break
		}
		rows = append(rows, pendingRow(p, now, c))
		if len(rows) == pendingPerSection {
			flush()
		}
	}
	flush()
	foot := "`/okta proposal ID` shows one in full, with its history."
	if n := len(ps) - MaxPendingListed; n > 0 {
		foot = "… and " + plural(n, "more open proposal", "more open proposals") + ". " + foot
	}
	blocks = append(blocks, contextBlock("more", foot))
	oldest := ps[0]
	text := "Open proposals: " + count(len(ps)) + "; oldest " + esc(plainText(oldest.ID, 64)) + " " +
		actionTitle(oldest.Preview.Action, func(name, _ string) string { return esc(plainText(name, 80)) })
	return Message{Text: text, Blocks: blocks}
}

// pendingRow is one proposal of the list: two lines.
func pendingRow(p intents.Proposal, now time.Time, c proposalLimits) string {
	summary := md(p.Preview.Summary, c.rows)
	if summary == "" {
		summary = actionTitle(p.Preview.Action, func(name, _ string) string { return md(name, c.name) })
	}
	line := code(p.ID, 64) + " " + summary
	r := &proposalView{p: p, now: now, c: c, tz: zoneOf(now)}
	var flags []string
	switch {
	case r.expiredNow():
		flags = append(flags, "⌛ expired "+when(p.Expires, r.zone()))
	case p.State != intents.StatePending && p.State != "":
		flags = append(flags, "state "+md(string(p.State), 20))
	default:
		exp := when(p.Expires, r.zone())
		if rel := until(now, p.Expires); rel != "" && exp != "" {
			exp += " (" + rel + ")"
		}
		if exp != "" {
			flags = append(flags, "expires "+exp)
		}
	}
	if p.State == intents.StatePending && !p.Preview.Granted {
		flags = append(flags, ":warning: missing scope "+code(r.scope(), 60))
	}
	return line + "\n      ↳ " + joinNonEmpty(" · ", append([]string{"by " + person(p.Requester, c.name)}, flags...)...)
}

// ProposalDetail renders `/okta proposal ID`: the proposal as Proposal
// shows it, without buttons (decisions are made on the proposal's own
// message), then its audit history, oldest first. The message always
// passes Validate.
func ProposalDetail(p intents.Proposal, history []intents.AuditRecord, now time.Time) Message {
	return renderProposal(&proposalView{p: p, now: now, history: history, tz: zoneOf(now)})
}

// maxModalBlocks is Slack's limit on the blocks of a modal view.
const maxModalBlocks = 100

// ProposalDetailModal is what a proposal card's Details button opens: the
// whole proposal as ProposalDetail shows it, read-only.
func ProposalDetailModal(p intents.Proposal, history []intents.AuditRecord, now time.Time) slack.ModalViewRequest {
	m := ProposalDetail(p, history, now)
	bs := m.Blocks
	if len(bs) > maxModalBlocks {
		bs = bs[:maxModalBlocks]
	}
	return slack.ModalViewRequest{
		Type:   slack.VTModal,
		Title:  plain(clip("Proposal "+p.ID, 24)),
		Close:  plain("Close"),
		Blocks: slack.Blocks{BlockSet: bs},
	}
}

// historyBlocks are the audit records of ProposalDetail: the latest
// c.history of them, each on one line.
func (r *proposalView) historyBlocks() []slack.Block {
	hs := r.history
	if len(hs) == 0 {
		if r.buttons {
			return nil
		}
		return []slack.Block{divider("history_divider"), section("history", "*History:* no audit records.")}
	}
	var lines []string
	if n := len(hs) - r.c.history; n > 0 {
		lines = append(lines, "_… "+plural(n, "earlier record", "earlier records")+" not shown (`oktabot approvals audit` has them all)_")
		hs = hs[n:]
	}
	for _, h := range hs {
		lines = append(lines, r.historyLine(h))
	}
	return []slack.Block{divider("history_divider"), section("history", "*History*\n"+strings.Join(lines, "\n"))}
}

// historyLine is "• time *event* by who — result · before → after ·
// Okta request id".
func (r *proposalView) historyLine(h intents.AuditRecord) string {
	c := r.c
	who := h.Approver
	if h.Event == "requested" || who == "" {
		who = h.Requester
	}
	head := joinNonEmpty(" ", when(h.At, r.zone()), bold(md(h.Event, 20)), byWord(person(who, c.name)))
	var tail []string
	if s := md(h.Result, c.item); s != "" {
		tail = append(tail, s)
	}
	if h.Before != "" || h.After != "" {
		tail = append(tail, orDash(md(h.Before, c.item/2))+" → "+orDash(md(h.After, c.item/2)))
	}
	if s := md(h.Detail, c.item); s != "" {
		tail = append(tail, s)
	}
	if id := code(h.RequestID, 80); id != "" {
		tail = append(tail, "Okta request id "+id)
	}
	if len(tail) == 0 {
		return "• " + head
	}
	return "• " + head + " — " + strings.Join(tail, " · ")
}
