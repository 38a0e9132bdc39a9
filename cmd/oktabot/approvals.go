package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/user"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta"
)

const approvalsUsage = `usage: oktabot approvals list
       oktabot approvals show ID
       oktabot approvals approve ID --as SLACK_USER_ID
       oktabot approvals reject ID --as SLACK_USER_ID [--reason R]
       oktabot approvals audit
       oktabot approvals verify [--archive FILE]
       oktabot approvals archive [--before DATE]
The store is OKTABOT_DB (default oktabot.db). Stop the bot first: the file
is locked while oktabot run holds it. Decisions obey the bot's policy:
OKTABOT_APPROVERS, OKTABOT_ALLOW_SELF_APPROVAL, OKTABOT_PROTECTED, and are
recorded with via cli, your OS user and this host. audit prints one JSON
line per record; for the watcher's records (acknowledged, answered, closed,
suppressed, unsuppressed) "proposal" holds the incident (i-…) or
suppression (s-…) id and "approver" who pressed the button. verify checks
the audit log's hash chain and names the first record altered, removed or
moved; with --archive it checks an archive file's chain instead, and that
the store's log continues it. archive moves decided proposals and the audit
records older than DATE (default: OKTABOT_RETENTION ago) to a new file in
OKTABOT_ARCHIVE_DIR, as the bot does once a day (on etcd, the replica that
leads).`

// cmdApprovals is the approvals command line, for a person at a terminal
// when Slack is down.
func cmdApprovals(ctx context.Context, args []string, io stdio, e env) error {
	if len(args) == 0 {
		fmt.Fprintln(io.err, approvalsUsage)
		return errUsage
	}
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("approvals "+sub, flag.ContinueOnError)
	fs.SetOutput(io.err)
	as := fs.String("as", "", "your Slack user id (U…): the decision is recorded under it")
	reason := fs.String("reason", "", "why you reject")
	before := fs.String("before", "", "archive what was decided before this date (2025-01-31)")
	archive := fs.String("archive", "", "an archive file to verify")
	// Flags may come after the id.
	var pos []string
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return errUsage
		}
		rest = fs.Args()
		if len(rest) > 0 {
			pos, rest = append(pos, rest[0]), rest[1:]
		}
	}
	bc, err := loadBot(e)
	if err != nil {
		return err
	}
	stc, err := loadStore(e)
	if err != nil {
		return err
	}
	if sub == "verify" && *archive != "" {
		return approvalsVerifyArchive(ctx, bc, stc, *archive, io, e)
	}
	st, err := openCLIStores(ctx, stc, bc, io, e)
	if err != nil {
		return err
	}
	defer st.close()
	store := st.cli
	for _, p := range st.recovered {
		fmt.Fprintf(io.err, "warning: proposal %s was executing when oktabot stopped; it is now unknown and was not re-run: check %s in Okta\n", p.ID, p.Preview.Summary)
	}
	needID := func() (string, error) {
		if len(pos) != 1 {
			fmt.Fprintln(io.err, approvalsUsage)
			return "", errUsage
		}
		return pos[0], nil
	}
	switch sub {
	case "list":
		return approvalsList(store, io)
	case "show":
		id, err := needID()
		if err != nil {
			return err
		}
		p, err := store.Get(id)
		if err != nil {
			return err
		}
		h, err := store.History(p.ID)
		if err != nil {
			return err
		}
		return writeJSON(io.out, struct {
			Proposal intents.Proposal      `json:"proposal"`
			History  []intents.AuditRecord `json:"history"`
		}{p, h})
	case "approve", "reject":
		id, err := needID()
		if err != nil {
			return err
		}
		if !approverID.MatchString(*as) || strings.HasPrefix(*as, "S") {
			return fmt.Errorf("--as %q: give your Slack user id (U… or W…), as in OKTABOT_APPROVERS", *as)
		}
		return approvalsDecide(ctx, store, e, bc, id, *as, sub == "approve", *reason, io)
	case "audit":
		return approvalsAudit(store, io)
	case "verify":
		return approvalsVerify(store, io)
	case "archive":
		return approvalsArchive(ctx, store, bc, *before, io)
	default:
		fmt.Fprintln(io.err, approvalsUsage)
		return errUsage
	}
}

// approvalsStore is what the command line does with a store: bbolt's or
// etcd's, which the bot may be using at the same time.
type approvalsStore interface {
	Pending() ([]intents.Proposal, error)
	Get(id string) (intents.Proposal, error)
	History(id string) ([]intents.AuditRecord, error)
	Decide(d intents.Decision, pol intents.ApprovalPolicy) (intents.Proposal, error)
	Execute(ctx context.Context, id string, act func(context.Context, intents.Preview) (intents.ActionOutcome, error)) (intents.Proposal, error)
	Audit(fn func(intents.AuditRecord) error) error
	Verify() (approvals.ChainReport, error)
	archiver
	ContinuesArchive(a approvals.ArchiveCheck) (approvals.Continuity, error)
}

var (
	_ approvalsStore = (*approvals.Store)(nil)
	_ approvalsStore = (*etcdstore.Store)(nil)
)

// cliStores is the store the command line works on.
type cliStores struct {
	cli       approvalsStore
	recovered []intents.Proposal
	close     func()
}

// openCLIStores opens OKTABOT_STORE for the command line: OKTABOT_DB,
// saying so when the bot holds it, or etcd, which the bot shares.
func openCLIStores(ctx context.Context, stc storeConfig, bc botConfig, io stdio, e env) (*cliStores, error) {
	if stc.Kind == storeEtcd {
		cli, err := dialEtcd(ctx, stc)
		if err != nil {
			return nil, err
		}
		// Replica: an approval this command executes records it, so that
		// the bot's leader recovers it should the command be killed.
		host, _ := os.Hostname()
		st := etcdstore.New(cli, etcdstore.Options{Prefix: stc.Prefix, TTL: bc.ProposalTTL, Logger: newLogger(io.err, e), Replica: host, ReplicaTTL: stc.LeaseTTL})
		return &cliStores{cli: st, close: func() { _ = st.Close(); _ = cli.Close() }}, nil
	}
	store, err := approvals.Open(bc.DB, approvals.Options{TTL: bc.ProposalTTL, Timeout: 2 * time.Second, Logger: newLogger(io.err, e)})
	if err != nil {
		if errors.Is(err, approvals.ErrInUse) {
			return nil, fmt.Errorf("OKTABOT_DB %s is in use by a running oktabot: stop it (or decide in Slack), or run both on etcd (OKTABOT_STORE=etcd)", bc.DB)
		}
		return nil, fmt.Errorf("OKTABOT_DB %s: %w", bc.DB, err)
	}
	// each write is committed in its own transaction: a close error
	// loses nothing
	return &cliStores{cli: store, recovered: store.Recovered(), close: func() { _ = store.Close() }}, nil
}

func approvalsList(store approvalsStore, io stdio) error {
	ps, err := store.Pending()
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		fmt.Fprintln(io.out, "No open proposals.")
		return nil
	}
	w := tabwriter.NewWriter(io.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSTATE\tREQUESTER\tEXPIRES\tSUMMARY")
	for _, p := range ps {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", p.ID, p.State, p.Requester, p.Expires.UTC().Format(time.RFC3339), p.Preview.Summary)
	}
	return w.Flush()
}

// approvalsDecide decides under the same policy as the bot; an approval is
// executed at once through the same exactly-once gate.
func approvalsDecide(ctx context.Context, store approvalsStore, e env, bc botConfig, id, by string, approve bool, reason string, io stdio) error {
	members, err := approverSet(ctx, e, bc.Approvers)
	if err != nil {
		return err
	}
	var dir *okta.Client
	if approve {
		oc, err := loadOkta(e)
		if err != nil {
			return err
		}
		oc.Logger = newLogger(io.err, e)
		if dir, err = okta.New(oc); err != nil {
			return err
		}
	}
	prot := intents.Protection{Names: bc.Protected}
	if dir != nil {
		prot.ServiceAppID = dir.ClientID()
	}
	pol := intents.ApprovalPolicy{
		IsApprover:        func(u string) bool { return members[u] },
		AllowSelfApproval: bc.AllowSelfApproval,
		Protected:         prot.Check,
	}
	osUser, host := cliOrigin(e)
	p, err := store.Decide(intents.Decision{ProposalID: id, By: by, Approve: approve, Reason: reason,
		Via: intents.ViaCLI, OSUser: osUser, Host: host}, pol)
	if err != nil {
		return fmt.Errorf("%s not %sd: %w", id, map[bool]string{true: "approve", false: "reject"}[approve], err)
	}
	if !approve {
		fmt.Fprintf(io.out, "%s rejected by %s.\n", p.ID, by)
		return nil
	}
	p, err = store.Execute(ctx, p.ID, dir.Execute)
	if err != nil {
		return err
	}
	if p.State == intents.StateFailed {
		return fmt.Errorf("%s approved but not done: %s", p.ID, p.Error)
	}
	fmt.Fprintf(io.out, "%s approved by %s and done: %s (Okta request %s).\n", p.ID, by, p.Outcome.Summary, p.Outcome.RequestID)
	return nil
}

// approverSet resolves OKTABOT_APPROVERS: user ids as they are, user
// groups through Slack when a bot token is configured.
func approverSet(ctx context.Context, e env, ids []string) (map[string]bool, error) {
	set := map[string]bool{}
	var api *slack.Client
	for _, id := range ids {
		if !strings.HasPrefix(id, "S") {
			set[id] = true
			continue
		}
		if api == nil {
			sc, err := loadSlack(e)
			if err != nil {
				return nil, fmt.Errorf("OKTABOT_APPROVERS names the user group %s, and resolving it needs Slack: %w", id, err)
			}
			api = bot.NewSlackClient(sc.BotToken, "", sc.APIURL)
		}
		members, err := api.GetUserGroupMembersContext(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("cannot read the members of user group %s from Slack: %w", id, err)
		}
		for _, m := range members {
			set[m] = true
		}
	}
	return set, nil
}

// auditLine is one audit event as `approvals audit` prints it: every key
// present, so that a log pipeline sees the same shape for every event.
type auditLine struct {
	Seq       uint64    `json:"seq"`
	At        time.Time `json:"at"`
	Proposal  string    `json:"proposal"`
	Event     string    `json:"event"`
	Requester string    `json:"requester"`
	Approver  string    `json:"approver"`
	Action    string    `json:"action"`
	Target    string    `json:"target"`
	Result    string    `json:"result"`
	RequestID string    `json:"okta_request_id"`
	Before    string    `json:"before"`
	After     string    `json:"after"`
	Detail    string    `json:"detail"`
	Via       string    `json:"via"`
	OSUser    string    `json:"os_user"`
	Host      string    `json:"host"`
	PrevHash  string    `json:"prev_hash"`
	Hash      string    `json:"hash"`
}

func approvalsAudit(store approvalsStore, io stdio) error {
	enc := json.NewEncoder(io.out)
	enc.SetEscapeHTML(false)
	return store.Audit(func(r intents.AuditRecord) error {
		return enc.Encode(auditLine{
			Seq: r.Seq, At: r.At.UTC(), Proposal: r.ProposalID, Event: r.Event, Requester: r.Requester,
			Approver: r.Approver, Action: string(r.Action), Target: r.Target, Result: r.Result,
			RequestID: r.RequestID, Before: r.Before, After: r.After, Detail: r.Detail,
			Via: r.Via, OSUser: r.OSUser, Host: r.Host, PrevHash: r.PrevHash, Hash: r.Hash,
		})
	})
}

// approvalsVerify checks the audit chain: one line when it holds, an error
// naming the first broken record when not.
func approvalsVerify(store approvalsStore, io stdio) error {
	rep, err := store.Verify()
	if err != nil {
		return err
	}
	if b := rep.Break; b != nil {
		return fmt.Errorf("the audit log is broken: %v", b)
	}
	if rep.Anchor.Seq > 0 {
		fmt.Fprintf(io.out, "Records 1–%d were archived: the log is checked from the last of them (hash %s); approvals verify --archive FILE checks an archive.\n", rep.Anchor.Seq, rep.Anchor.Hash)
	}
	if rep.Legacy > 0 {
		fmt.Fprintf(io.out, "Records 1–%d predate the chain (written before oktabot kept one): they were sealed as found when it began, so only a change since then shows.\n", rep.Legacy)
	}
	fmt.Fprintf(io.out, "The audit log holds: %d records, each chained to the one before; the last hash is %s.\n", rep.Records, rep.Head)
	return nil
}

// cliOrigin names who decides at this terminal: the OS account (os/user,
// else $USER, else the uid) and the host.
func cliOrigin(e env) (osUser, host string) {
	if u, err := user.Current(); err == nil && u.Username != "" {
		osUser = u.Username
	} else if osUser = e.get("USER"); osUser == "" {
		osUser = fmt.Sprintf("uid %d", os.Getuid())
	}
	host, err := os.Hostname()
	if err != nil {
		host = "unknown host"
	}
	return osUser, host
}
