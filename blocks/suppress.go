package blocks

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// Mark false positive: a modal that makes a suppression (one detection ×
// this user or this IP, for N days, with a reason), and the list of
// suppressions `/okta suppressions` shows.

// Ids of the false-positive modal. Each input's block id is also its
// action id. Its private_metadata is the incident id.
const (
	CallbackFalsePositive = "incident_false_positive"
	BlockFPDetection      = "fp_detection"
	BlockFPScope          = "fp_scope"
	BlockFPDays           = "fp_days"
	BlockFPReason         = "fp_reason"
)

// ActionSuppressionRemove is the Remove button of a suppression; its
// value is the suppression id. The n-th button of a list has the id
// "suppression_remove_n" (BaseAction reads it back).
const ActionSuppressionRemove = "suppression_remove"

// Bounds of a suppression.
const (
	DefaultSuppressDays = 7
	MaxSuppressDays     = 90
	maxSuppressReason   = 500
	maxScopeIPs         = 9 // radio buttons take 10 options; one is the user
)

// FalsePositiveModal is the dialog Mark false positive opens: which of
// the incident's detections, for whom (this user, or one of the
// findings' IPs), for how many days (1–90, default 7) and why.
// ParseFalsePositive reads it back.
func FalsePositiveModal(inc intents.Incident) slack.ModalViewRequest {
	intro := ":no_bell: Alerts of the chosen detection for the chosen user or IP raise no incident until the suppression ends. " +
		"It is recorded in the audit log, and `/okta suppressions` lists and removes it."
	intro = "*" + md(incidentSubject(inc), incidentName) + "*" + dashed(md(incidentReason(inc), incidentLine)) + "\n" + intro

	var opts []*slack.OptionBlockObject
	for _, d := range incidentDetections(inc) {
		opts = append(opts, slack.NewOptionBlockObject(d, plain(plainText(detectionTitle(d), MaxButtonText)), nil))
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose a detection"), BlockFPDetection, opts...)
	if len(opts) == 1 {
		sel.InitialOption = opts[0]
	}
	detection := slack.NewInputBlock(BlockFPDetection, plain("Detection"), nil, sel)

	var scopes []*slack.OptionBlockObject
	if login := strings.TrimSpace(inc.Subject); login != "" {
		scopes = append(scopes, slack.NewOptionBlockObject(scopeUser, plain(plainText("This user: "+login, MaxButtonText)), nil))
	}
	for _, ip := range incidentIPs(inc) {
		scopes = append(scopes, slack.NewOptionBlockObject(scopeIPPrefix+ip, plain("This IP: "+ip), nil))
	}
	radio := slack.NewRadioButtonsBlockElement(BlockFPScope, scopes...)
	if len(scopes) > 0 {
		radio.InitialOption = scopes[0]
	}
	blocks := []slack.Block{section("fp_intro", intro)}
	if len(opts) > 0 {
		blocks = append(blocks, detection)
	} else {
		blocks = append(blocks, section("fp_no_detection", ":warning: This incident holds no finding to suppress."))
	}
	if len(scopes) > 0 {
		blocks = append(blocks, slack.NewInputBlock(BlockFPScope, plain("For"), nil, radio))
	} else {
		blocks = append(blocks, section("fp_no_scope", ":warning: This incident names no user and no IP, so it cannot be marked false positive: a suppression needs one."))
	}
	days := slack.NewPlainTextInputBlockElement(plain("1–90"), BlockFPDays)
	days.InitialValue, days.MaxLength = strconv.Itoa(DefaultSuppressDays), 3
	reason := slack.NewPlainTextInputBlockElement(plain("Why is this a false positive? e.g. the VPN exit in Frankfurt"), BlockFPReason)
	reason.Multiline, reason.MaxLength = true, maxSuppressReason
	blocks = append(blocks,
		slack.NewInputBlock(BlockFPDays, plain("Days"), plain("From 1 to 90."), days),
		slack.NewInputBlock(BlockFPReason, plain("Reason"), plain("Kept in the audit log and shown in /okta suppressions."), reason))
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plain("Mark false positive"),
		Submit:          plain("Suppress"),
		Close:           plain("Cancel"),
		CallbackID:      CallbackFalsePositive,
		PrivateMetadata: inc.ID,
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

// Values of the scope options.
const (
	scopeUser     = "user"
	scopeIPPrefix = "ip:"
)

// FieldErrors are what is wrong with a modal's inputs, keyed by block id,
// as Slack's response_action "errors" takes them. It is an
// intents.ErrInvalid.
type FieldErrors map[string]string

func (e FieldErrors) Error() string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(e)) {
		parts = append(parts, k+": "+e[k])
	}
	return "invalid request: " + strings.Join(parts, "; ")
}

// Is makes a FieldErrors an intents.ErrInvalid.
func (e FieldErrors) Is(target error) bool { return target == intents.ErrInvalid }

// ParseFalsePositive reads a FalsePositiveModal submission for inc into
// a suppression made by whom (a Slack user id) at now. Every field is
// checked against the incident: a detection it holds, its user or one of
// its IPs, 1–90 whole days, a reason. When something is wrong the error
// is a FieldErrors with a message per input. The suppression's ID is left
// for the store.
func ParseFalsePositive(inc intents.Incident, state *slack.ViewState, by string, now time.Time) (intents.Suppression, error) {
	errs := FieldErrors{}
	sp := intents.Suppression{By: by, At: now, Incident: inc.ID}

	switch d := selectedValue(state, BlockFPDetection); {
	case d == "":
		errs[BlockFPDetection] = "Choose a detection."
	case !slices.Contains(incidentDetections(inc), d):
		errs[BlockFPDetection] = "That detection is not one of this incident's: choose one from the list."
	default:
		sp.Detection = d
	}

	switch scope := selectedValue(state, BlockFPScope); {
	case scope == "":
		errs[BlockFPScope] = "Choose this user or an IP."
	case scope == scopeUser && strings.TrimSpace(inc.Subject) != "":
		sp.User = strings.TrimSpace(inc.Subject)
	case strings.HasPrefix(scope, scopeIPPrefix) && slices.Contains(incidentIPs(inc), strings.TrimPrefix(scope, scopeIPPrefix)):
		sp.IP = strings.TrimPrefix(scope, scopeIPPrefix)
	default:
		errs[BlockFPScope] = "That is not this incident's user or one of its IPs: choose one from the list."
	}

	days, err := parseDays(inputValue(state, BlockFPDays))
	if err != "" {
		errs[BlockFPDays] = err
	} else {
		sp.Until = now.Add(time.Duration(days) * 24 * time.Hour)
	}

	reason := strings.Join(strings.Fields(sanitize(inputValue(state, BlockFPReason))), " ")
	switch {
	case reason == "":
		errs[BlockFPReason] = "Say why this is a false positive: it goes into the audit log."
	case chars(reason) > maxSuppressReason:
		errs[BlockFPReason] = fmt.Sprintf("At most %d characters.", maxSuppressReason)
	default:
		sp.Reason = reason
	}

	if strings.TrimSpace(by) == "" {
		return intents.Suppression{}, errors.New("blocks: false positive: no Slack user to record")
	}
	if len(errs) > 0 {
		return intents.Suppression{}, errs
	}
	return sp, nil
}

// parseDays reads a whole number of days from 1 to MaxSuppressDays, or
// says what is wrong.
func parseDays(s string) (int, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, "Give a number of days from 1 to 90."
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, "Give a whole number of days from 1 to 90, e.g. 7."
	}
	if n < 1 || n > MaxSuppressDays {
		return 0, "Days must be from 1 to 90."
	}
	return n, ""
}

// selectedValue is the selected option of a select or radio input whose
// block and action id are both id, or "".
func selectedValue(state *slack.ViewState, id string) string {
	if state == nil {
		return ""
	}
	return state.Values[id][id].SelectedOption.Value
}

// incidentDetections are the distinct detections of the incident, worst
// first, at most 100 (a static select's limit).
func incidentDetections(inc intents.Incident) []string {
	var out []string
	for _, f := range worstFirst(inc.Findings) {
		d := strings.TrimSpace(f.Detection)
		if d != "" && chars(d) <= 150 && !slices.Contains(out, d) && len(out) < 100 {
			out = append(out, d)
		}
	}
	return out
}

// incidentIPs are the distinct valid IPs of the incident's findings, worst
// finding first, at most maxScopeIPs.
func incidentIPs(inc intents.Incident) []string {
	var out []string
	for _, f := range worstFirst(inc.Findings) {
		for _, ip := range f.IPs {
			ip = strings.TrimSpace(ip) // as the findings hold it, for Suppression.Matches
			if _, err := netip.ParseAddr(ip); err != nil || slices.Contains(out, ip) || len(out) == maxScopeIPs {
				continue
			}
			out = append(out, ip)
		}
	}
	return out
}

// SuppressionList is the answer to `/okta suppressions`: each suppression
// with its detection, scope, until when, by whom and why, and a Remove
// button; "No suppressions." when there are none. Times fall back to loc
// (nil: UTC). As many as fit are shown, then how many more there are.
func SuppressionList(sps []intents.Suppression, loc *time.Location) []slack.Block {
	if loc == nil {
		loc = time.UTC
	}
	if len(sps) == 0 {
		return []slack.Block{section("suppressions", "No suppressions: every detection alerts as usual.")}
	}
	head := section("suppressions", "*"+plural(len(sps), "suppression", "suppressions")+"* — matching alerts raise no incident until each ends")
	blocks := []slack.Block{head}
	for i, sp := range sps {
		b := suppressionBlock(i, sp, loc)
		more := contextBlock("suppressions_more", "… and "+plural(len(sps)-i, "more suppression", "more suppressions")+" not shown: remove some to see the rest.")
		next := append(slices.Clone(blocks), b)
		if i+1 < len(sps) {
			next = append(next, more) // room must remain for the "more" line
		}
		if Validate(Message{Text: "suppressions", Blocks: next}) != nil {
			return append(blocks, more)
		}
		blocks = append(blocks, b)
	}
	return blocks
}

// suppressionBlock is the i-th suppression with its Remove button.
func suppressionBlock(i int, sp intents.Suppression, loc *time.Location) slack.Block {
	scope := "user " + md(sp.User, incidentName)
	switch {
	case sp.User != "" && sp.IP != "":
		scope += " from IP " + code(sp.IP, 64)
	case sp.IP != "":
		scope = "IP " + code(sp.IP, 64)
	case sp.User == "":
		scope = "_no scope_"
	}
	text := "*" + md(detectionTitle(sp.Detection), 80) + "* " + code(sp.Detection, 60) + " for " + scope +
		"\nuntil " + orDash(when(sp.Until, loc)) + " · " + joinNonEmpty(" ", byWord(person(sp.By, incidentName)), atWord(when(sp.At, loc)))
	if r := md(sp.Reason, 300); r != "" {
		text += "\nReason: " + r
	}
	s := section("suppression_"+count(i+1), text)
	if sp.ID != "" && chars(sp.ID) <= MaxButtonValue {
		id := ActionSuppressionRemove
		if i > 0 {
			id = fmt.Sprintf("%s_%d", ActionSuppressionRemove, i+1)
		}
		s.Accessory = slack.NewAccessory(button(id, "Remove", sp.ID))
	}
	return s
}
