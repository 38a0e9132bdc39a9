package oktasim

import (
	"net/http"
)

// userOp is one user lifecycle operation: the statuses it applies to, the
// status it leads to, the refusal otherwise and the event it writes.
type userOp struct {
	from    []string
	to      string // "" : computed (activate) or unchanged
	refusal string
	event   string
	message string
	refuse  func() *apiError // the refusal when it is not Okta's 400 validation error
}

// statusPasswordExpired is a user who must change their password at the
// next sign-in (expire_password, or a password older than the policy
// allows).
const statusPasswordExpired = "PASSWORD_EXPIRED"

// userOps are Okta's user lifecycle operations with the statuses each
// applies to, as the Users API documents them: suspend only ACTIVE users,
// unsuspend SUSPENDED ones, unlock LOCKED_OUT ones, reactivate PROVISIONED
// ones; activate STAGED or DEPROVISIONED users (ACTIVE with a password,
// else PROVISIONED until they set one); expire_password leads to
// PASSWORD_EXPIRED, reset_password to RECOVERY (both refused with a 403
// of their own otherwise: passwords.go).
var userOps = map[string]userOp{
	"activate": {from: []string{statusStaged, statusDeprovisioned},
		refusal: "Cannot activate a user that is not STAGED or DEPROVISIONED",
		event:   "user.lifecycle.activate", message: "Activate Okta user"},
	"reactivate": {from: []string{statusProvisioned}, to: statusProvisioned,
		refusal: "Cannot reactivate a user that is not PROVISIONED",
		event:   "user.lifecycle.reactivate", message: "Reactivate Okta user"},
	"deactivate": {from: []string{statusStaged, statusProvisioned, statusActive, statusRecovery,
		statusPasswordExpired, statusLockedOut, statusSuspended}, to: statusDeprovisioned,
		refusal: "Cannot deactivate a user that is already deprovisioned",
		event:   "user.lifecycle.deactivate", message: "Deactivate Okta user"},
	"suspend": {from: []string{statusActive}, to: statusSuspended,
		refusal: "Cannot suspend a user that is not active",
		event:   "user.lifecycle.suspend", message: "Suspend Okta user"},
	"unsuspend": {from: []string{statusSuspended}, to: statusActive,
		refusal: "Cannot unsuspend a user that is not suspended",
		event:   "user.lifecycle.unsuspend", message: "Unsuspend Okta user"},
	"unlock": {from: []string{statusLockedOut}, to: statusActive,
		refusal: "Cannot unlock a user that is not locked out",
		event:   "user.account.unlock_by_admin", message: "Unlock Okta user"},
	"reset_factors": {from: []string{statusStaged, statusProvisioned, statusActive, statusRecovery,
		statusPasswordExpired, statusLockedOut, statusSuspended},
		refusal: "Cannot reset the factors of a deprovisioned user",
		event:   "user.mfa.factor.reset_all", message: "Reset all factors for user"},
	"expire_password": {from: []string{statusActive, statusPasswordExpired, statusRecovery}, to: statusPasswordExpired,
		event: "user.account.expire_password", message: "Expire user password", refuse: errUserStatus},
	"expire_password_with_temp_password": {from: []string{statusActive, statusPasswordExpired, statusRecovery}, to: statusPasswordExpired,
		event: "user.account.expire_password", message: "Expire user password", refuse: errUserStatus},
	"reset_password": {from: []string{statusActive, statusPasswordExpired, statusRecovery, statusLockedOut}, to: statusRecovery,
		event: "user.account.reset_password", message: "Reset user password", refuse: errPasswordReset},
}

// userLifecycle is POST /api/v1/users/{id}/lifecycle/{op}.
func (s *Server) userLifecycle(w http.ResponseWriter, r *http.Request, c *caller) error {
	name := r.PathValue("op")
	op, ok := userOps[name]
	if !ok {
		s.notFound(w, r)
		return nil
	}
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	u, err := o.userOr404(r)
	if err != nil {
		return err
	}
	status := u.str("status")
	if name == "unlock" {
		op = o.unlockOp(u, op)
	}
	if !contains(op.from, status) {
		if name == "activate" && (status == statusActive || status == statusProvisioned) {
			return &apiError{status: http.StatusForbidden, code: codeAlreadyActive,
				summary: "Activation failed because the user is already active"}
		}
		if op.refuse != nil {
			return op.refuse()
		}
		return errValidation(op.refusal, op.refusal)
	}
	now := s.now()
	to := op.to
	if name == "activate" {
		to = statusProvisioned
		if _, hasPassword := lookup(u.obj, "credentials", "password"); hasPassword ||
			u.str("credentials", "provider", "type") != "OKTA" {
			to = statusActive
		}
	}
	if to != "" && to != status {
		o.setStatusLocked(u, to, now)
	} else {
		obj := mustCopy(u.obj)
		obj["lastUpdated"] = formatTime(now)
		u.set(obj)
	}
	switch name {
	case "deactivate":
		o.sessions[u.id] = 0
	case "reset_factors":
		delete(o.factors, u.id)
	}
	o.recordLocked(audit{r: r, c: c, now: now, typ: op.event, message: op.message,
		targets: []Object{userTarget(u)}})
	sendEmail := r.URL.Query().Get("sendEmail") != "false"
	if name == "reset_password" && sendEmail {
		o.sentResetEmail(u.id)
	}
	switch {
	case (name == "activate" || name == "reactivate") && !sendEmail:
		token := randomText(20)
		writeJSON(w, http.StatusOK, map[string]string{
			"activationUrl": baseURL(r) + "/welcome/" + token, "activationToken": token})
		return nil
	case name == "reset_password" && !sendEmail:
		writeJSON(w, http.StatusOK, map[string]string{"resetPasswordUrl": baseURL(r) + "/reset_password/" + randomText(20)})
		return nil
	case name == "expire_password":
		writeEntity(w, r, http.StatusOK, u, userLinks)
		return nil
	case name == "expire_password_with_temp_password":
		writeJSON(w, http.StatusOK, map[string]string{"tempPassword": randomText(12)})
		return nil
	}
	writeRaw(w, http.StatusOK, []byte("{}"))
	return nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
