package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta"
)

var _ bot.Directory = (*okta.Client)(nil)

// cmdRun is the Slack bot. Start-up checks everything it can before
// connecting and stops with one line that names what is wrong.
func cmdRun(ctx context.Context, _ []string, io stdio, e env) error {
	sc, err := loadSlack(e)
	if err != nil {
		return err
	}
	oc, err := loadOkta(e)
	if err != nil {
		return err
	}
	bc, err := loadBot(e)
	if err != nil {
		return err
	}
	log := newLogger(io.err, e)
	oc.Logger = log
	met := newMetrics()
	oc.Observer = met
	oc.Detect = detectConfig(bc.Countries, bc.Time)
	if oc.Detect.TorExits, err = startTor(ctx, bc.Tor, false, log); err != nil {
		return err
	}
	dir, err := okta.New(oc)
	if err != nil {
		return err
	}
	cl, err := loadClassifier(e, log)
	if err != nil {
		return err
	}
	api := bot.NewSlackClient(sc.BotToken, sc.AppToken, sc.APIURL)
	return serve(ctx, api, dir, bc, cl, met, log)
}

// serve checks both connections, then runs the bot until ctx ends. The
// demo uses it too, with the simulator as Okta.
func serve(ctx context.Context, api *slack.Client, dir *okta.Client, bc botConfig, cl classifier, met *metrics, log *slog.Logger) error {
	if err := checkSlack(ctx, api); err != nil {
		return err
	}
	if err := checkOkta(ctx, dir); err != nil {
		return err
	}
	prot, err := guard(ctx, api, dir, bc, log) // protect.go
	if err != nil {
		return err
	}
	if bc.HTTPAddr != "" {
		stop, err := serveOps(bc.HTTPAddr, met, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	store, err := approvals.Open(bc.DB, approvals.Options{TTL: bc.ProposalTTL, Logger: log})
	if err != nil {
		return fmt.Errorf("OKTABOT_DB %s: %w", bc.DB, err)
	}
	defer store.Close()
	// Background jobs (the MFA scan) keep their progress in the store and
	// resume after a restart.
	if resumed, err := dir.StartJobs(ctx, store); err != nil {
		log.Warn("cannot read the MFA scan's saved progress; the next scan starts afresh", "err", err)
	} else if resumed {
		log.Info("resumed the MFA scan an earlier run left unfinished")
	}
	cfg := botSettings(bc, store, dir, log)
	cfg.Protection = prot
	cfg.Observe = met.observe
	cfg.Classifier = cl
	b := bot.New(api, dir, cfg)
	log.Info("oktabot running", "okta", dir.OrgURL(), "channels", bc.Channels, "db", bc.DB)
	return b.Run(ctx)
}

// botSettings turns the configuration into the bot's.
func botSettings(bc botConfig, store *approvals.Store, dir *okta.Client, log *slog.Logger) bot.Config {
	return bot.Config{
		Channels:          bc.Channels,
		DirectMessages:    bc.DirectMessages,
		Logger:            log,
		Proposals:         store,
		Approvers:         bc.Approvers,
		AllowSelfApproval: bc.AllowSelfApproval,
		Protection:        intents.Protection{Names: bc.Protected, ServiceAppID: dir.ClientID()},
		Recovered:         store.Recovered(),
		Location:          bc.Time.Zone,
		LocationPerUser:   bc.Time.PerUser,
		Charts:            bc.Charts,
	}
}

var (
	_ bot.Proposals  = (*approvals.Store)(nil)
	_ okta.ScanStore = (*approvals.Store)(nil)
)

// checkSlack calls auth.test with the bot token.
func checkSlack(ctx context.Context, api *slack.Client) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if _, err := api.AuthTestContext(ctx); err != nil {
		var se slack.SlackErrorResponse
		if errors.As(err, &se) || err.Error() == "invalid_auth" || err.Error() == "not_authed" || err.Error() == "token_revoked" || err.Error() == "account_inactive" {
			return badf("SLACK_BOT_TOKEN was refused by Slack (%v): copy the current Bot User OAuth Token (xoxb-…) from OAuth & Permissions, and reinstall the app if it was revoked", err)
		}
		return fmt.Errorf("cannot reach Slack (auth.test: %v): check the network and SLACK_API_URL", err)
	}
	return nil
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

// serveOps serves /healthz and /metrics on addr.
func serveOps(addr string, met *metrics, log *slog.Logger) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, badf("OKTABOT_HTTP_ADDR %s: %v", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
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
		srv.Shutdown(ctx)
	}, nil
}
