package blocks

import (
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// statusEmoji marks an Okta lifecycle status (users, apps, policies,
// rules, factors) so that it can be scanned at a glance.
func statusEmoji(status string) string {
	switch strings.ToUpper(status) {
	case "ACTIVE":
		return ":large_green_circle:"
	case "SUSPENDED":
		return ":red_circle:"
	case "LOCKED_OUT":
		return ":lock:"
	case "DEPROVISIONED":
		return ":black_circle:"
	case "STAGED", "INACTIVE", "NOT_SETUP":
		return ":white_circle:"
	case "PROVISIONED":
		return ":large_blue_circle:"
	case "RECOVERY":
		return ":key:"
	case "PASSWORD_EXPIRED", "PENDING_ACTIVATION", "EXPIRED":
		return ":hourglass_flowing_sand:"
	default:
		return ":grey_question:"
	}
}

// outcomeEmoji marks a System Log outcome.
func outcomeEmoji(result string) string {
	switch strings.ToUpper(result) {
	case "SUCCESS", "ALLOW":
		return ":white_check_mark:"
	case "FAILURE", "DENY":
		return ":x:"
	case "CHALLENGE":
		return ":large_orange_diamond:"
	case "SKIPPED":
		return ":fast_forward:"
	default:
		return ":grey_question:"
	}
}

// severityEmoji marks a finding's band.
func severityEmoji(s intents.Severity) string {
	switch s {
	case intents.SeverityCritical:
		return ":rotating_light:"
	case intents.SeverityHigh:
		return ":red_circle:"
	case intents.SeverityMedium:
		return ":large_orange_circle:"
	default:
		return ":large_yellow_circle:"
	}
}

func areaEmoji(a intents.Area) string {
	switch a {
	case intents.AreaHelp:
		return ":information_source:"
	case intents.AreaUsers, intents.AreaUserActions:
		return ":bust_in_silhouette:"
	case intents.AreaGroups, intents.AreaGroupActions:
		return ":busts_in_silhouette:"
	case intents.AreaApps, intents.AreaAppActions:
		return ":package:"
	case intents.AreaPolicies, intents.AreaPolicyActions:
		return ":shield:"
	case intents.AreaSystemLog:
		return ":scroll:"
	case intents.AreaInvestigation:
		return ":mag:"
	case intents.AreaApprovals:
		return ":ballot_box_with_check:"
	default:
		return ":mag:"
	}
}

// factorName is a factor type as people know it.
func factorName(t string) string {
	switch t {
	case "push":
		return "Okta Verify push"
	case "signed_nonce":
		return "Okta FastPass"
	case "token:software:totp":
		return "TOTP app"
	case "token:hardware":
		return "Hardware token"
	case "token":
		return "Token"
	case "webauthn":
		return "WebAuthn / passkey"
	case "u2f":
		return "U2F security key"
	case "sms":
		return "SMS"
	case "call":
		return "Voice call"
	case "email":
		return "Email"
	case "question":
		return "Security question"
	case "web":
		return "Duo"
	default:
		return t
	}
}

// groupType is an Okta group type in words.
func groupType(t string) string {
	switch t {
	case "OKTA_GROUP":
		return "Okta group"
	case "APP_GROUP":
		return "imported app group"
	case "BUILT_IN":
		return "built-in"
	default:
		return t
	}
}

// shortcodeUnicode is the Unicode of the shortcodes this package uses, for
// the terminal.
func shortcodeUnicode(name string) (string, bool) {
	switch name {
	case "large_green_circle":
		return "🟢", true
	case "red_circle":
		return "🔴", true
	case "lock":
		return "🔒", true
	case "black_circle":
		return "⚫", true
	case "white_circle":
		return "⚪", true
	case "large_blue_circle":
		return "🔵", true
	case "large_orange_circle":
		return "🟠", true
	case "large_yellow_circle":
		return "🟡", true
	case "key":
		return "🔑", true
	case "hourglass_flowing_sand":
		return "⏳", true
	case "grey_question":
		return "❔", true
	case "white_check_mark":
		return "✅", true
	case "x":
		return "❌", true
	case "large_orange_diamond":
		return "🔶", true
	case "fast_forward":
		return "⏩", true
	case "rotating_light":
		return "🚨", true
	case "warning":
		return "⚠️", true
	case "information_source":
		return "ℹ️", true
	case "bust_in_silhouette":
		return "👤", true
	case "busts_in_silhouette":
		return "👥", true
	case "package":
		return "📦", true
	case "shield":
		return "🛡️", true
	case "scroll":
		return "📜", true
	case "mag":
		return "🔍", true
	case "ballot_box_with_check":
		return "☑️", true
	case "link":
		return "🔗", true
	case "hammer_and_wrench":
		return "🛠️", true
	case "electric_plug":
		return "🔌", true
	case "zzz":
		return "💤", true
	case "wave":
		return "👋", true
	case "closed_lock_with_key":
		return "🔐", true
	case "thread":
		return "🧵", true
	case "lock_with_ink_pen":
		return "🔏", true
	case "eyes":
		return "👀", true
	}
	return "", false
}
