package okta

import (
	"cmp"
	"context"
	"errors"
	"iter"
	"slices"
	"strings"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
)

// Resolving a person argument. Whatever names a person (an id, a login, an
// email, the short login before the "@", a first, last or display name, or
// "first last") is resolved to exactly one Okta user before it is used:
// the System Log compares exactly, so a name used as a filter value as
// typed would match nothing and read as "no events".

const (
	// maxCandidates is how many users an ask-back offers.
	maxCandidates = 5
	// resolveScan bounds the users a name search reads.
	resolveScan = 1000
	// maxTypoDistance is how far a mistyped name may be from a suggestion.
	maxTypoDistance = 2
)

// ResolveUser finds the one user a person argument names. An exact id,
// login or email wins; otherwise a name that several users answer to (as
// short login, first, last, display or full name) is an
// *intents.UserMatchError wrapping intents.ErrAmbiguous, and a name none
// answers to one wrapping intents.ErrNotFound with the closest users as
// Candidates (or intents.ErrNoAdminRole when the service app cannot see
// users at all).
func (c *Client) ResolveUser(ctx context.Context, who string) (intents.User, error) {
	s := strings.TrimSpace(who)
	op := "find user " + s
	if s == "" || s == "." || s == ".." || strings.ContainsAny(s, "\x00\r\n\t") {
		return intents.User{}, invalid(op, "give a user's login, email, name or id")
	}
	if !strings.ContainsAny(s, " /") {
		// Okta's GET /users/{id} also takes a login, and a short login
		// when it is unambiguous: only an exact id, login or email is
		// trusted here; anything else is ranked with the others.
		u, err := c.getUser(ctx, s)
		switch {
		case err == nil && exactUser(u, s):
			return u, nil
		case err != nil && !isNotFound(err):
			return intents.User{}, err
		}
	}
	var same, exact, prefix []intents.User
	n := 0
	for u, err := range items(c.searchPages(ctx, op, nameSearch(s))) {
		if err != nil {
			return intents.User{}, err
		}
		switch {
		case exactUser(u, s):
			same = append(same, u) // an email several users share
		case namedBy(u, s):
			exact = append(exact, u)
		default:
			prefix = append(prefix, u)
		}
		if n++; n >= resolveScan {
			break
		}
	}
	switch {
	case len(same) == 1:
		return same[0], nil
	case len(same) > 1:
		return intents.User{}, userMatch(op, s, intents.ErrAmbiguous, byLogin(same))
	case len(exact) == 1:
		return exact[0], nil
	case len(exact) > 1:
		return intents.User{}, userMatch(op, s, intents.ErrAmbiguous, byLogin(exact))
	}
	near := byLogin(prefix)
	if len(near) == 0 {
		var err error
		if near, err = c.nearNames(ctx, op, s); err != nil {
			return intents.User{}, err
		}
	}
	if len(near) == 0 {
		if err := c.checkAdminRole(ctx, op); err != nil {
			return intents.User{}, err
		}
	}
	return intents.User{}, userMatch(op, s, intents.ErrNotFound, near)
}

// byLogin sorts us by login.
func byLogin(us []intents.User) []intents.User {
	slices.SortFunc(us, func(a, b intents.User) int { return cmp.Compare(strings.ToLower(a.Login), strings.ToLower(b.Login)) })
	return us
}

// userMatch is the error of a name that did not pick one user, with the
// first few candidates, best first.
func userMatch(op, typed string, sentinel error, us []intents.User) error {
	e := &intents.UserMatchError{Op: "okta: " + op, Typed: typed, Err: sentinel, Candidates: us}
	if len(us) > maxCandidates {
		e.Candidates, e.More = us[:maxCandidates:maxCandidates], true
	}
	return e
}

// searchPages reads the users a search expression matches, page by page.
func (c *Client) searchPages(ctx context.Context, op, search string) iter.Seq2[page[intents.User], error] {
	return listPages(ctx, c, op, intents.ScopeUsersRead, "", func(ctx context.Context) (*oktasdk.APIResponse, error) {
		r := c.api.UserAPI.ListUsers(ctx).Search(search).Limit(listMax)
		_, resp, err := r.Execute()
		return resp, err
	}, decodeUser)
}

// nameSearch is the users search for the people s may name: its prefix
// in the login, email, first, last or display name (Okta's sw ignores
// case), and "first last" as a first and last name.
func nameSearch(s string) string {
	terms := []string{
		term("profile.login", "sw", s),
		term("profile.email", "sw", s),
		term("profile.firstName", "sw", s),
		term("profile.lastName", "sw", s),
		term("profile.displayName", "sw", s),
	}
	if first, last, ok := strings.Cut(s, " "); ok {
		if last = strings.TrimSpace(last); last != "" {
			terms = append(terms, "("+allOf(term("profile.firstName", "sw", first), term("profile.lastName", "sw", last))+")")
		}
	}
	return anyOf(terms...)
}

// exactUser reports whether s is u's id, login or email.
func exactUser(u intents.User, s string) bool {
	return u.ID == s || strings.EqualFold(u.Login, s) || (u.Email != "" && strings.EqualFold(u.Email, s))
}

// namedBy reports whether s is one of the names people use for u: the
// short login, the first, last, display or full name.
func namedBy(u intents.User, s string) bool {
	for _, n := range personNames(u) {
		if strings.EqualFold(n, s) {
			return true
		}
	}
	return false
}

// personNames are the names people use for u.
func personNames(u intents.User) []string {
	short, _, _ := strings.Cut(u.Login, "@")
	out := []string{short, u.FirstName, u.LastName, u.DisplayName}
	if u.FirstName != "" && u.LastName != "" {
		out = append(out, u.FirstName+" "+u.LastName)
	}
	if u.Email != "" {
		s, _, _ := strings.Cut(u.Email, "@")
		out = append(out, s)
	}
	return slices.DeleteFunc(out, func(n string) bool { return n == "" })
}

// nearNames suggests users for a name nobody has, such as a typo
// ("jonh"): the users sharing its first two letters whose short login,
// first or last name is within a couple of edits, closest first.
func (c *Client) nearNames(ctx context.Context, op, s string) ([]intents.User, error) {
	r := []rune(strings.ToLower(s))
	if len(r) < 3 {
		return nil, nil
	}
	prefix := string(r[:2])
	search := anyOf(term("profile.login", "sw", prefix), term("profile.firstName", "sw", prefix), term("profile.lastName", "sw", prefix))
	type near struct {
		u intents.User
		d int
	}
	var found []near
	n := 0
	for u, err := range items(c.searchPages(ctx, op, search)) {
		if err != nil {
			return nil, err
		}
		best := maxTypoDistance + 1
		names := personNames(u)
		if strings.Contains(s, "@") { // a mistyped login or email
			names = append(names, u.Login, u.Email)
		}
		for _, name := range names {
			best = min(best, intents.EditDistance(strings.ToLower(name), string(r)))
		}
		if best <= maxTypoDistance {
			found = append(found, near{u, best})
		}
		if n++; n >= listMax {
			break // one page: suggestions are a courtesy, not a scan of the org
		}
	}
	slices.SortStableFunc(found, func(a, b near) int { return a.d - b.d })
	out := make([]intents.User, 0, len(found))
	for _, f := range found {
		out = append(out, f.u)
	}
	return out, nil
}

// logPerson resolves a person argument of a System Log query. Without
// okta.users.read the name cannot be checked: ok is false and res says
// that the events are matched on the name as typed.
func (c *Client) logPerson(ctx context.Context, who string, res *intents.Result) (u intents.User, ok bool, err error) {
	u, err = c.ResolveUser(ctx, who)
	switch {
	case err == nil:
		res.Subject = u.Login
		return u, true, nil
	case intentsForbidden(err):
		res.Subject = who
		res.Notes = append(res.Notes, "I could not check that "+who+" is an Okta user (the service app lacks the okta.users.read scope), so events are matched on the name exactly as typed: none listed may only mean the name is spelled differently in Okta.")
		return intents.User{}, false, nil
	}
	if um, isMatch := intents.AsUserMatch(err); isMatch && errors.Is(err, intents.ErrNotFound) && strings.Contains(who, "@") {
		// A full login that no user has now: a deleted account, or a
		// name tried in a password attack (Okta logs those sign-ins with
		// the name as typed). The System Log still names it: read it, and
		// say why the match is on the text.
		note := "No Okta user has the login " + who + " (a deleted account, or a name tried in a password attack), so events are matched on it exactly as typed."
		if len(um.Candidates) > 0 {
			var logins []string
			for _, u := range um.Candidates {
				logins = append(logins, u.Login)
			}
			note += " Did you mean " + strings.Join(logins, " or ") + "?"
		}
		res.Subject = who
		res.Notes = append(res.Notes, note)
		return intents.User{}, false, nil
	}
	return intents.User{}, false, err
}
