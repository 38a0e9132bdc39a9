// Command oktabot is the Okta bot for security teams: a Slack app (run), a
// terminal demo on the embedded Okta simulator (demo), one-shot queries
// (ask, intent), the simulator as a server (sim), a setup checker (doctor)
// and the approvals command line. main is a shell around run, which the
// end-to-end tests drive.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr}, os.Getenv)
	if err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "oktabot:", err)
		}
		os.Exit(exitCode(err))
	}
}

type stdio struct {
	in       io.Reader
	out, err io.Writer
}

var errUsage = errors.New("usage")

func exitCode(err error) int {
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

const usage = `oktabot: Okta in your security channel.

Usage:
  oktabot demo [--dialect oie|classic]
                                    the bot on the embedded Okta simulator, in this terminal
  oktabot run                       the Slack bot (configuration from the environment)
  oktabot ask [--json] [--sim|--org FILE] TEXT
                                    one query against Okta (or the simulator) and its answer
  oktabot intent TEXT               how oktabot understands TEXT, as JSON
  oktabot sim [--addr ADDR] [--org FILE] [--dialect oie|classic] --client-id ID --write-key FILE
                                    serve the Okta simulator with a fresh service-app key
  oktabot doctor                    check the Okta connection, scopes and admin role
  oktabot manifest                  print the Slack app manifest
  oktabot approvals list|show|approve|reject|audit|verify
                                    proposals from the terminal, under the same policy
  oktabot store migrate --from bbolt:FILE --to etcd
                                    copy a bbolt file's state to etcd and verify the copy

Configuration is read from the environment; see the README.
`

// run is the whole program; main only wires the process to it.
func run(ctx context.Context, args []string, io stdio, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(io.err, usage)
		return errUsage
	}
	e := env(getenv)
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "intent":
		return cmdIntent(ctx, rest, io, e)
	case "ask":
		return cmdAsk(ctx, rest, io, e)
	case "sim":
		return cmdSim(ctx, rest, io, e)
	case "doctor":
		return cmdDoctor(ctx, rest, io, e)
	case "demo":
		return cmdDemo(ctx, rest, io, e)
	case "run":
		return cmdRun(ctx, rest, io, e)
	case "approvals":
		return cmdApprovals(ctx, rest, io, e)
	case "manifest":
		return cmdManifest(ctx, rest, io, e)
	case "store":
		return cmdStore(ctx, rest, io, e)
	case "help", "-h", "--help":
		fmt.Fprint(io.out, usage)
		return nil
	default:
		fmt.Fprintf(io.err, "oktabot: unknown command %q\n\n%s", cmd, usage)
		return errUsage
	}
}
