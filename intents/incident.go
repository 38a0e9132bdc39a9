package intents

import (
	"slices"
	"strings"
	"time"
)

// An incident is what the watcher brings to the channel: every finding
// about one subject (a user, or for org-wide findings the detection) seen
// within the incident window, combined, shown in one Slack message that is
// updated in place, with the proposed fixes in its thread.
//
//	open → acknowledged → closed
//	open → closed
//
// Absorb is the one place where findings join an incident; the store runs it
// inside the transaction that also moves the System Log cursor.

// IncidentStatus is where an incident is in its life.
type IncidentStatus string

// The incident states.
const (
	IncidentOpen         IncidentStatus = "open"
	IncidentAcknowledged IncidentStatus = "acknowledged"
	IncidentClosed       IncidentStatus = "closed"
)

// DefaultIncidentWindow is how long after its last change an open incident
// still takes new findings about its subject.
const DefaultIncidentWindow = 6 * time.Hour

// Incident is one subject's findings, combined.
type Incident struct {
	ID      string         `json:"id"`
	Key     string         `json:"key"`     // IncidentKey of its findings
	Subject string         `json:"subject"` // the user's login, or "" for the org
	Status  IncidentStatus `json:"status"`

	Opened  time.Time `json:"opened"`
	Updated time.Time `json:"updated"` // the last change to its findings

	Score    int       `json:"score"`
	Severity Severity  `json:"severity"`
	Summary  string    `json:"summary"` // the worst finding's summary
	Findings []Finding `json:"findings"`

	// Version counts changes to the findings; Posted is the version the
	// Slack message shows (0: not posted yet) and Notified the severity
	// the channel was last told of.
	Version  int      `json:"version"`
	Posted   int      `json:"posted"`
	Notified Severity `json:"notified,omitempty"`
	Channel  string   `json:"channel,omitempty"`
	TS       string   `json:"ts,omitempty"` // the incident message
	// Proposals are the ids of the fixes proposed in its thread.
	Proposals []string `json:"proposals,omitempty"`

	AckBy    string    `json:"ackBy,omitempty"` // Slack user id
	AckAt    time.Time `json:"ackAt,omitzero"`
	ClosedBy string    `json:"closedBy,omitempty"`
	ClosedAt time.Time `json:"closedAt,omitzero"`
	Closing  string    `json:"closing,omitempty"` // why: "closed", "false positive", …

	// Answer is the affected person's answer to "was this you?": "yes",
	// "no", or "" (not asked, or no answer yet); AskedAt when they were
	// asked, AnsweredAt when they answered, NoSlack when they have no Slack
	// account to ask.
	Answer     string    `json:"answer,omitempty"`
	AskedAt    time.Time `json:"askedAt,omitzero"`
	AnsweredAt time.Time `json:"answeredAt,omitzero"`
	NoSlack    bool      `json:"noSlack,omitempty"`
}

// Answers to "was this you?" (Incident.Answer holds yes or no).
const (
	AnswerYes     = "yes"
	AnswerNo      = "no"
	AnswerAsked   = "asked"   // the person was sent the question
	AnswerNoSlack = "noslack" // the person has no Slack account to ask
)

// IncidentChange is what one batch of findings did to one incident.
type IncidentChange struct {
	Incident Incident
	New      bool     // the incident was opened by this batch
	Rose     bool     // its severity rose above what the channel was told
	Lines    []string // what changed, one thread line each
}

// IncidentKey is the subject findings are grouped by: the user, or for an
// org-wide finding (a spray from one IP, many lockouts) its detection.
func IncidentKey(f Finding) string {
	if f.User != "" {
		return "user:" + strings.ToLower(f.User)
	}
	return "org:" + f.Detection
}

// Rank orders severities: low 1 … critical 4, anything else 0.
func (s Severity) Rank() int {
	switch s {
	case SeverityLow:
		return 1
	case SeverityMedium:
		return 2
	case SeverityHigh:
		return 3
	case SeverityCritical:
		return 4
	}
	return 0
}

// Combine scores an incident's findings as one (package detect's ByUser
// rule); Absorb is given it so that this package stays free of detect.
type Combine func([]Finding) (int, Severity)

// Absorb adds findings about inc's subject to it at now and reports what
// changed, or false when nothing did. A finding that shares an event with
// one of the same detection already held replaces it when it brings events
// the held one lacks (a burst that grew), and changes nothing when it does
// not (the same finding seen again after a restart or a re-read); any
// other finding is added. A closed incident takes nothing.
func (inc *Incident) Absorb(fs []Finding, now time.Time, combine Combine) (IncidentChange, bool) {
	if inc.Status == IncidentClosed {
		return IncidentChange{}, false
	}
	ch := IncidentChange{New: inc.Version == 0}
	changed := false
	for _, f := range fs {
		i := inc.same(f)
		switch {
		case i < 0:
			inc.Findings = append(inc.Findings, f)
			if !ch.New {
				ch.Lines = append(ch.Lines, "New: "+f.Summary)
			}
			changed = true
		case !subset(f.Events, inc.Findings[i].Events):
			old := inc.Findings[i]
			f.Events = union(old.Events, f.Events)
			inc.Findings[i] = f
			if !ch.New && f.Summary != old.Summary {
				ch.Lines = append(ch.Lines, "Grew: "+f.Summary)
			}
			changed = true
		}
	}
	if !changed {
		return IncidentChange{}, false
	}
	slices.SortStableFunc(inc.Findings, func(a, b Finding) int { return b.Score - a.Score })
	before := inc.Severity
	inc.Score, inc.Severity = combine(inc.Findings)
	inc.Summary = inc.Findings[0].Summary
	inc.Updated = now
	inc.Version++
	if ch.New {
		inc.Opened = now
		inc.Status = IncidentOpen
	} else if inc.Severity != before {
		ch.Lines = append(ch.Lines, "Severity "+string(before)+" → "+string(inc.Severity))
	}
	ch.Rose = inc.Notified != "" && inc.Severity.Rank() > inc.Notified.Rank()
	ch.Incident = *inc
	return ch, true
}

// Holds reports whether inc already holds everything f says: a finding of
// f's detection that shares an event with it and lacks none of its events.
// Absorb changes nothing for such a finding; the store also uses it so that
// a finding a closed incident already showed does not open a new one.
func (inc *Incident) Holds(f Finding) bool {
	i := inc.same(f)
	return i >= 0 && subset(f.Events, inc.Findings[i].Events)
}

// same is the index of the finding held of f's detection that shares an
// event with f, or -1.
func (inc *Incident) same(f Finding) int {
	return slices.IndexFunc(inc.Findings, func(g Finding) bool { return g.Detection == f.Detection && overlap(g.Events, f.Events) })
}

// Takes reports whether inc still takes findings at now: open or
// acknowledged, and changed within window.
func (inc *Incident) Takes(now time.Time, window time.Duration) bool {
	return inc.Status != IncidentClosed && now.Sub(inc.Updated) <= window
}

func overlap(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// Suppression is a "false positive" mark: findings of Detection about User
// (or from IP) raise no alert until Until.
type Suppression struct {
	ID        string    `json:"id"`
	Detection string    `json:"detection"`
	User      string    `json:"user,omitempty"` // a login
	IP        string    `json:"ip,omitempty"`
	Until     time.Time `json:"until"`
	By        string    `json:"by"` // Slack user id
	At        time.Time `json:"at"`
	Incident  string    `json:"incident,omitempty"` // the incident it was marked on
	Reason    string    `json:"reason,omitempty"`
}

// Matches reports whether s silences f at now.
func (s Suppression) Matches(f Finding, now time.Time) bool {
	if now.After(s.Until) || s.Detection != f.Detection {
		return false
	}
	if s.User != "" && !strings.EqualFold(s.User, f.User) {
		return false
	}
	if s.IP != "" && !slices.Contains(f.IPs, s.IP) {
		return false
	}
	return s.User != "" || s.IP != ""
}

// WatchBatch is what the watcher read and found in one page of the System
// Log; the store commits it in one transaction.
type WatchBatch struct {
	Cursor   string            // the System Log cursor after these events
	Windows  map[string][]byte // detection windows changed (nil: drop the key)
	Findings []Finding         // findings these events created or grew
	Events   int               // events read
	Newest   time.Time         // the newest event's published, zero when none
	Now      time.Time
}

// WatchOptions is how the store turns findings into incidents.
type WatchOptions struct {
	Window  time.Duration // the incident window (0: DefaultIncidentWindow)
	Combine Combine       // nil: the worst finding's score
}
