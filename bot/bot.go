package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/intents/freetext"
)

// Directory is what the bot needs from Okta.
type Directory interface {
	Query(ctx context.Context, in intents.Intent) (intents.Result, error)
	Preview(ctx context.Context, in intents.Intent) (intents.Preview, error)
	Execute(ctx context.Context, p intents.Preview) (intents.ActionOutcome, error)
}

// Classifier understands free text (mentions and direct messages): the
// rules, or a model with the rules as fallback.
type Classifier interface {
	Classify(ctx context.Context, text string) (intents.Intent, error)
}

// Proposals is what the bot needs from the approvals store.
type Proposals interface {
	Create(p intents.Proposal) (intents.Proposal, error)
	Get(id string) (intents.Proposal, error)
	SetMessage(id, channel, ts string) error
	SetGroupMessage(ids []string, channel, ts string) error
	Pending() ([]intents.Proposal, error)
	History(id string) ([]intents.AuditRecord, error)
	Decide(d intents.Decision, pol intents.ApprovalPolicy) (intents.Proposal, error)
	Execute(ctx context.Context, id string, act func(context.Context, intents.Preview) (intents.ActionOutcome, error)) (intents.Proposal, error)
	Sweep(ctx context.Context, every time.Duration, onExpired func(intents.Proposal))
	// Withdraw and ReofferApproved keep a proposal from being approvable
	// unseen, or stuck approved (proposals.go).
	Withdraw(id, why string) (intents.Proposal, error)
	ReofferApproved(before time.Time) ([]intents.Proposal, error)
}

// Config is the bot's behaviour; zero values are sensible defaults.
type Config struct {
	// Channels are the channel ids where oktabot answers; empty: every
	// channel it is invited to.
	Channels []string
	// DirectMessages lets people use oktabot in a DM.
	DirectMessages bool
	// Workers bounds the quick requests worked on at once: lookups, pages,
	// forms, proposals (default 8). See lanes.go for the lanes.
	Workers int
	// LongWorkers bounds the long jobs worked on at once: investigations,
	// threat sweeps, MFA scans, failed and suspicious logins, exports
	// (default 2). Quick requests and decisions never wait behind them.
	LongWorkers int
	// DecideWorkers bounds the decisions (Approve, Reject, Undo) worked on
	// at once (default 4).
	DecideWorkers int
	// Queue bounds the requests waiting for a worker in each lane (default
	// 32); a person whose request finds it full is told at once that
	// oktabot is busy.
	Queue int
	// MaxPerUser bounds one person's requests at once, waiting or worked
	// on, CSV exports included (default 3); the next is answered "busy"
	// at once. Decisions do not count.
	MaxPerUser int
	// Pace spaces the messages posted to each channel (nil: Slack's rate
	// for chat.postMessage, on the real clock).
	Pace *Pacer
	// Timeout bounds one request's work (default 60s).
	Timeout time.Duration
	// LongTimeout bounds investigations, sweeps and MFA scans, which read
	// a whole window or every user (default 30m).
	LongTimeout time.Duration
	// ProgressEvery is how often a long scan's message is updated
	// (default 5s).
	ProgressEvery time.Duration
	// Drain bounds how long Run waits for in-flight work after its context
	// ends (default 30s).
	Drain time.Duration
	// Connections is how many Socket Mode connections Run keeps open
	// (default 2, at most 10 as Slack allows), so that a reconnect never
	// leaves a gap in which envelopes wait.
	Connections int
	// PageSize is the rows per page of long lists (default 10).
	PageSize int
	// ExportLimit caps the rows of a CSV export (default 10,000).
	ExportLimit int

	// Classifier understands free text; nil: the rules (freetext.Rules).
	Classifier Classifier

	// Proposals stores proposals; nil: actions are refused.
	Proposals Proposals
	// ReadOnly answers questions and refuses every change, saying the bot
	// is read-only; Proposals is not used (no proposal is made, shown or
	// decided).
	ReadOnly bool
	// Approvers are Slack user ids (U…, W…) and user-group ids (S…)
	// allowed to approve or reject.
	Approvers []string
	// Readers are Slack user ids (U…, W…) and user-group ids (S…) who may
	// read Okta in a direct message, besides approvers and the members of
	// Channels (see mayRead).
	Readers []string
	// AllowSelfApproval lets a requester approve their own proposal.
	AllowSelfApproval bool
	// Protection names what is never acted on.
	Protection intents.Protection
	// Recovered are proposals found executing at start-up (now unknown):
	// Run posts them for a person to check. Those found waiting for
	// their approver's Okta Verify (now pending or expired) are redrawn
	// saying the verification was interrupted.
	Recovered []intents.Proposal
	// StepUp reports whether approving an action of a kind must be
	// confirmed in the approver's Okta Verify before it runs
	// (OKTABOT_STEP_UP; stepup.go); nil: never. Verifier sends the push
	// (nil: the Directory, when it can).
	StepUp   func(intents.Kind) bool
	Verifier Verifier
	// SweepEvery is how often expired proposals are closed (default 1m).
	SweepEvery time.Duration
	// Observe, when set, is told about every request the bot answered:
	// its kind, outcome (ok, invalid, not_found, forbidden, auth,
	// rate_limited, conflict, unavailable, timeout, error) and duration.
	Observe func(kind, outcome string, d time.Duration)
	// HTTPClient posts to response URLs (default: 10s timeout).
	HTTPClient *http.Client
	Logger     *slog.Logger
	Now        func() time.Time

	// Location is the team's time zone: times in answers, the days of
	// "today" and "yesterday" in free text. nil means UTC.
	Location *time.Location
	// LocationPerUser answers each person in their own Slack time zone
	// (users.info tz), falling back to Location when Slack says none.
	LocationPerUser bool

	// Watch and Incidents turn the watcher on (watch.go): Run polls the
	// System Log every WatchEvery and brings each incident at or above
	// AlertMin to AlertChannel. nil: off.
	Watch     Watcher
	Incidents Incidents
	// WatchEvery is the interval between polls (default
	// DefaultWatchEvery, at least MinWatchEvery).
	WatchEvery time.Duration
	// AlertChannel is the channel id incidents are posted in.
	AlertChannel string
	// AlertMin is the lowest severity posted (default high).
	AlertMin intents.Severity
	// HereOnCritical mentions @here when an incident is, or becomes,
	// critical.
	HereOnCritical bool
	// IncidentWindow is how long after its last change an incident takes
	// new findings (default intents.DefaultIncidentWindow).
	IncidentWindow time.Duration
	// AskUser asks the person a sign-in incident is about, in a DM,
	// whether it was them (users.lookupByEmail with their Okta email).
	AskUser bool
	// Seen, when set, de-duplicates Slack's retries across replicas
	// (after this replica's own memory of the event ids); nil: this
	// replica's memory alone.
	Seen Seen
	// Leadership, when set, decides which of several replicas runs the
	// singletons (leader.go); nil: this one always does.
	Leadership Leadership
	// WatchObserve, when set, is told the watcher's health after every
	// poll (metrics).
	WatchObserve func(WatchHealth)
	// DigestAt is the time of day, after midnight in Location, of the
	// daily digest in AlertChannel (0: 09:00; negative: no digest).
	DigestAt time.Duration

	// Charts attaches a chart to the thread of an investigation, a threat
	// sweep and an MFA scan (blocks/charts); false: none.
	Charts bool

	// onePool runs everything in one pool of Workers, as before lanes: for
	// benchmarks that compare (export_test.go).
	onePool bool
}

func (c *Config) defaults() {
	if c.Workers <= 0 {
		c.Workers = 8
	}
	if c.LongWorkers <= 0 {
		c.LongWorkers = 2
	}
	if c.DecideWorkers <= 0 {
		c.DecideWorkers = 4
	}
	if c.Queue <= 0 {
		c.Queue = 32
	}
	if c.MaxPerUser <= 0 {
		c.MaxPerUser = 3
	}
	if c.Pace == nil {
		c.Pace = &Pacer{}
	}
	if c.Timeout <= 0 {
		c.Timeout = 60 * time.Second
	}
	if c.LongTimeout <= 0 {
		c.LongTimeout = 30 * time.Minute
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = 5 * time.Second
	}
	if c.Drain <= 0 {
		c.Drain = 30 * time.Second
	}
	if c.Connections <= 0 {
		c.Connections = 2
	}
	c.Connections = min(c.Connections, 10)
	if c.PageSize <= 0 {
		c.PageSize = 10
	}
	if c.ExportLimit <= 0 {
		c.ExportLimit = 10000
	}
	if c.Classifier == nil {
		c.Classifier = freetext.Rules{Now: c.Now, Location: c.Location}
	}
	if c.WatchEvery <= 0 {
		c.WatchEvery = DefaultWatchEvery
	}
	if c.DigestAt == 0 {
		c.DigestAt = 9 * time.Hour
	}
	if c.AlertMin == "" {
		c.AlertMin = intents.SeverityHigh
	}
	if c.IncidentWindow <= 0 {
		c.IncidentWindow = intents.DefaultIncidentWindow
	}
	if c.SweepEvery <= 0 {
		c.SweepEvery = time.Minute
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Bot answers Slack. Create it with New and start it with Run.
type Bot struct {
	cfg  Config
	api  *slack.Client
	dir  Directory
	log  *slog.Logger
	seen *dedupe
	// lanes hold the work (lanes.go); instant bounds what runs outside
	// them (openNow).
	lanes   *lanes
	instant chan struct{}
	wg      sync.WaitGroup
	appr    *approvers
	// people and members remember users.info and channel / user-group
	// membership briefly (access.go, zone.go).
	people  people
	members memberships
	// msgLocks serialize redraws of one proposal message (striped by
	// channel and ts, so their number stays fixed).
	msgLocks [64]sync.Mutex

	// watching is the watcher's health (watch.go); leader whether this
	// replica runs the singletons (leader.go).
	watching watchState
	leader   leading

	// set by Run
	sms       []*socketmode.Client
	owners    sync.Map // envelope id → the *socketmode.Client it came on
	botUserID string
	botID     string
	teamID    string
	work      context.Context
	// stopping ends when Run is asked to stop: waits for an approver's
	// Okta Verify end with it (stepup.go).
	stopping context.Context
	// pushes bounds the Okta Verify pushes waited for at once.
	pushes chan struct{}
}

// New returns a bot on api (built with slack.OptionAppLevelToken) asking
// dir.
func New(api *slack.Client, dir Directory, cfg Config) *Bot {
	cfg.defaults()
	if cfg.ReadOnly {
		cfg.Proposals = nil
	}
	return &Bot{
		cfg:     cfg,
		api:     api,
		dir:     dir,
		log:     cfg.Logger,
		seen:    newDedupe(seenTTL, 10000),
		lanes:   newLanes(cfg),
		instant: make(chan struct{}, instantMax),
		appr:    newApprovers(api, cfg.Approvers, cfg.Logger),
		pushes:  make(chan struct{}, cfg.Queue),
	}
}

// Run connects over Socket Mode and serves until ctx ends, then stops
// taking envelopes and waits (up to Config.Drain) for work in flight. It
// returns early on a fatal Slack error such as a revoked token.
func (b *Bot) Run(ctx context.Context) error {
	auth, err := b.api.AuthTestContext(ctx)
	if err != nil {
		return fmt.Errorf("bot: auth.test: %w", err)
	}
	b.botUserID, b.botID, b.teamID = auth.UserID, auth.BotID, auth.TeamID
	started := b.cfg.Now() // proposals approved before this were approved by an earlier run
	b.log.Info("connected to Slack", "team", auth.Team, "bot_user", auth.UserID)

	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	b.work, b.stopping = work, ctx
	// Several connections (Slack allows up to 10 per app, and sends each
	// envelope to one of them) so that while one reconnects the others
	// take the envelopes; redeliveries are dropped by event id.
	type arrival struct {
		evt socketmode.Event
		sm  *socketmode.Client
	}
	events := make(chan arrival)
	runErr := make(chan error, b.cfg.Connections)
	for range b.cfg.Connections {
		sm := socketmode.New(b.api, socketmode.OptionLog(slogLogger{b.log}))
		b.sms = append(b.sms, sm)
		go func() { runErr <- sm.RunContext(ctx) }()
		go func() {
			for {
				select {
				case evt := <-sm.Events:
					select {
					case events <- arrival{evt, sm}:
					case <-ctx.Done():
						return
					}
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	b.appr.start(ctx)
	b.wg.Add(1)
	go func() { defer b.wg.Done(); b.lead(ctx, started) }()

	for {
		select {
		case <-ctx.Done():
			b.drain(cancelWork)
			return nil
		case err := <-runErr:
			if ctx.Err() != nil {
				b.drain(cancelWork)
				return nil
			}
			b.drain(cancelWork)
			return fmt.Errorf("bot: socket mode: %w", err)
		case a := <-events:
			if a.evt.Request != nil && a.evt.Request.EnvelopeID != "" {
				b.owners.Store(a.evt.Request.EnvelopeID, a.sm)
			}
			b.handle(a.evt)
		}
	}
}

func (b *Bot) drain(cancel context.CancelFunc) {
	done := make(chan struct{})
	go func() { b.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(b.cfg.Drain):
		b.log.Warn("stopping with work still in flight", "drain", b.cfg.Drain)
	}
	cancel()
}

// handle dispatches one socket event. It never blocks on work: it acks and
// hands the rest to the pool.
func (b *Bot) handle(evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting, socketmode.EventTypeHello:
		b.log.Debug("socket mode", "event", evt.Type)
	case socketmode.EventTypeConnected:
		b.log.Info("socket mode connected")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError:
		b.log.Warn("socket mode connection problem; slack-go reconnects", "event", evt.Type, "data", fmt.Sprint(evt.Data))
	case socketmode.EventTypeInvalidAuth:
		b.log.Error("Slack refused the app token (invalid_auth): check SLACK_APP_TOKEN")
	case socketmode.EventTypeErrorBadMessage:
		b.ackBadMessage(evt)
	case socketmode.EventTypeSlashCommand:
		b.onSlash(evt)
	case socketmode.EventTypeEventsAPI:
		b.ack(evt.Request, nil)
		b.onEvent(evt)
	case socketmode.EventTypeInteractive:
		b.onInteractive(evt)
	default:
		if evt.Request != nil && evt.Request.EnvelopeID != "" {
			b.ack(evt.Request, nil)
		}
	}
}

// ack acknowledges an envelope without ever blocking the event loop for
// long.
func (b *Bot) ack(req *socketmode.Request, payload any) {
	if req == nil || req.EnvelopeID == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	sm := b.sms[0]
	if v, ok := b.owners.LoadAndDelete(req.EnvelopeID); ok {
		sm = v.(*socketmode.Client) // an ack goes back on the envelope's own socket
	}
	if err := sm.AckCtx(ctx, req.EnvelopeID, payload); err != nil {
		b.log.Error("ack failed", "envelope", req.EnvelopeID, "err", err)
	}
}

// ackBadMessage acks an envelope slack-go could not parse, so that Slack
// does not redeliver it forever.
func (b *Bot) ackBadMessage(evt socketmode.Event) {
	bad, ok := evt.Data.(*socketmode.ErrorBadMessage)
	if !ok {
		return
	}
	var env struct {
		EnvelopeID string `json:"envelope_id"`
		Type       string `json:"type"`
	}
	_ = json.Unmarshal(bad.Message, &env)
	b.log.Warn("unparseable envelope", "envelope", env.EnvelopeID, "type", env.Type, "err", bad.Cause)
	if env.EnvelopeID != "" {
		b.ack(&socketmode.Request{EnvelopeID: env.EnvelopeID}, nil)
	}
}

// long reports whether a kind reads a whole window or every user.
func long(k intents.Kind) bool {
	switch k {
	case intents.Investigate, intents.Threats, intents.MFAStatus, intents.FailedLogins, intents.SuspiciousLogins:
		return true
	}
	return false
}

// allowed reports whether oktabot answers in channel.
func (b *Bot) allowed(channel string) bool {
	return len(b.cfg.Channels) == 0 || slices.Contains(b.cfg.Channels, channel)
}

// slogLogger adapts slog to slack-go's logger interface, at debug level.
type slogLogger struct{ l *slog.Logger }

func (s slogLogger) Output(_ int, msg string) error {
	s.l.Debug("slack-go", "msg", msg)
	return nil
}
