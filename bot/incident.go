package bot

import (
	"context"
	"slices"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// Incidents in the channel: the message of an incident, updated in place,
// the fixes proposed in its thread, one thread line per change, and a
// change of severity upwards also sent to the channel.

// incidentEventType marks an incident's message in its Slack metadata, so
// that after a crash between posting it and recording it, the message is
// found again instead of posted twice; its "user", the incident's subject,
// is whom "him" means in its thread (thread.go).
const incidentEventType = "oktabot_incident"

// historyPages bounds the pages of 200 messages read to find an incident's
// message after a crash.
const historyPages = 5

// alert brings one changed incident to the channel.
func (b *Bot) alert(ctx context.Context, ch intents.IncidentChange) {
	inc := ch.Incident
	if !b.alerted(inc) {
		// Kept in the store, out of the outbox; posted when it grows
		// past AlertMin.
		if err := b.cfg.Incidents.SetIncidentMessage(inc.ID, "", "", inc.Version, ""); err != nil {
			b.log.Error("watcher: cannot record an incident below the alert severity", "incident", inc.ID, "err", err)
		}
		return
	}
	defer b.lockMessage("incident:" + inc.ID)()
	if inc.TS == "" {
		b.openIncident(ctx, inc, ch.New)
		return
	}
	b.growIncident(ctx, ch)
}

// incidentOptions is how incidents are drawn.
func (b *Bot) incidentOptions() blocks.IncidentOptions {
	return blocks.IncidentOptions{Location: b.orgZone()}
}

// here reports whether an incident's news mentions @here.
func (b *Bot) here(inc intents.Incident) bool {
	return b.cfg.HereOnCritical && inc.Severity == intents.SeverityCritical
}

// openIncident posts an incident's message, proposes its fixes in the
// thread and, for a sign-in, asks the person whether it was them. After a
// crash (fresh false) it first looks for a message already posted.
func (b *Bot) openIncident(ctx context.Context, inc intents.Incident, fresh bool) {
	channel := b.cfg.AlertChannel
	ts := ""
	if !fresh {
		ts = b.findIncidentMessage(ctx, channel, inc)
	}
	if ts == "" {
		var err error
		_, ts, err = b.postMessage(ctx, channel,
			slack.MsgOptionText(blocks.IncidentText(inc, b.here(inc)), false),
			slack.MsgOptionBlocks(blocks.IncidentMessage(inc, b.incidentOptions())...),
			slack.MsgOptionMetadata(slack.SlackMetadata{EventType: incidentEventType, EventPayload: map[string]any{"incident": inc.ID, "version": inc.Version, "user": inc.Subject}}))
		if err != nil {
			b.log.Error("watcher: the incident message was not posted; it is tried again at the next poll", "incident", inc.ID, "err", err)
			return
		}
	} else if _, _, _, err := b.api.UpdateMessageContext(ctx, channel, ts,
		slack.MsgOptionText(blocks.IncidentText(inc, false), false),
		slack.MsgOptionBlocks(blocks.IncidentMessage(inc, b.incidentOptions())...)); err != nil {
		b.log.Warn("watcher: cannot update the incident message found after a restart", "incident", inc.ID, "err", err)
	}
	if err := b.cfg.Incidents.SetIncidentMessage(inc.ID, channel, ts, inc.Version, inc.Severity); err != nil {
		b.log.Error("watcher: cannot record the incident message; it will be looked for at the next start", "incident", inc.ID, "err", err)
	}
	inc.Channel, inc.TS = channel, ts
	b.log.Info("incident posted", "incident", inc.ID, "subject", inc.Subject, "severity", inc.Severity, "score", inc.Score)
	if len(inc.Proposals) == 0 {
		b.proposeForIncident(ctx, inc)
	}
	if b.cfg.AskUser && fresh {
		b.askUser(ctx, inc)
	}
}

// findIncidentMessage looks in the channel's newest messages (the
// incident was opened shortly before the crash) for its message, by its
// metadata; "" when there is none or Slack cannot say.
func (b *Bot) findIncidentMessage(ctx context.Context, channel string, inc intents.Incident) string {
	p := &slack.GetConversationHistoryParameters{ChannelID: channel, IncludeAllMetadata: true, Limit: 200}
	for range historyPages {
		h, err := b.api.GetConversationHistoryContext(ctx, p)
		if err != nil {
			b.log.Warn("watcher: cannot read the channel's history to find an incident's message; posting it", "incident", inc.ID, "err", err)
			return ""
		}
		for _, m := range h.Messages {
			if m.Metadata.EventType == incidentEventType && m.Metadata.EventPayload["incident"] == inc.ID {
				return m.Timestamp
			}
		}
		if !h.HasMore || h.ResponseMetaData.NextCursor == "" {
			return ""
		}
		p.Cursor = h.ResponseMetaData.NextCursor
	}
	return ""
}

// growIncident updates an incident's message and adds one thread line
// saying what changed; a rise in severity sends the line to the channel
// too. Fixes the grown findings call for are proposed in the thread.
func (b *Bot) growIncident(ctx context.Context, ch intents.IncidentChange) {
	inc := ch.Incident
	if _, _, _, err := b.api.UpdateMessageContext(ctx, inc.Channel, inc.TS,
		slack.MsgOptionText(blocks.IncidentText(inc, false), false),
		slack.MsgOptionBlocks(blocks.IncidentMessage(inc, b.incidentOptions())...)); err != nil {
		b.log.Error("watcher: cannot update the incident message", "incident", inc.ID, "err", err)
		return
	}
	notified := inc.Notified
	if len(ch.Lines) > 0 || ch.Rose {
		line := blocks.IncidentChangeLine(ch)
		opts := []slack.MsgOption{slack.MsgOptionTS(inc.TS)}
		if ch.Rose {
			opts = append(opts, slack.MsgOptionBroadcast())
			if b.here(inc) {
				line = "<!here> " + line
			}
			notified = inc.Severity
		}
		opts = append(opts, slack.MsgOptionText(line, false))
		if _, _, err := b.postMessage(ctx, inc.Channel, opts...); err != nil {
			b.log.Error("watcher: cannot post what changed in the incident's thread", "incident", inc.ID, "err", err)
		}
	}
	if err := b.cfg.Incidents.SetIncidentMessage(inc.ID, inc.Channel, inc.TS, inc.Version, notified); err != nil {
		b.log.Error("watcher: cannot record the incident's update", "incident", inc.ID, "err", err)
	}
	// New evidence may call for a fix the first findings did not (a
	// success after the failures): proposed in the thread, once.
	b.proposeForIncident(ctx, inc)
}

// proposeForIncident posts the fixes for an incident's findings in its
// thread, leaving out kinds already proposed there.
func (b *Bot) proposeForIncident(ctx context.Context, inc intents.Incident) {
	if b.cfg.Proposals == nil || b.cfg.ReadOnly {
		return
	}
	acts, err := b.cfg.Watch.Remedies(ctx, inc)
	if err != nil {
		b.log.Error("watcher: cannot work out the incident's fixes", "incident", inc.ID, "err", err)
		return
	}
	var done []intents.Kind
	for _, id := range inc.Proposals {
		if p, err := b.cfg.Proposals.Get(id); err == nil && p.State == intents.StatePending {
			done = append(done, p.Preview.Action.Kind)
		}
	}
	b.log.Debug("watcher: fixes for an incident", "incident", inc.ID, "fixes", len(acts))
	acts = slices.DeleteFunc(acts, func(a intents.Action) bool { return slices.Contains(done, a.Kind) })
	if len(acts) == 0 {
		return
	}
	o := origin{via: "watch", channel: inc.Channel, user: b.botUserID, threadTS: inc.TS}
	ids := b.proposeFindings(ctx, o, intents.Result{Proposals: acts})
	if len(ids) == 0 {
		return
	}
	if err := b.cfg.Incidents.SetIncidentProposals(inc.ID, append(slices.Clone(inc.Proposals), ids...)); err != nil {
		b.log.Error("watcher: cannot record the incident's proposals", "incident", inc.ID, "err", err)
	}
}
