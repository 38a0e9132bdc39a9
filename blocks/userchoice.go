package blocks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/intents"
)

// ActionPickUser prefixes the buttons of a person ask-back ("pick_user_0"
// …); each value is the request to run again with one user's login
// (EncodeRerun).
const ActionPickUser = "pick_user"

// UserChoice is an ask-back for a person argument that named several Okta
// users, or none.
type UserChoice struct {
	// Request is what was asked; each button runs it again with one
	// candidate's login as its user.
	Request intents.Intent
	// Typed is the name as given.
	Typed string
	// Ambiguous: Candidates all answer to Typed. Otherwise none does, and
	// Candidates are the closest (perhaps none).
	Ambiguous  bool
	Candidates []intents.User
	// More: more users matched than Candidates holds.
	More bool
}

// PickUser renders the ask-back: which user was meant ("2 users match
// `john`") or "No user matches `jonh`" with "did you mean" suggestions,
// each as a button that runs the request again for that user. It never
// reads as an empty answer: no match is a warning, like a refusal.
func PickUser(c UserChoice) Message {
	typed := "`" + stripTicks(clip(c.Typed, 80)) + "`"
	var title, fallback string
	switch {
	case c.Ambiguous:
		n := fmt.Sprint(len(c.Candidates))
		if c.More {
			n = "More than " + n
		}
		title = ":busts_in_silhouette: *" + n + " users match " + esc(typed) + ".* Which one did you mean?"
		fallback = n + " users match " + c.Typed + ": which one did you mean?"
	case len(c.Candidates) > 0:
		title = ":warning: *No user matches " + esc(typed) + ".* Did you mean one of these?"
		fallback = "⚠️ No user matches " + c.Typed + ". Did you mean " + c.Candidates[0].Login + "?"
	default:
		title = ":warning: *No user matches " + esc(typed) + ".* It is not the login, email or name of any Okta user: check the spelling, or give their login or email."
		fallback = "⚠️ No user matches " + c.Typed + ": it is not the login, email or name of any Okta user."
	}
	blocks := []slack.Block{section("pick_user_title", title)}
	var lines []string
	var elems []slack.BlockElement
	for i, u := range c.Candidates {
		if i == maxSuggestions {
			break
		}
		lines = append(lines, "• "+personLine(u))
		in := c.Request
		in.User = u.Login
		v, err := EncodeRerun(in)
		if err != nil {
			continue // too large for a button: the login is listed to type
		}
		elems = append(elems, button(fmt.Sprintf("%s_%d", ActionPickUser, i), u.Login, v))
	}
	if len(lines) > 0 {
		blocks = append(blocks, section("pick_user_list", strings.Join(lines, "\n")))
	}
	if len(elems) > 0 {
		blocks = append(blocks, slack.NewActionBlock("pick_user_choices", elems...))
	}
	hint := "Or type the request again with the person's login or email."
	if c.More {
		hint = "More users match: type more of the name, or their login or email."
	}
	blocks = append(blocks, contextBlock("pick_user_help", hint))
	return Message{Text: md(fallback, 3000), Blocks: blocks}
}

// personLine is a user as a candidate: name, login and a status that is
// not plain ACTIVE.
func personLine(u intents.User) string {
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if u.DisplayName != "" {
		name = u.DisplayName
	}
	s := "`" + stripTicks(md(u.Login, 200)) + "`"
	if name != "" {
		s = "*" + md(name, 100) + "* " + s
	}
	if u.Status != "" && u.Status != "ACTIVE" {
		s += " (" + md(u.Status, 40) + ")"
	}
	return s
}

// A rerun value is the `value` of an ask-back button: the request to run
// again, as compact JSON ({"v":1,"q":{…}}). Slack hands it back verbatim,
// but the bot must treat it as input: DecodeRerun accepts only what a
// person could have typed (an action included: running one again only
// proposes it).
type rerunValue struct {
	V int            `json:"v"`
	Q intents.Intent `json:"q"`
}

// EncodeRerun encodes a request for an ask-back button. It fails for a
// request DecodeRerun would refuse or one too long for a button.
func EncodeRerun(in intents.Intent) (string, error) {
	in.Suggestions, in.After = nil, ""
	if err := checkRerun(in); err != nil {
		return "", fmt.Errorf("blocks: encode rerun value: %w", err)
	}
	v, err := encodeButtonJSON(rerunValue{V: pageValueVersion, Q: in})
	if err != nil {
		return "", fmt.Errorf("blocks: encode rerun value: %w", err)
	}
	return v, nil
}

// DecodeRerun reads a value made by EncodeRerun and checks it. Errors wrap
// intents.ErrInvalid.
func DecodeRerun(value string) (intents.Intent, error) {
	fail := func(err error) (intents.Intent, error) {
		return intents.Intent{}, fmt.Errorf("blocks: decode rerun value: %w", err)
	}
	var rv rerunValue
	if err := decodeButtonJSON(value, &rv); err != nil {
		return fail(err)
	}
	if rv.V != pageValueVersion {
		return fail(fmt.Errorf("%w: unknown version %d", intents.ErrInvalid, rv.V))
	}
	if err := checkRerun(rv.Q); err != nil {
		return fail(err)
	}
	return rv.Q, nil
}

// checkRerun is the one rule for what a rerun value may carry: a known
// kind with a user, no page cursor, the arguments a page value may carry.
func checkRerun(in intents.Intent) error {
	info, ok := intents.Lookup(in.Kind)
	switch {
	case !ok || in.Kind == intents.Unknown || in.Kind == intents.Help:
		return fmt.Errorf("%w: kind %q is not run again", intents.ErrInvalid, clip(string(in.Kind), 40))
	case strings.TrimSpace(in.User+in.Group+in.App+in.Policy+in.Rule) == "":
		return fmt.Errorf("%w: no user or object to run it for", intents.ErrInvalid)
	case in.After != "":
		return fmt.Errorf("%w: a rerun starts at the first page", intents.ErrInvalid)
	case len(bytes.TrimSpace(in.Body)) > 0 && !json.Valid(in.Body):
		return fmt.Errorf("%w: body is not JSON", intents.ErrInvalid)
	}
	for k, v := range in.Fields {
		if err := errors.Join(checkArg(k), checkArg(v)); err != nil {
			return err
		}
	}
	return checkQueryArgs(in, info)
}
