package freetext

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// This file reads a message that makes several requests: "suspend
// john@company.com and clear his sessions" (two clauses, each led by a
// verb), and "investigate john and emily" (one request for each person
// named in a list). A pronoun is resolved in pronoun.go.

// MaxRequests is the most requests one message may make.
const MaxRequests = 5

// UnderstandAll is Understand for a message that may make several
// requests, in the order written: clauses joined by "and", "then", "also"
// or a semicolon, each starting with a verb ("suspend john@company.com and
// clear his sessions"), and a request for a list of people ("investigate
// john, emily and bob"). An "and" that does not start a new request — in a
// name ("Research and Development"), a time ("between Monday and
// Friday"), or a reason ("reason: phished and reused password", "suspend
// john, he clicked a link and reset his password") — does not split. A
// message that is one request is read exactly as Understand reads it.
//
// A pronoun ("him", "his sessions", "that account") refers to the person of
// the clause before, else to subject, the person the conversation is about
// (a Slack thread's); with neither, the error wraps ErrWho. A reason given
// with reason: in the last request applies to every change before it that
// has none.
func UnderstandAll(text string, now time.Time, subject string) ([]intents.Intent, error) {
	return understandAll(text, now.UTC(), subject)
}

// UnderstandAllIn is UnderstandAll with the clock and zone of o.
func UnderstandAllIn(text string, o intents.ReadOptions, subject string) ([]intents.Intent, error) {
	return understandAll(text, o.Present(), subject)
}

// ClassifyAll reads text as UnderstandAll does, with the subject the
// context carries (WithSubject).
func (r Rules) ClassifyAll(ctx context.Context, text string) ([]intents.Intent, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	o := intents.ReadOptions{Now: now(), Location: intents.LocationFrom(ctx, r.Location)}
	return UnderstandAllIn(text, o, SubjectFrom(ctx))
}

// subjectKey carries the subject of a conversation in a context.
type subjectKey struct{}

// WithSubject returns ctx carrying user (a login, email or Okta id) as the
// person the conversation is about: what "him" and "his" mean in it.
func WithSubject(ctx context.Context, user string) context.Context {
	return context.WithValue(ctx, subjectKey{}, user)
}

// SubjectFrom is the subject ctx carries (WithSubject); "" when none.
func SubjectFrom(ctx context.Context) string {
	s, _ := ctx.Value(subjectKey{}).(string)
	return s
}

func understandAll(text string, now time.Time, subject string) ([]intents.Intent, error) {
	ins, err := readAll(text, now, subject)
	if err != nil {
		return nil, err
	}
	return ins, nil
}

// readAll is understandAll, with whatever was read alongside an error.
func readAll(text string, now time.Time, subject string) ([]intents.Intent, error) {
	s := PlainText(text)
	if t := strings.TrimSpace(text); intents.TrimPrefix(t) != t || len(s) > MaxFreeText {
		in, err := understand(text, now)
		return []intents.Intent{in}, err
	}
	clauses := splitClauses(s, now)
	if len(clauses) == 1 {
		return readClause(text, now, []string{subject})
	}
	var out []intents.Intent
	refer := []string{subject}
	for _, c := range clauses {
		ins, err := readClause(c, now, refer)
		if errors.Is(err, ErrWho) {
			return nil, err
		}
		if err != nil || ins[0].Kind == intents.Unknown {
			// Not a request of its own: the message is read whole.
			return readClause(text, now, []string{subject})
		}
		if users := usersOf(ins); len(users) > 0 {
			refer = users
		}
		out = append(out, ins...)
	}
	if len(out) > MaxRequests {
		return nil, intents.Invalidf("that is %d requests in one message; make at most %d at a time", len(out), MaxRequests)
	}
	shareReason(out, clauses[len(clauses)-1])
	return out, nil
}

// readClause reads one clause: the people a pronoun in it refers to
// resolved (refer, "" for nobody known), then a list of people
// distributed.
func readClause(text string, now time.Time, refer []string) ([]intents.Intent, error) {
	in, err := understand(text, now)
	if resolved, ok, rerr := resolvePronoun(text, in, err, now, refer); rerr != nil {
		return nil, rerr
	} else if ok {
		return resolved, nil
	}
	if err != nil || (in.Kind != intents.Unknown && in.User == "") {
		return []intents.Intent{in}, err
	}
	if many, ok := distribute(PlainText(text), now); ok {
		if len(many) > MaxRequests {
			return nil, intents.Invalidf("that names %d people; name at most %d at a time", len(many), MaxRequests)
		}
		return many, nil
	}
	return []intents.Intent{in}, nil
}

// splitClauses cuts s where a new request starts: at an "and", "then",
// "also", "plus" or a semicolon that is not part of a time window or a
// quoted name, followed by a verb, after a clause that reads as a request
// with no reason. One clause when s is one request.
func splitClauses(s string, now time.Time) []string {
	sc := newScan(s, now)
	var out []string
	start := 0
	for i := 0; i < len(sc.toks); i++ {
		t := sc.toks[i]
		join := sc.cue[i] == cJoin && !sc.used[i] && !t.quoted
		semi := t.end < len(s) && s[t.end] == ';'
		if !join && !semi {
			continue
		}
		k := i + 1
		if join {
			for k < len(sc.toks) && (sc.cue[k] == cJoin || sc.cue[k] == cCourtesy) {
				k++
			}
		} else if i+1 < len(sc.toks) && sc.cue[i+1] == cJoin {
			continue // "…; and then …": cut at the join
		}
		if k >= len(sc.toks) || !leadsRequest(sc, k) {
			continue
		}
		end := t.start
		if semi {
			end = t.end
		}
		left := strings.TrimRight(s[start:end], " ,;.\t\n")
		if left == "" || hasReasonWord(sc, start, i) {
			continue
		}
		if in, err := understand(left, now); err == nil && (in.Kind == intents.Unknown || in.Kind == intents.Help || in.Reason != "") {
			continue
		} else if err != nil && !hasPronoun(left) {
			continue
		}
		out = append(out, left)
		start = sc.toks[k].start
		i = k - 1
	}
	if len(out) == 0 {
		return []string{s}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

// leadsRequest reports whether the token at k starts a request: a verb of
// change or an idiom of one, "investigate", or "show" and its kin.
func leadsRequest(sc *scan, k int) bool {
	c := sc.cue[k]
	if sc.toks[k].quoted || sc.toks[k].shape != shapeWord {
		return false
	}
	return c.isVerb() || c == cInvestigate || c == cList
}

// hasReasonWord reports a word that starts a reason ("reason", "because",
// "due") among the tokens from byte offset start to token i.
func hasReasonWord(sc *scan, start, i int) bool {
	for j := 0; j < i; j++ {
		if sc.toks[j].start < start {
			continue
		}
		switch sc.toks[j].low {
		case "reason", "reasons", "because", "due", "cause", "since", "as":
			return true
		}
	}
	return false
}

// distribute reads "investigate john, emily and bob" as one request for
// each person: a person followed by a list of others (commas, "and"),
// where the text with the list left out reads as a request about the
// first, and with each other person in the first one's place as the same
// request about them.
func distribute(s string, now time.Time) ([]intents.Intent, bool) {
	sc := newScan(s, now)
	for u := range sc.toks {
		if !personLike(sc, u) && !(sc.toks[u].shape == shapeWord && sc.cue[u] == cUser) {
			continue
		}
		people, last := listAfter(sc, s, u)
		if len(people) == 0 {
			continue
		}
		head, tail := s[:sc.toks[u].start], s[sc.toks[last].end:]
		first := sc.toks[u].raw
		base, err := understand(head+first+tail, now)
		if err != nil || base.Kind == intents.Unknown || !strings.EqualFold(base.User, first) {
			continue
		}
		out := []intents.Intent{base}
		for _, p := range people {
			got, err := understand(head+p+tail, now)
			if err != nil || got.Kind != base.Kind || !strings.EqualFold(got.User, p) {
				return nil, false
			}
			out = append(out, got)
		}
		return out, true
	}
	return nil, false
}

// listAfter lists the people named after the token at u, joined by commas
// and "and", and the index of the last one. A bare word after a comma is a
// person only in a list that ends with "and" someone ("john, emily and
// bob"): "suspend jdoe, urgent" gives a reason, not a second person.
func listAfter(sc *scan, s string, u int) (people []string, last int) {
	last = u
	bareAfterComma, endsWithAnd := false, false
	for k := u + 1; k < len(sc.toks); {
		switch {
		case sc.toks[k-1].sep && s[sc.toks[k-1].end] == ',' && personLike(sc, k):
			bareAfterComma = bareAfterComma || sc.toks[k].shape == shapeWord
			people, last, k, endsWithAnd = append(people, sc.toks[k].raw), k, k+1, false
		case sc.cue[k] == cJoin && sc.toks[k].low == "and" && !sc.used[k] && k+1 < len(sc.toks) && personLike(sc, k+1):
			people, last, k, endsWithAnd = append(people, sc.toks[k+1].raw), k+1, k+2, true
		default:
			k = len(sc.toks)
		}
	}
	if bareAfterComma && !endsWithAnd {
		return nil, u
	}
	return people, last
}

// personLike reports a token that can only be a person: an email, a Slack
// mention, an Okta id, or a word the vocabulary does not know.
func personLike(sc *scan, k int) bool {
	t := sc.toks[k]
	if t.quoted || sc.used[k] {
		return false
	}
	switch t.shape {
	case shapeEmail, shapeMention, shapeOktaID:
		return true
	case shapeWord:
		return sc.cue[k] == cNone && !t.poss && !userSkip(t.low)
	}
	return false
}

// usersOf lists the users the intents act on or ask about.
func usersOf(ins []intents.Intent) []string {
	var out []string
	for _, in := range ins {
		if in.User != "" {
			out = append(out, in.User)
		}
	}
	return out
}

// shareReason gives the changes without a reason the reason the last
// clause states after reason:.
func shareReason(ins []intents.Intent, lastClause string) {
	last := ins[len(ins)-1]
	if last.Reason == "" || !strings.Contains(strings.ToLower(lastClause), "reason:") {
		return
	}
	for i := range ins {
		if ins[i].Kind.IsAction() && ins[i].Reason == "" {
			ins[i].Reason = last.Reason
		}
	}
}

// GroundedAllIn checks the Intents a model made from text, one for each
// request, as GroundedIn checks one; but in a message of several requests
// an action's explicit verb is in its own clause ("suspend
// john@company.com and clear his sessions"), so an action the whole text
// does not ground stands only when the rules read the same action for the
// same user from the message (UnderstandAll, with subject).
func GroundedAllIn(text string, ins []intents.Intent, o intents.ReadOptions, subject string) ([]intents.Intent, error) {
	now := o.Present()
	var rules []intents.Intent
	read := false
	out := make([]intents.Intent, 0, len(ins))
	for _, in := range ins {
		got, err := grounded(text, in, now)
		if err != nil && len(ins) > 1 && in.Kind.IsAction() {
			if !read {
				rules, _ = understandAll(text, now, subject)
				read = true
			}
			if agrees(rules, in) {
				got, err = in, nil
			}
		}
		if err != nil {
			return nil, err
		}
		out = append(out, got)
	}
	return out, nil
}

// agrees reports whether the rules read the action in makes, for its
// user, group and app.
func agrees(rules []intents.Intent, in intents.Intent) bool {
	for _, r := range rules {
		if r.Kind == in.Kind && r.User != "" && strings.EqualFold(r.User, in.User) &&
			strings.EqualFold(r.Group, in.Group) && strings.EqualFold(r.App, in.App) {
			return true
		}
	}
	return false
}
