package intents

import (
	"encoding/json"
	"time"
)

// Ref names one resolved Okta object.
type Ref struct {
	Type string `json:"type"` // user, group, app, policy, rule
	ID   string `json:"id"`
	Name string `json:"name"` // login, group name, app label, policy or rule name
}

// Action is one change to Okta, with its targets resolved to ids. Actions
// are only ever executed through an approved proposal.
type Action struct {
	Kind Kind `json:"kind"`

	User   *Ref `json:"user,omitempty"`
	Group  *Ref `json:"group,omitempty"`
	App    *Ref `json:"app,omitempty"`
	Policy *Ref `json:"policy,omitempty"`
	Rule   *Ref `json:"rule,omitempty"`

	Fields map[string]string `json:"fields,omitempty"`
	Body   json.RawMessage   `json:"body,omitempty"`
	Reason string            `json:"reason,omitempty"`

	// Confidence (0–100) and Evidence come with proposals made from
	// findings.
	Confidence int        `json:"confidence,omitempty"`
	Evidence   []Evidence `json:"evidence,omitempty"`
	// Facts are the few findings an approver reads first, strongest first
	// (at most five); Evidence is the full breakdown behind Confidence.
	Facts []string `json:"facts,omitempty"`
}

// Targets lists the action's resolved objects.
func (a Action) Targets() []Ref {
	var out []Ref
	for _, r := range []*Ref{a.User, a.Group, a.App, a.Policy, a.Rule} {
		if r != nil {
			out = append(out, *r)
		}
	}
	return out
}

// Preview is what an action will do, computed from Okta's current state
// before anyone approves it.
type Preview struct {
	Action Action `json:"action"`
	// Summary says in plain words what will happen.
	Summary string `json:"summary"`
	// Before is the state the action expects (e.g. "ACTIVE", "not a
	// member"); execution re-reads the target and refuses if it differs.
	Before string `json:"before"`
	// After is the state the action leads to.
	After string `json:"after"`
	// Impact lists the blast radius ("member of 3 groups", "7 app
	// assignments").
	Impact []string `json:"impact,omitempty"`
	// Scope is the OAuth scope the action needs; Granted is false when the
	// token lacks it.
	Scope   string `json:"scope"`
	Granted bool   `json:"granted"`
	// Warning is what an approver must weigh that the summary does not
	// say: a risk the action leaves open ("whoever holds the password can
	// then enroll a new factor"). "" when there is none.
	Warning string `json:"warning,omitempty"`
	// Companions are the actions on the same target that close what
	// Warning leaves open, in the order to propose them (reset_factors:
	// clear_sessions, reset_password). Each is a proposal of its own,
	// approved on its own; none runs because this one does.
	Companions []Kind `json:"companions,omitempty"`
}

// ActionOutcome is what an executed action did.
type ActionOutcome struct {
	Action    Action    `json:"action"`
	Summary   string    `json:"summary"`
	Before    string    `json:"before"`
	After     string    `json:"after"`
	RequestID string    `json:"requestId,omitempty"` // X-Okta-Request-Id of the changing call
	At        time.Time `json:"at"`
	// Created is the object an action created, if any.
	Created *Ref `json:"created,omitempty"`
}
