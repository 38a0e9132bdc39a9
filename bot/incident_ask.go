package bot

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// "Was this you?": the person a sign-in incident is about is found in
// Slack by their Okta email and asked in a DM about their own sign-in
// only. The answer goes into the incident's thread and its confidence as
// a finding of its own (answerDetection): a "no" is evidence, a "yes"
// lowers the score and the thread offers Close. A later answer replaces
// the earlier one.

// answerDetection is the finding an answer joins to its incident.
const answerDetection = "user_answer"

// Points of the answers: a "no" is strong evidence of a takeover; a
// "yes" takes off about what one more detection adds.
const (
	deniedPoints    = 80
	confirmedPoints = -40
)

// signInDetections are the detections about a sign-in the person can
// recognise as theirs or not.
var signInDetections = []string{
	"success_after_failures", "suspicious_country_login", "anonymizing_proxy_login",
	"impossible_travel", "session_roaming", "admin_console_new_behavior", "mfa_push_fatigue",
}

// asksAbout reports whether "was this you?" fits inc.
func asksAbout(inc intents.Incident) bool {
	if inc.Subject == "" {
		return false
	}
	for _, f := range inc.Findings {
		for _, d := range signInDetections {
			if f.Detection == d {
				return true
			}
		}
	}
	return false
}

// askUser sends the DM, or says in the thread why it was not sent.
func (b *Bot) askUser(ctx context.Context, inc intents.Incident) {
	if !asksAbout(inc) {
		return
	}
	email, ev, ok, err := b.cfg.Watch.SignIn(ctx, inc)
	if err != nil || !ok {
		b.log.Info("watcher: no sign-in to ask about", "incident", inc.ID, "err", err)
		return
	}
	u, err := b.api.GetUserByEmailContext(ctx, email)
	if err != nil {
		if strings.Contains(err.Error(), "users_not_found") {
			b.threadLine(ctx, inc, blocks.NotAskedLine(inc.Subject))
			if _, err := b.cfg.Incidents.SetAnswer(inc.ID, intents.AnswerNoSlack, b.cfg.Now()); err != nil {
				b.log.Error("watcher: cannot record that the person has no Slack account", "incident", inc.ID, "err", err)
			}
			return
		}
		b.log.Warn("watcher: cannot look the person up in Slack; not asked", "incident", inc.ID, "err", err)
		return
	}
	q := b.wasThisYou(ctx, inc, ev, u.ID)
	if _, _, err := b.postMessage(ctx, u.ID, slack.MsgOptionText(blocks.WasThisYouText(q), false), slack.MsgOptionBlocks(blocks.WasThisYou(q)...)); err != nil {
		b.log.Warn("watcher: cannot send \"was this you?\"", "incident", inc.ID, "err", err)
		return
	}
	if _, err := b.cfg.Incidents.SetAnswer(inc.ID, intents.AnswerAsked, b.cfg.Now()); err != nil {
		b.log.Error("watcher: cannot record that the person was asked", "incident", inc.ID, "err", err)
	}
	b.threadLine(ctx, inc, "Asked <@"+u.ID+"> whether this sign-in was them.")
}

// wasThisYou is the question about ev, in the person's zone.
func (b *Bot) wasThisYou(ctx context.Context, inc intents.Incident, ev intents.Event, user string) blocks.WasThisYouEvent {
	client := ev.Client.Browser
	if os := ev.Client.OS; os != "" && client != "" {
		client += " on " + os
	}
	return blocks.WasThisYouEvent{
		Incident: inc.ID, Time: ev.Published,
		City: ev.Client.City, Country: ev.Client.Country, IP: ev.Client.IP,
		Client: client, Location: b.zone(ctx, user),
	}
}

// threadLine posts one line in an incident's thread.
func (b *Bot) threadLine(ctx context.Context, inc intents.Incident, line string, opts ...slack.MsgOption) {
	if inc.TS == "" {
		return
	}
	opts = append([]slack.MsgOption{slack.MsgOptionTS(inc.TS), slack.MsgOptionText(line, false)}, opts...)
	if _, _, err := b.postMessage(ctx, inc.Channel, opts...); err != nil {
		b.log.Error("watcher: cannot post in the incident's thread", "incident", inc.ID, "err", err)
	}
}

// answered takes a press of Yes or No in the DM: only the person asked
// may answer (the DM is theirs; a forwarded button is refused).
func (b *Bot) answered(ctx context.Context, o origin, id, answer string) {
	inc, err := b.cfg.Incidents.Incident(id)
	if err != nil {
		b.log.Warn("watcher: an answer to an unknown incident", "incident", id, "err", err)
		return
	}
	email, ev, ok, err := b.cfg.Watch.SignIn(ctx, inc)
	if err != nil || !ok {
		b.log.Warn("watcher: cannot check who may answer", "incident", id, "err", err)
		return
	}
	u, err := b.api.GetUserByEmailContext(ctx, email)
	if err != nil || u.ID != o.user {
		b.log.Warn("watcher: an answer from someone other than the person asked; ignored", "incident", id, "user", o.user)
		return
	}
	if inc, err = b.cfg.Incidents.SetAnswer(id, answer, b.cfg.Now()); err != nil {
		b.log.Error("watcher: cannot record the answer", "incident", id, "err", err)
		return
	}
	q := b.wasThisYou(ctx, inc, ev, o.user)
	if _, _, _, err := b.api.UpdateMessageContext(ctx, o.channel, o.messageTS, slack.MsgOptionText(blocks.WasThisYouText(q), false),
		slack.MsgOptionBlocks(blocks.WasThisYouAnswered(q, answer)...)); err != nil {
		b.log.Warn("watcher: cannot update the question", "incident", id, "err", err)
	}
	// The events name the question, shared by every answer (so a later
	// answer replaces an earlier one), and this answer.
	f := intents.Finding{Detection: answerDetection, User: inc.Subject, Score: confirmedPoints,
		Summary: inc.Subject + " said the sign-in was them", Events: []string{"answer:" + id, "answer:" + id + ":" + answer + ":" + b.cfg.Now().UTC().Format(time.RFC3339Nano)}}
	if answer == intents.AnswerNo {
		f.Score, f.Summary = deniedPoints, inc.Subject+" said the sign-in was not them"
		f.Facts = []string{f.Summary}
	}
	f.Severity, f.Evidence = intents.Band(max(f.Score, 0)), []intents.Evidence{{Text: f.Summary + ` (answer to "was this you?")`, Points: f.Score}}
	opts := intents.WatchOptions{Window: b.cfg.IncidentWindow, Combine: b.cfg.Watch.Combine}
	changes, err := b.cfg.Incidents.AddFindings([]intents.Finding{f}, b.cfg.Now(), opts)
	if err != nil && !errors.Is(err, intents.ErrInvalid) {
		b.log.Error("watcher: cannot add the answer to the incident", "incident", id, "err", err)
	}
	b.threadLine(ctx, inc, blocks.AnswerLine(inc.Subject, answer), slack.MsgOptionBlocks(blocks.AnswerMessage(inc, answer)...))
	unlock := b.lockMessage("incident:" + inc.ID)
	defer unlock()
	for _, ch := range changes {
		if ch.Incident.ID == inc.ID && ch.Incident.TS != "" {
			ch.Lines = nil // the answer line says it
			b.growIncident(ctx, ch)
		}
	}
}
