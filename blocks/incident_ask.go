package blocks

import (
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/intents"
)

// "Was this you?": the DM to the person a sign-in incident is about. It
// shows only that person's own sign-in, never the incident's other
// evidence.

// Action ids of the DM's buttons; each value is the incident id.
const (
	ActionWasThisYouYes = "was_this_you_yes"
	ActionWasThisYouNo  = "was_this_you_no"
)

// WasThisYouEvent is the one sign-in the person is asked about.
type WasThisYouEvent struct {
	Incident string    // the incident id, the buttons' value
	Time     time.Time // when the sign-in happened
	City     string
	Country  string
	IP       string
	Client   string // browser and OS, e.g. "Chrome on macOS"
	// Location is the person's (or the team's) zone for the time; nil
	// means UTC.
	Location *time.Location
}

// askCap bounds each text of the DM.
const askCap = 100

// WasThisYou is the DM: "We saw a sign-in to your Okta account from
// Frankfurt, Germany at 01:49 — was this you?", the IP and client, and
// Yes / No buttons.
func WasThisYou(ev WasThisYouEvent) []slack.Block {
	blocks := []slack.Block{section("was_this_you", ":closed_lock_with_key: "+wasThisYouQuestion(ev))}
	if d := signInDetail(ev); d != "" {
		blocks = append(blocks, contextBlock("was_this_you_detail", d))
	}
	if ev.Incident != "" && chars(ev.Incident) <= MaxButtonValue {
		yes := button(ActionWasThisYouYes, "Yes, it was me", ev.Incident)
		yes.Style = slack.StylePrimary
		no := button(ActionWasThisYouNo, "No, it wasn't me", ev.Incident)
		no.Style = slack.StyleDanger
		blocks = append(blocks, slack.NewActionBlock("was_this_you_answer", yes, no))
	}
	blocks = append(blocks, contextBlock("was_this_you_why", "Your security team asked oktabot to check with you. If it wasn't you, choose No: they are told at once."))
	return blocks
}

// WasThisYouText is the DM's notification text.
func WasThisYouText(ev WasThisYouEvent) string { return wasThisYouQuestion(ev) }

// WasThisYouAnswered is the DM once answered: the question, the answer,
// what happens next, and no buttons.
func WasThisYouAnswered(ev WasThisYouEvent, answer string) []slack.Block {
	var reply string
	switch strings.ToLower(answer) {
	case intents.AnswerYes:
		reply = ":white_check_mark: *You said it was you.* Thank you, nothing more to do."
	case intents.AnswerNo:
		reply = ":rotating_light: *You said it wasn't you.* Your security team has been told and will follow up. Change your password if they ask you to."
	default:
		reply = "Thank you for answering."
	}
	blocks := []slack.Block{section("was_this_you", ":closed_lock_with_key: "+wasThisYouQuestion(ev))}
	if d := signInDetail(ev); d != "" {
		blocks = append(blocks, contextBlock("was_this_you_detail", d))
	}
	return append(blocks, section("was_this_you_reply", reply))
}

// AnswerLine is the incident thread's line for the person's answer.
func AnswerLine(login, answer string) string {
	who := md(login, incidentName)
	if who == "" {
		who = "The person"
	}
	switch strings.ToLower(answer) {
	case intents.AnswerYes:
		return ":bust_in_silhouette: " + who + " answered \"was this you?\" *Yes*: the sign-in was theirs."
	case intents.AnswerNo:
		return ":rotating_light: " + who + " answered \"was this you?\" *No*: the sign-in was not theirs."
	}
	return ":bust_in_silhouette: " + who + " answered \"was this you?\": " + md(answer, 20)
}

// NotAskedLine is the incident thread's line when the person has no
// Slack account to ask.
func NotAskedLine(login string) string {
	return ":bust_in_silhouette: " + orDash(md(login, incidentName)) + " has no Slack account, so no \"was this you?\" was sent."
}

// wasThisYouQuestion is "We saw a sign-in to your Okta account from
// Frankfurt, Germany at 01:49 CET on Sat 28 Nov — was this you?".
func wasThisYouQuestion(ev WasThisYouEvent) string {
	place := joinNonEmpty(", ", md(ev.City, askCap), md(ev.Country, askCap))
	if place == "" {
		place = "an unknown place"
	}
	text := "We saw a sign-in to your Okta account from " + place
	if !ev.Time.IsZero() {
		tz := ev.Location
		if tz == nil {
			tz = time.UTC
		}
		t := ev.Time.In(tz)
		text += " at " + t.Format("15:04 MST") + " on " + t.Format("Mon 2 Jan")
	}
	return text + " — was this you?"
}

// signInDetail is "IP 185.220.101.1 · Chrome on macOS".
func signInDetail(ev WasThisYouEvent) string {
	var parts []string
	if ip := code(ev.IP, 64); ip != "" {
		parts = append(parts, "IP "+ip)
	}
	if c := md(ev.Client, askCap); c != "" {
		parts = append(parts, c)
	}
	return strings.Join(parts, " · ")
}

// AnswerMessage is the incident thread's message about the person's
// answer (AnswerLine); after a Yes it offers Close, since the person
// vouched for the sign-in.
func AnswerMessage(inc intents.Incident, answer string) []slack.Block {
	line := AnswerLine(inc.Subject, answer)
	out := []slack.Block{section("answer_line", line)}
	if answer == intents.AnswerYes && inc.Status != intents.IncidentClosed && inc.ID != "" && chars(inc.ID) <= MaxButtonValue {
		out = append(out, section("answer_offer", "If nothing else in this incident looks wrong, close it."),
			slack.NewActionBlock("answer_actions", button(ActionIncidentClose, "Close", inc.ID)))
	}
	return out
}
