package detect

// The public Okta detection ideas and which catalogue detection covers
// each: the one table that maps ideas to detection ids. The anchors are
// the public rule sets that express an idea, named by their rules' own
// names (Panther's RuleIDs, the titles of SigmaHQ's rules/identity/okta,
// the names of Elastic's rules/integrations/okta, the titles of Okta's
// customer-detections and of Splunk's detections/application/okta_*).
// Hunts and queries are not counted; an idea is counted once however many
// sets express it. docs/detections.md is generated from this table
// (coverage_test.go).

// Coverage is how far the catalogue covers an idea.
type Coverage string

// The coverages an idea can have.
const (
	Covered Coverage = "covered"  // a detection finds what the anchors find
	Partly  Coverage = "partly"   // a detection finds some of it; Note says what is missing
	NotYet  Coverage = "not yet"  // no detection yet
	LeftOut Coverage = "left out" // deliberately not a detection; Note says why
)

// Idea is one distinct detection idea of the public rule sets.
type Idea struct {
	ID   string // stable, kebab-case
	Text string // the idea in a line
	// The rules that express it, per rule set.
	Panther, Sigma, Elastic, Okta, Splunk []string
	// Detections are the catalogue ids that cover it (Covered, Partly).
	Detections []string
	Coverage   Coverage
	Note       string // what is missing (Partly), why (LeftOut)
}

// Ideas lists the ideas, grouped by what they watch.
func Ideas() []Idea {
	return []Idea{
		// Credential attacks on sign-in.
		{ID: "brute-force-user", Text: "Many failed sign-ins for one user in a short window, from one or many IPs",
			Panther:    []string{"Okta.BruteForceLogins", "Standard.BruteForceByUser"},
			Elastic:    []string{"Attempts to Brute Force an Okta User Account", "Potential Okta Brute Force (Multi-Source)"},
			Detections: []string{FailedLoginBurst}, Coverage: Covered},
		{ID: "brute-force-device-rotation", Text: "One user's failed sign-ins spread over many device tokens to dodge per-device limits",
			Elastic:    []string{"Potential Okta Brute Force (Device Token Rotation)"},
			Detections: []string{FailedLoginBurst}, Coverage: Covered,
			Note: "the failures count per user whatever the device token; 5 or more tokens, a fresh one for at least every other try, are named and weigh more"},
		{ID: "spray-stuffing-one-ip", Text: "Password spraying or credential stuffing from one IP against many users",
			Elastic:    []string{"Potential Okta Password Spray (Single Source)", "Potential Okta Credential Stuffing (Single Source)"},
			Detections: []string{FailedLoginBurst}, Coverage: Covered},
		{ID: "many-users-one-ip", Text: "One IP failing for many users within minutes, one try each",
			Panther: []string{"Standard.BruteForceByIP"}, Splunk: []string{"Okta Multiple Users Failing To Authenticate From Ip"},
			Detections: []string{FailedLoginBurst}, Coverage: Covered},
		{ID: "distributed-spray", Text: "Distributed password spray: many IPs, many users, few tries each",
			Elastic:    []string{"Potential Okta Password Spray (Multi-Source)"},
			Detections: []string{DistributedSpray}, Coverage: Covered},
		{ID: "success-after-attack", Text: "A successful sign-in after a credential attack on the user",
			Elastic:    []string{"Okta Successful Login After Credential Attack"},
			Detections: []string{SuccessAfterFailures}, Coverage: Covered},
		{ID: "device-token-many-users", Text: "One device token or device signing in as, or registered to, several users",
			Elastic: []string{"Multiple Okta User Authentication Events with Same Device Token Hash",
				"Multiple Okta User Auth Events with Same Device Token Hash Behind a Proxy"},
			Okta: []string{"Device Registered to Multiple Users"}, Detections: []string{SharedMFADevice}, Coverage: Covered},
		{ID: "phone-many-users", Text: "One phone number registered as a factor for several users",
			Okta: []string{"Phone Number Registered to Multiple Users"}, Detections: []string{SharedMFADevice}, Coverage: Covered},
		{ID: "password-in-username", Text: "A password typed into the username field",
			Sigma: []string{"Potential Okta Password in AlternateID Field"}, Detections: []string{PasswordInUsername}, Coverage: Covered},
		{ID: "threatinsight", Text: "Okta ThreatInsight flagged a threat (password spray, many unknown users, a suspect IP)",
			Panther: []string{"Okta.ThreatInsight.Security.Threat.Detected"}, Sigma: []string{"Okta Security Threat Detected"},
			Elastic: []string{"Okta ThreatInsight Threat Suspected Promotion"}, Splunk: []string{"Okta ThreatInsight Threat Detected"},
			Okta:       []string{"ThreatInsight - Password Spray", "Threat Insight Alert - Login Failure with High Unknown Users"},
			Detections: []string{ThreatDetected}, Coverage: Covered},
		{ID: "rate-limit", Text: "Rate-limit and concurrency violations: scripted abuse or a denial of service",
			Panther: []string{"Okta.Rate.Limits"}, Elastic: []string{"Possible Okta DoS Attack"}, Detections: []string{RateLimitViolation}, Coverage: Covered},

		// Lockouts and self-service.
		{ID: "account-locked", Text: "An account locked out after too many failed sign-ins",
			Panther: []string{"Okta.User.Account.Locked"}, Sigma: []string{"Okta User Account Locked Out"},
			Detections: []string{AccountLockout}, Coverage: Covered},
		{ID: "lockout-wave", Text: "Many accounts locked out within minutes",
			Splunk: []string{"Okta Multiple Accounts Locked Out"}, Detections: []string{AccountLockout}, Coverage: Covered},
		{ID: "reset-unlock-flood", Text: "Many password reset or unlock requests for one user",
			Elastic: []string{"High Number of Okta User Password Reset or Unlock Attempts"}, Detections: []string{ResetMessageFlood}, Coverage: Covered},

		// MFA.
		{ID: "push-fatigue", Text: "Okta Verify push bombing: many denied or unanswered pushes, above all when one is then accepted",
			Elastic: []string{"Potential Okta MFA Bombing via Push Notifications", "Potentially Successful Okta MFA Bombing via Push Notifications"},
			Okta:    []string{"ITP Push Bombing"}, Splunk: []string{"Okta MFA Exhaustion Hunt"},
			Detections: []string{MFAPushFatigue}, Coverage: Covered},
		{ID: "mfa-failures", Text: "Many failed MFA challenges for one user",
			Splunk:     []string{"Okta Multiple Failed MFA Requests For User", "Okta Authentication Failed During MFA Challenge"},
			Detections: []string{MFAFailures}, Coverage: Covered},
		{ID: "mfa-bypass", Text: "An attempt to bypass MFA",
			Elastic: []string{"Attempted Bypass of Okta MFA"}, Detections: []string{MFAFailures}, Coverage: Covered},
		{ID: "mfa-abandonment", Text: "MFA abandoned after a correct password, by one IP across users",
			Okta: []string{"Suspicious MFA Abandonment"}, Detections: []string{MFAPushFatigue}, Coverage: Covered},
		{ID: "push-source-mismatch", Text: "An Okta Verify push requested from one place and answered from another",
			Okta:   []string{"Mismatch Between Source and Response for Verify Push Request"},
			Splunk: []string{"Okta Mismatch Between Source and Response for Verify Push Request"}, Detections: []string{PushOriginMismatch}, Coverage: Covered},
		{ID: "factor-reset", Text: "A user's MFA factors reset, deactivated or suspended",
			Panther:    []string{"Okta.User.MFA.Reset.Single", "Okta.User.MFA.Reset.All", "Okta.User.MFA.Factor.Suspend"},
			Sigma:      []string{"Okta MFA Reset or Deactivated"},
			Elastic:    []string{"Attempt to Reset MFA Factors for an Okta User Account", "MFA Deactivation with no Re-Activation for Okta User Account"},
			Detections: []string{MFAFactorReset}, Coverage: Covered},
		{ID: "mfa-disabled-org", Text: "A factor disabled for the whole org",
			Panther: []string{"Okta.Global.MFA.Disabled", "Standard.MFADisabled"}, Splunk: []string{"Okta Multi-Factor Authentication Disabled"},
			Detections: []string{MFAFactorReset}, Coverage: Covered},
		{ID: "signin-after-reset", Text: "A sign-in soon after the user's factors were reset (stolen password, new factor)",
			Elastic:    []string{"Stolen Credentials Used to Login to Okta Account After MFA Reset"},
			Detections: []string{MFAFactorReset}, Coverage: Covered},
		{ID: "single-factor-success", Text: "A sign-in that passed with one factor where the policy expects two",
			Splunk: []string{"Okta Successful Single Factor Authentication"}, Detections: []string{SingleFactorSuccess}, Coverage: Covered},
		{ID: "new-device-enrolled", Text: "A new device or factor enrolled on an account",
			Splunk: []string{"Okta New Device Enrolled on Account"}, Detections: []string{NewDeviceEnrolled}, Coverage: Covered,
			Note: "Splunk scores every enrolment; here only one through an anonymizer, from a watch-listed country, rated risky, " +
				"after such a sign-in, or from another country than the sign-in before it (a new hire's first enrolment is no finding)"},
		{ID: "device-nonstandard-hostname", Text: "A device enrolled with a hostname outside the org's naming standard",
			Okta: []string{"Device Enrolled with Non-Standard Hostname"}, Detections: []string{DeviceNonstandardName}, Coverage: Covered},
		{ID: "fastpass-phishing", Text: "Okta FastPass refused to sign a user in to a phishing site",
			Panther: []string{"Okta.Phishing.Attempt.Blocked.FastPass"}, Sigma: []string{"Okta FastPass Phishing Detection"},
			Elastic: []string{"Okta FastPass Phishing Detection"}, Okta: []string{"Okta AiTM Phishing Detection with FastPass"},
			Splunk:     []string{"Okta Phishing Detection with FastPass Origin Check"},
			Detections: []string{FastPassPhishing}, Coverage: Covered},
		{ID: "fastpass-binary", Text: "FastPass invoked by an unsigned or unexpected binary",
			Okta: []string{"FastPass Auth via Suspicious Binary"}, Detections: []string{FastPassUntrustedBinary}, Coverage: Covered},

		// Sessions.
		{ID: "session-roaming", Text: "A session cookie or device token used from a new IP with another client",
			Panther: []string{"Okta.PotentiallyStolenSession"}, Elastic: []string{"Okta Multiple OS Names Detected for a Single DT Hash"},
			Okta:       []string{"Suspicious Use of an Okta Session Cookie", "User Denied Access due to Session Binding"},
			Splunk:     []string{"Okta Suspicious Use of a Session Cookie"},
			Detections: []string{SessionRoaming}, Coverage: Covered},
		{ID: "device-token-churn", Text: "Many device tokens in one session",
			Elastic:    []string{"Multiple Device Token Hashes for Single Okta Session"},
			Detections: []string{SessionRoaming}, Coverage: Covered},
		{ID: "cookie-replay", Text: "An AiTM session cookie replayed: one root session from another place",
			Elastic:    []string{"Okta AiTM Session Cookie Replay"},
			Detections: []string{SessionRoaming}, Coverage: Covered},
		{ID: "concurrent-sessions", Text: "Many concurrent sessions for one user",
			Elastic: []string{"Multiple Okta Sessions Detected for a Single User"}, Detections: []string{ConcurrentSessions}, Coverage: Covered},

		// Location and network.
		{ID: "impossible-travel", Text: "Consecutive sign-ins too far apart for the time between them",
			Panther:    []string{"Standard.ImpossibleTravel.Login"},
			Detections: []string{ImpossibleTravel}, Coverage: Covered},
		{ID: "geo-spread", Text: "Sessions of one user started from several cities or countries in a short time",
			Elastic: []string{"Okta User Sessions Started from Different Geolocations"}, Splunk: []string{"Okta User Logins from Multiple Cities"},
			Detections: []string{ImpossibleTravel}, Coverage: Covered,
			Note: "3 or more countries within 3 h are found whether or not each hop is reachable (sign-ins through a proxy or from the org's " +
				"network zones left out); several cities of one country are not, as commuters and mobile networks cross cities all day"},
		{ID: "rogue-country", Text: "A sign-in from a watch-listed country",
			Panther:    []string{"Standard.SignInFromRogueState"},
			Detections: []string{SuspiciousCountryLogin}, Coverage: Covered},
		{ID: "proxy-signin", Text: "A sign-in through an anonymizing proxy, VPN or Tor, above all from a new device",
			Panther: []string{"Okta.Anonymizing.VPN.Login"}, Sigma: []string{"Okta User Session Start Via An Anonymising Proxy Service"},
			Elastic:    []string{"First Occurrence of Okta User Session Started via Proxy"},
			Okta:       []string{"User Authenticates from a New Device through a Proxy"},
			Detections: []string{AnonymizingProxyLogin}, Coverage: Covered},
		{ID: "admin-via-proxy", Text: "Admin functions reached through a proxy",
			Sigma:      []string{"Okta Admin Functions Access Through Proxy"},
			Detections: []string{AnonymizingProxyLogin}, Coverage: Covered,
			Note: "Sigma matches admin in the request URI; here the Admin Console, role changes, security settings, API tokens, apps, " +
				"users and AD agents through a proxy are named and weigh more, with or without a sign-in through it"},
		{ID: "alerts-after-proxy", Text: "Other alerts on a user who signed in through a proxy",
			Elastic:    []string{"Okta Alerts Following Unusual Proxy Authentication"},
			Detections: []string{AnonymizingProxyLogin}, Coverage: Covered,
			Note: "the per-user roll-up (ByUser) combines the proxy finding with the user's others"},

		// Okta's own verdicts and user reports.
		{ID: "user-risk-high", Text: "Okta rated a user's risk HIGH",
			Okta: []string{"ITP User Risk Changed to High"}, Splunk: []string{"Okta Risk Threshold Exceeded"},
			Detections: []string{ThreatDetected}, Coverage: Covered},
		{ID: "okta-threat-intel", Text: "Okta Threat Intelligence named a detection on a user (user.risk.detect)",
			Okta:       []string{"ITP Okta Threat Intelligence Detection"},
			Detections: []string{ThreatDetected}, Coverage: Covered},
		{ID: "itp-session-hijack", Text: "Okta's Identity Threat Protection suspects a session hijack",
			Okta:       []string{"ITP Suspected Session Hijacking"},
			Detections: []string{ThreatDetected}, Coverage: Covered},
		{ID: "user-report", Text: "A user reported activity they did not do",
			Panther: []string{"Okta.User.Reported.Suspicious.Activity"}, Sigma: []string{"Okta Suspicious Activity Reported by End-user"},
			Elastic: []string{"Suspicious Activity Reported by Okta User"}, Okta: []string{"User Reported Suspicious Activity"},
			Splunk:     []string{"Okta Suspicious Activity Reported"},
			Detections: []string{UserReportedSuspicious}, Coverage: Covered},

		// Administration.
		{ID: "admin-role-granted", Text: "An admin role granted to a user or a group",
			Panther:    []string{"Okta.AdminRoleAssigned", "Okta.Group.Admin.Role.Assigned", "Standard.AdminRoleAssigned"},
			Sigma:      []string{"Okta Admin Role Assigned to an User or Group", "Okta Admin Role Assignment Created"},
			Elastic:    []string{"Okta User Assigned Administrator Role", "Administrator Privileges Assigned to an Okta Group"},
			Detections: []string{PrivilegeGrant}, Coverage: Covered},
		{ID: "super-admin-change", Text: "A Super or Organization administrator added or removed",
			Okta:       []string{"New Okta Super or Organization Admin Created or Removed"},
			Detections: []string{PrivilegeGrant}, Coverage: Covered},
		{ID: "admin-console-new-behavior", Text: "The Admin Console reached from a new device or IP",
			Panther: []string{"Okta.New.Behavior.Accessing.Admin.Console"}, Sigma: []string{"Okta New Admin Console Behaviours"},
			Okta:       []string{"Request to access Admin Console from new device or IP"},
			Detections: []string{AdminConsoleNewBehavior}, Coverage: Covered},
		{ID: "admin-console-denied", Text: "Access to the Admin Console denied",
			Okta: []string{"Access to Admin Console Denied"}, Detections: []string{AdminConsoleDenied}, Coverage: Covered},
		{ID: "admin-console-weak-mfa", Text: "The Admin Console reached with a weak factor",
			Okta: []string{"Access to Admin Console with Weak MFA Factor"}, Detections: []string{AdminConsoleWeakFactor}, Coverage: Covered},
		{ID: "api-token-created", Text: "An API token created",
			Panther: []string{"Okta.APIKeyCreated"}, Sigma: []string{"Okta API Token Created"},
			Elastic: []string{"Attempt to Create Okta API Token"}, Okta: []string{"New Okta API Token Created"},
			Splunk:     []string{"Okta New API Token Created"},
			Detections: []string{APITokenCreated}, Coverage: Covered},
		{ID: "api-token-network", Text: "An API token allowed from any network, or its network restriction changed",
			Okta:       []string{"API Token Excessive Network Access"},
			Detections: []string{APITokenCreated}, Coverage: Covered},
		{ID: "api-token-revoked", Text: "An API token revoked (an integration cut off, or an attacker covering tracks)",
			Panther: []string{"Okta.APIKeyRevoked"}, Sigma: []string{"Okta API Token Revoked"},
			Elastic: []string{"Attempt to Revoke Okta API Token"}, Detections: []string{APITokenRevoked}, Coverage: Covered},
		{ID: "support-access", Text: "Okta support granted access or reset a credential",
			Panther:    []string{"Okta.Support.Access", "Okta.Support.Reset"},
			Elastic:    []string{"Okta User Session Impersonation"},
			Detections: []string{SupportImpersonation}, Coverage: Covered},
		{ID: "protected-actions", Text: "Protected-action settings changed, or a Super administrator's password reset under them",
			Okta: []string{"Protected Action Settings Update", "Protected Action Super Admin Password Reset"}, Detections: []string{ProtectedActionChange}, Coverage: Covered},
		{ID: "user-created", Text: "A user created",
			Sigma: []string{"New Okta User Created"}, Detections: []string{UserCreated}, Coverage: Partly, Note: "the anchors flag every creation; plain hires by an administrator are no finding here, only a creation from an odd place, with an Okta risk signal, or made an administrator within 24 h"},

		// Security configuration.
		{ID: "policy-change", Text: "A policy or policy rule modified, deactivated or deleted",
			Sigma: []string{"Okta Policy Modified or Deleted", "Okta Policy Rule Modified or Deleted"},
			Elastic: []string{"Attempt to Modify an Okta Policy", "Attempt to Deactivate an Okta Policy", "Attempt to Delete an Okta Policy",
				"Attempt to Modify an Okta Policy Rule", "Attempt to Deactivate an Okta Policy Rule", "Attempt to Delete an Okta Policy Rule"},
			Detections: []string{SecurityConfigChange}, Coverage: Covered},
		{ID: "mfa-downgrade", Text: "An authentication policy weakened: MFA no longer required, fewer factors, longer sessions",
			Panther:    []string{"Okta.SkeletonKeyBypass.Behavioral"},
			Okta:       []string{"Authentication Policy MFA Downgrade"},
			Detections: []string{SecurityConfigChange}, Coverage: Covered},
		{ID: "zone-change", Text: "A network zone modified, deactivated or deleted",
			Sigma: []string{"Okta Network Zone Deactivated or Deleted"},
			Elastic: []string{"Attempt to Modify an Okta Network Zone", "Attempt to Deactivate an Okta Network Zone",
				"Attempt to Delete an Okta Network Zone"},
			Detections: []string{SecurityConfigChange}, Coverage: Covered},
		{ID: "app-signon-policy", Text: "An application's sign-on policy modified or removed",
			Sigma:      []string{"Okta Application Sign-On Policy Modified or Deleted"},
			Elastic:    []string{"Modification or Removal of an Okta Application Sign-On Policy"},
			Detections: []string{SecurityConfigChange}, Coverage: Covered},
		{ID: "idp-change", Text: "An identity provider created or modified",
			Panther: []string{"Okta.Identity.Provider.Created.Modified"}, Sigma: []string{"Okta Identity Provider Created"},
			Elastic: []string{"New Okta Identity Provider (IdP) Added by Admin"}, Okta: []string{"Creation of a new Okta Identity Provider"},
			Splunk:     []string{"Okta IDP Lifecycle Modifications"},
			Detections: []string{SecurityConfigChange}, Coverage: Covered},
		{ID: "log-stream-tampering", Text: "A log stream deactivated, deleted or changed",
			Okta:       []string{"Log Stream Tampering"},
			Detections: []string{SecurityConfigChange}, Coverage: Covered},

		// Applications, agents and OAuth.
		{ID: "app-modified", Text: "An application modified, deactivated or deleted",
			Sigma: []string{"Okta Application Modified or Deleted"},
			Elastic: []string{"Attempt to Modify an Okta Application", "Attempt to Deactivate an Okta Application",
				"Attempt to Delete an Okta Application"}, Detections: []string{AppChanged}, Coverage: Covered},
		{ID: "org2org", Text: "An Org2Org application created or changed (a path into or out of another Okta org)",
			Panther:    []string{"Okta.Org2org.Creation.Modification"},
			Detections: []string{Org2OrgAppChange}, Coverage: Covered},
		{ID: "scim-password-push", Text: "Cleartext passwords pushed to an application over SCIM",
			Panther:    []string{"Okta.Password.Extraction.via.SCIM"},
			Detections: []string{AppPasswordExposure}, Coverage: Covered},
		{ID: "app-password-revealed", Text: "A stored application password revealed, in bulk, from a new source or out of hours",
			Panther:    []string{"Okta.PasswordAccess", "Okta.SWA.BulkAccess.Behavioral", "Okta.SWA.OffHoursAccess.Behavioral"},
			Detections: []string{AppPasswordExposure}, Coverage: Covered},
		{ID: "ad-agent", Text: "An AD agent created, used from a new IP or user agent, or far busier than its average",
			Panther:    []string{"Okta.ADAgent.TokenAbuse.Behavioral", "Okta.ADAgent.AuthenticationAnomaly.ZScore"},
			Okta:       []string{"New AD Agent Created"},
			Detections: []string{ADAgentActivity}, Coverage: Covered},
		{ID: "unauthorized-app-access", Text: "A user tried an application they are not assigned to",
			Panther: []string{"Okta.App.Unauthorized.Access.Attempt"}, Sigma: []string{"Okta Unauthorized Access to App"},
			Elastic: []string{"Unauthorized Access to an Okta Application"}, Splunk: []string{"Okta Unauthorized Access to Application"},
			Detections: []string{UnauthorizedAppAccess}, Coverage: Covered},
		{ID: "app-challenges-failed", Text: "Many applications opened in one session with few challenges passed",
			Okta:   []string{"Multiple Failed Requests to Access Okta Applications"},
			Splunk: []string{"Okta Multiple Failed Requests to Access Applications"}, Detections: []string{AppChallengesFailed}, Coverage: Covered,
			Note: "as Okta's: more than 2 apps challenged in one session, fewer than half passed; runs more than an hour apart are separate, " +
				"and the Dashboard and Admin Console, reached without an SSO event, do not count"},
		{ID: "rapid-app-access", Text: "SSO into many applications in a short time",
			Okta: []string{"Rapid Okta Application Access"}, Detections: []string{RapidAppAccess}, Coverage: Covered},
		{ID: "sso-unknown-client", Text: "SSO into an application from a rare, unknown client",
			Elastic: []string{"Successful Application SSO from Rare Unknown Client Device"}, Detections: []string{SSOUnknownClient}, Coverage: Covered},
		{ID: "token-reuse", Text: "An OAuth refresh or access token reused",
			Panther:    []string{"Okta.Refresh.Access.Token.Reuse"},
			Detections: []string{OAuthTokenAbuse}, Coverage: Covered},
		{ID: "public-client-scope", Text: "A client-credentials grant for a public client failing for a scope it lacks",
			Elastic:    []string{"Unauthorized Scope for Public App OAuth2 Token Grant with Client Credentials"},
			Detections: []string{OAuthTokenAbuse}, Coverage: Covered},
		{ID: "client-secret-read", Text: "An OAuth client secret read",
			Okta:       []string{"OAuth Client Secret Read"},
			Detections: []string{OAuthTokenAbuse}, Coverage: Covered},
		{ID: "redirect-uri-mismatch", Text: "OAuth authorize requests with a redirect URI the app does not list",
			Okta:       []string{"Oauth Mismatched Redirect URI"},
			Detections: []string{OAuthTokenAbuse}, Coverage: Covered},
		{ID: "idp-signin", Text: "Sign-ins through a third-party identity provider, above all from a new issuer",
			Panther: []string{"Okta.Identity.Provider.SignIn"}, Elastic: []string{"Okta Sign-In Events via Third-Party IdP"},
			Detections: []string{IdPSignIn}, Coverage: Covered},

		// Left out.
		{ID: "login-inventory", Text: "Every successful sign-in, or SSO into AWS, as a signal",
			Panther: []string{"Okta.Login.Success", "Okta.SSO.to.AWS"}, Coverage: LeftOut,
			Note: "an inventory of normal access for other rules to correlate, not a finding on its own"},
		{ID: "login-without-push-marker", Text: "A sign-in without the user-agent marker of the org's own browser extension",
			Panther: []string{"Okta.Login.Without.Push.Marker"}, Coverage: LeftOut,
			Note: "needs a marker that a third-party browser extension adds, which an Okta org alone does not have"},
		{ID: "opa-password-oob", Text: "An Okta Privileged Access server account's password changed out of band",
			Okta: []string{"OPA Server Account Password Changed Out of Band"}, Coverage: LeftOut,
			Note: "about Okta Privileged Access server accounts, which oktabot neither reads nor manages"},
	}
}
