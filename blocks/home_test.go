package blocks

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

func runningWatcher() WatcherHealth {
	return WatcherHealth{Enabled: true, Interval: time.Minute, LastPoll: ago(40 * time.Second), Lag: 12 * time.Second, EventsPerMinute: 1042.4}
}

func someHome() Home {
	return Home{Now: testNow, Location: cet, Incidents: []intents.Incident{takeover(), acknowledged(orgSpray())},
		Proposals: []intents.Proposal{suspendProposal(), clearSessionsProposal()}, Watcher: runningWatcher()}
}

// homeMessage is a Home tab's blocks as a message, for Validate and Plain.
func homeMessage(v slack.HomeTabViewRequest) Message {
	return Message{Text: "home", Blocks: v.Blocks.BlockSet}
}

func TestHomeGolden(t *testing.T) {
	stale := someHome()
	stale.Watcher.LastPoll = ago(6 * time.Minute)
	off := Home{Now: testNow, Watcher: WatcherHealth{}}
	tests := []struct {
		name string
		v    slack.HomeTabViewRequest
	}{
		{"incident_home", HomeView(someHome())},
		{"incident_home_stale", HomeView(stale)},
		{"incident_home_off", HomeView(off)},
		{"incident_home_denied", HomeDenied()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.v.Type != slack.VTHomeTab {
				t.Errorf("type %q", tc.v.Type)
			}
			goldenMessage(t, tc.name, homeMessage(tc.v))
		})
	}
}

func TestHomeWatcher(t *testing.T) {
	tests := []struct {
		name string
		w    WatcherHealth
		want string
	}{
		{"running", runningWatcher(), "2026-11-28 12:59 CET> · 12 s behind Okta · 1,042 events a minute"},
		{"five intervals is not yet stale", WatcherHealth{Enabled: true, Interval: 10 * time.Second, LastPoll: ago(50 * time.Second)}, "*Watcher running*"},
		{"past five intervals", WatcherHealth{Enabled: true, Interval: 10 * time.Second, LastPoll: ago(51 * time.Second)}, ":warning: *Watcher behind* — no successful poll for 51 s (more than five intervals of 10 s)"},
		{"default interval", WatcherHealth{Enabled: true, LastPoll: ago(6 * time.Minute)}, "five intervals of 1 min"},
		{"off", WatcherHealth{LastPoll: ago(time.Hour)}, "*Watcher off*"},
		{"not polled yet", WatcherHealth{Enabled: true}, "has not read the System Log yet"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := watcherLine(tc.w, testNow, cet); !strings.Contains(got, tc.want) {
				t.Errorf("watcherLine = %q, want it to hold %q", got, tc.want)
			}
		})
	}
}

func TestHomeCaps(t *testing.T) {
	for vname, v := range hostileValues() {
		h := someHome()
		h.Incidents, h.Proposals = nil, nil
		for i := range 25 {
			inc := takeover()
			inc.Subject, inc.Summary, inc.AckBy, inc.Status = v, v, v, intents.IncidentAcknowledged
			inc.Findings = []intents.Finding{{Detection: v, Summary: v, Reason: v, Score: i}}
			h.Incidents = append(h.Incidents, inc)
			p := hostileProposal(v, 3, intents.StatePending)
			p.ID = fmt.Sprintf("p-%d", i)
			h.Proposals = append(h.Proposals, p)
		}
		m := homeMessage(HomeView(h))
		if err := Validate(m); err != nil {
			t.Errorf("%s: Validate = %v", vname, err)
		}
		checkOnlyOurTokens(t, vname, strings.Join(mrkdwnTexts(t, m), "\n"))
		text, _ := Plain(m)
		if !strings.Contains(text, "… and 5 more incidents.") || !strings.Contains(text, "… and 20 more: `/okta pending`") {
			t.Errorf("%s: 25 incidents and proposals are not capped with a count:\n%s", vname, text)
		}
	}
}

func TestHomeDeniedShowsNothing(t *testing.T) {
	text, _ := Plain(homeMessage(HomeDenied()))
	if !strings.Contains(text, "Ask an admin for access") {
		t.Errorf("denied home says %q", text)
	}
	for _, leak := range []string{"incident", "proposal", "Watcher", "@"} {
		if strings.Contains(text, leak) {
			t.Errorf("denied home mentions %q: %q", leak, text)
		}
	}
}
