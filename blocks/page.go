package blocks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/oktabot/oktabot/intents"
)

// A page value is the `value` of a paging or export button: the query to
// run again and the 1-based page to show, as compact JSON:
//
//	{"v":1,"p":2,"q":{"kind":"list_users","status":"SUSPENDED"}}
//
// Slack hands it back verbatim in block_actions, but the bot must treat it as
// input: DecodePageValue accepts only what a person could have typed as a
// query.
type pageValue struct {
	V int            `json:"v"`
	P int            `json:"p"`
	Q intents.Intent `json:"q"`
}

const (
	pageValueVersion = 1
	// MaxPage is the highest page number a page value may carry.
	MaxPage = 100000
	// maxArgChars bounds each string argument of a paged query.
	maxArgChars = 500
	// maxCursor bounds Okta's opaque `after` cursor.
	maxCursor    = 1024
	maxCountries = 64
	// maxLimit matches the cap of intents' parser: a value may not ask
	// for more than a person could type.
	maxLimit = 1000
)

// EncodePageValue encodes a query and a 1-based page for a button value.
// It fails for an intent DecodePageValue would refuse, or when the value
// would be longer than MaxButtonValue.
func EncodePageValue(in intents.Intent, page int) (string, error) {
	in.Suggestions = nil
	if err := checkPageQuery(in, page); err != nil {
		return "", fmt.Errorf("blocks: encode page value: %w", err)
	}
	v, err := encodeButtonJSON(pageValue{V: pageValueVersion, P: page, Q: in})
	if err != nil {
		return "", fmt.Errorf("blocks: encode page value: %w", err)
	}
	return v, nil
}

// encodeButtonJSON is v as compact JSON for a button value, which it must
// fit.
func encodeButtonJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	if chars(string(b)) > MaxButtonValue {
		return "", fmt.Errorf("%w: %d characters, over %d", intents.ErrInvalid, chars(string(b)), MaxButtonValue)
	}
	return string(b), nil
}

// decodeButtonJSON decodes a button value made by encodeButtonJSON into
// v: bounded, known fields only, nothing after. Errors wrap
// intents.ErrInvalid.
func decodeButtonJSON(value string, v any) error {
	if len(value) > 4*MaxButtonValue || chars(value) > MaxButtonValue {
		return fmt.Errorf("%w: value longer than %d characters", intents.ErrInvalid, MaxButtonValue)
	}
	dec := json.NewDecoder(strings.NewReader(value))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", intents.ErrInvalid, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: data after the value", intents.ErrInvalid)
	}
	return nil
}

// DecodePageValue reads a button value made by EncodePageValue and checks
// it: only a read-only query kind, only arguments that kind takes, every
// field bounded. Errors wrap intents.ErrInvalid.
func DecodePageValue(value string) (intents.Intent, int, error) {
	fail := func(err error) (intents.Intent, int, error) {
		return intents.Intent{}, 0, fmt.Errorf("blocks: decode page value: %w", err)
	}
	var pv pageValue
	if err := decodeButtonJSON(value, &pv); err != nil {
		return fail(err)
	}
	if pv.V != pageValueVersion {
		return fail(fmt.Errorf("%w: unknown version %d", intents.ErrInvalid, pv.V))
	}
	if err := checkPageQuery(pv.Q, pv.P); err != nil {
		return fail(err)
	}
	return pv.Q, pv.P, nil
}

// checkPageQuery is the one rule for what a page value may carry.
func checkPageQuery(in intents.Intent, page int) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{intents.ErrInvalid}, a...)...)
	}
	if page < 1 || page > MaxPage {
		return bad("page %d out of range 1–%d", page, MaxPage)
	}
	info, ok := intents.Lookup(in.Kind)
	switch {
	case !ok || in.Kind == intents.Unknown:
		return bad("unknown kind %q", clip(string(in.Kind), 40))
	case info.Action:
		return bad("kind %s changes Okta and cannot be paged", in.Kind)
	case in.Kind == intents.Help:
		return bad("help is not paged")
	}
	return checkQueryArgs(in, info)
}

// checkQueryArgs checks the arguments a button value carries: only those
// the kind takes, every one bounded.
func checkQueryArgs(in intents.Intent, info intents.KindInfo) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{intents.ErrInvalid}, a...)...)
	}
	if len(in.Suggestions) > 0 {
		return bad("suggestions are not part of a query")
	}
	args := []struct {
		arg intents.Arg
		set bool
	}{
		{intents.ArgUser, in.User != ""},
		{intents.ArgGroup, in.Group != ""},
		{intents.ArgApp, in.App != ""},
		{intents.ArgPolicy, in.Policy != ""},
		{intents.ArgRule, in.Rule != ""},
		{intents.ArgPolicyType, in.PolicyType != ""},
		{intents.ArgWindow, in.Window != 0 || in.Bounded()},
		{intents.ArgEventType, in.EventType != ""},
		{intents.ArgOutcome, in.Outcome != ""},
		{intents.ArgStatus, in.Status != ""},
		{intents.ArgQuery, in.Query != ""},
		{intents.ArgCountries, len(in.Countries) > 0},
		{intents.ArgReason, in.Reason != ""},
		{intents.ArgFields, len(in.Fields) > 0},
		{intents.ArgBody, len(bytes.TrimSpace(in.Body)) > 0},
		{intents.ArgLimit, in.Limit != 0},
		{intents.ArgID, in.ID != ""},
	}
	for _, a := range args {
		if a.set && !info.Accepts(a.arg) {
			return bad("%s does not take %s", in.Kind, a.arg)
		}
	}
	for _, s := range []string{in.User, in.Group, in.App, in.Policy, in.Rule, in.PolicyType, in.EventType, in.Outcome, in.Status, in.Query, in.Reason, in.ID} {
		if err := checkArg(s); err != nil {
			return err
		}
	}
	if len(in.Countries) > maxCountries {
		return bad("%d countries, over %d", len(in.Countries), maxCountries)
	}
	for _, c := range in.Countries {
		if err := checkArg(c); err != nil {
			return err
		}
	}
	if in.Window < 0 || in.Window > intents.MaxWindow {
		return bad("window %s out of range", in.Window)
	}
	if !in.Since.IsZero() && (in.Window != 0 || !in.Until.IsZero() && !in.Until.After(in.Since)) {
		return bad("window since %v until %v is not one window", in.Since, in.Until)
	}
	if in.Limit < 0 || in.Limit > maxLimit {
		return bad("limit %d out of range", in.Limit)
	}
	if len(in.After) > maxCursor {
		return bad("cursor longer than %d", maxCursor)
	}
	for i := 0; i < len(in.After); i++ {
		if c := in.After[i]; c <= ' ' || c >= 0x7f {
			return bad("cursor holds a character outside printable ASCII")
		}
	}
	return nil
}

func checkArg(s string) error {
	switch {
	case !utf8.ValidString(s):
		return fmt.Errorf("%w: argument is not UTF-8", intents.ErrInvalid)
	case chars(s) > maxArgChars:
		return fmt.Errorf("%w: argument longer than %d characters", intents.ErrInvalid, maxArgChars)
	case strings.ContainsFunc(s, unsafeRune):
		return fmt.Errorf("%w: argument holds a control character", intents.ErrInvalid)
	}
	return nil
}
