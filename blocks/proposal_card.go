package blocks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// ActionDetails is the Details button of a proposal card; its value is the
// proposal id. It opens the whole proposal (blast radius, attributes, the
// Okta JSON, every scored item, the history) in a modal.
const ActionDetails = "proposal_details"

// The card an approver reads in the channel, after the setup guide's
// example:
//
//	Proposed action: Suspend john@company.com
//	User: john@company.com
//	Reason: Successful sign-in from a Tor exit node after 5 failed attempts
//	Evidence:
//	  • 5 failed sign-ins from 185.220.101.1 (Tor exit node)
//	  • successful sign-in from the same IP at 14:25
//	  • then SSO into 7 applications within 1 h
//	Confidence: High (91%)
//	[Approve] [Reject] [Details]
//
// Related fixes for one person share one card: each action is a row with
// its own buttons. What a careful approver checks beyond that (the blast
// radius, the attributes and JSON sent, the full point breakdown, the
// history) is behind Details.

// ProposalGroup renders proposals posted together (the fixes an
// investigation proposed for one person) as one card with a row of buttons
// per action. It needs at least one proposal; one gives Proposal's card.
func ProposalGroup(ps []intents.Proposal, opts ProposalOptions) Message {
	cards := make([]*proposalView, len(ps))
	for i, p := range ps {
		note := ""
		if (opts.NoteFor == "" && i == 0) || opts.NoteFor == p.ID {
			note = opts.Note
		}
		cards[i] = &proposalView{p: p, now: opts.Now, note: note, buttons: true, tz: opts.TZ}
	}
	g := groupRender{cards: cards}
	for level := range numLevels {
		g.setLimits(proposalLimitsAt(level))
		if m := g.render(); Validate(m) == nil {
			return m
		}
	}
	g.setLimits(proposalLimitsAt(numLevels - 1))
	return g.minimal()
}

// groupRender is one rendering of a card.
type groupRender struct {
	cards []*proposalView
}

func (g *groupRender) setLimits(c proposalLimits) {
	for _, r := range g.cards {
		r.c = c
	}
}

func (g *groupRender) first() *proposalView { return g.cards[0] }

func (g *groupRender) render() Message {
	r := g.first()
	blocks := []slack.Block{header("title", g.title())}
	if fs := g.targetFields(); len(fs) > 0 {
		blocks = append(blocks, fieldsSection("targets", "", fs))
	}
	if s := g.why(); s != "" {
		blocks = append(blocks, section("why", s))
	}
	blocks = append(blocks, g.warnings()...)
	if len(g.cards) == 1 {
		status, _ := r.status()
		blocks = append(blocks, contextBlock("meta", r.meta()...), section("status", status))
		blocks = append(blocks, r.cardActions("decision")...)
		return Message{Text: g.fallback(), Blocks: blocks}
	}
	for i, c := range g.cards {
		n := count(i + 1)
		blocks = append(blocks, section("action_"+n, c.row(i+1)))
		blocks = append(blocks, c.rowActions(i)...)
	}
	blocks = append(blocks, contextBlock("meta", append(g.meta(), "each action runs only when an approver clicks its Approve")...))
	return Message{Text: g.fallback(), Blocks: blocks}
}

// minimal keeps the title, each action's status and its buttons.
func (g *groupRender) minimal() Message {
	blocks := []slack.Block{header("title", g.title())}
	for i, c := range g.cards {
		status, _ := c.status()
		blocks = append(blocks, section("action_"+count(i+1), status))
		blocks = append(blocks, c.rowActions(i)...)
	}
	return Message{Text: g.fallback(), Blocks: blocks}
}

// title is "Proposed action: Suspend john@company.com", or for several
// "Proposed actions: Clear sessions and suspend john@company.com".
func (g *groupRender) title() string {
	r := g.first()
	if len(g.cards) == 1 {
		return "Proposed action: " + actionTitle(r.p.Preview.Action, func(name, _ string) string { return plainText(name, r.c.name) })
	}
	var verbs []string
	for _, c := range g.cards {
		verbs = append(verbs, shortVerb(c.p.Preview.Action.Kind))
	}
	words := joinAnd(verbs)
	if u := g.sharedUser(); u != "" {
		return "Proposed actions: " + titleCase(words) + " for " + plainText(u, r.c.name)
	}
	return "Proposed actions: " + titleCase(words)
}

// sharedUser is the login every action targets, or "".
func (g *groupRender) sharedUser() string {
	var name string
	for _, c := range g.cards {
		u := c.p.Preview.Action.User
		if u == nil || orID(u.Name, u.ID) == "" || (name != "" && !strings.EqualFold(name, orID(u.Name, u.ID))) {
			return ""
		}
		name = orID(u.Name, u.ID)
	}
	return name
}

// targetFields are the card's objects with their ids, and, for one
// action, Before → After and an ungranted scope.
func (g *groupRender) targetFields() []field {
	r := g.first()
	if len(g.cards) == 1 {
		fs := r.targetFields()
		return slices.DeleteFunc(fs, func(f field) bool { return f.label == "Needs scope" && r.p.Preview.Granted })
	}
	if g.sharedUser() == "" {
		return nil
	}
	return slices.DeleteFunc(r.targetFields(), func(f field) bool { return f.label != "User" })
}

// why is the reason, the evidence bullets and the confidence, from the
// first action that has them (fixes made from one person's findings share
// them).
func (g *groupRender) why() string {
	r := g.first()
	for _, c := range g.cards {
		if a := c.p.Preview.Action; len(a.Facts) > 0 || len(a.Evidence) > 0 || a.Confidence > 0 {
			r = c
			break
		}
	}
	a := r.p.Preview.Action
	var lines []string
	reason := strings.TrimSpace(a.Reason)
	if reason != "" {
		lines = append(lines, "*Reason:* "+md(firstLine(reason), r.c.long))
	} else {
		lines = append(lines, "*Reason:* _none given_")
	}
	facts := a.Facts
	if len(facts) == 0 {
		facts = strongest(a.Evidence)
	}
	if bullets := factBullets(facts, reason, min(r.c.evid, maxCardFacts), r.c.item); len(bullets) > 0 {
		lines = append(lines, "*Evidence:*")
		lines = append(lines, bullets...)
	}
	if a.Confidence > 0 {
		band := intents.Band(a.Confidence)
		lines = append(lines, severityEmoji(band)+" *Confidence: "+titleCase(string(band))+" ("+count(a.Confidence)+"%)*")
	}
	return strings.Join(lines, "\n")
}

// warnings are the actions' warnings (what the action leaves open), each
// naming the companion actions the card does not already hold.
func (g *groupRender) warnings() []slack.Block {
	held := map[intents.Kind]bool{}
	for _, c := range g.cards {
		held[c.p.Preview.Action.Kind] = true
	}
	var out []slack.Block
	for i, c := range g.cards {
		pv := c.p.Preview
		pv.Companions = slices.DeleteFunc(slices.Clone(pv.Companions), func(k intents.Kind) bool { return held[k] })
		for _, b := range warning(pv, c.c.long) {
			if sb, ok := b.(*slack.SectionBlock); ok && i > 0 {
				sb.BlockID = fmt.Sprintf("warning_%d", i+1)
			}
			out = append(out, b)
		}
	}
	return out
}

// maxCardFacts bounds a card's evidence bullets.
const maxCardFacts = 5

// strongest are the texts of the items that added points, most first.
func strongest(evs []intents.Evidence) []string {
	items := slices.Clone(evs)
	slices.SortStableFunc(items, func(a, b intents.Evidence) int { return b.Points - a.Points })
	var out []string
	for _, ev := range items {
		if ev.Points > 0 {
			out = append(out, ev.Text)
		}
	}
	return out
}

// row is one action of a group: "*1. Clear the sessions of …*", Before →
// After while it is still to happen, and its state.
func (r *proposalView) row(n int) string {
	pv := r.p.Preview
	line := "*" + count(n) + ". " + actionTitle(pv.Action, r.mdName) + "*"
	state := r.p.State
	if (pv.Before != "" || pv.After != "") && (state == intents.StatePending || state == intents.StateApproved || state == intents.StateVerifying || state == intents.StateExecuting) {
		line += "\n" + orDash(md(pv.Before, r.c.long)) + " → " + orDash(md(pv.After, r.c.long))
	}
	status, _ := r.status()
	if state == intents.StatePending && !r.expiredNow() && pv.Granted {
		status = ":ballot_box_with_check: Waiting for an approver."
	}
	return line + "\n" + status
}

// cardActions are the state's buttons with Details beside them.
func (r *proposalView) cardActions(blockID string) []slack.Block {
	var els []slack.BlockElement
	for _, b := range r.actions() {
		if ab, ok := b.(*slack.ActionBlock); ok {
			els = append(els, ab.Elements.ElementSet...)
		}
	}
	els = append(els, button(ActionDetails, "Details", r.p.ID))
	return []slack.Block{slack.NewActionBlock(blockID, els...)}
}

// rowActions are the buttons of row i of a group. Action ids are unique in
// a message: the first row's are the plain ids, row n's end in "_n"
// (BaseAction reads them back).
func (r *proposalView) rowActions(i int) []slack.Block {
	bs := r.cardActions("decision_" + count(i+1))
	if i == 0 {
		return bs
	}
	for _, b := range bs {
		for _, el := range b.(*slack.ActionBlock).Elements.ElementSet {
			if btn, ok := el.(*slack.ButtonBlockElement); ok {
				btn.ActionID = fmt.Sprintf("%s_%d", btn.ActionID, i+1)
			}
		}
	}
	return bs
}

// BaseAction is the action id a numbered button of a proposal group or
// of a suppression list stands for: "proposal_approve_2" is
// ActionApprove, "suppression_remove_3" ActionSuppressionRemove. Other
// ids are returned as they are.
func BaseAction(id string) string {
	for _, base := range []string{ActionApprove, ActionReject, ActionUndo, ActionDetails, ActionSuppressionRemove} {
		if rest, ok := strings.CutPrefix(id, base+"_"); ok && rest != "" && strings.Trim(rest, "0123456789") == "" {
			return base
		}
	}
	return id
}

// meta of a group: who asked, when, until when, and the ids.
func (g *groupRender) meta() []string {
	var ids []string
	for _, c := range g.cards {
		ids = append(ids, code(c.p.ID, 64))
	}
	parts := slices.DeleteFunc(g.first().meta(), func(s string) bool { return strings.HasPrefix(s, "id ") })
	return append(parts, "ids "+strings.Join(ids, ", "))
}

// fallback is the notification text: each action and its state.
func (g *groupRender) fallback() string {
	var parts []string
	for _, c := range g.cards {
		_, state := c.status()
		parts = append(parts, c.fallback(state))
	}
	return strings.Join(parts, "; ")
}

// shortVerb names a kind in a few words: "clear sessions", "suspend".
func shortVerb(k intents.Kind) string {
	switch k {
	case intents.ClearSessions:
		return "clear sessions"
	case intents.SuspendUser:
		return "suspend"
	case intents.UnsuspendUser:
		return "unsuspend"
	case intents.ResetFactors:
		return "reset MFA factors"
	case intents.UnlockUser:
		return "unlock"
	case intents.ExpirePassword:
		return "expire password"
	case intents.ResetPassword:
		return "reset password"
	}
	return strings.ReplaceAll(string(k), "_", " ")
}

// joinAnd is "a", "a and b", "a, b and c".
func joinAnd(ws []string) string {
	switch len(ws) {
	case 0:
		return ""
	case 1:
		return ws[0]
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " and " + ws[len(ws)-1]
}

// firstLine is s up to its first line break.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(line)
}

// clipWords shortens s to at most max characters at a word boundary, so
// that no number or name is cut in half, ending with "…".
func clipWords(s string, max int) string {
	if max <= 0 || chars(s) <= max {
		return s
	}
	cut := clip(s, max)
	cut = strings.TrimSuffix(cut, "…")
	if i := strings.LastIndexAny(cut, " ,;:"); i > 0 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:(") + "…"
}
