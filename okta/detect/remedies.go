package detect

import (
	"slices"

	"github.com/oktabot/oktabot/intents"
)

// The score a user summary needs before a remedy is proposed: clearing
// sessions from Medium, suspending or resetting factors from High. An
// unlock is proposed only below High, when a lockout is the only signal.
const (
	clearFrom   = 22
	suspendFrom = 48
)

// Evidence prefix of a threat finding whose every request Okta blocked.
const evAllBlocked = "Okta blocked every flagged request"

// suggest lists the remedies one finding calls for: clear sessions on any
// sign of compromise, suspend when a credential attack succeeded or a
// session was hijacked, reset factors when MFA was defeated or reset by
// someone else, unlock after a lockout, expire a password someone else
// knows.
func suggest(f intents.Finding) []intents.Kind {
	sessions := []intents.Kind{intents.ClearSessions}
	takeover := []intents.Kind{intents.ClearSessions, intents.SuspendUser}
	switch f.Detection {
	case SuccessAfterFailures, SessionRoaming:
		return takeover
	case MFAPushFatigue:
		if has(f.Evidence, evPushAccepted) {
			return []intents.Kind{intents.ClearSessions, intents.SuspendUser, intents.ResetFactors}
		}
	case MFAFailures:
		if has(f.Evidence, evMFAThenSuccess) {
			return takeover
		}
	case MFAFactorReset:
		if has(f.Evidence, evResetThenSignIn) {
			return []intents.Kind{intents.ClearSessions, intents.ResetFactors}
		}
	case AnonymizingProxyLogin:
		if has(f.Evidence, evProxySucceeded) {
			return sessions
		}
	case ThreatDetected:
		if !has(f.Evidence, evAllBlocked) {
			return sessions
		}
	case ImpossibleTravel, SuspiciousCountryLogin, AdminConsoleNewBehavior, UserReportedSuspicious:
		return sessions
	case AccountLockout:
		return []intents.Kind{intents.UnlockUser}
	case UnauthorizedAppAccess:
		// One denial is a stale link; repeated ones are a session being
		// used to probe, and clearing it ends the probe.
		if has(f.Evidence, evUnauthRepeated) {
			return sessions
		}
	case IdPSignIn:
		// A new issuer, or one just added, may be asserting a user it
		// does not own: end what it signed in.
		if has(f.Evidence, evIdPNew) || has(f.Evidence, evIdPChanged) {
			return sessions
		}
	case AppPasswordExposure:
		// Whoever revealed others' passwords, or many of their own, may
		// hold a stolen session: end it. A password push is an admin's
		// setting, for a person to undo.
		if has(f.Evidence, evRevealOther) || has(f.Evidence, evRevealHarvest) {
			return sessions
		}
	case DistributedSpray:
		// Org-wide: no one user to act on; success_after_failures finds
		// the accounts it broke into.
		return nil
	case ADAgentActivity, Org2OrgAppChange:
		// No remedy here deactivates an agent or an app or revokes a
		// token: the finding asks a person to, in the Admin Console.
		return nil
	case OAuthTokenAbuse:
		// Clearing a user's sessions also revokes their OAuth tokens,
		// the replayed refresh token among them.
		if has(f.Evidence, evTokenReuse) {
			return sessions
		}
	case PushOriginMismatch:
		// Someone signed in with the password elsewhere: an approval let
		// them in (end their session, stop the account); a refusal
		// still means the password is theirs.
		if has(f.Evidence, evPushOriginAccepted) {
			return takeover
		}
		return []intents.Kind{intents.ExpirePassword}
	case SharedMFADevice:
		// Someone else's device or phone is among the user's factors.
		return []intents.Kind{intents.ClearSessions, intents.ResetFactors}
	case DeviceNonstandardName:
		return []intents.Kind{intents.ResetFactors}
	case ResetMessageFlood:
		if has(f.Evidence, evResetFloodChanged) {
			return takeover
		}
	case NewDeviceEnrolled:
		// Someone else's device or factor may now answer for the user:
		// end the sessions, remove the enrolment.
		return []intents.Kind{intents.ClearSessions, intents.ResetFactors}
	case FastPassUntrustedBinary:
		// Okta Verify on the device answers whoever asks: end the
		// sessions, remove the device's enrolment.
		return []intents.Kind{intents.ClearSessions, intents.ResetFactors}
	case PasswordInUsername:
		if has(f.Evidence, evPasswordOwner) {
			return []intents.Kind{intents.ExpirePassword}
		}
	case UserCreated:
		if has(f.Evidence, evNewUserAdmin) {
			// a new account made an administrator: stop it first
			return []intents.Kind{intents.ClearSessions, intents.SuspendUser}
		}
	case AdminConsoleDenied, AdminConsoleWeakFactor, ConcurrentSessions, AppChallengesFailed, RapidAppAccess, SSOUnknownClient, SingleFactorSuccess:
		// A session may be someone else's: end them all.
		return sessions
	}
	return nil
}

// Remedies proposes the actions a user summary calls for, each with the
// summary's score as confidence and its evidence: clear_sessions,
// suspend_user and reset_factors on signs of compromise, unlock_user when a
// lockout is the only signal, expire_password when a password is known to
// someone else, and the reversals of configuration changes.
// The target user is a Ref of Type "user" with the summary's UserID (empty
// when unknown: resolve it by Name) and login. Org-wide summaries (no user)
// propose only reversals.
func Remedies(s UserSummary) []intents.Action {
	reason := map[intents.Kind]string{}
	onlyLockouts := len(s.Findings) > 0
	for _, f := range s.Findings {
		onlyLockouts = onlyLockouts && f.Detection == AccountLockout
		for _, k := range suggest(f) {
			if _, ok := reason[k]; !ok {
				reason[k] = ReasonOf(f)
			}
		}
	}
	var out []intents.Action
	propose := func(a intents.Action) {
		a.Confidence = s.Score
		a.Evidence = slices.Clone(s.Evidence)
		a.Facts = CardFacts(s.Findings, a.Reason)
		out = append(out, a)
	}
	if s.User != "" {
		ref := &intents.Ref{Type: "user", ID: s.UserID, Name: s.User}
		for _, k := range []intents.Kind{intents.ClearSessions, intents.SuspendUser, intents.ResetFactors, intents.UnlockUser, intents.ExpirePassword} {
			r, ok := reason[k]
			if !ok {
				continue
			}
			switch k {
			case intents.ClearSessions:
				ok = s.Score >= clearFrom
			case intents.SuspendUser, intents.ResetFactors:
				ok = s.Score >= suspendFrom
			case intents.UnlockUser:
				ok = onlyLockouts && s.Score < suspendFrom
			case intents.ExpirePassword:
				ok = s.Score >= clearFrom
			}
			if ok {
				u := *ref
				propose(intents.Action{Kind: k, User: &u, Reason: r})
			}
		}
	}
	for _, a := range s.Reversals {
		propose(a)
	}
	return out
}
