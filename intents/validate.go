package intents

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on argument values.
const (
	MaxLogin     = 100
	maxName      = 255
	maxQuery     = 255
	maxEventType = 100
	maxReason    = 500
	maxLimit     = 1000
	maxFieldKey  = 50
	maxFieldVal  = 1024
	maxFields    = 50
	MaxCountries = 50
	maxID        = 64
)

// validFieldKey reports whether k is an Okta profile attribute name:
// [A-Za-z][A-Za-z0-9_]*, at most 50 characters.
func validFieldKey(k string) bool {
	if k == "" || len(k) > maxFieldKey || !IsKeyStart(k[0]) {
		return false
	}
	for i := 1; i < len(k); i++ {
		if !IsKeyByte(k[i]) || k[i] == '-' {
			return false
		}
	}
	return true
}

// validUser accepts an Okta user id, a login or email, or a Slack mention.
func validUser(s string) (string, error) {
	switch {
	case IsSlackMention(s), IsOktaUserID(s):
		return s, nil
	case strings.HasPrefix(s, "<"):
		return "", Invalid("%q is not a user: mention them with @ or give their login", Excerpt(s))
	case utf8.RuneCountInString(s) > MaxLogin:
		return "", Invalid("a login has at most %d characters; %q is longer", MaxLogin, Excerpt(s))
	case hasControl(s) || strings.ContainsFunc(s, isSpace):
		return "", Invalid("%q is not a login: give one login or email without spaces (quote group names, not users)", Excerpt(s))
	}
	return s, nil
}

// IsOktaUserID reports an Okta user id: 00u and 17 letters or digits.
func IsOktaUserID(s string) bool {
	if len(s) != 20 || !strings.HasPrefix(s, "00u") {
		return false
	}
	return IsAlnum(s[3:])
}

// IsSlackMention reports <@U123> (or W for Enterprise Grid users).
func IsSlackMention(s string) bool {
	id, ok := strings.CutPrefix(s, "<@")
	if !ok {
		return false
	}
	id, ok = strings.CutSuffix(id, ">")
	if !ok || len(id) < 3 || len(id) > 20 || (id[0] != 'U' && id[0] != 'W') {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// validName checks a group, app, policy or rule name.
func validName(a Arg, s string) (string, error) {
	if utf8.RuneCountInString(s) > maxName {
		return "", Invalid("a %s name has at most %d characters", a, maxName)
	}
	if hasControl(s) {
		return "", Invalid("a %s name cannot contain control characters", a)
	}
	return s, nil
}

// validText checks free text.
func validText(what, s string, max int) (string, error) {
	if utf8.RuneCountInString(s) > max {
		return "", Invalid("the %s is %d characters; the limit is %d", what, utf8.RuneCountInString(s), max)
	}
	if hasControl(s) {
		return "", Invalid("the %s cannot contain control characters", what)
	}
	return s, nil
}

// validWindow reads a window with ParseWindow and words its error.
func validWindow(s string) (Duration, error) {
	d, err := ParseWindow(s)
	if err != nil {
		return 0, Invalid("%s", strings.TrimPrefix(err.Error(), ErrInvalid.Error()+": "))
	}
	return d, nil
}

// DurationShaped reports whether s looks like a window (digits and units,
// e.g. 48h, 7d, 1h30m, 2w) rather than a name.
func DurationShaped(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	s = strings.ToLower(s)
	for s != "" {
		i := 0
		for i < len(s) && ('0' <= s[i] && s[i] <= '9' || s[i] == '.') {
			i++
		}
		if i == 0 {
			return false
		}
		j := i
		for j < len(s) && 'a' <= s[j] && s[j] <= 'z' {
			j++
		}
		switch s[i:j] {
		case "ns", "us", "ms", "s", "m", "h", "d", "w":
		default:
			return false
		}
		s = s[j:]
	}
	return true
}

// ValidEventType accepts a System Log event type or a pattern:
// segments of letters, digits and _ separated by dots; later segments may
// use * (user.authentication.*). Okta's types are lower case apart from a
// few such as user.authentication.auth_via_IDP, so case is kept.
func ValidEventType(s string) (string, error) {
	bad := func() (string, error) {
		return "", Invalid("%q is not an event type: use Okta's dotted names, e.g. user.session.start or user.authentication.*", Excerpt(s))
	}
	if len(s) > maxEventType {
		return bad()
	}
	for i, seg := range strings.Split(s, ".") {
		if seg == "" {
			return bad()
		}
		for j := 0; j < len(seg); j++ {
			c := seg[j]
			ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || (c == '*' && i > 0)
			if !ok {
				return bad()
			}
		}
	}
	return s, nil
}

// The values the outcome and status arguments take, in their canonical
// forms. The parser and the model's tool schemas both read them.
var (
	outcomes     = []string{"SUCCESS", "FAILURE", "SKIPPED", "ALLOW", "DENY", "CHALLENGE", "UNKNOWN"}
	userStatuses = []string{"STAGED", "PROVISIONED", "ACTIVE", "RECOVERY", "PASSWORD_EXPIRED", "LOCKED_OUT", "SUSPENDED", "DEPROVISIONED"}
	appStatuses  = []string{"ACTIVE", "INACTIVE"}
)

// Outcomes lists the System Log outcome.result values the outcome argument
// takes.
func Outcomes() []string { return slices.Clone(outcomes) }

// Statuses lists the values the status argument of kind k takes: ACTIVE or
// INACTIVE for list_apps, Okta's user statuses otherwise.
func Statuses(k Kind) []string {
	if k == ListApps {
		return slices.Clone(appStatuses)
	}
	return slices.Clone(userStatuses)
}

// validOutcome accepts the System Log's outcome.result values.
func validOutcome(s string) (string, error) {
	u := strings.ToUpper(s)
	switch {
	case slices.Contains(outcomes, u):
		return u, nil
	case u == "FAILED" || u == "FAIL":
		return "FAILURE", nil
	}
	return "", Invalid("%q is not an outcome: use %s", Excerpt(s), orList(outcomes))
}

// validStatus accepts the statuses of the kind's objects: Okta's user
// statuses for list_users, ACTIVE or INACTIVE for list_apps.
func validStatus(k Kind, s string) (string, error) {
	u := strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToUpper(s))
	if k == ListApps {
		switch {
		case slices.Contains(appStatuses, u):
			return u, nil
		case u == "DEACTIVATED":
			return "INACTIVE", nil
		}
		return "", Invalid("%q is not an application status: use %s", Excerpt(s), orList(appStatuses))
	}
	switch {
	case slices.Contains(userStatuses, u):
		return u, nil
	case u == "LOCKED":
		return "LOCKED_OUT", nil
	case u == "DEACTIVATED":
		return "DEPROVISIONED", nil
	}
	return "", Invalid("%q is not a user status: use %s", Excerpt(s), orList(userStatuses))
}

// validCountries reads a comma-separated list of country names or codes into
// the System Log's English names, without repeats.
func validCountries(s string) ([]string, error) {
	parts := strings.Split(s, ",")
	if len(parts) > MaxCountries {
		return nil, Invalid("too many countries (at most %d)", MaxCountries)
	}
	var out []string
	for _, part := range parts {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, ok := CountryName(part)
		if !ok {
			return nil, Invalid("%q is not a country oktabot knows: use an ISO code such as RU or a name such as Russia", Excerpt(part))
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		return nil, Invalid("countries: is empty; give codes or names, e.g. countries:RU,KP")
	}
	return out, nil
}

// validLimit accepts 1..1000.
func validLimit(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxLimit {
		return 0, Invalid("limit must be a whole number from 1 to %d (got %q)", maxLimit, Excerpt(s))
	}
	return n, nil
}

// validID accepts a proposal id: letters, digits, - and _.
func validID(s string) (string, error) {
	ok := len(s) <= maxID
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
	}
	if !ok {
		return "", Invalid("%q is not a proposal id: ids look like p-7Q2M (see /okta pending)", Excerpt(s))
	}
	return s, nil
}

func hasControl(s string) bool { return strings.ContainsFunc(s, unicode.IsControl) }

func isSpace(r rune) bool { return unicode.IsSpace(r) }

// IsAlnum reports whether s holds only ASCII letters and digits.
func IsAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
