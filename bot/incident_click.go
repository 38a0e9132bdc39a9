package bot

import (
	"context"
	"errors"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// The buttons of an incident (Acknowledge, Investigate, Mark false
// positive, Close), the false-positive modal, and Remove on the
// suppression list. They are pressed by people who may read in the
// channel (admit, as every click); suppressing and closing are audited
// by the store.

// incidentClick works on a press of an incident's buttons; false when
// act is none of them.
func (b *Bot) incidentClick(o origin, cb slack.InteractionCallback, act *slack.BlockAction) bool {
	id := act.Value
	switch blocks.BaseAction(act.ActionID) {
	case blocks.ActionIncidentAck:
		b.request(o, "incident_ack", 0, func(ctx context.Context) {
			b.changeIncident(ctx, o, id, func() (intents.Incident, error) { return b.cfg.Incidents.Acknowledge(id, o.user) }, "Acknowledged by <@"+o.user+">.")
		})
	case blocks.ActionIncidentClose:
		b.request(o, "incident_close", 0, func(ctx context.Context) {
			b.changeIncident(ctx, o, id, func() (intents.Incident, error) { return b.cfg.Incidents.CloseIncident(id, o.user, "closed") }, "Closed by <@"+o.user+">.")
		})
	case blocks.ActionIncidentInvestigate:
		b.request(o, string(intents.Investigate), b.cfg.LongTimeout, func(ctx context.Context) {
			inc, ok := b.incidentFor(ctx, o, id)
			if !ok {
				return
			}
			if inc.Subject == "" {
				b.threadLine(ctx, inc, "This incident is about the org, not one person: try `/okta threats 24h`.")
				return
			}
			// Answered in the incident's thread, as a mention is; the
			// incident message itself is left as it is.
			o.via, o.threadTS, o.messageTS, o.responseURL = "mention", inc.TS, "", ""
			b.serve(ctx, o, intents.Intent{Kind: intents.Investigate, User: inc.Subject})
		})
	case blocks.ActionIncidentFalsePositive:
		trigger := cb.TriggerID
		b.openNow(o, "incident_false_positive", func(ctx context.Context) { b.openFalsePositive(ctx, o, id, trigger) })
	case blocks.ActionSuppressionRemove:
		b.request(o, "suppression_remove", 0, func(ctx context.Context) {
			if b.cfg.Incidents == nil {
				return
			}
			if err := b.cfg.Incidents.RemoveSuppression(id, o.user); err != nil {
				b.fail(ctx, o, intents.Intent{Kind: intents.Suppressions}, &storeError{err})
				return
			}
			b.showSuppressions(ctx, o)
		})
	default:
		return false
	}
	return true
}

// incidentFor reads an incident for a button, telling the presser when it
// cannot.
func (b *Bot) incidentFor(ctx context.Context, o origin, id string) (intents.Incident, bool) {
	if b.cfg.Incidents == nil {
		return intents.Incident{}, false
	}
	inc, err := b.cfg.Incidents.Incident(id)
	if err != nil {
		b.fail(ctx, o, intents.Intent{}, &storeError{err})
		return intents.Incident{}, false
	}
	return inc, true
}

// changeIncident applies a button's change, redraws the incident's
// message and adds the line to its thread.
func (b *Bot) changeIncident(ctx context.Context, o origin, id string, change func() (intents.Incident, error), line string) {
	if b.cfg.Incidents == nil {
		return
	}
	defer b.lockMessage("incident:" + id)()
	inc, err := change()
	if err != nil {
		if errors.Is(err, intents.ErrNotFound) || strings.Contains(err.Error(), "closed") {
			b.tellProblem(ctx, o, "Could not change incident "+id, "It is closed or no longer kept: its message shows how it ended.", id, err)
			return
		}
		b.fail(ctx, o, intents.Intent{}, &storeError{err})
		return
	}
	b.redrawIncident(ctx, inc)
	b.threadLine(ctx, inc, line)
}

// redrawIncident updates an incident's message to what the store holds.
func (b *Bot) redrawIncident(ctx context.Context, inc intents.Incident) {
	if inc.TS == "" {
		return
	}
	if _, _, _, err := b.api.UpdateMessageContext(ctx, inc.Channel, inc.TS,
		slack.MsgOptionText(blocks.IncidentText(inc, false), false),
		slack.MsgOptionBlocks(blocks.IncidentMessage(inc, b.incidentOptions())...)); err != nil {
		b.log.Error("cannot redraw the incident message", "incident", inc.ID, "err", err)
	}
}

// openFalsePositive opens the Mark false positive modal (at once: the
// trigger lives 3 seconds).
func (b *Bot) openFalsePositive(ctx context.Context, o origin, id, trigger string) {
	inc, ok := b.incidentFor(ctx, o, id)
	if !ok || trigger == "" {
		return
	}
	view := blocks.FalsePositiveModal(inc)
	view.PrivateMetadata = o.channel + "|" + inc.ID
	if _, err := b.api.OpenViewContext(ctx, trigger, view); err != nil {
		b.log.Warn("cannot open the false-positive form", "incident", id, "err", err)
	}
}

// onFalsePositive takes the submitted modal: bad fields go back to the
// form; a valid mark is stored, said in the incident's thread and shown
// on its message.
func (b *Bot) onFalsePositive(evt socketmode.Event, cb slack.InteractionCallback, o origin, id string) {
	if b.cfg.Incidents == nil {
		b.ack(evt.Request, nil)
		return
	}
	inc, err := b.cfg.Incidents.Incident(id)
	if err != nil {
		b.ack(evt.Request, nil)
		b.log.Warn("false positive for an unknown incident", "incident", id, "err", err)
		return
	}
	sp, err := blocks.ParseFalsePositive(inc, cb.View.State, o.user, b.cfg.Now())
	var fe blocks.FieldErrors
	if errors.As(err, &fe) {
		b.ack(evt.Request, slack.NewErrorsViewSubmissionResponse(fe))
		return
	}
	b.ack(evt.Request, nil)
	b.admit(o, func() {
		b.request(o, "incident_false_positive", 0, func(ctx context.Context) {
			if err != nil {
				b.fail(ctx, o, intents.Intent{}, err)
				return
			}
			if _, err := b.cfg.Incidents.Suppress(sp); err != nil {
				b.fail(ctx, o, intents.Intent{}, &storeError{err})
				return
			}
			scope := sp.User
			if sp.IP != "" {
				scope = sp.IP
			}
			b.changeIncident(ctx, o, id, func() (intents.Incident, error) {
				return b.cfg.Incidents.CloseIncident(id, o.user, "false positive")
			}, "Marked a false positive by <@"+o.user+">: "+sp.Detection+" for "+scope+" is not alerted until "+sp.Until.In(b.orgZone()).Format("Mon 2 Jan 15:04")+".")
		})
	})
}

// showSuppressions answers /okta suppressions: the live marks, each with
// Remove.
func (b *Bot) showSuppressions(ctx context.Context, o origin) {
	if b.cfg.Incidents == nil {
		b.fail(ctx, o, intents.Intent{Kind: intents.Suppressions}, intents.Invalidf("the watcher is off in this oktabot, so there are no suppressions (OKTABOT_WATCH)"))
		return
	}
	sps, err := b.cfg.Incidents.Suppressions()
	if err != nil {
		b.fail(ctx, o, intents.Intent{Kind: intents.Suppressions}, &storeError{err})
		return
	}
	m := blocks.Message{Text: "Suppressions", Blocks: blocks.SuppressionList(sps, b.orgZone())}
	if err := b.answer(ctx, o, m); err != nil {
		b.log.Error("cannot show the suppressions", "err", err)
	}
}
