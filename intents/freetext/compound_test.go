package freetext_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/intents/freetext"
)

// brief is an intent as these tests compare it: kind, user, group, reason.
func brief(ins []intents.Intent) []string {
	var out []string
	for _, in := range ins {
		s := fmt.Sprintf("%s %s", in.Kind, in.User)
		if in.Group != "" {
			s += " group=" + in.Group
		}
		if in.Reason != "" {
			s += " reason=" + in.Reason
		}
		out = append(out, s)
	}
	return out
}

// UnderstandAll reads compound requests as several, and an "and" inside a
// name, a time or a reason as one.
func TestUnderstandAll(t *testing.T) {
	tests := []struct {
		name, text, subject string
		want                []string
	}{
		{"two changes", "Suspend john@company.com and clear his sessions", "",
			[]string{"suspend_user john@company.com", "clear_sessions john@company.com"}},
		{"and then", "suspend john@company.com and then reset his mfa", "",
			[]string{"suspend_user john@company.com", "reset_factors john@company.com"}},
		{"semicolon", "suspend john@company.com; clear his sessions", "",
			[]string{"suspend_user john@company.com", "clear_sessions john@company.com"}},
		{"reason shared", "suspend john@company.com and clear his sessions, reason: phished", "",
			[]string{"suspend_user john@company.com reason=phished", "clear_sessions john@company.com reason=phished"}},
		{"the clause before wins over the thread", "remove john from Sales and add him to Marketing", "emily@company.com",
			[]string{"remove_group_member john group=Sales", "add_group_member john group=Marketing"}},
		{"investigate two", "investigate john and emily", "",
			[]string{"investigate john", "investigate emily"}},
		{"investigate a list", "investigate john, emily and bob over the last 3 days", "",
			[]string{"investigate john", "investigate emily", "investigate bob"}},
		{"investigate mentions", "investigate <@U123> and <@U456>", "",
			[]string{"investigate <@U123>", "investigate <@U456>"}},
		{"add two", "add john and emily to Finance", "",
			[]string{"add_group_member john group=Finance", "add_group_member emily group=Finance"}},
		{"and in a reason", "suspend john@company.com, reason: phished and reused password", "",
			[]string{"suspend_user john@company.com reason=phished and reused password"}},
		{"and with a verb in a reason", "suspend john@company.com reason: phished and reset his password himself", "",
			[]string{"suspend_user john@company.com reason=phished and reset his password himself"}},
		{"and in a time", "show logins between Monday and Friday", "",
			[]string{"logs "}},
		{"and in a name", "add john to Research and Development", "",
			[]string{"add_group_member john group=Research and Development"}},
		{"and in a quoted name", `add john to "Sales and Marketing"`, "",
			[]string{"add_group_member john group=Sales and Marketing"}},
		{"one request", "investigate john@company.com", "emily@company.com",
			[]string{"investigate john@company.com"}},
		{"him in a thread", "suspend him", "john@company.com",
			[]string{"suspend_user john@company.com"}},
		{"his in a thread", "clear his sessions", "john@company.com",
			[]string{"clear_sessions john@company.com"}},
		{"he in a thread", "what else did he do yesterday", "john@company.com",
			[]string{"investigate john@company.com"}},
		{"that account", "deactivate that account", "john@company.com",
			[]string{"deactivate_user john@company.com"}},
		{"her mfa", "reset her mfa", "jane@company.com",
			[]string{"reset_factors jane@company.com"}},
		{"a pronoun in a reason stays", "suspend john@company.com, his laptop was stolen", "emily@company.com",
			[]string{"suspend_user john@company.com reason=his laptop was stolen"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := freetext.UnderstandAll(tt.text, ftNow, tt.subject)
			if err != nil {
				t.Fatalf("UnderstandAll(%q, %q) error: %v", tt.text, tt.subject, err)
			}
			if diff := cmp.Diff(tt.want, brief(got)); diff != "" {
				t.Errorf("UnderstandAll(%q, %q) (-want +got):\n%s", tt.text, tt.subject, diff)
			}
		})
	}
}

// "what else did he do yesterday" in a thread investigates its subject
// over yesterday.
func TestUnderstandAllWhatElseDidHeDo(t *testing.T) {
	got, err := freetext.UnderstandAll("what else did he do yesterday", ftNow, "john@company.com")
	want := intents.Intent{Kind: intents.Investigate, User: "john@company.com", Since: ftYesterday, Until: ftToday}
	if err != nil || len(got) != 1 {
		t.Fatalf("UnderstandAll = %v, %v; want one investigation", brief(got), err)
	}
	if diff := cmp.Diff(want, got[0]); diff != "" {
		t.Errorf("UnderstandAll(what else did he do yesterday) (-want +got):\n%s", diff)
	}
}

// A message of one request reads as Understand reads it; its error comes
// alone.
func TestUnderstandAllOneIsUnderstand(t *testing.T) {
	for _, text := range []string{
		"show me logins from suspicious countries in the last 24 hours",
		"/okta suspend john@company.com and clear",
		"suspend john@company.com, he clicked a link and reset his password",
		"who is in the Finance Team group",
		"don't suspend john and clear his sessions",
	} {
		want, wantErr := freetext.Understand(text, ftNow)
		got, err := freetext.UnderstandAll(text, ftNow, "")
		if wantErr != nil {
			if err == nil || err.Error() != wantErr.Error() || got != nil {
				t.Errorf("UnderstandAll(%q) = %v, %v; want Understand's error %v alone", text, brief(got), err, wantErr)
			}
			continue
		}
		if err != nil || len(got) != 1 {
			t.Errorf("UnderstandAll(%q) = %v, %v; want one, as Understand: %v, %v", text, brief(got), err, want.Kind, wantErr)
			continue
		}
		if diff := cmp.Diff(want, got[0]); diff != "" {
			t.Errorf("UnderstandAll(%q) differs from Understand (-want +got):\n%s", text, diff)
		}
	}
}

// A pronoun nobody names is ErrWho (and ErrInvalid).
func TestUnderstandAllWho(t *testing.T) {
	for _, text := range []string{"suspend him", "clear his sessions", "suspend this user", "what else did he do yesterday"} {
		got, err := freetext.UnderstandAll(text, ftNow, "")
		if !errors.Is(err, freetext.ErrWho) || !errors.Is(err, intents.ErrInvalid) {
			t.Errorf("UnderstandAll(%q, no subject) = %v, %v; want ErrWho", text, brief(got), err)
		}
		if !freetext.Refers(text, ftNow) {
			t.Errorf("Refers(%q) = false, want true", text)
		}
	}
	for _, text := range []string{"suspend john@company.com", "show failed logins", "suspend john@company.com, his laptop was stolen"} {
		if freetext.Refers(text, ftNow) {
			t.Errorf("Refers(%q) = true, want false", text)
		}
	}
}

// Too many requests in one message is refused.
func TestUnderstandAllTooMany(t *testing.T) {
	names := []string{"a1", "b2", "c3", "d4", "e5"}
	text := "investigate " + strings.Join(names, ", ") + " and f6"
	if got, err := freetext.UnderstandAll(text, ftNow, ""); !errors.Is(err, intents.ErrInvalid) {
		t.Errorf("UnderstandAll(%q) = %v, %v; want ErrInvalid", text, brief(got), err)
	}
}

// Rules.ClassifyAll takes the subject from the context.
func TestRulesClassifyAllSubject(t *testing.T) {
	r := freetext.Rules{Now: func() time.Time { return ftNow }}
	ctx := freetext.WithSubject(context.Background(), "john@company.com")
	got, err := r.ClassifyAll(ctx, "suspend him")
	if err != nil || len(got) != 1 || got[0].User != "john@company.com" {
		t.Errorf("ClassifyAll(subject john, %q) = %v, %v; want suspend john", "suspend him", brief(got), err)
	}
}

// FuzzUnderstandAll checks that UnderstandAll never panics and that what it
// returns is whole: an ErrInvalid with a message for people and nothing
// else, or one to MaxRequests whole answers. Its seed corpus is the phrasing
// table and compound requests.
//
//	go test -run=^$ -fuzz=FuzzUnderstandAll -fuzztime=30s ./intents/freetext
func FuzzUnderstandAll(f *testing.F) {
	for _, p := range phrasings {
		f.Add(p.text, "")
	}
	f.Add("suspend john@company.com and clear his sessions, reason: phished", "")
	f.Add("investigate john, emily and bob", "")
	f.Add("suspend him and reset her mfa", "john@company.com")
	f.Fuzz(func(t *testing.T, text, subject string) {
		ins, err := freetext.UnderstandAll(text, ftNow, subject)
		if err != nil {
			if e, ok := intents.AsError(err); !errors.Is(err, intents.ErrInvalid) || !ok || e.Detail == "" || ins != nil {
				t.Fatalf("UnderstandAll(%q, %q) = %d intents, error %v: want ErrInvalid with a message and nothing else", text, subject, len(ins), err)
			}
			return
		}
		if len(ins) == 0 || len(ins) > freetext.MaxRequests {
			t.Fatalf("UnderstandAll(%q, %q) = %d intents, want 1 to %d", text, subject, len(ins), freetext.MaxRequests)
		}
		if len(ins) == 1 {
			return // Understand's own answer, which FuzzUnderstand checks
		}
		for _, in := range ins {
			checkWhole(t, text, in)
		}
	})
}

// No regression: every phrasing of the table and of the held-out file,
// and requests whose comma or "and" starts no new request, read through
// UnderstandAll as Understand reads them (the bot reads free text with
// UnderstandAll).
func TestUnderstandAllKeepsThePhrasings(t *testing.T) {
	texts := []string{"suspend jdoe, urgent", "un-suspend jdoe, false alarm", "go ahead and suspend jdoe, reason: tor login",
		"suspend john@company.com and reset", "suspend john@company.com and show"}
	for _, p := range phrasings {
		texts = append(texts, p.text)
	}
	for _, h := range readHeldOut(t) {
		texts = append(texts, h.text)
	}
	for _, text := range texts {
		want, wantErr := freetext.Understand(text, ftNow)
		got, err := freetext.UnderstandAll(text, ftNow, "")
		if wantErr != nil {
			if err == nil {
				t.Errorf("UnderstandAll(%q) = %v, want Understand's error %v", text, brief(got), wantErr)
			}
			continue
		}
		if err != nil || len(got) != 1 {
			t.Errorf("UnderstandAll(%q) = %v, %v; want one, as Understand: %s %s", text, brief(got), err, want.Kind, want.User)
			continue
		}
		if diff := cmp.Diff(want, got[0]); diff != "" {
			t.Errorf("UnderstandAll(%q) differs from Understand (-want +got):\n%s", text, diff)
		}
	}
}
