package detect

import (
	"slices"

	"github.com/oktabot/oktabot/intents"
)

// MITRE ATT&CK techniques of each detection: the technique and
// sub-technique ids most of the public Okta rule sets agree on (SigmaHQ
// rules/identity/okta tags, Elastic's rules/integrations/okta threat
// blocks, Panther's okta rules' Reports, Okta's customer-detections and
// Splunk's okta detections). Where they disagree, the comment says which
// was chosen and why. docs/detections.md shows the table.

// techniques names the ATT&CK ids the detections carry.
var techniques = map[string]string{
	"T1078.004": "Valid Accounts: Cloud Accounts",
	"T1098.001": "Account Manipulation: Additional Cloud Credentials",
	"T1098.003": "Account Manipulation: Additional Cloud Roles",
	"T1098.005": "Account Manipulation: Device Registration",
	"T1110":     "Brute Force",
	"T1110.001": "Brute Force: Password Guessing",
	"T1110.003": "Brute Force: Password Spraying",
	"T1110.004": "Brute Force: Credential Stuffing",
	"T1111":     "Multi-Factor Authentication Interception",
	"T1136.003": "Create Account: Cloud Account",
	"T1199":     "Trusted Relationship",
	"T1484.002": "Domain or Tenant Policy Modification: Trust Modification",
	"T1489":     "Service Stop",
	"T1498":     "Network Denial of Service",
	"T1499.002": "Endpoint Denial of Service: Service Exhaustion Flood",
	"T1499.003": "Endpoint Denial of Service: Application Exhaustion Flood",
	"T1528":     "Steal Application Access Token",
	"T1531":     "Account Access Removal",
	"T1538":     "Cloud Service Dashboard",
	"T1539":     "Steal Web Session Cookie",
	"T1550.001": "Use Alternate Authentication Material: Application Access Token",
	"T1550.004": "Use Alternate Authentication Material: Web Session Cookie",
	"T1552":     "Unsecured Credentials",
	"T1555":     "Credentials from Password Stores",
	"T1556":     "Modify Authentication Process",
	"T1556.006": "Modify Authentication Process: Multi-Factor Authentication",
	"T1556.007": "Modify Authentication Process: Hybrid Identity",
	"T1556.009": "Modify Authentication Process: Conditional Access Policies",
	"T1562":     "Impair Defenses",
	"T1562.007": "Impair Defenses: Disable or Modify Cloud Firewall",
	"T1562.008": "Impair Defenses: Disable or Modify Cloud Logs",
	"T1566.002": "Phishing: Spearphishing Link",
	"T1621":     "Multi-Factor Authentication Request Generation",
}

// attackIDs are each catalogue detection's techniques. A detection whose
// findings differ in kind chooses per finding in attackOf.
var attackIDs = map[string][]string{
	// Per user: guessing (Elastic's brute force of one account tags
	// T1110.001); one IP against many users: spraying and stuffing
	// (Elastic's single-source rules, Splunk's users failing from one IP,
	// Okta's ThreatInsight rules). attackOf chooses.
	FailedLoginBurst: {"T1110.001", "T1110.003", "T1110.004"},
	// Elastic's successful login after a credential attack.
	SuccessAfterFailures: {"T1110", "T1078.004"},
	// Panther's sign-in from a rogue state, Elastic's sessions from
	// different geolocations.
	SuspiciousCountryLogin: {"T1078.004"},
	// Elastic's first session via a proxy and Panther's new admin
	// behaviors say T1078.004; Panther's T1556 on its VPN rule stands alone.
	AnonymizingProxyLogin: {"T1078.004"},
	ImpossibleTravel:      {"T1078.004"},
	// Elastic, Okta, Splunk and Panther's correlations agree.
	MFAPushFatigue: {"T1621"},
	// Splunk's failed MFA requests (T1621), Elastic's MFA bypass (T1111).
	MFAFailures: {"T1621", "T1111"},
	// Splunk and Elastic count lockouts as brute force; Sigma tags the
	// lockout itself T1531.
	AccountLockout: {"T1110", "T1531"},
	// Sigma and both of Elastic's role rules.
	PrivilegeGrant: {"T1098.003"},
	// Sigma, Elastic, Splunk (Panther: T1556).
	MFAFactorReset: {"T1556.006"},
	// Splunk's ThreatInsight rule; Okta's threat intelligence rule says
	// T1078.
	ThreatDetected: {"T1078.004"},
	// Panther, Splunk, Okta and Elastic (T1539); Elastic adds T1550.004.
	SessionRoaming: {"T1539", "T1550.004"},
	// Sigma and Panther.
	AdminConsoleNewBehavior: {"T1078.004"},
	// Sigma, Okta and Panther say T1566; Elastic names the sub-technique.
	FastPassPhishing: {"T1566.002"},
	// The anchors disagree (Elastic T1098.001 and T1136, Panther T1528,
	// Okta and Splunk T1078); an API token is an additional credential for
	// the tenant: Elastic's T1098.001.
	APITokenCreated: {"T1098.001"},
	// Panther's support access and reset rules; Elastic's impersonation.
	SupportImpersonation: {"T1199", "T1078.004"},
	// Okta, Elastic and Splunk (T1078; Okta accounts are cloud accounts).
	UserReportedSuspicious: {"T1078.004"},
	// Chosen per event by configAttack; this is the union.
	SecurityConfigChange: {"T1556.006", "T1556.007", "T1556.009", "T1484.002", "T1562", "T1562.007", "T1562.008"},
	// Elastic's unauthorized access to an Okta application (Sigma tags
	// only the impact tactic).
	UnauthorizedAppAccess: {"T1078.004"},
	// Chosen per finding by oauthAttack: a replayed token or a public
	// client's grant is a stolen token used (Elastic's T1550.001); a
	// secret read or a redirect to a phishing host steals one (Okta's
	// T1528).
	OAuthTokenAbuse: {"T1550.001", "T1528"},
	// Elastic (T1199, T1078.004) and Panther (T1199).
	IdPSignIn: {"T1199", "T1078.004"},
	// Okta's new AD agent (T1556.007); Panther's agent token abuse (T1528).
	ADAgentActivity: {"T1556.007", "T1528"},
	// Panther (T1556, T1078.004).
	Org2OrgAppChange: {"T1556", "T1078.004"},
	// Chosen per finding: a SCIM password push modifies authentication
	// (Panther's T1556); a reveal reads a password store (Okta's T1555,
	// Panther's T1552).
	AppPasswordExposure: {"T1556", "T1555", "T1552"},
	// Elastic's multi-source spray.
	DistributedSpray: {"T1110.003"},
	// Okta's and Splunk's push source mismatch (T1621), a session
	// reached with a valid password (T1078.004).
	PushOriginMismatch: {"T1621", "T1078.004"},
	// Okta's device or phone registered to several users: an MFA device
	// added to another account (T1556.006, T1098.005).
	SharedMFADevice: {"T1556.006", "T1098.005"},
	// Okta's non-standard hostname: a device registered (T1098.005).
	DeviceNonstandardName: {"T1098.005", "T1556.006"},
	// Okta's Admin Console denied and weak-factor rules (T1078.004).
	AdminConsoleDenied:     {"T1078.004"},
	AdminConsoleWeakFactor: {"T1078.004"},
	// Elastic's multiple sessions for one user (T1550.004).
	ConcurrentSessions: {"T1550.004"},
	// Elastic's reset or unlock attempts (T1078.004).
	ResetMessageFlood: {"T1078.004"},
	// Panther and Elastic: API token revoked (T1531).
	APITokenRevoked: {"T1531"},
	// Elastic's possible DoS (T1498, T1499.002, T1499.003).
	RateLimitViolation: {"T1498", "T1499.002", "T1499.003"},
	// Elastic gives its app changes only the Impact tactic; Service Stop
	// is the technique for deactivation and deletion.
	AppChanged: {"T1489"},
	// Okta's rapid application access: the dashboard of many apps
	// (T1538) with a valid account (T1078.004).
	RapidAppAccess: {"T1538", "T1078.004"},
	// Elastic's SSO from a rare unknown client (T1078.004).
	SSOUnknownClient: {"T1078.004"},
	// Okta's protected action settings: defenses impaired (T1562), the
	// authentication process changed (T1556); chosen per finding, its
	// Super administrator password reset: a valid account taken (T1078.004).
	ProtectedActionChange: {"T1562", "T1556", "T1078.004"},
	// Sigma's password in the username field (T1552).
	PasswordInUsername: {"T1552"},
	// A cloud account created (T1136.003), made an admin (T1098.003).
	UserCreated: {"T1136.003", "T1098.003"},
	// A sign-in past the policy's second factor (T1078.004, T1556).
	SingleFactorSuccess: {"T1078.004", "T1556"},
	// Okta's FastPass from an unsigned binary: Okta gives the mobile
	// matrix's T1604; MFA interception (T1111) is the enterprise one.
	FastPassUntrustedBinary: {"T1111"},
	// Splunk's new device enrolled: a device registered to keep the
	// account (T1098.005), a factor added (T1556.006).
	NewDeviceEnrolled: {"T1098.005", "T1556.006"},
	// Okta's multiple failed requests to access applications: a stolen
	// session cookie (T1550.004) opening the dashboard's apps (T1538).
	AppChallengesFailed: {"T1550.004", "T1538"},
}

// oauthAttack is the technique of an oauth_token_abuse finding, by the
// kind of its first event.
func oauthAttack(e intents.Event) []string {
	switch oauthAbuse(e) {
	case tokenReuse, publicClientCC:
		return []string{"T1550.001"}
	}
	return []string{"T1528"}
}

// configAttack is the technique of one configuration change, by the object
// it changes (configObject).
func configAttack(eventType string) []string {
	switch configObject(eventType) {
	case "policy", "policy rule":
		// Elastic's policy and rule rules (T1556.006, T1562.007);
		// Okta's MFA downgrade (T1556.006).
		return []string{"T1556.006", "T1562.007"}
	case "app sign-on policy":
		return []string{"T1556.009"} // Elastic
	case "network zone":
		return []string{"T1562.007"} // Elastic's zone rules
	case "identity provider":
		// Elastic (T1556.007, T1484.002); Panther (T1556, T1199, T1098).
		return []string{"T1484.002", "T1556.007"}
	case "log stream":
		return []string{"T1562.008"} // Okta's log stream tampering
	case "authenticator":
		return []string{"T1556.006"}
	}
	return []string{"T1562"}
}

// Attack is the ATT&CK technique ids of detection id, nil for an unknown
// id. A finding carries the ones that fit it (intents.Finding.Attack).
func Attack(id string) []string { return slices.Clone(attackIDs[id]) }

// TechniqueName is the ATT&CK name of a technique id the detections use,
// "" for another id.
func TechniqueName(id string) string { return techniques[id] }

// attackOf is the techniques of one finding of detection id on events:
// for a configuration change, those of the object its first change
// event changes; for failed sign-ins, guessing for one user and spraying
// and stuffing for one IP against many.
func attackOf(id, user string, events []intents.Event) []string {
	switch id {
	case SecurityConfigChange:
		for _, e := range events {
			if isConfigChange(e.EventType) {
				return configAttack(e.EventType)
			}
		}
	case FailedLoginBurst:
		if user != "" {
			return []string{"T1110.001"}
		}
		return []string{"T1110.003", "T1110.004"}
	case ProtectedActionChange:
		if len(events) > 0 && superAdminResetAttempt(events[0]) {
			return []string{"T1078.004"}
		}
		return []string{"T1562", "T1556"}
	case OAuthTokenAbuse:
		if len(events) > 0 {
			return oauthAttack(events[0])
		}
	case AppPasswordExposure:
		if len(events) > 0 && events[0].EventType == "application.lifecycle.update" {
			return []string{"T1556"}
		}
		return []string{"T1555", "T1552"}
	}
	return Attack(id)
}
