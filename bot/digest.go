package bot

import (
	"context"
	"time"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// The daily digest: at DigestAt in the team's zone, the day's incidents
// opened and closed, the pending proposals, the noisiest detections, and
// whether the watcher covered the whole day.

// nextDigest is the first DigestAt after now, in zone.
func nextDigest(now time.Time, at time.Duration, zone *time.Location) time.Time {
	now = now.In(zone)
	at %= 24 * time.Hour
	h, m, sec := int(at/time.Hour), int(at%time.Hour/time.Minute), int(at%time.Minute/time.Second)
	t := time.Date(now.Year(), now.Month(), now.Day(), h, m, sec, 0, zone) // wall clock, across DST
	if !t.After(now) {
		t = time.Date(now.Year(), now.Month(), now.Day()+1, h, m, sec, 0, zone)
	}
	return t
}

// digests posts the digest every day until ctx ends.
func (b *Bot) digests(ctx context.Context) {
	for {
		next := nextDigest(b.cfg.Now(), b.cfg.DigestAt, b.orgZone())
		t := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		b.postDigest(ctx, next.Add(-24*time.Hour), next)
	}
}

// digestData gathers the day from..to.
func (b *Bot) digestData(from, to time.Time) (blocks.DigestData, error) {
	d := blocks.DigestData{From: from, To: to, Location: b.orgZone(), Watching: b.watchOn(), Detections: map[string]int{}}
	incs, err := b.cfg.Incidents.Incidents(false)
	if err != nil {
		return d, err
	}
	for _, inc := range incs {
		if !inc.Opened.Before(from) && inc.Opened.Before(to) {
			d.Opened = append(d.Opened, inc)
			for _, f := range inc.Findings {
				d.Detections[f.Detection]++
			}
		}
		if inc.Status == intents.IncidentClosed && !inc.ClosedAt.Before(from) && inc.ClosedAt.Before(to) {
			d.Closed = append(d.Closed, inc)
		}
	}
	if b.cfg.Proposals != nil {
		if d.Pending, err = b.cfg.Proposals.Pending(); err != nil {
			return d, err
		}
	}
	// What this process did not watch: before it started, and since
	// its polls stopped succeeding (never shown as a quiet day).
	h := b.WatchHealth()
	b.watching.mu.Lock()
	started := b.watching.started
	b.watching.mu.Unlock()
	switch {
	case h.LastOK.IsZero():
		d.Gaps = append(d.Gaps, blocks.Gap{From: from, To: to})
	default:
		if started.After(from) {
			d.Gaps = append(d.Gaps, blocks.Gap{From: from, To: started})
		}
		if h.LastOK.Before(to.Add(-5 * h.Every)) {
			d.Gaps = append(d.Gaps, blocks.Gap{From: later(h.LastOK, from), To: to})
		}
	}
	return d, nil
}

// later is the later of a and b.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// postDigest posts the digest of from..to in the alert channel.
func (b *Bot) postDigest(ctx context.Context, from, to time.Time) {
	d, err := b.digestData(from, to)
	if err != nil {
		b.log.Error("digest: cannot gather the day", "err", err)
		return
	}
	if _, _, err := b.postMessage(ctx, b.cfg.AlertChannel, slack.MsgOptionText(blocks.DigestText(d), false), slack.MsgOptionBlocks(blocks.Digest(d)...)); err != nil {
		b.log.Error("digest: not posted", "err", err)
	}
}
