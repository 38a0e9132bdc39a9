package bot

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// propose turns an action request into a proposal message with Approve and
// Reject. Nothing changes in Okta here: the Directory only previews.
func (b *Bot) propose(ctx context.Context, o origin, in intents.Intent, undoOf string) {
	b.proposeFrom(ctx, o, in, undoOf, nil)
}

// proposeFindings posts the fixes an investigation proposed: the fixes for
// one person together in one message, each with its own Approve and
// Reject, with the score as confidence and the strongest evidence listed.
// It returns the ids of the proposals posted.
func (b *Bot) proposeFindings(ctx context.Context, o origin, res intents.Result) []string {
	if b.cfg.Proposals == nil {
		return nil
	}
	var order []string
	byUser := map[string][]intents.Proposal{}
	for i, a := range res.Proposals {
		if i == maxFindingProposals {
			break
		}
		if a.User == nil || a.User.ID == "" || !a.Kind.IsAction() {
			continue
		}
		in := intents.Intent{Kind: a.Kind, User: a.User.ID, Reason: a.Reason}
		if in.Reason == "" {
			in.Reason = fmt.Sprintf("proposed by an investigation (confidence %d%%)", a.Confidence)
		}
		from := a
		p, ok := b.create(ctx, o, in, "", &from)
		if !ok {
			continue
		}
		if _, seen := byUser[a.User.ID]; !seen {
			order = append(order, a.User.ID)
		}
		byUser[a.User.ID] = append(byUser[a.User.ID], p)
	}
	var ids []string
	for _, u := range order {
		ps := b.withCompanions(ctx, o, byUser[u])
		if b.post(ctx, o, ps) {
			for _, p := range ps {
				ids = append(ids, p.ID)
			}
		}
	}
	return ids
}

// withCompanions adds to proposals for one person the companion actions
// their previews call for and the batch lacks (resetting factors leaves
// the password to whoever holds it: clear sessions and reset the password
// with it), each a proposal of its own with the same reason and evidence.
func (b *Bot) withCompanions(ctx context.Context, o origin, ps []intents.Proposal) []intents.Proposal {
	has := map[intents.Kind]bool{}
	for _, p := range ps {
		has[p.Preview.Action.Kind] = true
	}
	out := ps
	for _, p := range ps {
		a := p.Preview.Action
		if a.User == nil || a.User.ID == "" {
			continue
		}
		for _, k := range p.Preview.Companions {
			if has[k] || !k.IsAction() {
				continue
			}
			has[k] = true
			from := intents.Action{Confidence: a.Confidence, Evidence: a.Evidence, Facts: a.Facts}
			in := intents.Intent{Kind: k, User: a.User.ID, Reason: a.Reason}
			if in.Reason == "" {
				in.Reason = "proposed with: " + string(a.Kind)
			}
			if c, ok := b.create(ctx, o, in, "", &from); ok {
				out = append(out, c)
			}
		}
	}
	return out
}

// maxFindingProposals bounds the proposals one investigation posts.
const maxFindingProposals = 3

func (b *Bot) proposeFrom(ctx context.Context, o origin, in intents.Intent, undoOf string, from *intents.Action) {
	if p, ok := b.create(ctx, o, in, undoOf, from); ok {
		b.post(ctx, o, b.withCompanions(ctx, o, []intents.Proposal{p}))
	}
}

// create previews an action and stores it as a pending proposal. It
// reports false when there is nothing to post: the request failed (the
// asker was told why) or the same change is already waiting (the asker was
// pointed to it).
func (b *Bot) create(ctx context.Context, o origin, in intents.Intent, undoOf string, from *intents.Action) (intents.Proposal, bool) {
	if b.cfg.ReadOnly {
		b.fail(ctx, o, in, intents.Invalidf("%s changes Okta, and this oktabot is read-only (OKTABOT_READ_ONLY=true): it answers questions but proposes no changes. Make the change in the Okta Admin Console, or ask whoever runs oktabot to name approvers.", in.Kind))
		return intents.Proposal{}, false
	}
	if b.cfg.Proposals == nil {
		b.fail(ctx, o, in, intents.Invalidf("%s changes Okta, and this oktabot has no approvals store configured (OKTABOT_DB), so it cannot make proposals.", in.Kind))
		return intents.Proposal{}, false
	}
	start := time.Now()
	pv, err := b.dir.Preview(ctx, in)
	defer func() { b.observe(in.Kind, err, start) }()
	if err != nil {
		b.fail(ctx, o, in, err)
		return intents.Proposal{}, false
	}
	if from != nil {
		pv.Action.Confidence, pv.Action.Evidence, pv.Action.Facts = from.Confidence, from.Evidence, from.Facts
	}
	if bad, why := b.cfg.Protection.Check(pv); bad {
		b.fail(ctx, o, in, &intents.Error{Err: intents.ErrProtected, Detail: "oktabot never acts on it: " + why})
		return intents.Proposal{}, false
	}
	p, err := b.cfg.Proposals.Create(intents.Proposal{
		Preview:   pv,
		Requester: o.user,
		Channel:   o.channel,
		ThreadTS:  o.threadTS,
		UndoOf:    undoOf,
	})
	if errors.Is(err, intents.ErrAlreadyPending) && p.ID != "" {
		err = nil // not a failure: the request is already waiting
		b.pointToPending(ctx, o, p, from != nil)
		return intents.Proposal{}, false
	}
	if err != nil {
		b.fail(ctx, o, in, &storeError{err})
		return intents.Proposal{}, false
	}
	return p, true
}

// post shows proposals created together in one message and records where
// it is; false when Slack refused the message (the proposals are
// withdrawn).
func (b *Bot) post(ctx context.Context, o origin, ps []intents.Proposal) bool {
	m := blocks.ProposalGroup(ps, blocks.ProposalOptions{TZ: b.orgZone(), Now: b.cfg.Now()})
	opts := append([]slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)}, subjectMetadata(proposalsSubject(ps))...)
	if o.threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(o.threadTS))
	}
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	if len(ids) > 1 {
		// Grouped before anyone can see them: a click that beats the
		// recording of the ts still redraws the whole message.
		if err := b.cfg.Proposals.SetGroupMessage(ids, o.channel, ""); err != nil {
			b.log.Error("cannot record the proposals as one message", "proposals", ids, "err", err)
		}
	}
	_, ts, err := b.postMessage(ctx, o.channel, opts...)
	if err != nil {
		b.withdraw(ctx, o, ids, err)
		return false
	}
	if err := b.cfg.Proposals.SetGroupMessage(ids, o.channel, ts); err != nil {
		b.log.Error("cannot record the proposal message; it will not be updated", "proposals", ids, "err", err)
	}
	for _, p := range ps {
		b.log.Info("proposal created", "proposal", p.ID, "kind", p.Preview.Action.Kind, "requester", o.user, "channel", o.channel)
	}
	return true
}

// withdrawnWhy is the reason a proposal whose message never reached
// Slack is withdrawn.
const withdrawnWhy = "its message could not be posted"

// withdraw expires proposals whose message Slack refused (after
// slack-go's retries), so that nobody approves unseen what nobody could
// judge, from the command line say, and tells the asker.
func (b *Bot) withdraw(ctx context.Context, o origin, ids []string, postErr error) {
	for _, id := range ids {
		if _, err := b.cfg.Proposals.Withdraw(id, withdrawnWhy); err != nil {
			b.log.Error("cannot withdraw a proposal whose message was not posted", "proposal", id, "err", err)
		}
	}
	cid := newCorrelationID()
	b.log.Error("proposal message not posted; the proposals are withdrawn", "proposals", ids, "correlation_id", cid, "err", postErr)
	m := blocks.Error(blocks.ErrorInfo{
		Title:         "The proposal could not be posted",
		WhatToDo:      "Slack refused its message, so it was withdrawn: nobody can approve it and nothing changes in Okta. Ask again in a minute.",
		CorrelationID: cid,
	})
	if err := b.tell(context.WithoutCancel(ctx), o, m); err != nil {
		b.log.Error("could not tell the asker that the proposal was withdrawn", "correlation_id", cid, "err", err)
	}
}

// decide handles Approve and Reject clicks (and the reject modal). Who is
// an approver is read again from Slack at the click; an approval is also
// checked against the approver's own Okta account.
func (b *Bot) decide(ctx context.Context, o origin, id string, approve bool, reason string) {
	if b.cfg.Proposals == nil {
		b.fail(ctx, o, intents.Intent{}, intents.Invalidf("this oktabot has no approvals store configured"))
		return
	}
	isApprover, apprErr := b.appr.confirm(ctx, o.user)
	if apprErr != nil {
		b.log.Warn("could not confirm an approver", "user", o.user, "proposal", id, "err", apprErr)
	}
	var own ownCheck
	if approve && isApprover {
		if own = b.ownAccount(ctx, o, id); own.unread != nil {
			b.fail(ctx, o, intents.Intent{}, &storeError{own.unread})
			return
		}
	}
	pol := intents.ApprovalPolicy{
		IsApprover:        func(u string) bool { return u == o.user && isApprover },
		AllowSelfApproval: b.cfg.AllowSelfApproval,
		Protected: func(pv intents.Preview) (bool, string) {
			if bad, why := b.cfg.Protection.Check(pv); bad {
				return true, why
			}
			return own.refuses()
		},
		StepUp: b.stepsUp,
	}
	p, err := b.cfg.Proposals.Decide(intents.Decision{ProposalID: id, By: o.user, Approve: approve, Reason: reason, Channel: o.channel, Via: intents.ViaSlack}, pol)
	var resumed error // the refusal of an approval that is run all the same
	switch {
	case err != nil && apprErr != nil && errors.Is(err, intents.ErrNotApprover):
		b.refusedWith(ctx, o, id, err, "Could not confirm you are an approver",
			"Slack did not answer who is in the approvers' user group just now. Nothing was changed: try again in a minute.")
		return
	case err != nil && errors.Is(err, intents.ErrProtected) && own.set() && !b.protectedByConfig(p):
		title, hint := own.words()
		b.refusedWith(ctx, o, id, err, title, hint)
		return
	case err != nil && approve && resumable(p, o.user, err, b.cfg.Now()):
		// This approver's earlier approval was recorded but never began:
		// its store write was answered as failed and committed later (on
		// etcd, once quorum returned), or the replica that made it stopped.
		// Approving again runs it, through the same exactly-once gate.
		b.log.Info("an approval recorded earlier never ran; running it at the approver's new click", "proposal", p.ID, "by", o.user)
		resumed = err
	case err != nil:
		b.refused(ctx, o, id, p, err)
		return
	default:
		b.log.Info("proposal decided", "proposal", p.ID, "state", p.State, "by", o.user)
	}
	// A click can beat the recording of the message's ts: the click names
	// the message it came from (Decide checked its channel).
	msgTS := p.MessageTS
	if msgTS == "" && o.via == "click" {
		msgTS = o.messageTS
	}
	p.MessageTS = msgTS
	if !approve {
		b.redraw(ctx, p, "")
		return
	}
	if p.StepUp && p.State == intents.StateApproved {
		b.stepUp(ctx, o, p) // runs only once confirmed in Okta Verify
		return
	}
	if resumed == nil {
		b.redraw(ctx, p, fmt.Sprintf("⏳ Executing… approved by <@%s>", o.user))
	}
	p, err = b.cfg.Proposals.Execute(ctx, p.ID, b.execute)
	if err != nil {
		if errors.Is(err, intents.ErrStarted) && resumed != nil {
			b.refused(ctx, o, id, p, resumed) // it began meanwhile
			return
		}
		if errors.Is(err, intents.ErrStarted) {
			// Another click is executing it, and draws its end; unless it
			// has ended already, before this click's "Executing…".
			if cur, gerr := b.cfg.Proposals.Get(id); gerr == nil && cur.State != intents.StateExecuting {
				if cur.MessageTS == "" {
					cur.MessageTS = msgTS
				}
				b.redraw(ctx, cur, "")
			}
			return
		}
		b.log.Error("proposal execution could not be recorded", "proposal", id, "err", err)
		b.tellProblem(ctx, o, "Could not record the result of "+id, "Check the proposal with /okta proposal "+id+".", id, err)
		return
	}
	b.log.Info("proposal executed", "proposal", p.ID, "state", p.State)
	if p.MessageTS == "" {
		p.MessageTS = msgTS
	}
	b.redraw(ctx, p, "")
}

// resumeAfter is how long ago an approval that never began must have been
// recorded for the approver's new click to run it: longer than the step
// from Approve to execution takes, so that a double click while that step
// is under way is answered "already decided", as any other.
const resumeAfter = 5 * time.Second

// resumable is whether Decide's refusal err is of user's Approve of a
// proposal that user approved at least resumeAfter before now and that
// never began executing.
func resumable(p intents.Proposal, user string, err error, now time.Time) bool {
	return errors.Is(err, intents.ErrDecided) && p.State == intents.StateApproved && p.DecidedBy == user &&
		now.Sub(p.DecidedAt) >= resumeAfter
}

// execute runs the approved action and words a failure for people, keeping
// the cause (and its Okta request id) for the audit log.
func (b *Bot) execute(ctx context.Context, pv intents.Preview) (intents.ActionOutcome, error) {
	out, err := b.dir.Execute(ctx, pv)
	if err != nil {
		pr := explain(err, intents.Intent{Kind: pv.Action.Kind}, "")
		return out, &worded{msg: joinSentences(pr.Title, pr.Hint), cause: err}
	}
	return out, nil
}

// worded is an error whose text is meant for people; Unwrap keeps the
// adapter's error.
type worded struct {
	msg   string
	cause error
}

func (w *worded) Error() string { return w.msg }
func (w *worded) Unwrap() error { return w.cause }

func joinSentences(a, b string) string {
	if b == "" {
		return a
	}
	return a + ". " + b
}

// refused tells the clicker why nothing happened, and redraws the message
// when the proposal's state moved (it expired).
func (b *Bot) refused(ctx context.Context, o origin, id string, p intents.Proposal, err error) {
	var title, hint string
	var people []string // Slack users the hint names, as mentions
	var se *intents.StateError
	switch {
	case errors.Is(err, intents.ErrNotFound):
		title, hint = "No such proposal", "The button refers to a proposal oktabot does not have."
	case errors.Is(err, intents.ErrWrongChannel):
		title, hint = "Not from here", "That proposal belongs to another channel: decide it there."
	case errors.Is(err, intents.ErrNotApprover):
		title, hint = "Only approvers can decide this", "Ask someone listed in OKTABOT_APPROVERS."
	case errors.Is(err, intents.ErrSelfApproval):
		title, hint = "You can't approve your own proposal", "Another approver has to approve it."
	case errors.Is(err, intents.ErrExpired):
		title, hint = "This proposal expired", "Nothing was changed. Ask again to make a new proposal."
	case errors.As(err, &se) && errors.Is(err, intents.ErrDecided):
		title = "Already decided"
		hint = fmt.Sprintf("It is %s", se.State)
		if se.By != "" {
			hint += ", decided by {user}"
			people = append(people, se.By)
		}
		hint += "."
	case errors.Is(err, intents.ErrProtected):
		title, hint = "Protected", "oktabot never acts on this account or group (OKTABOT_PROTECTED)."
	case errors.Is(err, intents.ErrScopeMissing):
		title, hint = "oktabot lacks the permission", "Grant the missing scope to the service app in Okta first."
	default:
		b.fail(ctx, o, intents.Intent{}, &storeError{err})
		return
	}
	b.refusedWith(ctx, o, id, err, title, hint, people...)
	if p.ID != "" && (p.State == intents.StateExpired) {
		b.redraw(ctx, p, "")
	}
}

// refusedWith tells the clicker, and only them, why nothing happened;
// people are the Slack users the hint names, each in place of a {user}.
func (b *Bot) refusedWith(ctx context.Context, o origin, id string, err error, title, hint string, people ...string) {
	b.log.Info("decision refused", "proposal", id, "by", o.user, "why", err)
	m := blocks.Error(blocks.ErrorInfo{Title: title, WhatToDo: hint, People: people})
	if err := b.tell(ctx, o, m); err != nil {
		b.log.Error("could not tell the clicker", "err", err)
	}
}

// redraw updates a proposal's message to its current state; the message
// of a group shows every proposal of it as it is now. note, when set, is
// the state line of p.
func (b *Bot) redraw(ctx context.Context, p intents.Proposal, note string) {
	if p.Channel == "" || p.MessageTS == "" {
		return
	}
	unlock := b.lockMessage(p.Channel + "/" + p.MessageTS)
	defer unlock()
	ps := []intents.Proposal{p}
	if len(p.Group) > 1 {
		ps = ps[:0]
		for _, id := range p.Group {
			if id == p.ID {
				ps = append(ps, p)
				continue
			}
			q, err := b.cfg.Proposals.Get(id)
			if err != nil {
				b.log.Error("cannot read a proposal of the message; redrawing without it", "proposal", id, "err", err)
				continue
			}
			ps = append(ps, q)
		}
	}
	m := blocks.ProposalGroup(ps, blocks.ProposalOptions{TZ: b.orgZone(), Now: b.cfg.Now(), Note: note, NoteFor: p.ID})
	_, _, _, err := b.api.UpdateMessageContext(ctx, p.Channel, p.MessageTS,
		slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...))
	if err != nil {
		b.log.Error("cannot update the proposal message", "proposal", p.ID, "err", err)
	}
}

// lockMessage serializes the redraws of one message, so that two
// proposals of a group decided at once cannot leave it showing the older
// state of either.
func (b *Bot) lockMessage(key string) func() {
	h := fnv.New32a()
	h.Write([]byte(key))
	mu := &b.msgLocks[h.Sum32()%uint32(len(b.msgLocks))]
	mu.Lock()
	return mu.Unlock
}

// ReportUnknown tells p's channel, in the background, that p was found
// executing after the process running it stopped and was moved to
// unknown: a person checks it in Okta. With several replicas, the leader
// calls it for each proposal its recovery moves.
func (b *Bot) ReportUnknown(p intents.Proposal) {
	b.spawn("recovered", func(ctx context.Context) { b.reportUnknown(ctx, p) })
}

// reportUnknown posts a proposal that was executing when oktabot stopped.
func (b *Bot) reportUnknown(ctx context.Context, p intents.Proposal) {
	if p.State != intents.StateUnknown {
		b.reportInterrupted(ctx, p) // it was waiting for Okta Verify
		return
	}
	if p.Channel == "" {
		b.log.Warn("proposal left unknown by a crash has no channel", "proposal", p.ID)
		return
	}
	b.redraw(ctx, p, "")
	m := blocks.Proposal(p, blocks.ProposalOptions{TZ: b.orgZone(), Now: b.cfg.Now()})
	opts := []slack.MsgOption{slack.MsgOptionText("⚠️ "+m.Text, false), slack.MsgOptionBlocks(m.Blocks...)}
	if p.MessageTS != "" {
		opts = append(opts, slack.MsgOptionTS(p.MessageTS))
	}
	if _, _, err := b.postMessage(ctx, p.Channel, opts...); err != nil {
		b.log.Error("cannot report an unknown proposal", "proposal", p.ID, "err", err)
	}
}

// undo proposes the reverse of an executed proposal.
func (b *Bot) undo(ctx context.Context, o origin, id string) {
	if b.cfg.Proposals == nil {
		return
	}
	p, err := b.cfg.Proposals.Get(id)
	if err != nil {
		b.fail(ctx, o, intents.Intent{}, err)
		return
	}
	if p.Channel != o.channel {
		b.refused(ctx, o, id, intents.Proposal{}, intents.ErrWrongChannel)
		return
	}
	rev := p.Preview.Action.Kind.Info().Undo
	if p.State != intents.StateExecuted || rev == "" {
		b.fail(ctx, o, intents.Intent{}, intents.Invalidf("Only an executed, reversible proposal can be undone."))
		return
	}
	in := intents.Intent{Kind: rev, Reason: "undo of " + p.ID}
	a := p.Preview.Action
	if a.User != nil {
		in.User = a.User.ID
	}
	if a.Group != nil {
		in.Group = a.Group.ID
	}
	if a.App != nil {
		in.App = a.App.ID
	}
	if a.Policy != nil {
		in.Policy = a.Policy.ID
	}
	if a.Rule != nil {
		in.Rule = a.Rule.ID
	}
	o.threadTS = p.MessageTS
	b.propose(ctx, o, in, p.ID)
}

// tellProblem logs err about id (a proposal or incident) and tells the person
// title and what to do, with the log line's correlation id.
func (b *Bot) tellProblem(ctx context.Context, o origin, title, whatToDo, id string, err error) {
	cid := newCorrelationID()
	b.log.Error(title, "id", id, "correlation_id", cid, "err", err)
	m := blocks.Error(blocks.ErrorInfo{Title: title, WhatToDo: whatToDo, CorrelationID: cid})
	_ = b.tell(ctx, o, m)
}
