package oktasim

import "net/http"

// The password lifecycle operations (POST …/lifecycle/expire_password,
// …/expire_password_with_temp_password and …/reset_password) beyond their
// status change in lifecycle.go: Okta's refusals, which are 403s with
// codes of their own rather than the 400 of suspend or unlock, and the
// reset emails Okta sends, which a test reads with PasswordResetEmails.

// Okta's codes for a password operation the user's status does not allow.
const (
	codePasswordReset = "E0000017" // 403 Password reset failed
	codeUserStatus    = "E0000038" // 403 This operation is not allowed in the user's current status
)

// errPasswordReset is Okta's answer to reset_password on a user whose
// status does not allow it (STAGED, PROVISIONED, SUSPENDED, DEPROVISIONED).
func errPasswordReset() *apiError {
	return &apiError{status: http.StatusForbidden, code: codePasswordReset, summary: "Password reset failed",
		causes: []string{"Reset password is not allowed in the user's current status"}}
}

// errUserStatus is Okta's answer to expire_password on a user whose
// status does not allow it.
func errUserStatus() *apiError {
	return &apiError{status: http.StatusForbidden, code: codeUserStatus,
		summary: "This operation is not allowed in the user's current status."}
}

// sentResetEmail records a password-reset email to a user (reset_password
// with sendEmail=true). Callers hold o.mu.
func (o *org) sentResetEmail(userID string) {
	if o.resets == nil {
		o.resets = map[string]int{}
	}
	o.resets[userID]++
}

// PasswordResetEmails counts the password-reset emails the simulator sent
// a user (by id): one per reset_password with sendEmail=true. With
// sendEmail=false Okta sends none and answers with the reset link instead.
func (s *Server) PasswordResetEmails(userID string) int {
	o := s.org
	o.mu.RLock()
	defer o.mu.RUnlock()
	return o.resets[userID]
}
