package okta

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

// withSecondJohn is the demo org with another John (john.baker@), so that
// "john" names two people.
func withSecondJohn() *oktasim.Fixture {
	fx := demo.Org()
	fx.Users = append(fx.Users, oktasim.Object{"id": "00uJOHNB", "status": "ACTIVE", "created": "2026-01-05T10:00:00.000Z",
		"profile": oktasim.Object{"login": "john.baker@company.com", "email": "john.baker@company.com", "firstName": "John", "lastName": "Baker"}})
	return fx
}

// personIntents are the requests with a person argument, one per kind:
// the log user filter, failed-logins, login-history, investigate,
// user_details and every action on a user.
func personIntents(who string) []intents.Intent {
	out := []intents.Intent{
		{Kind: intents.Logs, User: who, Window: intents.Week},
		{Kind: intents.AdminActions, User: who, Window: intents.Week},
		{Kind: intents.SecurityEvents, User: who, Window: intents.Week},
		{Kind: intents.FailedLogins, User: who, Window: intents.Duration(3 * intents.Day)},
		{Kind: intents.LoginHistory, User: who},
		{Kind: intents.Investigate, User: who},
		{Kind: intents.UserDetails, User: who},
	}
	for _, k := range intents.Kinds() {
		info := k.Info()
		if !info.Action || k == intents.CreateUser || !info.Accepts(intents.ArgUser) {
			continue
		}
		in := intents.Intent{Kind: k, User: who, Reason: "test"}
		if info.Accepts(intents.ArgGroup) {
			in.Group = "Engineering"
		}
		if info.Accepts(intents.ArgFields) {
			in.Fields = map[string]string{"title": "Staff Engineer"}
		}
		out = append(out, in)
	}
	return out
}

// run answers a person intent as the bot would: Query for a read,
// Preview for an action.
func runPerson(ctx context.Context, c *Client, in intents.Intent) (intents.Result, intents.Preview, error) {
	if in.Kind.IsAction() {
		pv, err := c.Preview(ctx, in)
		return intents.Result{}, pv, err
	}
	res, err := c.Query(ctx, in)
	return res, intents.Preview{}, err
}

// A bare first name that one user has answers about that user, for every
// kind of person argument: the System Log is filtered by their id.
func TestPersonArgumentOneMatch(t *testing.T) {
	h := demoHarness(t, Config{})
	ctx := context.Background()
	john, err := h.client.ResolveUser(ctx, "john@company.com")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range personIntents("john") {
		t.Run(string(in.Kind), func(t *testing.T) {
			before := len(h.seen.all())
			res, pv, err := runPerson(ctx, h.client, in)
			if _, ok := intents.AsUserMatch(err); ok {
				t.Fatalf("%s john: %v, want john@company.com", in.Kind, err)
			}
			if in.Kind.IsAction() {
				switch {
				case err == nil && (pv.Action.User == nil || pv.Action.User.ID != john.ID):
					t.Errorf("preview of %s john acts on %+v, want %s", in.Kind, pv.Action.User, john.ID)
				case err != nil && !errors.Is(err, intents.ErrConflict):
					t.Errorf("preview of %s john: %v", in.Kind, err)
				case err != nil && !strings.Contains(err.Error(), "john@company.com"):
					t.Errorf("preview of %s john refused without naming john@company.com: %v", in.Kind, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s john: %v", in.Kind, err)
			}
			if res.Subject != "john@company.com" {
				t.Errorf("%s john is about %q, want john@company.com", in.Kind, res.Subject)
			}
			for _, f := range sentFilters(h.seen.all()[before:], "/api/v1/logs") {
				if strings.Contains(f, `"john"`) || !strings.Contains(f, john.ID) {
					t.Errorf("%s john sent the System Log filter %q, want john's id and never the name as typed", in.Kind, f)
				}
			}
			if in.Kind == intents.FailedLogins && len(res.Events) == 0 {
				t.Errorf("failed logins of john in 3 days: none, want john's failed sign-ins")
			}
		})
	}
}

// A first name two users have asks back with both, for every kind.
func TestPersonArgumentTwoMatches(t *testing.T) {
	h := newHarness(t, setup{fixture: withSecondJohn()})
	ctx := context.Background()
	for _, in := range personIntents("John") {
		t.Run(string(in.Kind), func(t *testing.T) {
			before := len(h.seen.all())
			_, _, err := runPerson(ctx, h.client, in)
			um, ok := intents.AsUserMatch(err)
			if !ok || !errors.Is(err, intents.ErrAmbiguous) {
				t.Fatalf("%s John: %v, want an ask-back between the two Johns", in.Kind, err)
			}
			var logins []string
			for _, u := range um.Candidates {
				logins = append(logins, u.Login)
			}
			if strings.Join(logins, ",") != "john.baker@company.com,john@company.com" {
				t.Errorf("candidates %q, want john.baker@ and john@ (not the Johnsons)", logins)
			}
			if f := sentFilters(h.seen.all()[before:], "/api/v1/logs"); len(f) > 0 {
				t.Errorf("%s John read the System Log (%q) before knowing who", in.Kind, f)
			}
		})
	}
}

// A name nobody has answers "no user matches" with the closest users,
// for every kind; the System Log is never read with the name as typed.
func TestPersonArgumentNoMatch(t *testing.T) {
	h := demoHarness(t, Config{})
	ctx := context.Background()
	for _, typed := range []struct{ name, want string }{
		{"emil", "emily.chen@company.com"}, // a prefix of a name
		{"jonh", "john@company.com"},       // a typo
	} {
		for _, in := range personIntents(typed.name) {
			t.Run(typed.name+"/"+string(in.Kind), func(t *testing.T) {
				before := len(h.seen.all())
				_, _, err := runPerson(ctx, h.client, in)
				um, ok := intents.AsUserMatch(err)
				if !ok || !errors.Is(err, intents.ErrNotFound) {
					t.Fatalf("%s %s: %v, want no user matches", in.Kind, typed.name, err)
				}
				found := false
				for _, u := range um.Candidates {
					found = found || u.Login == typed.want
				}
				if !found {
					t.Errorf("%s %s suggests %+v, want %s among them", in.Kind, typed.name, um.Candidates, typed.want)
				}
				if f := sentFilters(h.seen.all()[before:], "/api/v1/logs"); len(f) > 0 {
					t.Errorf("%s %s read the System Log (%q) for nobody", in.Kind, typed.name, f)
				}
			})
		}
	}
}

// investigate emily is about emily.chen@company.com: her first name.
func TestInvestigateByFirstName(t *testing.T) {
	h := demoHarness(t, Config{})
	res, err := h.client.Query(context.Background(), intents.Intent{Kind: intents.Investigate, User: "emily"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Subject != "emily.chen@company.com" || res.Profile == nil || res.Profile.User.Login != "emily.chen@company.com" {
		t.Errorf("investigate emily is about %q, want emily.chen@company.com", res.Subject)
	}
}

// Without okta.users.read the name cannot be checked: the log query uses
// it as typed and says so, instead of a silent empty answer.
func TestPersonArgumentWithoutUsersRead(t *testing.T) {
	h := newHarness(t, setup{fixture: demo.Org(), cfg: Config{Scopes: []string{intents.ScopeLogsRead}}})
	res, err := h.client.Query(context.Background(), intents.Intent{Kind: intents.FailedLogins, User: "john", Window: intents.Week})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Notes) == 0 || !strings.Contains(strings.Join(res.Notes, " "), "could not check") {
		t.Errorf("notes %q, want one saying the name could not be checked", res.Notes)
	}
}

// An email two users share is not either of them: the bot asks which.
func TestResolveSharedEmail(t *testing.T) {
	fx := testOrg()
	fx.Users = append(fx.Users, oktasim.Object{"id": "00u8", "status": "ACTIVE", "created": "2026-01-05T10:00:00.000Z",
		"profile": oktasim.Object{"login": "ckim", "email": "carol.kim@company.com", "firstName": "Carol", "lastName": "Kim"}})
	h := newHarness(t, setup{fixture: fx})
	_, err := h.client.ResolveUser(context.Background(), "carol.kim@company.com")
	if um, ok := intents.AsUserMatch(err); !ok || !errors.Is(err, intents.ErrAmbiguous) || len(um.Candidates) != 2 {
		t.Fatalf("ResolveUser(shared email) = %v, want an ask-back between carol and ckim", err)
	}
	if u, err := h.client.ResolveUser(context.Background(), "ckim"); err != nil || u.ID != "00u8" {
		t.Errorf("ResolveUser(ckim) = %+v, %v; want the login's user", u, err)
	}
}

// A full login no Okta user has (a name tried in a password attack, or a
// deleted account) is still looked up in the System Log, by the text as
// typed, and the answer says why; it suggests the closest user.
func TestLogsOfLoginNoUserHas(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	fx := &oktasim.Fixture{Users: []oktasim.Object{
		{"id": "00ujohn", "status": "ACTIVE", "profile": oktasim.Object{"login": "john@company.com", "email": "john@company.com", "firstName": "John", "lastName": "Smith"}},
	}}
	for i := range 3 {
		fx.Logs = append(fx.Logs, oktasim.Object{"uuid": fmt.Sprintf("00000000-0000-4000-8000-00000000000%d", i),
			"published": now.Add(-time.Duration(i+1) * time.Hour).Format("2006-01-02T15:04:05.000Z"),
			"eventType": "user.session.start", "outcome": oktasim.Object{"result": "FAILURE", "reason": "VERIFICATION_ERROR"},
			"actor": oktasim.Object{"id": "unknown", "type": "User", "alternateId": "ceo@company.com", "displayName": "unknown"}})
	}
	h := newHarness(t, setup{fixture: fx})
	for _, kind := range []intents.Kind{intents.Logs, intents.FailedLogins} {
		res, err := h.client.Query(t.Context(), intents.Intent{Kind: kind, User: "ceo@company.com", Window: intents.Duration(24 * time.Hour)})
		if err != nil {
			t.Fatalf("%s user:ceo@company.com: %v, want the events that name it", kind, err)
		}
		if len(res.Events) != 3 || len(res.Notes) == 0 || !strings.Contains(res.Notes[0], "No Okta user has the login ceo@company.com") {
			t.Errorf("%s user:ceo@company.com = %d events, notes %q; want 3 and the note", kind, len(res.Events), res.Notes)
		}
	}
	res, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.Logs, User: "jonh@company.com", Window: intents.Day})
	if err != nil {
		t.Fatalf("logs user:jonh@company.com: %v", err)
	}
	if len(res.Events) != 0 || len(res.Notes) == 0 || !strings.Contains(res.Notes[0], "Did you mean john@company.com?") {
		t.Errorf("logs user:jonh@company.com = %d events, notes %q; want none and a suggestion", len(res.Events), res.Notes)
	}
}
