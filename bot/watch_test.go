package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta"
	"github.com/oktabot/oktabot/okta/oktasim"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

// liveDemo is the demo org as of now with its System Log taken out, to be
// posted to the simulator while the bot watches; stories are its stories.
type liveDemo struct {
	fx      *oktasim.Fixture
	logs    []oktasim.Object // in time order
	stories []demo.Story
}

func newLiveDemo(t testing.TB) liveDemo {
	t.Helper()
	now := time.Now().UTC()
	fx := demo.OrgAt(oktasim.DialectOIE, now, time.UTC)
	logs := fx.Logs
	fx.Logs = nil
	sort.SliceStable(logs, func(i, j int) bool { return published(logs[i]).Before(published(logs[j])) })
	return liveDemo{fx: fx, logs: logs, stories: demo.StoriesAt(oktasim.DialectOIE, now, time.UTC)}
}

func published(o oktasim.Object) time.Time {
	s, _ := o["published"].(string)
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// polls follows the watcher: after marks a time, and caughtUp waits until
// two polls have ended well after it (the second began after it).
type polls struct {
	mu   sync.Mutex
	ok   []time.Time
	wake chan struct{}
}

func newPolls() *polls { return &polls{wake: make(chan struct{}, 1)} }

func (p *polls) observe(h bot.WatchHealth) {
	p.mu.Lock()
	if h.LastErr == "" && !h.LastOK.IsZero() {
		p.ok = append(p.ok, h.LastOK)
	}
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *polls) caughtUp(t testing.TB, h *harness, since time.Time, d time.Duration) {
	t.Helper()
	ctx := h.waitCtx(d)
	for {
		p.mu.Lock()
		n := 0
		for _, at := range p.ok {
			if at.After(since) {
				n++
			}
		}
		p.mu.Unlock()
		if n >= 2 {
			return
		}
		select {
		case <-p.wake:
		case <-ctx.Done():
			t.Fatalf("the watcher did not catch up: %v", ctx.Err())
		}
	}
}

// post adds events to the simulator as Okta would log them.
func post(t *testing.T, h *harness, evs []oktasim.Object) {
	t.Helper()
	if _, err := h.sim.AddEvents(evs); err != nil {
		t.Fatalf("AddEvents: %v", err)
	}
}

// incidentMessages are the incident messages the bot posted, by incident
// id (each posting counted).
func incidentMessages(h *harness) map[string]int {
	out := map[string]int{}
	for id, ms := range incidentPosts(h) {
		out[id] = len(ms)
	}
	return out
}

// incidentPosts are the incident messages the bot posted, by incident id.
func incidentPosts(h *harness) map[string][]slackfake.Message {
	out := map[string][]slackfake.Message{}
	for _, m := range h.slack.Messages() {
		if m.Method != "chat.postMessage" || len(m.Metadata) == 0 {
			continue
		}
		var md struct {
			EventType    string         `json:"event_type"`
			EventPayload map[string]any `json:"event_payload"`
		}
		if json.Unmarshal(m.Metadata, &md) == nil && md.EventType == "oktabot_incident" {
			id, _ := md.EventPayload["incident"].(string)
			out[id] = append(out[id], m)
		}
	}
	return out
}

// storiesOf are the stories whose events an incident's findings name.
func storiesOf(inc intents.Incident, stories []demo.Story) []demo.Story {
	var out []demo.Story
	for _, s := range stories {
		for _, f := range inc.Findings {
			if slices.ContainsFunc(f.Events, func(id string) bool { return slices.Contains(s.Events, id) }) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

func detectionsOf(inc intents.Incident) []string {
	var out []string
	for _, f := range inc.Findings {
		if !slices.Contains(out, f.Detection) {
			out = append(out, f.Detection)
		}
	}
	return out
}

// watchStories posts the demo's log in daily chunks while the bot watches
// and waits until it has read all of it.
func watchStories(t *testing.T, h *harness, p *polls, ld liveDemo) {
	t.Helper()
	day := published(ld.logs[0]).Truncate(24 * time.Hour)
	for len(ld.logs) > 0 {
		day = day.Add(24 * time.Hour)
		n := sort.Search(len(ld.logs), func(i int) bool { return !published(ld.logs[i]).Before(day) })
		post(t, h, ld.logs[:n])
		ld.logs = ld.logs[n:]
	}
	p.caughtUp(t, h, time.Now(), 60*time.Second)
}

// TestWatchStoriesLive is the watcher end to end: the demo org's week of
// System Log, stories and ordinary work, posted to the simulator day by
// day while the bot watches it over HTTP. Every story at or above the
// alert severity is one incident with one message in the channel, holding
// the story's detections, with its fixes proposed in the thread; nothing
// about a person with only ordinary activity reaches the channel; and
// every incident the store holds names each event once.
func TestWatchStoriesLive(t *testing.T) {
	eachStore(t, func(t *testing.T, backed func(*harnessOpts)) {
		ld := newLiveDemo(t)
		p := newPolls()
		o := harnessOpts{fixture: ld.fx, watch: true, polled: p.observe,
			cfg:      bot.Config{HereOnCritical: true},
			watchCfg: func(c *okta.WatchConfig) { c.Backfill = 8 * 24 * time.Hour }}
		backed(&o)
		h := newHarness(t, o)
		watchStories(t, h, p, ld)

		incs, err := h.store.Incidents(false)
		if err != nil {
			t.Fatal(err)
		}
		msgs := incidentMessages(h)
		// The sweep over the same week, through the same adapter: what the
		// watcher must have found and proposed, person by person.
		sweep, err := h.dir.Query(h.waitCtx(60*time.Second), intents.Intent{Kind: intents.Threats, Window: intents.Duration(8 * 24 * time.Hour)})
		if err != nil {
			t.Fatalf("threats: %v", err)
		}
		swept := map[string][]intents.Kind{}
		for _, a := range sweep.Proposals {
			if a.User != nil {
				swept[strings.ToLower(a.User.Name)] = append(swept[strings.ToLower(a.User.Name)], a.Kind)
			}
		}
		keys := map[string]string{}
		covered := map[string][]string{} // story id → detections of its incidents
		alerted := 0
		for _, inc := range incs {
			if prev, dup := keys[inc.Key]; dup {
				t.Errorf("two incidents about %s within the window: %s and %s", inc.Key, prev, inc.ID)
			}
			keys[inc.Key] = inc.ID
			for _, f := range inc.Findings {
				seen := map[string]bool{}
				for _, id := range f.Events {
					if seen[id] {
						t.Errorf("incident %s: finding %s names event %s twice", inc.ID, f.Detection, id)
					}
					seen[id] = true
				}
			}
			posted := inc.Severity.Rank() >= intents.SeverityHigh.Rank()
			if got := msgs[inc.ID]; posted != (got == 1) || got > 1 {
				t.Errorf("incident %s (%s, %s): %d messages, want %v", inc.ID, inc.Subject, inc.Severity, got, posted)
			}
			// @here goes with a critical incident: on its first message
			// when it was critical then, or on the thread line, broadcast,
			// saying it rose to critical (a story's later days can raise
			// it after its first poll).
			hereSaid := false
			for _, m := range incidentPosts(h)[inc.ID] {
				here := strings.HasPrefix(m.Text, "<!here>")
				if here != strings.Contains(m.Text, "Critical incident") {
					t.Errorf("incident %s (%s): @here %v in %q", inc.ID, inc.Severity, here, m.Text)
				}
				hereSaid = hereSaid || here
				for _, r := range h.slack.Messages() {
					if r.Method == "chat.postMessage" && r.ThreadTS == m.TS && strings.HasPrefix(r.Text, "<!here>") {
						hereSaid = true
					}
				}
			}
			if posted && hereSaid != (inc.Severity == intents.SeverityCritical) {
				t.Errorf("incident %s (%s): @here said %v", inc.ID, inc.Severity, hereSaid)
			}
			ss := storiesOf(inc, ld.stories)
			if len(ss) == 0 {
				if posted {
					t.Errorf("incident %s (%s, %s) about ordinary activity reached the channel: %s", inc.ID, inc.Subject, inc.Severity, inc.Summary)
				}
				continue
			}
			for _, s := range ss {
				covered[s.ID] = append(covered[s.ID], detectionsOf(inc)...)
			}
			if !posted {
				continue
			}
			alerted++
			var kinds []intents.Kind
			for _, pid := range inc.Proposals {
				pr, err := h.store.Get(pid)
				if err != nil {
					t.Errorf("incident %s: proposal %s: %v", inc.ID, pid, err)
					continue
				}
				kinds = append(kinds, pr.Preview.Action.Kind)
				if pr.ThreadTS != inc.TS || pr.Channel != secChannel {
					t.Errorf("proposal %s is in %s/%s, not the incident's thread %s", pid, pr.Channel, pr.ThreadTS, inc.TS)
				}
				if u := pr.Preview.Action.User; u != nil && !strings.EqualFold(u.Name, inc.Subject) {
					t.Errorf("incident %s about %s proposes a fix for %s", inc.ID, inc.Subject, u.Name)
				}
			}
			want := swept[strings.ToLower(inc.Subject)]
			for _, k := range want {
				if !slices.Contains(kinds, k) {
					t.Errorf("incident %s about %s: the sweep proposes %s, the incident %v", inc.ID, inc.Subject, k, kinds)
				}
			}
			for _, k := range kinds {
				if !slices.Contains(want, k) && k != intents.ResetPassword { // reset_password comes with reset_factors
					t.Errorf("incident %s about %s proposes %s, which the sweep does not (%v)", inc.ID, inc.Subject, k, want)
				}
			}
		}
		for _, s := range ld.stories {
			for _, d := range s.Detections {
				if !slices.Contains(covered[s.ID], d) {
					t.Errorf("story %s: detection %s is in none of its incidents (%v)", s.ID, d, covered[s.ID])
				}
			}
		}
		if alerted < 5 {
			t.Errorf("only %d incidents reached the channel", alerted)
		}
		t.Logf("incidents: %d, alerted: %d", len(incs), alerted)
	})
}

// storyEvents are the log events of one story, in time order, and the
// rest of the log.
func (ld liveDemo) storyEvents(t testing.TB, id string) (story, rest []oktasim.Object) {
	t.Helper()
	var s *demo.Story
	for i := range ld.stories {
		if ld.stories[i].ID == id {
			s = &ld.stories[i]
		}
	}
	if s == nil {
		t.Fatalf("no story %s", id)
	}
	for _, o := range ld.logs {
		if id, _ := o["uuid"].(string); slices.Contains(s.Events, id) {
			story = append(story, o)
		} else {
			rest = append(rest, o)
		}
	}
	return story, rest
}

// outcome is an event's outcome.result.
func outcome(o oktasim.Object) string {
	if m, ok := o["outcome"].(map[string]any); ok {
		s, _ := m["result"].(string)
		return s
	}
	return ""
}

// TestWatchIncidentGrows posts the lockout story in two steps: the failed
// sign-ins (a medium incident, posted with the alert severity at medium),
// then the lockout. The second step updates the one incident message, adds
// one thread line and — the severity having risen to high — sends that
// line to the channel too, without @here (kept for critical). No second
// incident message is posted.
func TestWatchIncidentGrows(t *testing.T) {
	ld := newLiveDemo(t)
	tor, _ := ld.storyEvents(t, "lockout")
	first := slices.IndexFunc(tor, func(o oktasim.Object) bool {
		typ, _ := o["eventType"].(string)
		return typ == "user.account.lock"
	})
	if first < 1 {
		t.Fatalf("the lockout story has no lockout after failures (%d)", first)
	}
	p := newPolls()
	h := newHarness(t, harnessOpts{fixture: ld.fx, store: true, watch: true, polled: p.observe,
		cfg:      bot.Config{AlertMin: intents.SeverityMedium, HereOnCritical: true},
		watchCfg: func(c *okta.WatchConfig) { c.Backfill = 8 * 24 * time.Hour }})
	post(t, h, tor[:first])
	p.caughtUp(t, h, time.Now(), 30*time.Second)
	msgs := incidentMessages(h)
	incs, err := h.store.Incidents(true)
	if err != nil || len(incs) == 0 {
		t.Fatalf("no incident after the failures: %v\n%s", err, dump(h.slack.Messages()))
	}
	var inc intents.Incident
	for _, x := range incs {
		if x.Subject == "sarah.johnson@company.com" {
			inc = x
		}
	}
	if inc.ID == "" || msgs[inc.ID] != 1 || inc.Severity != intents.SeverityMedium {
		t.Fatalf("after the failures: incident %+v, %d messages", inc, msgs[inc.ID])
	}
	before := len(h.slack.Messages())
	post(t, h, tor[first:])
	p.caughtUp(t, h, time.Now(), 30*time.Second)
	grown, err := h.store.Incident(inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if grown.Severity != intents.SeverityHigh || grown.Version <= inc.Version || grown.Posted != grown.Version || grown.Notified != intents.SeverityHigh {
		t.Fatalf("after the lockout: %s v%d posted v%d notified %s, want high, posted and notified", grown.Severity, grown.Version, grown.Posted, grown.Notified)
	}
	if n := incidentMessages(h)[inc.ID]; n != 1 {
		t.Errorf("%d incident messages for %s, want 1", n, inc.ID)
	}
	var updated, lines, broadcast int
	for _, m := range h.slack.Messages()[before:] {
		switch {
		case m.Method == "chat.update" && m.TS == inc.TS:
			updated++
		case m.Method == "chat.postMessage" && m.ThreadTS == inc.TS && strings.Contains(m.Text, "Severity"):
			lines++
			if m.Broadcast && !strings.Contains(m.Text, "<!here>") {
				broadcast++
			}
		}
	}
	if updated == 0 || lines != 1 || broadcast != 1 {
		t.Errorf("after the rise: %d updates, %d severity lines, %d broadcast without @here; want ≥1, 1, 1\n%s", updated, lines, broadcast, dump(h.slack.Messages()[before:]))
	}
}

// TestWatchRateLimitStorm throttles every System Log call while the
// stories are posted: nothing is alerted during the storm, and once it
// ends every story is alerted once, as without it.
func TestWatchRateLimitStorm(t *testing.T) {
	ld := newLiveDemo(t)
	p := newPolls()
	h := newHarness(t, harnessOpts{fixture: ld.fx, store: true, watch: true, polled: p.observe,
		okta:     func(c *okta.Config) { c.MaxRetries = -1 },
		watchCfg: func(c *okta.WatchConfig) { c.Backfill = 8 * 24 * time.Hour }})
	p.caughtUp(t, h, time.Now(), 30*time.Second)
	h.sim.Throttle(oktasim.BucketLogs, -1)
	post(t, h, ld.logs)
	failed := h.sim.Throttled()
	for h.sim.Throttled() < failed+3 { // three polls refused
		select {
		case <-p.wake:
		case <-h.waitCtx(30 * time.Second).Done():
			t.Fatal("the watcher did not poll during the storm")
		}
	}
	if n := len(incidentMessages(h)); n != 0 {
		t.Fatalf("%d incidents alerted while every System Log call was refused", n)
	}
	h.sim.Throttle(oktasim.BucketLogs, 0)
	p.caughtUp(t, h, time.Now(), 60*time.Second)
	msgs := incidentMessages(h)
	incs, err := h.store.Incidents(false)
	if err != nil {
		t.Fatal(err)
	}
	alerted := 0
	for _, inc := range incs {
		if inc.Severity.Rank() >= intents.SeverityHigh.Rank() {
			alerted++
			if msgs[inc.ID] != 1 {
				t.Errorf("incident %s: %d messages after the storm, want 1", inc.ID, msgs[inc.ID])
			}
		}
	}
	if alerted != 7 {
		t.Errorf("%d incidents alerted after the storm, want the 7 of the calm run", alerted)
	}
}

// watchOne starts a watching bot on the demo org and posts the stories
// named, waiting until they are read; it returns the incident about each
// subject.
func watchOne(t *testing.T, o harnessOpts, ids ...string) (*harness, liveDemo, map[string]intents.Incident) {
	t.Helper()
	ld := newLiveDemo(t)
	p := newPolls()
	o.fixture, o.watch, o.polled = ld.fx, true, p.observe
	if o.etcd == nil {
		o.store = true
	}
	o.watchCfg = func(c *okta.WatchConfig) { c.Backfill = 8 * 24 * time.Hour }
	h := newHarness(t, o)
	for _, id := range ids {
		evs, _ := ld.storyEvents(t, id)
		post(t, h, evs)
	}
	p.caughtUp(t, h, time.Now(), 30*time.Second)
	incs, err := h.store.Incidents(true)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]intents.Incident{}
	for _, inc := range incs {
		out[inc.Subject] = inc
	}
	h.polls = p
	return h, ld, out
}

// incidentMessage is the message of inc as Slack shows it now.
func incidentMessage(t *testing.T, h *harness, inc intents.Incident) slackfake.Message {
	t.Helper()
	m, ok := h.slack.Current(inc.Channel, inc.TS)
	if !ok {
		t.Fatalf("incident %s has no message at %s/%s", inc.ID, inc.Channel, inc.TS)
	}
	return m
}

// TestWatchFalsePositive: Mark false positive on the lockout incident
// opens the form; a submission with a bad field goes back to it; a good
// one stores the suppression (audited), closes the incident, and the next
// lockout of the same person raises no alert.
// A guest cannot press the incident's buttons.
func TestWatchFalsePositive(t *testing.T) {
	eachStore(t, func(t *testing.T, backed func(*harnessOpts)) {
		var o harnessOpts
		backed(&o)
		h, ld, incs := watchOne(t, o, "lockout")
		inc, ok := incs["sarah.johnson@company.com"]
		if !ok || inc.TS == "" {
			t.Fatalf("no lockout incident in the channel: %v", incs)
		}
		msg := incidentMessage(t, h, inc)

		h.clickValue(guest, msg, blocks.ActionIncidentAck, inc.ID)
		waitUntil(t, h, 10*time.Second, "the guest told no", func() bool {
			for _, m := range h.slack.Messages() {
				if m.Ephemeral && m.User == guest {
					return true
				}
			}
			return false
		})
		if got, _ := h.store.Incident(inc.ID); got.AckBy != "" {
			t.Fatalf("a guest acknowledged the incident: %+v", got)
		}

		views := len(h.slack.Views())
		h.clickValue(analyst, msg, blocks.ActionIncidentFalsePositive, inc.ID)
		view := waitView(t, h, views)
		state := func(days string) json.RawMessage {
			return json.RawMessage(`{` +
				`"fp_detection":{"fp_detection":{"type":"static_select","selected_option":{"value":"account_lockout"}}},` +
				`"fp_scope":{"fp_scope":{"type":"radio_buttons","selected_option":{"value":"user"}}},` +
				`"fp_days":{"fp_days":{"type":"plain_text_input","value":"` + days + `"}},` +
				`"fp_reason":{"fp_reason":{"type":"plain_text_input","value":"a scheduled password rotation"}}}`)
		}
		env, err := h.slack.SubmitView(h.waitCtx(5*time.Second), slackfake.ViewSubmission{UserID: analyst, ViewID: view.ID, State: state("400")})
		if err != nil {
			t.Fatal(err)
		}
		if ack, err := h.slack.WaitAck(h.waitCtx(5*time.Second), env); err != nil || !strings.Contains(string(ack.Payload), "fp_days") || strings.Contains(string(ack.Payload), "fp_reason") {
			t.Fatalf("400 days: ack %s, %v; want the form's error on fp_days alone", ack.Payload, err)
		}
		if sps, _ := h.store.Suppressions(); len(sps) != 0 {
			t.Fatalf("a bad form stored a suppression: %v", sps)
		}
		env, err = h.slack.SubmitView(h.waitCtx(5*time.Second), slackfake.ViewSubmission{UserID: analyst, ViewID: view.ID, State: state("7")})
		if err != nil {
			t.Fatal(err)
		}
		if ack, err := h.slack.WaitAck(h.waitCtx(5*time.Second), env); err != nil || len(ack.Payload) > 0 && string(ack.Payload) != "null" {
			t.Fatalf("7 days: ack %s, %v; want a plain ack", ack.Payload, err)
		}
		waitUntil(t, h, 10*time.Second, "the incident closed", func() bool {
			got, _ := h.store.Incident(inc.ID)
			return got.Status == intents.IncidentClosed
		})
		sps, err := h.store.Suppressions()
		if err != nil || len(sps) != 1 || sps[0].Detection != "account_lockout" || !strings.EqualFold(sps[0].User, inc.Subject) || sps[0].By != analyst {
			t.Fatalf("suppressions = %+v, %v", sps, err)
		}
		events := map[string]bool{}
		if err := h.store.Audit(func(r intents.AuditRecord) error { events[r.Event+" "+r.ProposalID] = true; return nil }); err != nil {
			t.Fatal(err)
		}
		if !events[approvals.EventSuppressed+" "+sps[0].ID] || !events[approvals.EventClosed+" "+inc.ID] {
			t.Errorf("the audit log lacks the suppression or the close: %v", events)
		}

		// Sarah is locked out again.
		lock, _ := ld.storyEvents(t, "lockout")
		var again oktasim.Object
		for _, o := range lock {
			if typ, _ := o["eventType"].(string); typ == "user.account.lock" {
				again = o
			}
		}
		now := time.Now().UTC()
		sarah := relive(again, "11111111-0000-4000-8000-000000000001", now)
		before := len(incidentMessages(h))
		post(t, h, []oktasim.Object{sarah})
		h.polls.caughtUp(t, h, time.Now(), 30*time.Second)
		all, _ := h.store.Incidents(false)
		for _, x := range all {
			if x.ID != inc.ID && strings.EqualFold(x.Subject, inc.Subject) {
				t.Errorf("a suppressed lockout opened incident %s: %+v", x.ID, x.Findings)
			}
		}
		if n := len(incidentMessages(h)); n != before {
			t.Errorf("%d incident messages after a suppressed lockout, want %d", n, before)
		}
	})
}

// relive copies a log event as a new one at at.
func relive(o oktasim.Object, uuid string, at time.Time) oktasim.Object {
	b, _ := json.Marshal(o)
	var c oktasim.Object
	_ = json.Unmarshal(b, &c)
	c["uuid"] = uuid
	c["published"] = at.Format("2006-01-02T15:04:05.000Z")
	return c
}

// TestWatchWasThisYou asks the people of sign-in incidents in a DM about
// their own sign-in: Emily answers No (the incident's confidence rises,
// with her answer as evidence), Rachel answers Yes (it falls, and Close
// is offered); Chris has no Slack account: nobody is messaged, and the
// thread says so. Someone else pressing Emily's buttons changes nothing.
func TestWatchWasThisYou(t *testing.T) {
	h, _, incs := watchOne(t, harnessOpts{
		cfg: bot.Config{AskUser: true, AlertMin: intents.SeverityHigh},
		slack: func(o *slackfake.Options) {
			o.Users = slackUsers()
			o.Users["U0EMILY"] = slackfake.User{Name: "emily", RealName: "Emily Chen", Email: "emily.chen@company.com"}
			o.Users["U0RACHEL"] = slackfake.User{Name: "rachel", RealName: "Rachel Adams", Email: "rachel.adams@company.com"}
		},
	}, "push-fatigue", "watchlist-countries")
	emily, rachel, chris := incs["emily.chen@company.com"], incs["rachel.adams@company.com"], incs["chris.morgan@company.com"]
	if emily.TS == "" || rachel.TS == "" || chris.TS == "" {
		t.Fatalf("incidents: %v", incs)
	}
	dm := func(user string) slackfake.Message {
		return h.answer("the DM to "+user, func(m slackfake.Message) bool {
			return m.Method == "chat.postMessage" && m.Channel == "D"+strings.TrimPrefix(user, "U") && strings.Contains(m.Text, "was this you")
		})
	}
	em, ra := dm("U0EMILY"), dm("U0RACHEL")
	waitUntil(t, h, 10*time.Second, "Chris's thread says he was not asked", func() bool {
		for _, m := range h.slack.Messages() {
			if m.ThreadTS == chris.TS && strings.Contains(m.Text, "no Slack account") {
				return true
			}
		}
		return false
	})
	for _, m := range h.slack.Messages() {
		if strings.HasPrefix(m.Channel, "D") && !slices.Contains([]string{"D0EMILY", "D0RACHEL"}, m.Channel) {
			t.Errorf("a DM to someone not asked: %s %q", m.Channel, m.Text)
		}
		if strings.HasPrefix(m.Channel, "D") && (strings.Contains(m.Text, "Pyongyang") || strings.Contains(m.Text, "chris")) && m.Channel == "D0EMILY" {
			t.Errorf("Emily's DM shows another person's event: %q", m.Text)
		}
	}

	h.clickValue(analyst, em, blocks.ActionWasThisYouYes, emily.ID) // not Emily: ignored
	h.clickValue("U0EMILY", em, blocks.ActionWasThisYouNo, emily.ID)
	waitUntil(t, h, 10*time.Second, "Emily's No in the incident", func() bool {
		got, _ := h.store.Incident(emily.ID)
		return got.Answer == intents.AnswerNo && got.Score > emily.Score
	})
	got, _ := h.store.Incident(emily.ID)
	if !slices.ContainsFunc(got.Findings, func(f intents.Finding) bool { return strings.Contains(f.Summary, "not them") }) {
		t.Errorf("Emily's No is not evidence: %+v", got.Findings)
	}
	if slices.ContainsFunc(got.Findings, func(f intents.Finding) bool { return strings.Contains(f.Summary, "was them") }) {
		t.Errorf("someone else answered for Emily: %+v", got.Findings)
	}

	h.clickValue("U0RACHEL", ra, blocks.ActionWasThisYouYes, rachel.ID)
	waitUntil(t, h, 10*time.Second, "Rachel's Yes offers Close", func() bool {
		for _, m := range h.slack.Messages() {
			if m.ThreadTS == rachel.TS && strings.Contains(m.Text, "*Yes*") {
				for id, v := range buttons(t, m) {
					if blocks.BaseAction(id) == blocks.ActionIncidentClose && v == rachel.ID {
						return true
					}
				}
			}
		}
		return false
	})
	if got, _ := h.store.Incident(rachel.ID); got.Answer != intents.AnswerYes || got.Score >= rachel.Score {
		t.Errorf("after Rachel's Yes: answer %q, score %d (was %d)", got.Answer, got.Score, rachel.Score)
	}
}

// failingIncidents is the store with SetIncidentMessage failing: the
// message is in Slack, the store does not know it (a crash between the
// two, or a full disk).
// incidentStore is bot.Incidents, embeddable under another name.
type incidentStore = bot.Incidents

type failingIncidentsBase struct{ incidentStore }

func (failingIncidentsBase) SetIncidentMessage(id, channel, ts string, version int, notified intents.Severity) error {
	return errors.New("disk full")
}

// TestWatchRestartPostsOnce covers the two gaps of a crash around an
// incident's message. A bot that posted messages without recording them
// is stopped; the next finds them again in the channel's history by their
// metadata and records them instead of posting twice. A message Slack
// refused once is posted at the next poll, once.
func TestWatchRestartPostsOnce(t *testing.T) {
	ld := newLiveDemo(t)
	lock, _ := ld.storyEvents(t, "lockout")
	tor, _ := ld.storyEvents(t, "tor-takeover")
	p := newPolls()
	path := filepath.Join(t.TempDir(), "oktabot.db")
	history := func(o *slackfake.Options) {
		o.Users = slackUsers()
		o.Scopes = append(slackfake.DefaultScopes(), "channels:history", "groups:history")
	}
	wc := func(c *okta.WatchConfig) { c.Backfill = 8 * 24 * time.Hour }
	a := newHarness(t, harnessOpts{fixture: ld.fx, storePath: path, watch: true, polled: p.observe, watchCfg: wc, slack: history,
		incidents: func(s bot.Incidents) bot.Incidents { return failingIncidentsBase{s} }})
	post(t, a, lock)
	p.caughtUp(t, a, time.Now(), 30*time.Second)
	if n := len(incidentMessages(a)); n != 1 {
		t.Fatalf("%d incident messages before the restart, want 1", n)
	}
	a.stop()
	if err := a.store.Close(); err != nil {
		t.Fatal(err)
	}

	p = newPolls()
	b := newHarness(t, harnessOpts{reuse: a, storePath: path, watch: true, polled: p.observe, watchCfg: wc})
	b.slack.FailNext("chat.postMessage", "internal_error") // the takeover's message, refused once
	post(t, b, tor)
	p.caughtUp(t, b, time.Now(), 30*time.Second)
	p.caughtUp(t, b, time.Now(), 30*time.Second)
	incs, err := b.store.Incidents(false)
	if err != nil {
		t.Fatal(err)
	}
	msgs := incidentMessages(b)
	posted := 0
	for _, inc := range incs {
		if inc.Severity.Rank() < intents.SeverityHigh.Rank() {
			continue
		}
		posted++
		if msgs[inc.ID] != 1 || inc.TS == "" || inc.Posted != inc.Version {
			t.Errorf("incident %s (%s): %d messages, ts %q, posted v%d of v%d; want one, recorded", inc.ID, inc.Subject, msgs[inc.ID], inc.TS, inc.Posted, inc.Version)
		}
	}
	if posted < 2 {
		t.Errorf("%d incidents posted across the restart, want the lockout and the takeover", posted)
	}
}

// TestWatchGrowthProposes posts the Tor takeover in two steps: the
// failures through Tor are critical already but do not call for a
// suspension; the success that follows does, and it is proposed in the
// incident's thread although the severity stays critical, without
// proposing again what is already waiting.
func TestWatchGrowthProposes(t *testing.T) {
	ld := newLiveDemo(t)
	tor, _ := ld.storyEvents(t, "tor-takeover")
	first := slices.IndexFunc(tor, func(o oktasim.Object) bool {
		typ, _ := o["eventType"].(string)
		return outcome(o) == "SUCCESS" && strings.HasPrefix(typ, "user.authentication")
	})
	if first < 1 {
		t.Fatalf("no success after the failures in the Tor story (%d)", first)
	}
	p := newPolls()
	h := newHarness(t, harnessOpts{fixture: ld.fx, store: true, watch: true, polled: p.observe,
		watchCfg: func(c *okta.WatchConfig) { c.Backfill = 8 * 24 * time.Hour }})
	kinds := func(inc intents.Incident) []intents.Kind {
		var out []intents.Kind
		for _, id := range inc.Proposals {
			if pr, err := h.store.Get(id); err == nil && pr.ThreadTS == inc.TS {
				out = append(out, pr.Preview.Action.Kind)
			}
		}
		return out
	}
	post(t, h, tor[:first])
	p.caughtUp(t, h, time.Now(), 30*time.Second)
	incs, _ := h.store.Incidents(true)
	var inc intents.Incident
	for _, x := range incs {
		if x.Subject == "john@company.com" {
			inc = x
		}
	}
	if inc.TS == "" || inc.Severity != intents.SeverityCritical || slices.Contains(kinds(inc), intents.SuspendUser) {
		t.Fatalf("after the failures: %s %s, proposals %v; want a critical incident in the channel, no suspension yet", inc.ID, inc.Severity, kinds(inc))
	}
	post(t, h, tor[first:])
	p.caughtUp(t, h, time.Now(), 30*time.Second)
	got, err := h.store.Incident(inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	ks := kinds(got)
	if !slices.Contains(ks, intents.SuspendUser) {
		t.Errorf("after the success: proposals %v in the thread, want suspend_user among them", ks)
	}
	seen := map[intents.Kind]bool{}
	for _, k := range ks {
		if seen[k] {
			t.Errorf("%s proposed twice in the thread: %v", k, ks)
		}
		seen[k] = true
	}
}

// TestWatchIncidentButtons: Acknowledge records who and redraws the
// message without the button; Investigate answers in the incident's
// thread; Close closes it (no buttons left) and is audited;
// /okta suppressions lists a mark with Remove, which removes it (audited).
// App Home shows a reader the open incidents and the watcher's health,
// and a guest nothing of the org.
func TestWatchIncidentButtons(t *testing.T) {
	eachStore(t, func(t *testing.T, backed func(*harnessOpts)) {
		o := harnessOpts{cfg: bot.Config{Readers: []string{reader}}}
		backed(&o)
		h, _, incs := watchOne(t, o, "lockout", "tor-takeover")
		sarah, john := incs["sarah.johnson@company.com"], incs["john@company.com"]
		if sarah.TS == "" || john.TS == "" {
			t.Fatalf("incidents: %v", incs)
		}

		if _, err := h.slack.OpenHome(h.waitCtx(5*time.Second), reader); err != nil {
			t.Fatal(err)
		}
		home, err := h.slack.WaitHome(h.waitCtx(10*time.Second), reader, func(v slackfake.View) bool { return true })
		if err != nil || !strings.Contains(string(home.View), "sarah.johnson@company.com") || !strings.Contains(string(home.View), "john@company.com") {
			t.Errorf("the reader's App Home lacks the open incidents: %v\n%s", err, home.View)
		}
		if _, err := h.slack.OpenHome(h.waitCtx(5*time.Second), guest); err != nil {
			t.Fatal(err)
		}
		gh, err := h.slack.WaitHome(h.waitCtx(10*time.Second), guest, func(v slackfake.View) bool { return true })
		if err != nil || strings.Contains(string(gh.View), "company.com") {
			t.Errorf("a guest's App Home shows the org: %v\n%s", err, gh.View)
		}

		h.clickValue(analyst, incidentMessage(t, h, sarah), blocks.ActionIncidentAck, sarah.ID)
		waitUntil(t, h, 10*time.Second, "the acknowledgement", func() bool {
			m := incidentMessage(t, h, sarah)
			_, still := buttons(t, m)[blocks.ActionIncidentAck]
			return strings.Contains(plainOf(t, m), analyst) && !still
		})
		if got, _ := h.store.Incident(sarah.ID); got.AckBy != analyst || got.Status != intents.IncidentAcknowledged {
			t.Errorf("after Acknowledge: %s by %q", got.Status, got.AckBy)
		}

		h.clickValue(analyst, incidentMessage(t, h, john), blocks.ActionIncidentInvestigate, john.ID)
		h.answer("the investigation in the thread", func(m slackfake.Message) bool {
			return m.ThreadTS == john.TS && m.Method == "chat.postMessage" && strings.HasPrefix(m.Text, "Investigation:") && strings.Contains(m.Text, "john@company.com")
		})

		h.clickValue(analyst, incidentMessage(t, h, john), blocks.ActionIncidentClose, john.ID)
		waitUntil(t, h, 10*time.Second, "the incident closed", func() bool {
			got, _ := h.store.Incident(john.ID)
			return got.Status == intents.IncidentClosed
		})
		waitUntil(t, h, 10*time.Second, "the closed incident's message", func() bool {
			m := incidentMessage(t, h, john)
			return strings.HasPrefix(m.Text, "Closed") && len(buttons(t, m)) == 0
		})
		if got, _ := h.store.Incident(john.ID); got.Status != intents.IncidentClosed || got.ClosedBy != analyst {
			t.Errorf("after Close: %s by %q", got.Status, got.ClosedBy)
		}

		sp, err := h.store.Suppress(intents.Suppression{Detection: "account_lockout", User: sarah.Subject, Until: time.Now().Add(24 * time.Hour), By: analyst, At: time.Now(), Reason: "rotation"})
		if err != nil {
			t.Fatal(err)
		}
		n := len(h.slack.Messages())
		// Another person: the analyst's investigation may still be proposing,
		// and one person's requests at once are bounded.
		send(t, h, approver, secChannel, "suppressions")
		list := waitAfter(t, h, n, "the suppressions", func(m slackfake.Message) bool {
			return !m.Ephemeral && len(m.Blocks) > 0 && strings.Contains(plainOf(t, m), "account_lockout")
		})
		h.clickValue(approver, list, blocks.ActionSuppressionRemove, sp.ID)
		waitUntil(t, h, 10*time.Second, "the suppression removed", func() bool {
			sps, _ := h.store.Suppressions()
			return len(sps) == 0
		})
		events := map[string]bool{}
		if err := h.store.Audit(func(r intents.AuditRecord) error { events[r.Event+" "+r.ProposalID] = true; return nil }); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{approvals.EventAcknowledged + " " + sarah.ID, approvals.EventClosed + " " + john.ID, approvals.EventUnsuppressed + " " + sp.ID} {
			if !events[want] {
				t.Errorf("the audit log lacks %q", want)
			}
		}
	})
}

// TestWatchDigest posts the daily digest at its time of day: the lockout
// incident opened, and — the watcher having started seconds ago — a day
// it did not watch whole, never a quiet one.
func TestWatchDigest(t *testing.T) {
	at := time.Now().UTC().Add(4 * time.Second)
	if at.Hour() == 0 && at.Minute() == 0 && at.Second() < 10 {
		t.Skip("too close to midnight UTC for a time of day seconds ahead")
	}
	tod := time.Duration(at.Hour())*time.Hour + time.Duration(at.Minute())*time.Minute + time.Duration(at.Second())*time.Second
	// Polls every half second: the last good one is well within five
	// intervals when the digest is written, so the only gap is the time
	// before the watcher started.
	h, _, incs := watchOne(t, harnessOpts{cfg: bot.Config{DigestAt: tod, WatchEvery: 500 * time.Millisecond}}, "lockout")
	if incs["sarah.johnson@company.com"].ID == "" {
		t.Fatalf("no lockout incident: %v", incs)
	}
	m := h.answer("the digest", func(m slackfake.Message) bool {
		return m.Channel == secChannel && strings.HasPrefix(m.Text, "Daily digest")
	})
	plain := plainOf(t, m)
	if !strings.Contains(m.Text, "did not cover the whole day") || strings.Contains(plain, "No incidents") || !strings.Contains(plain, "sarah.johnson@company.com") {
		t.Errorf("the digest:\n%s\n%s", m.Text, plain)
	}
}

// fakeLeadership is an election the test decides: Campaign says it was
// called, then waits for the test to grant leadership; revoke ends it.
type fakeLeadership struct {
	campaigning chan struct{}
	grant       chan struct{}
	mu          sync.Mutex
	revoke      context.CancelFunc
}

func (f *fakeLeadership) Campaign(ctx context.Context) (context.Context, error) {
	select {
	case f.campaigning <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case <-f.grant:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	lctx, cancel := context.WithCancel(ctx)
	f.mu.Lock()
	f.revoke = cancel
	f.mu.Unlock()
	return lctx, nil
}

// TestWatchOnlyWhileLeading: a replica that does not lead reads no System
// Log; once it leads it watches and alerts; when it loses the lead it
// stops watching before it campaigns again, and keeps answering Slack.
func TestWatchOnlyWhileLeading(t *testing.T) {
	ld := newLiveDemo(t)
	lock, _ := ld.storyEvents(t, "lockout")
	fl := &fakeLeadership{campaigning: make(chan struct{}), grant: make(chan struct{})}
	p := newPolls()
	h := newHarness(t, harnessOpts{fixture: ld.fx, store: true, watch: true, polled: p.observe,
		cfg:      bot.Config{Leadership: fl},
		watchCfg: func(c *okta.WatchConfig) { c.Backfill = 8 * 24 * time.Hour }})
	post(t, h, lock)
	<-fl.campaigning
	if n := h.sim.Calls("GET", "/api/v1/logs"); n != 0 {
		t.Fatalf("%d System Log reads before this replica leads", n)
	}
	fl.grant <- struct{}{}
	p.caughtUp(t, h, time.Now(), 30*time.Second)
	if len(incidentMessages(h)) != 1 {
		t.Fatalf("the leader did not alert the lockout: %v", incidentMessages(h))
	}
	fl.mu.Lock()
	fl.revoke()
	fl.mu.Unlock()
	<-fl.campaigning // the singletons have stopped
	reads := h.sim.Calls("GET", "/api/v1/logs")
	if reads == 0 {
		t.Fatal("the simulator counted no System Log read while this replica led")
	}
	tor, _ := ld.storyEvents(t, "tor-takeover")
	post(t, h, tor)
	n := len(h.slack.Messages())
	send(t, h, analyst, secChannel, "user john@company.com")
	waitAfter(t, h, n, "an answer while not leading", func(m slackfake.Message) bool { return !m.Ephemeral && strings.Contains(m.Text, "john") })
	if got := h.sim.Calls("GET", "/api/v1/logs"); got != reads {
		t.Errorf("%d System Log reads after the lead was lost, want none", got-reads)
	}
}

// stuckIncidents is an incident store whose CommitWatch, once armed,
// hangs until released: a store cut off from etcd, waiting for its
// time-out.
type stuckIncidents struct {
	incidentStore
	armed    atomic.Bool
	entered  chan struct{}
	released chan struct{}
}

func (s *stuckIncidents) CommitWatch(b intents.WatchBatch, o intents.WatchOptions) ([]intents.IncidentChange, int, error) {
	if s.armed.CompareAndSwap(true, false) {
		close(s.entered)
		<-s.released
	}
	return s.incidentStore.CommitWatch(b, o)
}

// TestLeadLostAtOnce: the replica stops saying it leads the moment its
// term ends, though the watcher is stuck in a store call; it campaigns
// again only once that call has returned.
func TestLeadLostAtOnce(t *testing.T) {
	fl := &fakeLeadership{campaigning: make(chan struct{}), grant: make(chan struct{})}
	stuck := &stuckIncidents{entered: make(chan struct{}), released: make(chan struct{})}
	p := newPolls()
	h := newHarness(t, harnessOpts{store: true, watch: true, polled: p.observe, cfg: bot.Config{Leadership: fl},
		incidents: func(s bot.Incidents) bot.Incidents { stuck.incidentStore = s; return stuck }})
	var release sync.Once
	t.Cleanup(func() { release.Do(func() { close(stuck.released) }) }) // runs before the bot is stopped
	<-fl.campaigning
	fl.grant <- struct{}{}
	p.caughtUp(t, h, time.Now(), 30*time.Second)
	stuck.armed.Store(true)
	select {
	case <-stuck.entered:
	case <-time.After(30 * time.Second):
		t.Fatal("the watcher never committed a poll")
	}
	fl.mu.Lock()
	fl.revoke()
	fl.mu.Unlock()
	deadline := time.Now().Add(10 * time.Second)
	for leading, _ := h.bot.Leading(); leading; leading, _ = h.bot.Leading() {
		if time.Now().After(deadline) {
			t.Fatal("the replica still says it leads after its term ended")
		}
		time.Sleep(5 * time.Millisecond) // the flag has no event to wait on
	}
	select {
	case <-fl.campaigning:
		t.Fatal("campaigned again while the last term's watcher was still in the store")
	default:
	}
	release.Do(func() { close(stuck.released) })
	select {
	case <-fl.campaigning:
	case <-time.After(30 * time.Second):
		t.Fatal("never campaigned again once the store call returned")
	}
}
