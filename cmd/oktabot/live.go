package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/okta/oktasim"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

// `oktabot demo --live`: the demo org without its stories in the System
// Log; the stories are played instead, one after the other over --play,
// among ordinary sign-ins, through the simulator's POST /_sim/events, and
// the watcher finds them as it would in a real org: incidents arrive in
// the channel, grow, and wait for Approve.

// liveEvery is how often the player posts, and the demo's watcher polls:
// faster than OKTABOT_WATCH_INTERVAL allows a real org, since this one is
// the embedded simulator.
const liveEvery = time.Second

// liveScript is what the live demo plays: each story's events in order,
// and the ordinary sign-ins played between them.
type liveScript struct {
	stories    [][]oktasim.Object
	titles     []string
	background []oktasim.Object
}

// splitLive takes the stories' events out of fx's System Log and returns
// them as a script, with ordinary successful sign-ins of people in no
// story as its background.
func splitLive(fx *oktasim.Fixture, stories []demo.Story) liveScript {
	var s liveScript
	inStory := map[string]int{}
	people := map[string]bool{}
	for i, st := range stories {
		for _, id := range st.Events {
			inStory[id] = i
		}
		for _, u := range st.Users {
			people[strings.ToLower(u)] = true
		}
		s.titles = append(s.titles, st.Title)
	}
	s.stories = make([][]oktasim.Object, len(stories))
	var kept []oktasim.Object
	for _, ev := range fx.Logs {
		id, _ := ev["uuid"].(string)
		if i, ok := inStory[id]; ok {
			s.stories[i] = append(s.stories[i], ev)
			continue
		}
		kept = append(kept, ev)
		if ordinarySignIn(ev) && !people[strings.ToLower(actorLogin(ev))] {
			s.background = append(s.background, ev)
		}
	}
	fx.Logs = kept
	for _, evs := range s.stories {
		slices.SortStableFunc(evs, func(a, b oktasim.Object) int {
			return strings.Compare(fmt.Sprint(a["published"]), fmt.Sprint(b["published"]))
		})
	}
	return s
}

func ordinarySignIn(ev oktasim.Object) bool {
	out, _ := ev["outcome"].(map[string]any)
	return ev["eventType"] == "user.session.start" && out != nil && out["result"] == "SUCCESS"
}

func actorLogin(ev oktasim.Object) string {
	a, _ := ev["actor"].(map[string]any)
	s, _ := a["alternateId"].(string)
	return s
}

// live replays one event now: a copy without its uuid and time, which the
// simulator gives it afresh.
func live(ev oktasim.Object) oktasim.Object {
	c := make(oktasim.Object, len(ev))
	for k, v := range ev {
		c[k] = v
	}
	delete(c, "uuid")
	delete(c, "published")
	return c
}

// play posts the script to the simulator at orgURL over about d: story i
// during the i-th of len(stories) equal slots, its events spread over the
// slot's first three quarters, and a few background sign-ins every
// liveEvery throughout. It returns when the play is over or ctx ends;
// each story's title goes to say as it starts.
func (s liveScript) play(ctx context.Context, orgURL string, d time.Duration, say func(string)) error {
	type due struct {
		at    time.Duration
		story int
		ev    oktasim.Object
	}
	var plan []due
	slot := d / time.Duration(max(len(s.stories), 1))
	for i, evs := range s.stories {
		for j, ev := range evs {
			plan = append(plan, due{at: time.Duration(i)*slot + slot*3/4*time.Duration(j)/time.Duration(max(len(evs), 1)), story: i, ev: ev})
		}
	}
	rnd := rand.New(rand.NewPCG(1, 2)) // the same ordinary traffic each time
	start := time.Now()
	tick := time.NewTicker(min(liveEvery, max(d/20, 10*time.Millisecond)))
	defer tick.Stop()
	next, told := 0, -1
	for {
		elapsed := time.Since(start)
		var batch []oktasim.Object
		for next < len(plan) && plan[next].at <= elapsed {
			if plan[next].story != told {
				told = plan[next].story
				say(fmt.Sprintf("▶ live: %s", s.titles[told]))
			}
			batch = append(batch, live(plan[next].ev))
			next++
		}
		for range min(3, len(s.background)) {
			batch = append(batch, live(s.background[rnd.IntN(len(s.background))]))
		}
		if err := postEvents(ctx, orgURL, batch); err != nil {
			return err
		}
		if next == len(plan) && elapsed >= d {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// postEvents is POST /_sim/events with events.
func postEvents(ctx context.Context, orgURL string, events []oktasim.Object) error {
	if len(events) == 0 {
		return nil
	}
	body, err := json.Marshal(events)
	if err != nil {
		return fmt.Errorf("demo: live events: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, orgURL+"/_sim/events", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("demo: live events: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("demo: posting live events to the simulator: %w", err)
	}
	defer func() { _ = resp.Body.Close() }() // read below; a close error changes nothing
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("demo: the simulator refused live events: %s %s", resp.Status, bytes.TrimSpace(msg))
	}
	return nil
}
