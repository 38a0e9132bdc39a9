package okta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oauth"
)

// oktaError is the body of Okta's API errors.
type oktaError struct {
	ErrorCode    string `json:"errorCode"`
	ErrorSummary string `json:"errorSummary"`
	ErrorID      string `json:"errorId"`
	ErrorCauses  []struct {
		ErrorSummary string `json:"errorSummary"`
	} `json:"errorCauses"`
}

// summary is Okta's errorSummary with its causes.
func (e oktaError) summary() string {
	s := e.ErrorSummary
	var causes []string
	for _, c := range e.ErrorCauses {
		if c.ErrorSummary != "" && c.ErrorSummary != s {
			causes = append(causes, c.ErrorSummary)
		}
	}
	if len(causes) > 0 {
		s += " (" + strings.Join(causes, "; ") + ")"
	}
	return s
}

// translate is the one place a failed call becomes an error: the
// transport's terminal error if it had one (token refused, network, rate
// limit not waited out), else the HTTP status and Okta's error body as an
// *intents.Error with the right sentinel. scope is the scope the call
// needs, named when Okta says the token lacks one.
func (c *Client) translate(ctx context.Context, op, scope string, st *callState, resp *http.Response, body []byte, err error) error {
	op = "okta: " + op
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%s: %w", op, ctxErr)
	}
	status, header, terr := 0, http.Header(nil), error(nil)
	if st != nil {
		status, header, terr = st.get()
	}
	if terr != nil {
		var ie *intents.Error
		if errors.As(terr, &ie) {
			cp := *ie
			if cp.Op == "" || cp.Op == "okta: token" {
				cp.Op = op
			}
			return &cp
		}
		if errors.Is(terr, context.Canceled) || errors.Is(terr, context.DeadlineExceeded) {
			return fmt.Errorf("%s: %w", op, terr)
		}
		return &intents.Error{Err: intents.ErrUnavailable, Op: op, Detail: terr.Error()}
	}
	if resp != nil {
		status, header = resp.StatusCode, resp.Header
	}
	if body == nil {
		var ge *oktasdk.GenericOpenAPIError
		if errors.As(err, &ge) {
			body = ge.Body()
		}
	}
	if status == 0 {
		detail := "the request failed"
		if err != nil {
			detail = err.Error()
		}
		return &intents.Error{Err: intents.ErrUnavailable, Op: op, Detail: detail}
	}
	return statusError(op, scope, status, header, body)
}

// statusError maps an HTTP error answer to an *intents.Error.
func statusError(op, scope string, status int, header http.Header, body []byte) *intents.Error {
	var oe oktaError
	_ = json.Unmarshal(body, &oe) // a non-JSON body leaves it empty
	e := &intents.Error{Op: op, Status: status, Detail: oe.summary()}
	if header != nil {
		e.RequestID = header.Get("X-Okta-Request-Id")
	}
	switch {
	case status == http.StatusBadRequest:
		e.Err = intents.ErrInvalid
	case status == http.StatusUnauthorized:
		e.Err = intents.ErrAuth
		e.Detail = "Okta refused a freshly issued access token (" + nonEmpty(oe.summary(), "401") + "). Check: 1) the client id is the service app's; 2) the private key pairs with a public key registered for that app; 3) the app is active"
	case status == http.StatusForbidden && statusRefusal[oe.ErrorCode]:
		e.Err = intents.ErrConflict
	case status == http.StatusForbidden:
		e.Err = intents.ErrForbidden
		if missing, ok := insufficientScope(header); ok {
			e.Scope = nonEmpty(missing, scope)
			e.Detail = "the access token lacks the scope: grant it to the service app on its Okta API Scopes tab and add it to the requested scopes"
		} else if strings.HasSuffix(scope, ".read") {
			// A read refused for want of a role, not a scope: Okta's answer
			// (E0000006) to a service app without an admin role, or with a
			// role that does not cover what it reads.
			e.Err = intents.ErrNoAdminRole
			e.Detail = nonEmpty(e.Detail, "403") + ": " + noRoleHint(scope)
		} else if e.Detail == "" {
			e.Detail = "the service app's admin role does not allow this"
		} else {
			e.Detail += ": the service app's admin role does not allow this"
		}
	case status == http.StatusNotFound:
		e.Err = intents.ErrNotFound
	case status == http.StatusConflict:
		e.Err = intents.ErrConflict
	case status == http.StatusTooManyRequests:
		rl := rateLimitError(op, header, status)
		rl.Detail = strings.TrimPrefix(nonEmpty(rl.Detail, oe.summary()), ": ")
		return rl
	case status >= 500:
		e.Err = intents.ErrUnavailable
		e.Detail = nonEmpty(e.Detail, fmt.Sprintf("Okta answered %d", status))
	default:
		e.Err = intents.ErrInvalid
		e.Detail = nonEmpty(e.Detail, fmt.Sprintf("Okta answered %d", status))
	}
	return e
}

// statusRefusal are the codes of Okta's 403 refusals of a user operation
// in the user's current status. They are conflicts with the state, not a
// missing permission: telling an approver to grant a role would mislead.
var statusRefusal = map[string]bool{
	"E0000016": true, // Activation failed because the user is already active
	"E0000017": true, // Password reset failed (not allowed in the user's current status)
	"E0000032": true, // Unlock is not allowed for this user
	"E0000038": true, // This operation is not allowed in the user's current status
}

// noRoleHint words a read refused for want of an admin role: what the
// service app lacks and what to assign. scope is the read's scope
// (okta.users.read …).
func noRoleHint(scope string) string {
	area := map[string]string{intents.ScopeUsersRead: "user", intents.ScopeGroupsRead: "group",
		intents.ScopeAppsRead: "app", intents.ScopePoliciesRead: "policy", intents.ScopeLogsRead: "System Log"}[scope]
	return "no admin role, or a role without " + nonEmpty(area, "read") + " access: assign the service app the Read-Only Administrator role (Security › Administrators › Roles; the README's Okta setup lists the custom role actions need)"
}

// insufficientScope reads a WWW-Authenticate header of a 403: whether it
// says insufficient_scope, and the scope it names, if any.
func insufficientScope(h http.Header) (string, bool) {
	for _, v := range h.Values("WWW-Authenticate") {
		params := oauth.AuthParams(v)
		if params["error"] == "insufficient_scope" {
			return params["scope"], true
		}
	}
	return "", false
}

func nonEmpty(s, fallback string) string {
	if s != "" {
		return s
	}
	return fallback
}

// notFound is an ErrNotFound for an object a person named.
func notFound(op, what string) error {
	return &intents.Error{Err: intents.ErrNotFound, Op: "okta: " + op, Detail: what}
}

// conflict is an ErrConflict with the expected and actual state.
func conflict(op, detail string) error {
	return &intents.Error{Err: intents.ErrConflict, Op: "okta: " + op, Detail: detail}
}

// invalid is an ErrInvalid from this package.
func invalid(op, detail string) error {
	return &intents.Error{Err: intents.ErrInvalid, Op: "okta: " + op, Detail: detail}
}

// isNotFound reports whether err is an ErrNotFound.
func isNotFound(err error) bool { return errors.Is(err, intents.ErrNotFound) }
