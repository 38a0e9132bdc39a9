package oktasim

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strings"
)

// Okta error codes the simulator answers with.
const (
	codeValidation     = "E0000001" // 400 Api validation failed
	codeForbidden      = "E0000006" // 403
	codeNotFound       = "E0000007" // 404
	codeInternal       = "E0000009" // 500
	codeInvalidToken   = "E0000011" // 401
	codeAlreadyActive  = "E0000016" // 403 activation of an active user
	codeNoSuchEndpoint = "E0000022" // 404/405 unknown route or method
	codeBadSearch      = "E0000031" // 400 invalid filter/search
	codeRateLimit      = "E0000047" // 429
)

// Summaries Okta gives for the common codes.
const (
	summaryForbidden    = "You do not have permission to perform the requested action"
	summaryInvalidToken = "Invalid token provided"
	summaryRateLimit    = "API call exceeded rate limit due to too many requests."
	summaryBadSearch    = "Invalid search criteria."
	summaryNoEndpoint   = "The endpoint does not support the provided HTTP method"
	summaryInternal     = "Internal Server Error"
)

// apiError is an Okta Management API error: {"errorCode","errorSummary",
// "errorLink","errorId","errorCauses"}.
type apiError struct {
	status  int
	code    string
	summary string
	causes  []string
}

// Error is the cause (or summary) of the error; it is wrapped by callers
// (loading a fixture) that add the package prefix.
func (e *apiError) Error() string {
	if len(e.causes) > 0 {
		return strings.Join(e.causes, "; ")
	}
	return e.summary
}

func errNotFound(what string) *apiError {
	return &apiError{status: http.StatusNotFound, code: codeNotFound,
		summary: "Not found: Resource not found: " + what}
}

func errValidation(summary string, causes ...string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codeValidation,
		summary: "Api validation failed: " + summary, causes: causes}
}

func errForbidden() *apiError {
	return &apiError{status: http.StatusForbidden, code: codeForbidden, summary: summaryForbidden}
}

func errBadSearch(cause string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codeBadSearch, summary: summaryBadSearch,
		causes: []string{cause}}
}

// errStatus is the error Okta answers with for a bare HTTP status (used by
// FailNext).
func errStatus(status int) *apiError {
	switch status {
	case http.StatusBadRequest:
		return errValidation("injected failure")
	case http.StatusUnauthorized:
		return &apiError{status: status, code: codeInvalidToken, summary: summaryInvalidToken}
	case http.StatusForbidden:
		return errForbidden()
	case http.StatusNotFound:
		return errNotFound("injected failure")
	case http.StatusTooManyRequests:
		return &apiError{status: status, code: codeRateLimit, summary: summaryRateLimit}
	}
	summary := summaryInternal
	if status != http.StatusInternalServerError {
		summary = http.StatusText(status)
	}
	return &apiError{status: status, code: codeInternal, summary: summary}
}

type errorCause struct {
	ErrorSummary string `json:"errorSummary"`
}

type errorBody struct {
	ErrorCode    string       `json:"errorCode"`
	ErrorSummary string       `json:"errorSummary"`
	ErrorLink    string       `json:"errorLink"`
	ErrorID      string       `json:"errorId"`
	ErrorCauses  []errorCause `json:"errorCauses"`
}

// writeAPIError writes e in Okta's shape.
func writeAPIError(w http.ResponseWriter, e *apiError) {
	body := errorBody{
		ErrorCode:    e.code,
		ErrorSummary: e.summary,
		ErrorLink:    e.code,
		ErrorID:      "oae" + randomText(22),
		ErrorCauses:  []errorCause{},
	}
	for _, c := range e.causes {
		body.ErrorCauses = append(body.ErrorCauses, errorCause{ErrorSummary: c})
	}
	writeJSON(w, e.status, body)
}

// oauthError is an error of the token endpoint, in OAuth's shape.
type oauthError struct {
	status      int
	code        string // invalid_client, invalid_scope, invalid_dpop_proof, …
	description string
	nonce       string // set with use_dpop_nonce: sent as DPoP-Nonce
}

func (e *oauthError) Error() string { return "oktasim: " + e.code + ": " + e.description }

func errInvalidClient(description string) *oauthError {
	return &oauthError{status: http.StatusUnauthorized, code: "invalid_client", description: description}
}

func errInvalidRequest(description string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: "invalid_request", description: description}
}

func errInvalidDPoP(description string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: "invalid_dpop_proof", description: description}
}

func writeOAuthError(w http.ResponseWriter, e *oauthError) {
	if e.nonce != "" {
		w.Header().Set("DPoP-Nonce", e.nonce)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, e.status, map[string]string{"error": e.code, "error_description": e.description})
}

// writeJSON writes v as the JSON body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeAPIError(w, &apiError{status: http.StatusInternalServerError, code: codeInternal,
			summary: summaryInternal})
		return
	}
	writeRaw(w, status, b)
}

// writeRaw writes an already encoded JSON body.
func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// randomText returns n random characters from Okta's id alphabet.
func randomText(n int) string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	var sb strings.Builder
	sb.Grow(n)
	for _, c := range b {
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String()
}
