package bot

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// problem is an error worded for the person who asked: a title, what to do,
// and the correlation id that is also in the log line.
type problem struct {
	Title string
	Hint  string
	ID    string
}

// newCorrelationID returns a short id people can quote ("E7K2QX").
func newCorrelationID() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789" // no 0/O, 1/I
	b := make([]byte, 6)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// explain words err for people. Only intents errors are trusted to carry
// text meant for people (their Detail); anything else is logged, and the
// person gets the correlation id.
func explain(err error, in intents.Intent, id string) problem {
	p := problem{ID: id}
	e, _ := intents.AsError(err)
	detail := ""
	if e != nil {
		detail = e.Detail
	}
	um, _ := intents.AsUserMatch(err)
	switch {
	case errors.Is(err, intents.ErrInvalid):
		p.Title = "I couldn't use that request"
		p.Hint = detail
		if in.Kind != "" && in.Kind != intents.Unknown {
			p.Hint += "\nUsage: " + intents.Usage(in.Kind)
		} else {
			p.Hint += "\nType `/okta help` to see what I can do."
		}
	case errors.Is(err, intents.ErrProtected):
		p.Title = "That account or group is protected"
		p.Hint = detail
	case errors.Is(err, intents.ErrAmbiguous) && um != nil:
		p.Title = fmt.Sprintf("Several users match `%s`", um.Typed)
		p.Hint = "Give the login or email of the one you mean: " + candidateLogins(um)
	case errors.Is(err, intents.ErrNotFound) && um != nil:
		p.Title = fmt.Sprintf("No user matches `%s`", um.Typed)
		p.Hint = "Check the spelling, or give their login or email."
		if len(um.Candidates) > 0 {
			p.Hint = "Did you mean " + candidateLogins(um) + "?"
		}
	case errors.Is(err, intents.ErrNotFound):
		p.Title = "Okta has no such " + objectWord(in)
		p.Hint = "Check the spelling, or use the Okta id. " + detail
	case errors.Is(err, intents.ErrNoAdminRole):
		p.Title = "Okta returned nothing"
		if e != nil && e.Status == http.StatusForbidden {
			p.Title = "Okta refused to let oktabot read this"
		}
		p.Hint = "The service app probably has no admin role: in the Okta Admin Console open the app → Admin roles and assign Read-Only Administrator."
	case errors.Is(err, intents.ErrForbidden):
		p.Title = "Okta refused this request"
		if e != nil && e.Scope != "" {
			p.Hint = fmt.Sprintf("The service app lacks the scope `%s`: grant it in the app's Okta API Scopes tab and add it to OKTA_SCOPES.", e.Scope)
		} else {
			p.Hint = "The service app's admin role does not allow this. Give it a role that does, or ask an Okta admin."
		}
	case errors.Is(err, intents.ErrAuth):
		p.Title = "oktabot could not sign in to Okta"
		p.Hint = "Check three things: (1) OKTA_CLIENT_ID is the Client ID of the API Services app; (2) the private key matches the public key registered on that app; (3) the app is active. `oktabot doctor` checks them."
		if detail != "" {
			// The adapter's detail names what Okta refused (a DPoP proof
			// issued too far from Okta's time, say) and what to check.
			p.Hint = detail + ". `oktabot doctor` checks the setup."
		}
	case errors.Is(err, intents.ErrRateLimited):
		p.Title = "Okta is rate-limiting oktabot"
		p.Hint = "Okta's limit for this kind of call is used up for the moment. Try again in a minute."
	case errors.Is(err, intents.ErrConflict):
		p.Title = "That doesn't apply right now"
		p.Hint = detail
	case errors.Is(err, intents.ErrUnavailable):
		p.Title = "Okta is not answering"
		p.Hint = "Okta returned errors or timed out several times. Try again shortly; status.okta.com shows incidents."
	// The store's own time-outs are the store's, not Okta's.
	case errors.As(err, new(*storeError)):
		p.Title = "oktabot could not record that"
		p.Hint = "Nothing was changed in Okta. oktabot could not reach or write its approvals store (on etcd: etcd unreachable or without quorum; in a file: a full disk or a damaged file); the error is in its log. Try again once that is fixed."
	case errors.Is(err, context.DeadlineExceeded):
		p.Title = "That took too long"
		p.Hint = "Okta did not answer in time. Try a shorter time window or a narrower query."
	default:
		p.Title = "Something went wrong"
		p.Hint = "The error is in oktabot's log."
	}
	p.Hint = strings.TrimSpace(p.Hint)
	return p
}

// candidateLogins lists the logins of a person ask-back's candidates.
func candidateLogins(um *intents.UserMatchError) string {
	var ls []string
	for _, u := range um.Candidates {
		ls = append(ls, u.Login)
	}
	s := strings.Join(ls, ", ")
	if um.More {
		s += " …"
	}
	return s
}

func objectWord(in intents.Intent) string {
	switch {
	case in.User != "":
		return "user"
	case in.Group != "":
		return "group"
	case in.App != "":
		return "application"
	case in.Rule != "":
		return "rule"
	case in.Policy != "":
		return "policy"
	case in.ID != "":
		return "proposal"
	default:
		return "object"
	}
}

// outcomeOf classifies err for metrics.
func outcomeOf(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, intents.ErrInvalid):
		return "invalid"
	case errors.Is(err, intents.ErrNotFound):
		return "not_found"
	case errors.Is(err, intents.ErrAmbiguous):
		return "ambiguous"
	case errors.Is(err, intents.ErrForbidden), errors.Is(err, intents.ErrNoAdminRole), errors.Is(err, intents.ErrProtected):
		return "forbidden"
	case errors.Is(err, intents.ErrAuth):
		return "auth"
	case errors.Is(err, intents.ErrRateLimited):
		return "rate_limited"
	case errors.Is(err, intents.ErrConflict):
		return "conflict"
	case errors.Is(err, intents.ErrUnavailable):
		return "unavailable"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	default:
		return "error"
	}
}

// observe reports one answered request.
func (b *Bot) observe(kind intents.Kind, err error, start time.Time) {
	if b.cfg.Observe != nil {
		b.cfg.Observe(string(kind), outcomeOf(err), time.Since(start))
	}
}

// storeError marks a failure of the approvals store (not a refusal): the
// person is told that nothing changed in Okta.
type storeError struct{ err error }

func (e *storeError) Error() string { return "approvals store: " + e.err.Error() }
func (e *storeError) Unwrap() error { return e.err }
