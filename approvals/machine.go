package approvals

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// The state machine as pure functions, shared by every store (this
// package's bbolt Store and approvals/etcdstore). Each takes the proposal
// as stored and the request, changes the proposal to what must now be
// stored and returns the audit records to append after it, in order; or
// refuses, changing nothing. A store applies the result atomically, with
// a check that the proposal did not change since it was read: bbolt by
// deciding inside its one write transaction, etcd by comparing the
// proposal's mod revision in the Txn that writes it.

// NewPending checks a request for a new proposal and returns it pending,
// as Create stores it but without its id: Created now, Expires after ttl.
// Of p it keeps Preview, Requester, Channel, MessageTS, ThreadTS and
// UndoOf; it needs a Requester and an action kind (errors wrap
// intents.ErrInvalid).
func NewPending(p intents.Proposal, now time.Time, ttl time.Duration) (intents.Proposal, error) {
	if strings.TrimSpace(p.Requester) == "" {
		return intents.Proposal{}, intents.Invalidf("a proposal needs a requester")
	}
	if !p.Preview.Action.Kind.IsAction() {
		return intents.Proposal{}, intents.Invalidf("%q is not an action", p.Preview.Action.Kind)
	}
	return intents.Proposal{
		Preview:   p.Preview,
		State:     intents.StatePending,
		Requester: p.Requester,
		Channel:   p.Channel,
		MessageTS: p.MessageTS,
		ThreadTS:  p.ThreadTS,
		Created:   now,
		Expires:   now.Add(ttl),
		Updated:   now,
		UndoOf:    p.UndoOf,
	}, nil
}

// Requested is the "requested" audit record of new proposal p, once it has
// its id.
func Requested(p intents.Proposal) intents.AuditRecord {
	rec := record(p, EventRequested, p.Created)
	rec.Before, rec.After = p.Preview.Before, p.Preview.After
	rec.Detail = p.Preview.Summary
	if p.Preview.Action.Reason != "" {
		rec.Detail = joinDetail(rec.Detail, "reason: "+p.Preview.Action.Reason)
	}
	return rec
}

// ApplyDecision applies d to p (see Store.Decide for the checks, in
// order). Allowed, it moves p to approved or rejected and returns its one
// record. Refused, it returns the refusal and a "refused" record, and
// changes p only when the refusal is ErrExpired on a pending proposal,
// which it moves to expired (its "expired" record comes first). Either way
// the caller stores p and the records.
func ApplyDecision(p *intents.Proposal, d Decision, pol Policy, now time.Time) ([]intents.AuditRecord, error) {
	if refusal := vet(*p, d, pol, now); refusal != nil {
		var recs []intents.AuditRecord
		if errors.Is(refusal, intents.ErrExpired) && p.State == intents.StatePending {
			recs = append(recs, ApplyExpire(p, now))
		}
		rec := record(*p, EventRefused, now)
		rec.Approver = d.By
		origin(&rec, d)
		rec.Result = decisionWord(d)
		rec.Detail = refusal.Error()
		return append(recs, rec), refusal
	}
	event := EventApproved
	p.State = intents.StateApproved
	if !d.Approve {
		event, p.State, p.Reason = EventRejected, intents.StateRejected, d.Reason
	}
	p.DecidedBy, p.DecidedAt, p.Updated = d.By, now, now
	p.StepUp = d.Approve && pol.StepUp != nil && pol.StepUp(p.Preview)
	rec := record(*p, event, now)
	rec.Approver = d.By
	origin(&rec, d)
	rec.Detail = d.Reason
	if p.StepUp {
		rec.Detail = joinDetail(rec.Detail, "to be confirmed in the approver's Okta Verify")
	}
	if d.Channel != "" {
		rec.Result = "in " + d.Channel
	}
	return []intents.AuditRecord{rec}, nil
}

// ApplyBegin is the exactly-once gate's edge approved → executing. Any
// other state is refused with a *StateError: ErrNotApproved (pending,
// rejected, expired) or intents.ErrStarted; so is an approved proposal
// that must first be confirmed in Okta Verify (ErrNotVerified: it begins
// only through ApplyEndVerify).
func ApplyBegin(p *intents.Proposal, now time.Time) (intents.AuditRecord, error) {
	switch p.State {
	case intents.StateApproved:
		if p.StepUp {
			return intents.AuditRecord{}, stateError(ErrNotVerified, *p)
		}
	case intents.StatePending, intents.StateRejected, intents.StateExpired:
		return intents.AuditRecord{}, stateError(ErrNotApproved, *p)
	default:
		return intents.AuditRecord{}, stateError(intents.ErrStarted, *p)
	}
	p.State, p.Updated = intents.StateExecuting, now
	rec := record(*p, EventExecuting, now)
	rec.Approver = p.DecidedBy
	return rec, nil
}

// ApplyFinish records how an executing proposal's action ended (see
// Store.Finish); a proposal that is not executing is refused with a
// *StateError wrapping ErrNotExecuting.
func ApplyFinish(p *intents.Proposal, out *intents.ActionOutcome, execErr error, now time.Time) (intents.AuditRecord, error) {
	if out == nil && execErr == nil {
		return intents.AuditRecord{}, intents.Invalidf("neither an outcome nor an error")
	}
	if p.State != intents.StateExecuting {
		return intents.AuditRecord{}, stateError(ErrNotExecuting, *p)
	}
	p.Updated = now
	if out != nil {
		o := *out
		p.Outcome = &o
	}
	var rec intents.AuditRecord
	if execErr == nil {
		p.State = intents.StateExecuted
		rec = record(*p, EventExecuted, now)
		rec.Result = out.Summary
	} else {
		p.State = intents.StateFailed
		p.Error = execErr.Error()
		rec = record(*p, EventFailed, now)
		rec.Result = "failed"
		rec.Detail = p.Error
		if e, ok := intents.AsError(execErr); ok {
			rec.RequestID = e.RequestID
		}
	}
	rec.Approver = p.DecidedBy
	if out != nil {
		rec.Before, rec.After = out.Before, out.After
		if out.RequestID != "" {
			rec.RequestID = out.RequestID
		}
		if out.Created != nil {
			rec.Detail = joinDetail(rec.Detail, "created "+refName(*out.Created))
		}
	}
	return rec, nil
}

// ApplyWithdraw expires pending p at once with why in its record; any
// other state is refused with a *StateError wrapping ErrDecided (or
// ErrExpired).
func ApplyWithdraw(p *intents.Proposal, why string, now time.Time) (intents.AuditRecord, error) {
	switch p.State {
	case intents.StatePending:
	case intents.StateExpired:
		return intents.AuditRecord{}, stateError(intents.ErrExpired, *p)
	default:
		return intents.AuditRecord{}, stateError(intents.ErrDecided, *p)
	}
	p.State, p.Updated = intents.StateExpired, now
	rec := record(*p, EventExpired, now)
	rec.Detail = "withdrawn: " + orNone(why)
	return rec, nil
}

// ApplyExpire moves pending p, past its Expires, to expired. The caller
// has checked both (Due).
func ApplyExpire(p *intents.Proposal, now time.Time) intents.AuditRecord {
	p.State, p.Updated = intents.StateExpired, now
	rec := record(*p, EventExpired, now)
	rec.Detail = "no decision before " + p.Expires.Format(time.RFC3339)
	return rec
}

// Due reports whether ExpireDue at now expires p: pending, and its time
// up.
func Due(p intents.Proposal, now time.Time) bool {
	return p.State == intents.StatePending && expired(p, now)
}

// ApplyReoffer moves approved p, never begun, back to pending, or to
// expired when its time is up or when same (not nil) is another pending
// proposal making the same change; see Store.ReofferApproved.
func ApplyReoffer(p *intents.Proposal, same *intents.Proposal, now time.Time) intents.AuditRecord {
	what := fmt.Sprintf("approved by %s at %s but never executed: oktabot stopped in between", orNone(p.DecidedBy), p.DecidedAt.Format(time.RFC3339))
	rec := back(p, same, now, what)
	if rec.Event == EventReoffered {
		rec.Detail = "reoffered after a restart: " + rec.Detail
	} else {
		rec.Detail = strings.Replace(rec.Detail, "; expired", "; expired at the restart", 1)
	}
	return rec
}

// BlocksSame reports whether p, found under its change in the "same"
// index, blocks a new proposal for that change at now: pending and not
// past Expires (then it waits for ExpireDue and blocks nothing).
func BlocksSame(p intents.Proposal, now time.Time) bool {
	return p.State == intents.StatePending && !expired(p, now)
}

// ApplyUnknown moves p, found executing when oktabot started, to unknown:
// it is never re-run.
func ApplyUnknown(p *intents.Proposal, now time.Time) intents.AuditRecord {
	p.State, p.Updated = intents.StateUnknown, now
	rec := record(*p, EventUnknown, now)
	rec.Approver = p.DecidedBy
	rec.Detail = "oktabot stopped while the action was running; it was not re-run: check Okta"
	return rec
}

// Gate is the exactly-once gate of a store: BeginExecute and Finish.
type Gate interface {
	BeginExecute(id string) (intents.Proposal, error)
	Finish(id string, out *intents.ActionOutcome, execErr error) (intents.Proposal, error)
}

// ExecuteOnce runs an approved proposal's action through g's gate: it
// begins it, calls act with the approved Preview and records the result.
// Of any number of concurrent callers for one proposal, in any number of
// processes sharing the store, only one calls act; the others get
// BeginExecute's *StateError.
func ExecuteOnce(ctx context.Context, g Gate, id string, act func(context.Context, intents.Preview) (intents.ActionOutcome, error)) (intents.Proposal, error) {
	p, err := g.BeginExecute(id)
	if err != nil {
		return p, err
	}
	return run(ctx, g.Finish, p, act)
}

// run calls act with executing p's Preview and records the result with
// finish.
func run(ctx context.Context, finish func(string, *intents.ActionOutcome, error) (intents.Proposal, error), p intents.Proposal, act func(context.Context, intents.Preview) (intents.ActionOutcome, error)) (intents.Proposal, error) {
	out, actErr := act(ctx, p.Preview)
	var outp *intents.ActionOutcome
	if actErr == nil {
		outp = &out
	}
	return finish(p.ID, outp, actErr)
}

// SweepEvery runs expireDue at once and then every period
// (DefaultSweepEvery if every <= 0) until ctx ends or expireDue returns
// an error wrapping ErrClosed, calling onExpired (if not nil) for each
// proposal it expired. Other errors are logged and the next tick tries
// again.
func SweepEvery(ctx context.Context, every time.Duration, expireDue func() ([]intents.Proposal, error), log *slog.Logger, onExpired func(intents.Proposal)) {
	if every <= 0 {
		every = DefaultSweepEvery
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for ctx.Err() == nil {
		expired, err := expireDue()
		if errors.Is(err, ErrClosed) {
			return
		}
		if err != nil {
			log.Error("approvals: sweep", "err", err)
		}
		for _, p := range expired {
			if onExpired != nil {
				onExpired(p)
			}
		}
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
}
