package llm_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/intents/freetext"
)

// TestClassifyAllSeveralCalls: a tool call for each request of the
// message, each validated, is what ClassifyAll returns, by the model.
func TestClassifyAllSeveralCalls(t *testing.T) {
	const text = "lock down john@company.com and clear his sessions"
	f, c, logs := serve(t, toolCalls(call("suspend_user", `{"user":"john@company.com"}`), call("clear_sessions", `{"user":"john@company.com"}`)), nil)
	got, by, err := c.ClassifyAllBy(context.Background(), text)
	if err != nil {
		t.Fatalf("ClassifyAllBy(%q) error: %v", text, err)
	}
	want := []intents.Intent{{Kind: intents.SuspendUser, User: "john@company.com"}, {Kind: intents.ClearSessions, User: "john@company.com"}}
	if diff := cmp.Diff(want, got); diff != "" || by != intents.ByModel {
		t.Errorf("ClassifyAllBy(%q) by %s (-want +got):\n%s\nlogs:\n%s", text, by, diff, logs)
	}
	if n := len(f.calls()); n != 1 {
		t.Errorf("ClassifyAllBy(%q) sent %d requests, want 1", text, n)
	}
	// Classify still takes one call only: the rules read it.
	if _, by, _ := c.ClassifyBy(context.Background(), text); by != intents.ByRules {
		t.Errorf("ClassifyBy(%q) with two tool calls decided by %s, want rules", text, by)
	}
}

// TestClassifyAllOneBadCall: when any call is invalid or not grounded the
// rules read the whole message.
func TestClassifyAllOneBadCall(t *testing.T) {
	const text = "suspend john@company.com and clear his sessions"
	for name, second := range map[string][2]string{
		"an invented user": {"clear_sessions", `{"user":"jane@company.com"}`},
		"unknown":          {"unknown", `{}`},
		"bad arguments":    {"clear_sessions", `{"user":"john@company.com","x":1}`},
	} {
		t.Run(name, func(t *testing.T) {
			_, c, logs := serve(t, toolCalls(call("suspend_user", `{"user":"john@company.com"}`), call(second[0], second[1])), nil)
			got, by, err := c.ClassifyAllBy(context.Background(), text)
			want, wantErr := freetext.UnderstandAll(text, now, "")
			if by != intents.ByRules || (err != nil) != (wantErr != nil) {
				t.Fatalf("ClassifyAllBy(%q) by %s, err %v; want the rules (err %v)", text, by, err, wantErr)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ClassifyAllBy(%q) differs from the rules (-rules +got):\n%s\nlogs:\n%s", text, diff, logs)
			}
		})
	}
}

// TestClassifyAllPronoun: "suspend him" is read by the rules with the
// thread's subject, and never sent to the model.
func TestClassifyAllPronoun(t *testing.T) {
	f, c, _ := serve(t, toolCalls(call("suspend_user", `{"user":"him"}`)), nil)
	ctx := freetext.WithSubject(context.Background(), "john@company.com")
	got, by, err := c.ClassifyAllBy(ctx, "suspend him")
	if err != nil || by != intents.ByRules || len(got) != 1 || got[0].User != "john@company.com" {
		t.Errorf("ClassifyAllBy(subject john, suspend him) = %+v by %s, %v; want suspend john by the rules", got, by, err)
	}
	if n := len(f.calls()); n != 0 {
		t.Errorf("the model was asked %d times about a pronoun, want 0", n)
	}
}
