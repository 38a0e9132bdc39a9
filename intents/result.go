package intents

import "time"

// Result is the answer to a query. Only the fields of its kind are set.
type Result struct {
	Intent Intent `json:"intent"`

	Users       []User       `json:"users,omitempty"`
	Profile     *UserProfile `json:"profile,omitempty"`
	Groups      []Group      `json:"groups,omitempty"`
	Apps        []App        `json:"apps,omitempty"`
	Assignments []Assignment `json:"assignments,omitempty"`
	Policies    []Policy     `json:"policies,omitempty"`
	Rules       []PolicyRule `json:"rules,omitempty"`
	Events      []Event      `json:"events,omitempty"`
	Status      *OrgStatus   `json:"status,omitempty"`

	// Subject names the object a list belongs to (the group of
	// group_members, the app of app_assignments, the policy of
	// policy_rules), resolved.
	Subject string `json:"subject,omitempty"`

	Findings  []Finding  `json:"findings,omitempty"`
	MFA       *MFAReport `json:"mfa,omitempty"`
	Proposals []Action   `json:"proposals,omitempty"`

	// Truncated is true when the result cap stopped the listing; Next is
	// the cursor that continues it.
	Truncated bool   `json:"truncated,omitempty"`
	Next      string `json:"next,omitempty"`
	// Notes say what the answer leaves out and why (a policy type the org
	// does not have), for people.
	Notes []string `json:"notes,omitempty"`
	// Since and Until bound a System Log result.
	Since time.Time `json:"since,omitzero"`
	Until time.Time `json:"until,omitzero"`
	// Read is how many System Log events the answer read over
	// Since–Until (Events lists only those it shows).
	Read int `json:"read,omitempty"`
	// Stopped says why the read ended before the start of its window
	// (empty: it read all of it); Reached is then the oldest time it
	// read: the window's events before it were not read.
	Stopped Stop      `json:"stopped,omitempty"`
	Reached time.Time `json:"reached,omitzero"`
	// Window is the cursor (an Intent.After) that reads a System Log
	// listing's window again from its start: its page buttons carry it,
	// so that they page within the window, never up to a new "now".
	Window string `json:"window,omitempty"`
}

// Stop is why a System Log read ended early.
type Stop string

// The reasons a read ends early.
const (
	// StopCap: the window holds more events than one answer reads.
	StopCap Stop = "cap"
	// StopRateLimit: Okta's rate limit, not waited out within the request.
	StopRateLimit Stop = "rate_limit"
	// StopTimeout: Okta cut the query off after 30 seconds, even on the
	// narrowest part of the window.
	StopTimeout Stop = "timeout"
)

// Len is the number of listed items of the result's kind.
func (r Result) Len() int {
	return len(r.Users) + len(r.Groups) + len(r.Apps) + len(r.Assignments) +
		len(r.Policies) + len(r.Rules) + len(r.Events)
}

// OrgStatus is the answer to `status`: whether oktabot can reach Okta and
// with what rights.
type OrgStatus struct {
	OrgURL        string    `json:"orgUrl"`
	ClientID      string    `json:"clientId"`
	TokenType     string    `json:"tokenType"` // Bearer or DPoP
	TokenExpires  time.Time `json:"tokenExpires,omitzero"`
	Requested     []string  `json:"requestedScopes"`
	Granted       []string  `json:"grantedScopes"`
	Missing       []string  `json:"missingScopes,omitempty"`
	AdminRole     bool      `json:"adminRole"`
	AdminRoleNote string    `json:"adminRoleNote,omitempty"`
}

// Severity bands of a finding's score (Band).
type Severity string

// The bands, by score: Low < 22, Medium < 48, High < 74, Critical.
const (
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Band returns the severity band of a 0–100 score.
func Band(score int) Severity {
	switch {
	case score < 22:
		return SeverityLow
	case score < 48:
		return SeverityMedium
	case score < 74:
		return SeverityHigh
	default:
		return SeverityCritical
	}
}

// Finding is one detection's verdict about one user (or the org).
type Finding struct {
	Detection string     `json:"detection"`
	Severity  Severity   `json:"severity"`
	Score     int        `json:"score"`
	User      string     `json:"user,omitempty"`
	Summary   string     `json:"summary"`
	Evidence  []Evidence `json:"evidence"`
	Events    []string   `json:"events"` // uuids of the supporting events
	// Reason says in one short line why to act, for a proposal ("Sign-in
	// from a Tor exit node after 12 failed attempts").
	Reason string `json:"reason,omitempty"`
	// Facts are the few things an approver needs to see, strongest first
	// ("12 failed sign-ins from 185.220.101.1 (Tor exit node)"); Evidence
	// keeps the full point breakdown.
	Facts []string `json:"facts,omitempty"`
	// IPs are the client IPs of its events, and Last the newest event's
	// time (the watcher's suppressions and alert latency use them).
	IPs  []string  `json:"ips,omitempty"`
	Last time.Time `json:"last,omitzero"`
	// Attack are the MITRE ATT&CK technique ids the finding shows
	// ("T1110.003", "T1621"), chosen for it by its detection.
	Attack []string `json:"attack,omitempty"`
	// Reversals undo the configuration change the finding is about
	// (re-activate a deactivated policy rule …).
	Reversals []Action `json:"reversals,omitempty"`
}

// Evidence is one scored reason behind a finding.
type Evidence struct {
	Text   string `json:"text"`
	Points int    `json:"points"`
}

// MFAReport is the outcome of an MFA scan (mfa_status): Result.Users lists
// the active users with no active factor.
type MFAReport struct {
	ScannedAt time.Time `json:"scannedAt"`
	Active    int       `json:"active"`   // active users scanned
	NoFactor  int       `json:"noFactor"` // of them, with no active factor
	WeakOnly  []User    `json:"weakOnly,omitempty"`
	Checked   int       `json:"checked"`             // factor lists read by this scan
	Refreshed bool      `json:"refreshed,omitempty"` // only changed users were re-read
	Cached    bool      `json:"cached,omitempty"`    // answered from the last scan, no Okta call
}
