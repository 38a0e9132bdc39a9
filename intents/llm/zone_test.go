package llm_test

import (
	"context"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/intents/llm"
)

// TestModelWindowInZone: a day the model left out of its answer is read in
// the classifier's Location, or in the person's zone the context carries;
// the rules it falls back to read it the same way.
func TestModelWindowInZone(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	want := func(loc *time.Location) time.Time { // local midnight today
		n := now.In(loc)
		return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	}
	if want(chicago).Equal(want(tokyo)) || want(chicago).Equal(want(time.UTC)) {
		t.Fatalf("the test clock %v gives the same day start in Chicago as elsewhere", now)
	}
	inZone := func(c *llm.Config) { c.Location = chicago }
	for _, tt := range []struct {
		name  string
		reply bool
		ctx   context.Context
		want  time.Time
	}{
		{"model, classifier's zone", true, context.Background(), want(chicago)},
		{"model, the person's zone", true, intents.WithLocation(context.Background(), tokyo), want(tokyo)},
		{"rules, classifier's zone", false, context.Background(), want(chicago)},
		{"rules, the person's zone", false, intents.WithLocation(context.Background(), tokyo), want(tokyo)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reply := toolCalls(call("failed_logins", `{}`))
			if !tt.reply {
				reply = toolCalls()
			}
			_, c, _ := serve(t, reply, inZone)
			got, _, err := c.ClassifyBy(tt.ctx, "failed logins today")
			if err != nil {
				t.Fatal(err)
			}
			if got.Kind != intents.FailedLogins || !got.Since.Equal(tt.want) || got.Window != 0 {
				t.Errorf("ClassifyBy = %s since %v (window %v), want failed_logins since %v", got.Kind, got.Since, got.Window, tt.want)
			}
		})
	}
}
