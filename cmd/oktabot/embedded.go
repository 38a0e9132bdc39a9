package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/oktabot/oktabot/okta"
	"github.com/oktabot/oktabot/okta/oktasim"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

// embeddedSim is the Okta simulator served on a loopback port inside this
// process, with a service app whose fresh key only this process knows. The
// real okta adapter talks to it over HTTP, exactly as to Okta.
type embeddedSim struct {
	Sim    *oktasim.Server
	OrgURL string
	Client okta.Config
	srv    *http.Server
}

const embeddedClientID = "0oaoktabotdemo000001"

// startSim serves fx (nil: the demo org) on addr ("" : a free loopback
// port).
func startSim(fx *oktasim.Fixture, addr string, log *slog.Logger) (*embeddedSim, error) {
	if fx == nil {
		fx = demo.Org()
	}
	sim, err := oktasim.New(fx)
	if err != nil {
		return nil, err
	}
	key, pub, err := oktasim.NewServiceAppKey("oktabot-demo")
	if err != nil {
		return nil, err
	}
	sim.AddServiceApp(oktasim.ServiceApp{ClientID: embeddedClientID, PublicKey: pub, KeyID: "oktabot-demo"})
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("simulator: listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("simulator stopped", "err", err)
		}
	}()
	orgURL := "http://" + ln.Addr().String()
	return &embeddedSim{
		Sim:    sim,
		OrgURL: orgURL,
		Client: okta.Config{OrgURL: orgURL, ClientID: embeddedClientID, PrivateKey: key, Logger: log},
		srv:    srv,
	}, nil
}

func (s *embeddedSim) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}
