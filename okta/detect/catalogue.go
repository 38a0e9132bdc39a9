package detect

import (
	"slices"

	"github.com/oktabot/oktabot/intents"
)

// The catalogue ids. They are stable: JSON output and tests use
// them.
const (
	FailedLoginBurst        = "failed_login_burst"
	SuccessAfterFailures    = "success_after_failures"
	SuspiciousCountryLogin  = "suspicious_country_login"
	AnonymizingProxyLogin   = "anonymizing_proxy_login"
	ImpossibleTravel        = "impossible_travel"
	MFAPushFatigue          = "mfa_push_fatigue"
	MFAFailures             = "mfa_failures"
	AccountLockout          = "account_lockout"
	PrivilegeGrant          = "privilege_grant"
	MFAFactorReset          = "mfa_factor_reset"
	ThreatDetected          = "threat_detected"
	SessionRoaming          = "session_roaming"
	AdminConsoleNewBehavior = "admin_console_new_behavior"
	FastPassPhishing        = "fastpass_phishing"
	APITokenCreated         = "api_token_created"
	SupportImpersonation    = "support_impersonation"
	UserReportedSuspicious  = "user_reported_suspicious"
	SecurityConfigChange    = "security_config_change"
	UnauthorizedAppAccess   = "unauthorized_app_access"
	OAuthTokenAbuse         = "oauth_token_abuse"
	IdPSignIn               = "idp_sign_in"
	ADAgentActivity         = "ad_agent_activity"
	Org2OrgAppChange        = "org2org_app_change"
	AppPasswordExposure     = "app_password_exposure"
	DistributedSpray        = "distributed_password_spray"
	PushOriginMismatch      = "push_origin_mismatch"
	SharedMFADevice         = "shared_mfa_device"
	DeviceNonstandardName   = "device_nonstandard_name"
	AdminConsoleDenied      = "admin_console_denied"
	AdminConsoleWeakFactor  = "admin_console_weak_factor"
	ConcurrentSessions      = "concurrent_sessions"
	ResetMessageFlood       = "reset_message_flood"
	APITokenRevoked         = "api_token_revoked"
	RateLimitViolation      = "rate_limit_violation"
	AppChanged              = "app_changed"
	RapidAppAccess          = "rapid_app_access"
	SSOUnknownClient        = "sso_unknown_client"
	ProtectedActionChange   = "protected_action_change"
	PasswordInUsername      = "password_in_username"
	UserCreated             = "user_created"
	SingleFactorSuccess     = "single_factor_success"
	FastPassUntrustedBinary = "fastpass_untrusted_binary"
	NewDeviceEnrolled       = "new_device_enrolled"
	AppChallengesFailed     = "app_challenges_failed"
)

// rank is a detection's place in the catalogue, which breaks ties between
// equal scores: the earlier detection tells the fuller story.
func rank(id string) int {
	switch id {
	case FailedLoginBurst:
		return 0
	case SuccessAfterFailures:
		return 1
	case SuspiciousCountryLogin:
		return 2
	case AnonymizingProxyLogin:
		return 3
	case ImpossibleTravel:
		return 4
	case MFAPushFatigue:
		return 5
	case MFAFailures:
		return 6
	case AccountLockout:
		return 7
	case PrivilegeGrant:
		return 8
	case MFAFactorReset:
		return 9
	case ThreatDetected:
		return 10
	case SessionRoaming:
		return 11
	case AdminConsoleNewBehavior:
		return 12
	case FastPassPhishing:
		return 13
	case APITokenCreated:
		return 14
	case SupportImpersonation:
		return 15
	case UserReportedSuspicious:
		return 16
	case SecurityConfigChange:
		return 17
	case UnauthorizedAppAccess:
		return 18
	case OAuthTokenAbuse:
		return 19
	case IdPSignIn:
		return 20
	case ADAgentActivity:
		return 21
	case Org2OrgAppChange:
		return 22
	case AppPasswordExposure:
		return 23
	case DistributedSpray:
		return 24
	case PushOriginMismatch:
		return 25
	case SharedMFADevice:
		return 26
	case DeviceNonstandardName:
		return 27
	case AdminConsoleDenied:
		return 28
	case AdminConsoleWeakFactor:
		return 29
	case ConcurrentSessions:
		return 30
	case ResetMessageFlood:
		return 31
	case APITokenRevoked:
		return 32
	case RateLimitViolation:
		return 33
	case AppChanged:
		return 34
	case RapidAppAccess:
		return 35
	case SSOUnknownClient:
		return 36
	case ProtectedActionChange:
		return 37
	case PasswordInUsername:
		return 38
	case UserCreated:
		return 39
	case SingleFactorSuccess:
		return 40
	case FastPassUntrustedBinary:
		return 41
	case NewDeviceEnrolled:
		return 42
	case AppChallengesFailed:
		return 43
	}
	return 25
}

// Detection is one entry of the catalogue.
type Detection struct {
	ID     string // a catalogue id
	Title  string // what it finds, in a line
	Source string // the public detection content its logic and threshold follow

	run func(*timeline) []finding
}

// Catalogue lists every detection, in a fixed order (catalogue_test.go
// holds it).
func Catalogue() []Detection {
	return []Detection{
		{FailedLoginBurst, "Many failed sign-ins for one user in a short window; credential stuffing or password spraying from one IP",
			"Elastic (10 in 30 min; stuffing and spraying shapes), Panther (20 in 1 h)", failedLoginBurst},
		{SuccessAfterFailures, "A successful sign-in after failed ones, for the same user or from an IP that tried many users",
			"Elastic (success within 3 h of an attack), Panther brute force (5 failures)", successAfterFailures},
		{SuspiciousCountryLogin, "A successful sign-in or SSO from a watch-listed country",
			"Panther (country list), Chronicle (New Country behavior)", suspiciousCountryLogin},
		{AnonymizingProxyLogin, "A sign-in attempt or administration through an anonymizing proxy or a listed Tor exit",
			"Sigma (isProxy: high; admin functions through a proxy), Panther (anonymizing VPN; Apple Private Relay lowered)", anonymizingProxyLogin},
		{ImpossibleTravel, "Consecutive sign-ins too far apart for the time between them; sign-ins from 3 countries within hours",
			"Panther (900 km/h, haversine), Okta Velocity behavior, Elastic (sessions from different geolocations)", impossibleTravel},
		{MFAPushFatigue, "Many denied or unanswered Okta Verify pushes, above all when one is then approved",
			"Elastic (5 in 10 min), Chronicle (success within 15 min)", mfaPushFatigue},
		{MFAFailures, "Many failed MFA challenges; attempts to bypass MFA",
			"Splunk (10 in 5 min), Okta (user.mfa.attempt_bypass)", mfaFailures},
		{AccountLockout, "An account locked out; many accounts locked out at once",
			"Sigma, Panther (single event), Elastic (3 in 3 h), Splunk (more than 5 in 5 min)", accountLockout},
		{PrivilegeGrant, "An admin role granted to a user or a group",
			"Panther (Super administrator high; group grants), Okta customer detections", privilegeGrant},
		{MFAFactorReset, "MFA factors reset, deactivated or suspended; a factor disabled org-wide",
			"Panther (reset, suspend, org-wide), Elastic (reset then sign-in within 12 h)", mfaFactorReset},
		{ThreatDetected, "Okta's own verdicts: ThreatInsight, a suspected threat, a HIGH risk",
			"Panther ThreatInsight, Okta risk engine", threatDetected},
		{SessionRoaming, "One session or device token used from a new IP with another client",
			"Splunk and Okta (dtHash roaming), Panther (stolen session)", sessionRoaming},
		{AdminConsoleNewBehavior, "The Okta Admin Console reached from a new device or IP",
			"Sigma, Panther (New Device and New IP behaviors)", adminConsoleNewBehavior},
		{FastPassPhishing, "Okta FastPass declined to sign a user in to a phishing site",
			"Panther, Splunk (impact 100)", fastPassPhishing},
		{APITokenCreated, "An API token was created", "Panther, Okta customer detections", apiTokenCreated},
		{SupportImpersonation, "Okta support access granted or used; a credential reset by Okta support",
			"Panther (support access, support reset)", supportImpersonation},
		{UserReportedSuspicious, "A user reported activity they did not do", "Panther, Splunk", userReportedSuspicious},
		{SecurityConfigChange, "Policies, rules, network zones, identity providers or log streams changed",
			"Sigma, Panther (IdP created), Okta customer detections", securityConfigChange},
		{UnauthorizedAppAccess, "Users denied access to apps they are not assigned to; many apps tried in a short time",
			"Sigma, Panther, Elastic, Splunk (app.generic.unauth_app_access_attempt); Okta (repeated app denials)", unauthorizedAppAccess},
		{OAuthTokenAbuse, "OAuth tokens replayed, a public client reaching for scopes, a client secret read, an unlisted redirect URI",
			"Panther (refresh token reuse), Elastic (public client credentials, no_matching_scope), Okta (client secret read, mismatched redirect URI)", oauthTokenAbuse},
		{IdPSignIn, "A sign-in through another identity provider (SAML, OIDC, social) whose issuer is new in 5 days",
			"Elastic (new issuer in 5 days), Panther (IdP sign-in, cross-tenant impersonation)", idpSignIn},
		{ADAgentActivity, "An Active Directory agent registered, an agent acting from an IP or client its actor has not used, or far busier than its average",
			"Okta (new AD agent created), Panther (AD agent activity from a new IP or user agent, z-score of agent activity)", adAgentActivity},
		{Org2OrgAppChange, "An Okta Org2Org app created, activated or changed", "Panther (Org2Org created High, changed Medium)", org2orgAppChange},
		{AppPasswordExposure, "An app set to push cleartext passwords over SCIM; app passwords revealed for another user, for many apps or from a new source",
			"Panther (passwords pushed via SCIM, another user's password accessed, access from a new source, off-hours access), Okta (password reveal hunt)", appPasswordExposure},
		{DistributedSpray, "A password spray spread over many IPs: many users, few tries each, within 15 minutes",
			"Elastic (multi-source spray: 5 IPs, 8 users, 25 tries, at most 5 per user in 15 min)", distributedSpray},
		{PushOriginMismatch, "An Okta Verify push requested from a new device or IP and answered from another IP",
			"Okta customer detections (mismatch between source and response for Verify push), Splunk", pushOriginMismatch},
		{SharedMFADevice, "One device or phone number registered for several users; one device token signing several users in",
			"Okta customer detections (device, phone number registered to multiple users), Elastic (one dtHash, many users)", sharedMFADevice},
		{DeviceNonstandardName, "A device enrolled with a name outside the org's naming of its computers",
			"Okta customer detections (device enrolled with a non-standard hostname)", deviceNonstandardName},
		{AdminConsoleDenied, "The Okta Admin Console refused a user",
			"Okta customer detections (access to Admin Console denied)", adminConsoleDenied},
		{AdminConsoleWeakFactor, "The Okta Admin Console reached with a password, email, SMS or security question only",
			"Okta and Datadog customer detections (Admin Console with a weak MFA factor)", adminConsoleWeakFactor},
		{ConcurrentSessions, "Many Okta sessions alive at once for one user",
			"Elastic (multiple sessions for a single user: 3 or more)", concurrentSessions},
		{ResetMessageFlood, "Many password-reset or unlock emails, texts or calls for one user",
			"Elastic (high number of password reset or unlock attempts: 5)", resetMessageFlood},
		{APITokenRevoked, "An API token was revoked", "Panther (API key revoked), Elastic (attempt to revoke an API token)", apiTokenRevoked},
		{RateLimitViolation, "Okta's rate or concurrency limits broken by one client",
			"Panther (rate limits), Elastic (possible Okta DoS attack)", rateLimitViolation},
		{AppChanged, "An app integration modified, deactivated or deleted",
			"Elastic (attempts to modify, deactivate and delete an Okta application)", appChanged},
		{RapidAppAccess, "SSO into many apps within a minute", "Okta customer detections (rapid application access: 10 in 1 min)", rapidAppAccess},
		{SSOUnknownClient, "SSO into an app from a client Okta could not identify, above all one seen for none of the user's earlier SSOs",
			"Elastic (successful application SSO from a rare unknown client device)", ssoUnknownClient},
		{ProtectedActionChange, "The protected actions' settings changed; a Super administrator's password reset as a protected action",
			"Okta customer detections (protected action settings update, protected action super admin password reset)", protectedActionChange},
		{PasswordInUsername, "A password typed into the username field, now in the System Log (never shown)",
			"Sigma (password in alternateId field), public hunts matching it to the next success", passwordInUsername},
		{UserCreated, "A user account created from an odd place, or made an administrator soon after",
			"Sigma (new Okta user created), Panther (admin role assigned)", userCreated},
		{SingleFactorSuccess, "A session got in on one factor although the sign-on policy asked for more",
			"Splunk (successful single factor authentication), Elastic (unknown-client SSO bypassing app policies)", singleFactorSuccess},
		{FastPassUntrustedBinary, "Okta FastPass signed a user in for an unsigned or unexpected program",
			"Okta customer detections (FastPass auth via suspicious binary)", fastPassUntrustedBinary},
		{NewDeviceEnrolled, "A device or factor enrolled through an anonymizer, after a risky sign-in, or from another country than the sign-in",
			"Splunk (new device enrolled on account), narrowed to enrolments with a reason to doubt them", newDeviceEnrolled},
		{AppChallengesFailed, "One session challenged for many apps that passed few of the challenges",
			"Okta and Splunk (multiple failed requests to access applications: more than 2 apps challenged, under half passed)", appChallengesFailed},
	}
}

// Run runs d alone over events.
func (d Detection) Run(cfg Config, events []intents.Event) []intents.Finding {
	tl := newTimeline(cfg, events)
	return plain(sorted(d.run(tl)))
}

// Run runs every detection over events, sorted by time once, and returns the
// findings worst first.
func Run(cfg Config, events []intents.Event) []intents.Finding {
	return plain(runAll(cfg, events))
}

// runAll runs the catalogue and keeps what Analyze needs.
func runAll(cfg Config, events []intents.Event) []finding {
	tl := newTimeline(cfg, events)
	var out []finding
	for _, d := range Catalogue() {
		out = append(out, d.run(tl)...)
	}
	out = append(out, tl.ruleFindings(cfg.Rules)...)
	return sorted(out)
}

func sorted(fs []finding) []finding {
	slices.SortStableFunc(fs, compareFindings)
	return fs
}

func plain(fs []finding) []intents.Finding {
	out := make([]intents.Finding, len(fs))
	for i, f := range fs {
		out[i] = f.Finding
		out[i].Reversals = f.reversal
	}
	return out
}
