package bot

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// App Home: open incidents, pending proposals and the watcher's health,
// for people who may read Okta outside a channel (readers, approvers, the
// allowed channels' members); everyone else sees that they need access.

// publishHome draws user's App Home.
func (b *Bot) publishHome(ctx context.Context, user string) {
	view := blocks.HomeDenied()
	if ok, why := b.personMayRead(ctx, user, true); ok {
		view = blocks.HomeView(b.home())
	} else {
		b.log.Info("App Home shown without Okta data", "user", user, "reason", why.String())
	}
	if _, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view}); err != nil {
		b.log.Warn("cannot publish App Home", "user", user, "err", err)
	}
}

// home gathers what App Home shows; what cannot be read is left out and
// logged.
func (b *Bot) home() blocks.Home {
	h := b.WatchHealth()
	home := blocks.Home{Now: b.cfg.Now(), Location: b.orgZone(), Watcher: blocks.WatcherHealth{
		Enabled: h.On, Interval: h.Every, LastPoll: h.LastOK, Lag: h.Lag, EventsPerMinute: float64(h.PerMinute),
	}}
	if b.cfg.Incidents != nil {
		incs, err := b.cfg.Incidents.Incidents(true)
		if err != nil {
			b.log.Error("App Home: cannot list the open incidents", "err", err)
		}
		for _, inc := range incs {
			if b.alerted(inc) && inc.Status != intents.IncidentClosed {
				home.Incidents = append(home.Incidents, inc)
			}
		}
	}
	if b.cfg.Proposals != nil {
		ps, err := b.cfg.Proposals.Pending()
		if err != nil {
			b.log.Error("App Home: cannot list the pending proposals", "err", err)
		}
		home.Proposals = ps
	}
	return home
}
