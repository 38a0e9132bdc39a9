package blocks

import (
	"regexp"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// Action and callback ids of proposals. They are stable: the bot routes
// block_actions and view_submission payloads by them.
const (
	// ActionApprove is the Approve button; its value is the proposal id.
	ActionApprove = "proposal_approve"
	// ActionReject is the Reject button; its value is the proposal id.
	ActionReject = "proposal_reject"
	// ActionUndo is the Undo button of an executed, reversible proposal;
	// its value is the proposal id. Undo is a new proposal, never a direct
	// change.
	ActionUndo = "proposal_undo"
	// CallbackReject is the callback id of RejectModal; its
	// private_metadata is the proposal id.
	CallbackReject = "reject_reason"
	// CallbackForm is the callback id of FormModal; its private_metadata
	// names the kind (and a fixed target), read back by FormIntent.
	CallbackForm = "form"
)

// ProposalOptions tune how a proposal is rendered. The zero value works.
type ProposalOptions struct {
	// Now is the present. When set, a pending proposal past its Expires
	// time is shown as expired without buttons, and expiry is also said
	// relatively ("in 3 hours").
	Now time.Time
	// Note replaces the default status line of an approved or executing
	// proposal, e.g. "⏳ Executing… approved by <@U0123ABCD>", and comes
	// before the status line of a pending or expired one (what happened
	// to it: "oktabot restarted after … approved this"). It is the bot's
	// own text: Slack user mentions (<@U…>) stay live, everything else is
	// escaped.
	Note string
	// NoteFor is the id of the proposal of a group that Note is about;
	// "" means the first.
	NoteFor string
	// TZ is the zone of the plain-text fallback of times (Slack shows each
	// reader the time in their own zone). nil means UTC.
	TZ *time.Location
}

// Proposal renders a proposal as the card an approver reads: what will
// change (the action with its resolved Okta ids, Before → After), why in
// one line, the strongest evidence and the confidence, who asked and until
// when it may be approved, and, by state, the Approve and Reject buttons or
// who decided what with which result, with Details beside them. A pending
// proposal whose OAuth scope is not granted has no Approve button. The
// message always passes Validate.
func Proposal(p intents.Proposal, opts ProposalOptions) Message {
	return ProposalGroup([]intents.Proposal{p}, opts)
}

// proposalLimits are the lengths (escaped characters) and counts pieces of a
// proposal are cut to; renderProposal tightens them until the message fits.
type proposalLimits struct {
	name    int // a login, group name, label
	long    int // summary, before/after, reason, error
	item    int // one impact, evidence, attribute or history line
	lines   int // impact lines
	evid    int // evidence items
	attrs   int // attributes listed
	body    int // characters of Okta JSON shown
	history int // audit records listed
	rows    int // characters of one pending row's summary
}

// proposalLimitsAt are the limits of one level, 0 the roomiest.
func proposalLimitsAt(level int) proposalLimits {
	switch level {
	case 0:
		return proposalLimits{name: 150, long: 600, item: 200, lines: 10, evid: 8, attrs: 20, body: 1500, history: 20, rows: 160}
	case 1:
		return proposalLimits{name: 80, long: 300, item: 120, lines: 6, evid: 5, attrs: 10, body: 800, history: 12, rows: 100}
	case 2:
		return proposalLimits{name: 40, long: 150, item: 80, lines: 4, evid: 3, attrs: 6, body: 400, history: 8, rows: 60}
	case 3:
		return proposalLimits{name: 24, long: 80, item: 50, lines: 2, evid: 2, attrs: 3, body: 200, history: 5, rows: 40}
	default:
		return proposalLimits{name: 16, long: 40, item: 30, lines: 1, evid: 1, attrs: 1, body: 0, history: 3, rows: 24}
	}
}

// proposalView is one rendering of a proposal.
type proposalView struct {
	p       intents.Proposal
	now     time.Time
	note    string
	buttons bool                  // Approve/Reject/Undo; off in ProposalDetail
	history []intents.AuditRecord // shown by ProposalDetail
	c       proposalLimits
	tz      *time.Location // nil: UTC
}

// withoutNote is r without its note.
func (r *proposalView) withoutNote() *proposalView {
	cp := *r
	cp.note = ""
	return &cp
}

// zone is the zone of the fallback text of times.
func (r *proposalView) zone() *time.Location {
	if r.tz == nil {
		return time.UTC
	}
	return r.tz
}

// renderProposal tries the roomiest caps first; the last resort keeps the
// title, the status and the buttons, which always fit.
func renderProposal(r *proposalView) Message {
	for level := range numLevels {
		r.c = proposalLimitsAt(level)
		if m := r.render(); Validate(m) == nil {
			return m
		}
	}
	r.c = proposalLimitsAt(numLevels - 1)
	status, fallback := r.status()
	blocks := []slack.Block{header("title", r.headerText()), section("status", status)}
	blocks = append(blocks, r.actions()...)
	return Message{Text: r.fallback(fallback), Blocks: blocks}
}

func (r *proposalView) render() Message {
	a, pv := r.p.Preview.Action, r.p.Preview
	blocks := []slack.Block{header("title", r.headerText())}
	summary := md(pv.Summary, r.c.long)
	if summary == "" {
		summary = actionTitle(a, r.mdName)
	}
	blocks = append(blocks, section("summary", ":lock_with_ink_pen: "+bold(summary)))
	blocks = append(blocks, warning(pv, r.c.long)...)
	blocks = append(blocks, fieldsSection("targets", "", r.targetFields()))
	if s := bulletList("*Blast radius*", pv.Impact, r.c.lines, r.c.item); s != "" {
		blocks = append(blocks, section("impact", s))
	}
	if s := r.attributes(); s != "" {
		blocks = append(blocks, section("attributes", s))
	}
	if s := bodyText(a.Body, r.c.body); s != "" {
		blocks = append(blocks, section("body", "*Okta JSON*\n"+s))
	}
	reason := "*Reason:* " + md(a.Reason, r.c.long)
	if strings.TrimSpace(a.Reason) == "" {
		reason = "*Reason:* _none given_"
	}
	blocks = append(blocks, section("reason", reason))
	if s := r.evidence(); s != "" {
		blocks = append(blocks, section("evidence", s))
	}
	blocks = append(blocks, contextBlock("meta", r.meta()...))
	status, fallback := r.status()
	blocks = append(blocks, section("status", status))
	blocks = append(blocks, r.actions()...)
	if h := r.historyBlocks(); len(h) > 0 {
		blocks = append(blocks, h...)
	}
	return Message{Text: r.fallback(fallback), Blocks: blocks}
}

// headerText is "Proposal: Suspend john@company.com".
func (r *proposalView) headerText() string {
	title := actionTitle(r.p.Preview.Action, func(name, _ string) string { return plainText(name, r.c.name) })
	return "Proposal: " + title
}

// mdName shows a target's name in mrkdwn.
func (r *proposalView) mdName(name, _ string) string { return md(name, r.c.name) }

// fallback is the one-line plain text of the message.
func (r *proposalView) fallback(state string) string {
	title := actionTitle(r.p.Preview.Action, func(name, _ string) string { return esc(plainText(name, 100)) })
	return joinNonEmpty(" ", "Proposal", esc(plainText(r.p.ID, 64))+":", title, "—", state)
}

// targetFields are the resolved objects with their Okta ids, the change
// and the scope it needs.
func (r *proposalView) targetFields() []field {
	a, pv := r.p.Preview.Action, r.p.Preview
	var fs []field
	for _, t := range []struct {
		label string
		ref   *intents.Ref
	}{{"User", a.User}, {"Group", a.Group}, {"Application", a.App}, {"Policy", a.Policy}, {"Rule", a.Rule}} {
		if t.ref == nil || (t.ref.Name == "" && t.ref.ID == "") {
			continue
		}
		v := md(orID(t.ref.Name, t.ref.ID), r.c.name)
		switch {
		case t.ref.ID != "" && t.ref.Name != "":
			v += " " + code(t.ref.ID, 64)
		case t.ref.ID == "" && strings.HasPrefix(string(a.Kind), "create_"):
			v += " _(new)_"
		}
		fs = append(fs, field{t.label, v})
	}
	if pv.Before != "" || pv.After != "" {
		fs = append(fs, field{"Before → After", orDash(md(pv.Before, r.c.long)) + " → " + orDash(md(pv.After, r.c.long))})
	}
	if s := r.scope(); s != "" {
		v := code(s, 60)
		if !pv.Granted {
			v += " :warning: not granted"
		}
		fs = append(fs, field{"Needs scope", v})
	}
	return fs
}

// scope is the OAuth scope the action needs: the preview's, else the
// catalogue's.
func (r *proposalView) scope() string {
	if s := r.p.Preview.Scope; s != "" {
		return s
	}
	return r.p.Preview.Action.Kind.Info().Scope
}

// attributes lists the profile attributes the action sets.
func (r *proposalView) attributes() string {
	fs := r.p.Preview.Action.Fields
	if len(fs) == 0 {
		return ""
	}
	var lines []string
	for _, k := range sortedKeys(fs) {
		lines = append(lines, code(k, 50)+": "+orDash(md(fs[k], r.c.item)))
	}
	return bulletList("*Attributes*", lines, r.c.attrs, 0)
}

// evidence is the confidence with its band and each scored item.
func (r *proposalView) evidence() string {
	a := r.p.Preview.Action
	if a.Confidence <= 0 && len(a.Evidence) == 0 {
		return ""
	}
	head := "*Evidence*"
	if a.Confidence > 0 {
		band := intents.Band(a.Confidence)
		head = severityEmoji(band) + " *Confidence: " + titleCase(string(band)) + " (" + count(a.Confidence) + "%)*"
	}
	var lines []string
	for _, ev := range a.Evidence {
		line := md(ev.Text, r.c.item)
		switch {
		case ev.Points > 0:
			line += " (+" + count(ev.Points) + ")"
		case ev.Points < 0:
			line += " (" + count(ev.Points) + ")"
		}
		lines = append(lines, line)
	}
	return bulletList(head, lines, r.c.evid, 0)
}

// meta is who asked, when, until when, and the id.
func (r *proposalView) meta() []string {
	p := r.p
	parts := []string{"Requested by " + person(p.Requester, r.c.name)}
	if s := when(p.Created, r.zone()); s != "" {
		parts = append(parts, "created "+s)
	}
	if s := when(p.Expires, r.zone()); s != "" && p.State == intents.StatePending {
		if rel := until(r.now, p.Expires); rel != "" {
			s += " (" + rel + ")"
		}
		parts = append(parts, "expires "+s)
	}
	parts = append(parts, "id "+code(p.ID, 64))
	if p.UndoOf != "" {
		parts = append(parts, "undoes "+code(p.UndoOf, 64))
	}
	return parts
}

// expiredNow reports a pending proposal whose time is up at r.now.
func (r *proposalView) expiredNow() bool {
	p := r.p
	return p.State == intents.StatePending && !r.now.IsZero() && !p.Expires.IsZero() && !r.now.Before(p.Expires)
}

// status is the state line where the buttons are (or were), and its
// words for the fallback text.
func (r *proposalView) status() (string, string) {
	p, c := r.p, r.c
	by := person(p.DecidedBy, c.name)
	at := when(p.DecidedAt, r.zone())
	approved := joinNonEmpty(" ", "approved", byWord(by), at)
	switch {
	case noteText(r.note) != "" && (p.State == intents.StatePending || p.State == intents.StateExpired):
		// What happened to it (oktabot restarted after it was approved),
		// then its state.
		line, fb := r.withoutNote().status()
		n := noteText(r.note)
		return n + "\n" + line, n + "; " + fb
	case r.expiredNow(), p.State == intents.StateExpired:
		t := when(p.Expires, r.zone())
		return "⌛ *Expired* " + joinNonEmpty(" ", t, "without a decision."), joinNonEmpty(" ", "expired", t, "without a decision")
	case p.State == intents.StatePending && !p.Preview.Granted:
		scope := code(r.scope(), 60)
		if scope == "" {
			scope = "this action needs"
		}
		msg := "oktabot's service app lacks the scope " + scope + ": grant it in Okta before this can be approved."
		return ":warning: " + msg, "cannot be approved yet: the service app lacks the scope " + strings.Trim(scope, "`")
	case p.State == intents.StatePending:
		return ":ballot_box_with_check: *Waiting for an approver.* Nothing changes in Okta until someone clicks Approve.",
			joinNonEmpty(" ", "waiting for approval, requested by", person(p.Requester, 80)+",", "expires", when(p.Expires, r.zone()))
	case p.State == intents.StateApproved || p.State == intents.StateVerifying || p.State == intents.StateExecuting:
		if n := noteText(r.note); n != "" {
			return n, n
		}
		if p.State == intents.StateVerifying {
			return ":iphone: *Approved* " + joinNonEmpty(" ", byWord(by), at) + "; waiting for their Okta Verify. Nothing changes in Okta until they confirm.", approved + "; waiting for Okta Verify"
		}
		if p.State == intents.StateApproved {
			return ":hourglass_flowing_sand: *Approved* " + joinNonEmpty(" ", byWord(by), at) + "; executing shortly…", approved + "; executing"
		}
		return ":hourglass_flowing_sand: *Executing…* " + approved, "executing, " + approved
	case p.State == intents.StateExecuted:
		return r.executed(approved)
	case p.State == intents.StateFailed:
		e := md(p.Error, c.long)
		if e == "" {
			e = "the change failed in Okta."
		}
		tail := titleCase(approved)
		if t := when(p.Updated, r.zone()); t != "" {
			tail += "; failed " + t
		}
		return ":x: *Not done:* " + e + "\n" + tail + ".", "not done: " + e + " (" + approved + ")"
	case p.State == intents.StateRejected:
		line := "🚫 *Rejected* " + joinNonEmpty(" ", byWord(by), at)
		fb := joinNonEmpty(" ", "rejected", byWord(by))
		if reason := md(p.Reason, c.long); reason != "" {
			line += "\n*Why:* " + reason
			fb += ": " + reason
		}
		return line, fb
	case p.State == intents.StateUnknown:
		msg := "oktabot stopped while this was executing. It was not re-run: check the target in Okta and act by hand if needed."
		return ":warning: *" + msg + "*\n" + titleCase(approved) + ".", msg
	}
	s := md(string(p.State), 30)
	if s == "" {
		s = "unknown state"
	}
	return ":grey_question: State: " + s, s
}

// executed is the outcome of an executed proposal.
func (r *proposalView) executed(approved string) (string, string) {
	p, c := r.p, r.c
	out := intents.ActionOutcome{Summary: p.Preview.Summary, Before: p.Preview.Before, After: p.Preview.After}
	if p.Outcome != nil {
		out = *p.Outcome
	}
	summary := md(out.Summary, c.long)
	if summary == "" {
		summary = "Done."
	}
	lines := []string{":white_check_mark: *" + summary + "*"}
	if out.Before != "" || out.After != "" {
		lines = append(lines, orDash(md(out.Before, c.long))+" → "+orDash(md(out.After, c.long)))
	}
	if cr := out.Created; cr != nil && (cr.Name != "" || cr.ID != "") {
		lines = append(lines, "Created "+joinNonEmpty(" ", md(cr.Type, 20), md(cr.Name, c.name), code(cr.ID, 64)))
	}
	tail := titleCase(approved)
	if id := code(out.RequestID, 80); id != "" {
		tail += " · Okta request id " + id
	}
	lines = append(lines, tail)
	if undo := p.Preview.Action.Kind.Info().Undo; undo != "" && r.buttons {
		lines = append(lines, "_Undo proposes "+esc(undoVerb(undo))+"; it needs an approval too._")
	}
	fb := "done"
	if out.Before != "" || out.After != "" {
		fb += ": " + orDash(md(out.Before, 100)) + " → " + orDash(md(out.After, 100))
	}
	return strings.Join(lines, "\n"), fb + " (" + approved + ")"
}

// actions are the buttons of the proposal's state.
func (r *proposalView) actions() []slack.Block {
	p := r.p
	if !r.buttons {
		return nil
	}
	id := p.ID
	switch {
	case p.State == intents.StatePending && !r.expiredNow():
		reject := button(ActionReject, "Reject", id).WithStyle(slack.StyleDanger)
		if !p.Preview.Granted {
			return []slack.Block{slack.NewActionBlock("decision", reject)}
		}
		approve := button(ActionApprove, "Approve", id).WithStyle(slack.StylePrimary).WithConfirm(r.confirm())
		return []slack.Block{slack.NewActionBlock("decision", approve, reject)}
	case p.State == intents.StateExecuted && p.Preview.Action.Kind.Info().Undo != "":
		return []slack.Block{slack.NewActionBlock("undo", button(ActionUndo, "Undo", id))}
	}
	return nil
}

// confirm is the Approve button's dialog, naming the action and its
// targets with their ids.
func (r *proposalView) confirm() *slack.ConfirmationBlockObject {
	title := actionTitle(r.p.Preview.Action, func(name, id string) string {
		return joinNonEmpty(" ", plainText(name, 60), paren(plainText(id, 30)))
	})
	text := clip(title+". This changes Okta as soon as you confirm.", 300)
	return slack.NewConfirmationBlockObject(plain("Approve this change?"), plain(text), plain("Approve"), plain("Cancel")).
		WithStyle(slack.StylePrimary)
}

// mentionToken finds Slack user mentions in the bot's own note text.
var mentionToken = regexp.MustCompile(`<@[UW][A-Z0-9]{2,20}>`)

// noteText is trusted bot text in which only Slack user mentions stay
// live; everything else is escaped.
func noteText(s string) string { return mentionText(s, 500) }

// mentionText is noteText of up to max characters.
func mentionText(s string, max int) string {
	s = clip(strings.TrimSpace(sanitize(s)), max)
	var b strings.Builder
	last := 0
	for _, loc := range mentionToken.FindAllStringIndex(s, 20) {
		b.WriteString(esc(s[last:loc[0]]))
		b.WriteString(s[loc[0]:loc[1]])
		last = loc[1]
	}
	b.WriteString(esc(s[last:]))
	return b.String()
}

// bulletList is a heading and up to max bullet lines, each shortened to
// item characters of mrkdwn unless item is 0 (lines already are).
func bulletList(head string, lines []string, max, item int) string {
	var out []string
	for _, l := range lines {
		if item > 0 {
			l = md(l, item)
		}
		if strings.TrimSpace(l) == "" {
			continue
		}
		if len(out) == max {
			out = append(out, "• … and "+count(len(lines)-max)+" more")
			break
		}
		out = append(out, "• "+l)
	}
	if len(out) == 0 {
		return ""
	}
	return head + "\n" + strings.Join(out, "\n")
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

// undoVerb is the slash verb of an undo kind: "unsuspend".
func undoVerb(k intents.Kind) string {
	if info, ok := intents.Lookup(k); ok && len(info.Verbs) > 0 {
		return info.Verbs[0]
	}
	return strings.ReplaceAll(string(k), "_", " ")
}
