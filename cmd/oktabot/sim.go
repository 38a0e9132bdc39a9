package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/oktabot/oktabot/okta/oktasim"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

// cmdSim serves the Okta simulator for other processes: it registers a
// service app with the given client id and writes that app's fresh private
// key as a JWK file, so that `oktabot ask` (or anything speaking Okta's API)
// can sign in with OKTA_ORG_URL, OKTA_CLIENT_ID and OKTA_PRIVATE_KEY_FILE.
func cmdSim(ctx context.Context, args []string, io stdio, e env) error {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(io.err)
	addr := fs.String("addr", "127.0.0.1:8443", "loopback address to serve on")
	orgFile := fs.String("org", "", "org fixture (JSON); default: the built-in demo org")
	clientID := fs.String("client-id", "", "client id of the service app to register (required)")
	keyFile := fs.String("write-key", "", "write the service app's private key (JWK) to this file (required)")
	ttl := fs.Duration("token-ttl", time.Hour, "lifetime of issued access tokens")
	dpop := fs.Bool("dpop", false, "require DPoP-bound tokens, as new Okta service apps do")
	noAdmin := fs.Bool("no-admin-role", false, "act as a service app without an admin role (lists come back empty)")
	dialect := dialectFlag(fs)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *clientID == "" || *keyFile == "" {
		fmt.Fprintln(io.err, "usage: oktabot sim [--addr ADDR] [--org FILE] --client-id ID --write-key FILE")
		fs.PrintDefaults()
		return errUsage
	}
	if err := checkOrgURL("http://" + *addr); err != nil {
		return fmt.Errorf("--addr %s: the simulator serves plain http, so only on a loopback address such as 127.0.0.1:8443", *addr)
	}
	if err := checkDialect(*dialect); err != nil {
		return err
	}
	tc, err := loadTime(e)
	if err != nil {
		return err
	}
	fx := demo.OrgAt(*dialect, time.Now(), tc.Zone)
	if *orgFile != "" {
		var err error
		if fx, err = oktasim.LoadFixture(*orgFile); err != nil {
			return err
		}
		fs.Visit(func(f *flag.Flag) { // an explicit --dialect overrides the fixture's
			if f.Name == "dialect" {
				fx.Dialect = *dialect
			}
		})
	}
	log := newLogger(io.err, e)
	s, err := startSim(fx, *addr, log)
	if err != nil {
		return err
	}
	defer func() { _ = s.Close() }() // on the way out: nothing left to report it to
	key, pub, err := oktasim.NewServiceAppKey(*clientID + "-key")
	if err != nil {
		return err
	}
	s.Sim.AddServiceApp(oktasim.ServiceApp{ClientID: *clientID, PublicKey: pub, KeyID: *clientID + "-key", RequireDPoP: *dpop})
	s.Sim.SetTokenTTL(*ttl)
	s.Sim.SetAdminRole(!*noAdmin)
	if err := os.WriteFile(*keyFile, key, 0o600); err != nil {
		return fmt.Errorf("--write-key: %w", err)
	}
	fmt.Fprintf(io.out, "Okta simulator serving %s\n\n  export OKTA_ORG_URL=%s\n  export OKTA_CLIENT_ID=%s\n  export OKTA_PRIVATE_KEY_FILE=%s\n", s.OrgURL, s.OrgURL, *clientID, *keyFile)
	if *dpop {
		fmt.Fprintln(io.out, "  export OKTA_DPOP=true")
	}
	fmt.Fprintln(io.out, "\nPress Ctrl-C to stop.")
	<-ctx.Done()
	return nil
}

// dialectFlag adds --dialect: the kind of org the simulator plays.
func dialectFlag(fs *flag.FlagSet) *string {
	return fs.String("dialect", oktasim.DialectOIE, "kind of org: "+oktasim.DialectOIE+" (Identity Engine) or "+oktasim.DialectClassic+
		" (Classic Engine); the demo org's System Log is written the way that kind of org writes it")
}

// checkDialect refuses a --dialect the simulator does not know.
func checkDialect(d string) error {
	if d != oktasim.DialectOIE && d != oktasim.DialectClassic {
		return fmt.Errorf("--dialect %q: want %s or %s", d, oktasim.DialectOIE, oktasim.DialectClassic)
	}
	return nil
}
