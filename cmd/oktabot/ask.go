package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta"
	"github.com/oktabot/oktabot/okta/oktasim"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

// cmdIntent prints how oktabot understands TEXT, and which path decided:
// the slash grammar and rules ("rules") or the configured model ("model").
func cmdIntent(ctx context.Context, args []string, io stdio, e env) error {
	text := strings.TrimSpace(strings.Join(args, " "))
	if text == "" {
		fmt.Fprintln(io.err, `usage: oktabot intent TEXT   e.g. oktabot intent "/okta logs 48h type:user.session.start"`)
		return errUsage
	}
	cl, err := loadClassifier(e, newLogger(io.err, e))
	if err != nil {
		return err
	}
	in, by, err := cl.ClassifyBy(ctx, text)
	if err != nil {
		return err
	}
	return writeJSON(io.out, struct {
		intents.Intent
		By intents.By `json:"by"`
	}{in, by})
}

func cmdAsk(ctx context.Context, args []string, io stdio, e env) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	fs.SetOutput(io.err)
	asJSON := fs.Bool("json", false, "print the result as JSON")
	useSim := fs.Bool("sim", false, "ask the embedded simulator with the demo org instead of Okta")
	orgFile := fs.String("org", "", "ask the embedded simulator loaded with this org fixture (JSON)")
	fs.Usage = func() {
		fmt.Fprintln(io.err, "usage: oktabot ask [--json] [--sim|--org FILE] TEXT")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	text := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if text == "" {
		fs.Usage()
		return errUsage
	}
	// The same understanding as Slack: the slash grammar, the rules, and
	// the model when one is configured.
	cl, err := loadClassifier(e, newLogger(io.err, e))
	if err != nil {
		return err
	}
	in, _, err := cl.ClassifyBy(ctx, text)
	if err != nil {
		return err
	}
	switch {
	case in.Kind == intents.Unknown:
		msg := fmt.Sprintf("%q is not something oktabot understands", text)
		if len(in.Suggestions) > 0 {
			msg += "; did you mean " + strings.Join(in.Suggestions, " or ") + "?"
		}
		return errors.New(msg)
	case in.Kind.IsAction():
		return fmt.Errorf("%s changes Okta: ask only runs queries; changes go through an approved proposal in Slack (or `oktabot approvals`)", in.Kind)
	}
	tc, err := loadTime(e)
	if err != nil {
		return err
	}
	log := newLogger(io.err, e)
	client, closeFn, err := connect(ctx, e, *useSim, *orgFile, log)
	if err != nil {
		return err
	}
	defer closeFn()
	res, err := client.Query(ctx, in)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(io.out, res)
	}
	text, _ = blocks.Plain(blocks.Result(res, blocks.Options{TZ: tc.Zone}))
	_, err = io.out.Write([]byte(text + "\n"))
	return err
}

// connect returns an Okta client: on the embedded simulator when asked,
// otherwise on the Okta org the environment names.
func connect(ctx context.Context, e env, useSim bool, orgFile string, log *slog.Logger) (*okta.Client, func(), error) {
	countries, err := loadCountries(e)
	if err != nil {
		return nil, nil, err
	}
	tc, err := loadTime(e)
	if err != nil {
		return nil, nil, err
	}
	tor, err := loadTor(e)
	if err != nil {
		return nil, nil, err
	}
	teamRules, err := loadRules(e, log) // rulesconfig.go
	if err != nil {
		return nil, nil, err
	}
	if useSim || orgFile != "" {
		fx := demo.OrgAt(oktasim.DialectOIE, time.Now(), tc.Zone)
		if orgFile != "" {
			var err error
			if fx, err = oktasim.LoadFixture(orgFile); err != nil {
				return nil, nil, err
			}
		}
		sim, err := startSim(fx, "", log)
		if err != nil {
			return nil, nil, err
		}
		sim.Client.Detect = detectConfig(countries, tc)
		sim.Client.Detect.Rules = teamRules
		if sim.Client.Detect.TorExits, err = startTor(ctx, tor, true, log); err != nil {
			_ = sim.Close() // already failing: the first error is the one to report
			return nil, nil, err
		}
		c, err := okta.New(sim.Client)
		if err != nil {
			_ = sim.Close() // already failing: the first error is the one to report
			return nil, nil, err
		}
		return c, func() { _ = sim.Close() }, nil // the in-process simulator: nothing to report at exit
	}
	cfg, err := loadOkta(e)
	if err != nil {
		return nil, nil, err
	}
	cfg.Logger = log
	cfg.Detect = detectConfig(countries, tc)
	cfg.Detect.Rules = teamRules
	if cfg.Detect.TorExits, err = startTor(ctx, tor, false, log); err != nil {
		return nil, nil, err
	}
	c, err := okta.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	return c, func() {}, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
