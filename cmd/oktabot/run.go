package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta"
)

var _ bot.Directory = (*okta.Client)(nil)

// cmdRun is the Slack bot. Start-up checks everything it can before
// connecting (every setting, then Slack and Okta with them) and stops with
// every problem it found, each on its own line naming what to fix.
func cmdRun(ctx context.Context, _ []string, io stdio, e env) error {
	var p problems
	sc, err := loadSlack(e)
	p.add(err)
	oc, err := loadOkta(e)
	oktaOK := err == nil
	p.add(err)
	bc, err := loadBot(e)
	p.add(err)
	p.add(bc.forRun())
	log := newLogger(io.err, e)
	cl, err := loadClassifier(e, log)
	p.add(err)
	wc, err := loadWatch(e, bc.Channels)
	p.add(err)
	wc.Every = testWatchEvery(e, wc.Every)
	stc, err := loadStore(e) // stores.go
	p.add(err)
	oc.Logger = log
	met := newMetrics()
	oc.Observer = met
	oc.Detect = detectConfig(bc.Countries, bc.Time)
	oc.Detect.Rules, err = loadRules(e, log) // rulesconfig.go
	p.add(err)
	var dir *okta.Client
	if oktaOK {
		// okta.New checks the key and the settings together; the client
		// that serves is made again below, once the Tor exit list loads.
		dir, err = okta.New(oc)
		p.add(err)
	}
	if len(p) > 0 {
		// Still check Slack and Okta with what is set, so that this one run
		// names every problem.
		p.add(preflight(ctx, sc.checkable(), dir, bc, log))
		return p.err()
	}
	if oc.Detect.TorExits, err = startTor(ctx, bc.Tor, false, log); err != nil {
		return err
	}
	if dir, err = okta.New(oc); err != nil {
		return err
	}
	return serve(ctx, sc, dir, bc, wc, stc, cl, met, log)
}

// serve checks both connections, then runs the bot until ctx ends, with
// the watcher when wc is on. The demo uses it too, with the simulator as
// Okta.
func serve(ctx context.Context, sc slackConfig, dir *okta.Client, bc botConfig, wc watchConfig, stc storeConfig, cl classifier, met *metrics, log *slog.Logger) error {
	if len(bc.Channels) == 0 {
		return errNoChannels // never the bot library's "every channel"
	}
	if err := preflight(ctx, &sc, dir, bc, log); err != nil {
		return err
	}
	api := bot.NewSlackClient(sc.BotToken, sc.AppToken, sc.APIURL)
	prot, err := guard(ctx, api, dir, bc, log) // protect.go
	if err != nil {
		return err
	}
	// The ops server asks the bot for the watcher's health once it exists.
	var health func() bot.WatchHealth
	storeHealth := func(context.Context) string { return "" } // set once the store opens
	var b *bot.Bot
	ready := make(chan struct{})
	if bc.HTTPAddr != "" {
		health = func() bot.WatchHealth {
			select {
			case <-ready:
				return b.WatchHealth()
			default: // still starting: no poll is due yet
				return bot.WatchHealth{}
			}
		}
		stop, err := serveOps(bc.HTTPAddr, met, health, func(ctx context.Context) string { return storeHealth(ctx) }, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	st, err := openStores(ctx, stc, bc, log) // stores.go
	if err != nil {
		return err
	}
	defer st.close()
	storeHealth = st.health
	// Daily housekeeping archives what is older than OKTABOT_RETENTION
	// (retention.go), on etcd only while this replica leads; it stops, at
	// the end of a batch, before the store closes.
	if st.bolt != nil {
		defer housekeeping(ctx, st.bolt, bc.Retention, log)()
	} else if a, ok := st.proposals.(archiver); ok && st.leadership != nil {
		var stop func()
		st.leadership, stop = withHousekeeping(st.leadership, a, bc.Retention, log)
		defer stop()
	}
	// Background jobs (the MFA scan) keep their progress in the store and
	// resume after a restart: on one replica, the leader, when several
	// share the store.
	dir.SetupJobs(ctx, st.scans)
	resume := func(ctx context.Context) {
		if resumed, err := dir.ResumeJobs(ctx); err != nil {
			log.Warn("cannot resume the MFA scan from its saved progress; the next scan resumes or starts it", "err", err)
		} else if resumed {
			log.Info("resumed the MFA scan an earlier run left unfinished")
		}
	}
	if st.fenced != nil {
		st.fenced.onTerm = func(lctx context.Context) { go resume(lctx) }
	} else {
		resume(ctx)
	}
	cfg := botSettings(bc, st, dir, log)
	cfg.Protection = prot
	cfg.Observe = met.observe
	cfg.Classifier = cl
	if bc.ReadOnly {
		log.Info("read-only: oktabot answers questions and proposes no change (OKTABOT_READ_ONLY=true)")
		for _, p := range cfg.Recovered {
			log.Warn("a proposal was executing when oktabot stopped; it is unknown and was not re-run: check it in Okta", "proposal", p.ID, "summary", p.Preview.Summary)
		}
	}
	if k := bc.StepUp.Kinds; len(k) > 0 && !bc.ReadOnly {
		log.Info("step-up: approvals of these actions are confirmed in the approver's Okta Verify before they run (OKTABOT_STEP_UP)", "actions", k)
	}
	wc.apply(&cfg, dir, st, log)
	cfg.WatchObserve = met.watched
	cfg.Leadership, cfg.Seen = st.leadership, st.seen
	b = bot.New(api, dir, cfg)
	if st.fenced != nil {
		st.fenced.report = b.ReportUnknown
	}
	close(ready)
	log.Info("oktabot running", "okta", dir.OrgURL(), "channels", bc.Channels, "store", st.where)
	return b.Run(ctx)
}

// botSettings turns the configuration into the bot's.
func botSettings(bc botConfig, st *stores, dir *okta.Client, log *slog.Logger) bot.Config {
	cfg := bot.Config{
		Channels:          bc.Channels,
		DirectMessages:    bc.DirectMessages,
		Logger:            log,
		ReadOnly:          bc.ReadOnly,
		Approvers:         bc.Approvers,
		Readers:           bc.Readers,
		AllowSelfApproval: bc.AllowSelfApproval,
		Protection:        intents.Protection{Names: bc.Protected, ServiceAppID: dir.ClientID()},
		Recovered:         st.recovered,
		Location:          bc.Time.Zone,
		LocationPerUser:   bc.Time.PerUser,
		Charts:            bc.Charts,
		MaxPerUser:        bc.Limits.MaxPerUser,
		StepUp:            bc.StepUp.stepsUp(),
		Verifier:          dir,
	}
	if !bc.ReadOnly {
		cfg.Proposals = st.proposals
	}
	return cfg
}

var (
	_ bot.Proposals  = (*approvals.Store)(nil)
	_ okta.ScanStore = (*approvals.Store)(nil)
	_ bot.Proposals  = (*etcdstore.Store)(nil)
	_ bot.Incidents  = (*etcdstore.Store)(nil)
	_ okta.ScanStore = (*etcdstore.Store)(nil)
	_ bot.Leadership = (*fencedLeader)(nil)
)

// preflight checks the two connections with the configuration and returns
// every problem found: Slack when sc is set (the bot token, its scopes,
// each channel of OKTABOT_CHANNELS), Okta when dir is set (a token with
// the scopes).
func preflight(ctx context.Context, sc *slackConfig, dir *okta.Client, bc botConfig, log *slog.Logger) error {
	var p problems
	if sc != nil {
		p.add(checkSlack(ctx, *sc, bc, log))
	}
	if dir != nil {
		p.add(checkOkta(ctx, dir))
	}
	return p.err()
}

// checkSlack calls auth.test with the bot token, compares the token's
// scopes (Slack's X-OAuth-Scopes header) with the manifest's, and checks
// each channel of OKTABOT_CHANNELS with conversations.info: it exists, the
// bot is in it, and it is private unless OKTABOT_ALLOW_PUBLIC_CHANNELS.
func checkSlack(ctx context.Context, sc slackConfig, bc botConfig, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var granted []string
	var told bool
	api := slack.New(sc.BotToken, slack.OptionAPIURL(sc.APIURL), slack.OptionOnResponseHeaders(func(path string, h http.Header) {
		if v, ok := h[http.CanonicalHeaderKey("X-OAuth-Scopes")]; ok && path == "auth.test" {
			told = true
			granted = list(strings.Join(v, ","))
		}
	}))
	auth, err := api.AuthTestContext(ctx)
	if err != nil {
		var se slack.SlackErrorResponse
		if errors.As(err, &se) || err.Error() == "invalid_auth" || err.Error() == "not_authed" || err.Error() == "token_revoked" || err.Error() == "account_inactive" {
			return badf("SLACK_BOT_TOKEN was refused by Slack (%v): copy the current Bot User OAuth Token (xoxb-…) from OAuth & Permissions, and reinstall the app if it was revoked", err)
		}
		return fmt.Errorf("cannot reach Slack (auth.test: %v): check the network and SLACK_API_URL", err)
	}
	var p problems
	var missing []string
	if told {
		for _, s := range botScopes(bc.DirectMessages) {
			if !slices.Contains(granted, s) {
				missing = append(missing, s)
			}
		}
	}
	if len(missing) > 0 {
		dm := ""
		if bc.DirectMessages {
			dm = " --dm"
		}
		p.add(badf("the Slack app behind SLACK_BOT_TOKEN lacks the scopes %s%s: update the app's manifest with `oktabot manifest%s` (App Manifest), then reinstall it to the workspace (OAuth & Permissions → Reinstall)", strings.Join(missing, " "), scopeReasons(missing), dm))
	}
	me := "@oktabot"
	if auth.User != "" {
		me = "@" + auth.User
	}
	for _, id := range bc.Channels {
		if channelID.MatchString(id) { // a bad id is named by loadBot
			p.add(checkChannel(ctx, api, id, me, missing, bc.AllowPublic, log))
		}
	}
	return p.err()
}

// scopeReasons says what oktabot needs the missing scopes for, where
// scopeWhy knows, as " (…; …)", each reason once with its scopes.
func scopeReasons(missing []string) string {
	var reasons []string
	byReason := map[string][]string{}
	for _, s := range missing {
		if why, ok := scopeWhy[s]; ok {
			if byReason[why] == nil {
				reasons = append(reasons, why)
			}
			byReason[why] = append(byReason[why], s)
		}
	}
	if len(reasons) == 0 {
		return ""
	}
	parts := make([]string, len(reasons))
	for i, why := range reasons {
		parts[i] = strings.Join(byReason[why], " and ") + " " + why
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// checkChannel checks one channel of OKTABOT_CHANNELS. missing are scopes
// already reported as lacking.
func checkChannel(ctx context.Context, api *slack.Client, id, me string, missing []string, allowPublic bool, log *slog.Logger) error {
	ch, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: id})
	var se slack.SlackErrorResponse
	switch {
	case err == nil:
	case errors.As(err, &se) && se.Err == "channel_not_found":
		return badf("OKTABOT_CHANNELS: Slack shows oktabot no channel %s: check the id (channel details → About → Channel ID); a private channel shows only once you invite %s to it", id, me)
	case errors.As(err, &se) && se.Err == "missing_scope":
		if slices.ContainsFunc(list(se.Needed), func(s string) bool { return slices.Contains(missing, s) }) {
			return nil // the lacking scope is named once, above
		}
		return badf("OKTABOT_CHANNELS: cannot check %s: the Slack app lacks the scope %s: update the app's manifest with `oktabot manifest` and reinstall it", id, se.Needed)
	default:
		return fmt.Errorf("OKTABOT_CHANNELS: cannot check channel %s (conversations.info: %v)", id, err)
	}
	name := "#" + ch.Name
	var p problems
	switch {
	case ch.IsIM || ch.IsMpIM:
		return badf("OKTABOT_CHANNELS: %s is a direct message, not a channel: list private channels (direct messages are OKTABOT_DIRECT_MESSAGES)", id)
	case !ch.IsMember:
		p.add(badf("OKTABOT_CHANNELS: oktabot is not in %s (%s): invite %s to %s (/invite %s in the channel)", name, id, me, name, me))
	}
	if !ch.IsPrivate {
		if !allowPublic {
			p.add(badf("OKTABOT_CHANNELS: %s (%s) is a public channel: anyone in the workspace can join it and read Okta there. Use a private channel, or set OKTABOT_ALLOW_PUBLIC_CHANNELS=true to accept that", name, id))
		} else {
			log.Warn("answering in a public channel: anyone in the workspace can join it and read Okta there (OKTABOT_ALLOW_PUBLIC_CHANNELS=true)", "channel", name, "id", id)
		}
	}
	return p.err()
}

// checkOkta gets one token: it proves the client id, the key pair and that
// the app is active.
func checkOkta(ctx context.Context, dir *okta.Client) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	st, err := dir.Status(ctx)
	if err != nil {
		if errors.Is(err, intents.ErrAuth) {
			return fmt.Errorf("okta refused oktabot's sign-in: check OKTA_CLIENT_ID, that the private key matches the public key registered on the app, and that the app is active (%v)", err)
		}
		return fmt.Errorf("cannot get an Okta token from %s: %w", dir.OrgURL(), err)
	}
	if len(st.Missing) > 0 {
		return fmt.Errorf("okta did not grant the scopes %v: grant them in the app's Okta API Scopes tab, or remove them from OKTA_SCOPES", st.Missing)
	}
	return nil
}

// serveOps serves /healthz and /metrics on addr. /healthz fails (503,
// with the reason on one line) while the store cannot be used (store:
// etcd cut off), or the watcher is on and has not polled successfully for
// five intervals; health is the bot's (nil: no watcher).
func serveOps(addr string, met *metrics, health func() bot.WatchHealth, store func(context.Context) string, log *slog.Logger) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, badf("OKTABOT_HTTP_ADDR %s: %v", addr, err)
	}
	started := time.Now()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		if store != nil {
			if why := store(r.Context()); why != "" {
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprintln(w, why)
				return
			}
		}
		if health != nil {
			if why := unhealthy(health(), started, time.Now()); why != "" {
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprintln(w, why)
				return
			}
		}
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("GET /metrics", met.handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("ops server stopped", "err", err)
		}
	}()
	log.Info("serving /healthz and /metrics", "addr", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx) // on the way out: a client still connected is cut off either way
	}, nil
}

// unhealthy says in one line why the watcher is unhealthy at now, or ""
// when it is healthy (or off). A watcher that has not caught up once yet
// counts from started, when the bot started: the first poll reads the
// backfill and may take a while.
func unhealthy(h bot.WatchHealth, started, now time.Time) string {
	since := "since it started at " + started.UTC().Format(time.RFC3339)
	if h.LastOK.IsZero() {
		h.LastOK = started
	} else {
		since = "since " + h.LastOK.UTC().Format(time.RFC3339)
	}
	if h.Healthy(now) {
		return ""
	}
	why := fmt.Sprintf("the watcher has not read the System Log successfully %s (five intervals of %s)", since, h.Every)
	if h.LastErr != "" {
		why += ": " + strings.Join(strings.Fields(h.LastErr), " ")
	}
	return why
}
