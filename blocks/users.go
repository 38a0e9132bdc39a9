package blocks

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// dormantAfter is how long without a sign-in makes an active account
// worth a flag.
const dormantAfter = 90 * 24 * time.Hour

// users is the list of a result's users: status, name, login, role, last
// sign-in.
func (rc *rctx) users() list {
	us, c, in := rc.r.Users, rc.c, rc.r.Intent
	empty := "No users match."
	switch {
	case in.Kind == intents.GroupMembers:
		empty = "This group has no members."
	case in.Kind == intents.MFAStatus:
		empty = ":white_check_mark: Every active user has a strong MFA factor."
	case in.Kind == intents.ListUsers && !filtered(in):
		empty = unfilteredEmpty("users")
	}
	return list{one: "user", many: "users", n: len(us), empty: empty, row: func(i int) string {
		u := us[i]
		name := md(orID(u.Name(), u.ID), c.name)
		login := ""
		if u.Login != u.Name() {
			login = md(u.Login, c.name)
		}
		email := ""
		if u.Email != "" && !strings.EqualFold(u.Email, u.Login) {
			email = md(u.Email, c.name)
		}
		role := md(joinNonEmpty(", ", u.Title, u.Department), c.name)
		seen := "never signed in"
		if !u.LastLogin.IsZero() {
			seen = "signed in " + rc.when(u.LastLogin)
		}
		mark := statusEmoji(u.Status)
		if in.Kind == intents.MFAStatus {
			mark = ":warning:" // listed for having no MFA: never a green mark
		}
		return joinNonEmpty(" · ", mark+" "+bold(name), login, email, role, seen)
	}, act: func(i int) slack.BlockElement {
		// A list offers only what a row's status calls for: Unlock.
		if u := us[i]; strings.EqualFold(u.Status, "LOCKED_OUT") {
			return userActButton(i, intents.UnlockUser, u, "Unlock "+plainText(orID(u.Login, u.ID), 60))
		}
		return nil
	}}
}

// profile is the user_details card: who, status and warnings first, then
// the facts, factors, groups and apps.
func (rc *rctx) profile() Message {
	p := rc.r.Profile
	if p == nil {
		p = &intents.UserProfile{User: rc.r.Users[0]}
	}
	u, c := p.User, rc.c
	name := plainText(u.Name(), 120)
	if name == "" {
		name = plainText(u.ID, 60)
	}
	blocks := []slack.Block{header("title", ":bust_in_silhouette: "+name)}

	top := joinNonEmpty(" · ", joinNonEmpty(" ", statusEmoji(u.Status), bold(md(u.Status, c.word))), since(rc, u.StatusChanged), md(u.Login, c.name))
	for _, w := range rc.warnings(p) {
		top += "\n" + w
	}
	email := ""
	if !strings.EqualFold(u.Email, u.Login) {
		email = md(u.Email, c.name)
	}
	blocks = append(blocks, fieldsSection("card", top, []field{
		{"Email", email},
		{"Department", md(u.Department, c.name)},
		{"Title", md(u.Title, c.name)},
		{"Created", rc.when(u.Created)},
		{"Last sign-in", rc.timeAgo(u.LastLogin, "never")},
		{"Password changed", rc.timeAgo(u.PasswordChanged, "never")},
		{"Okta ID", code(u.ID, 40)},
	}))

	blocks = append(blocks, section("factors", rc.factors(p.Factors)))
	groups := make([]string, len(p.Groups))
	for i, g := range p.Groups {
		groups[i] = g.Name
	}
	blocks = append(blocks, section("groups", "*Groups ("+count(len(groups))+")*\n"+rc.inline(groups, "No groups.")))
	apps := make([]string, len(p.Apps))
	for i, a := range p.Apps {
		apps[i] = a.Label
	}
	blocks = append(blocks, section("apps", "*Applications ("+count(len(apps))+")*\n"+rc.inline(apps, "No applications.")))
	if a := cardActions(p); a != nil {
		blocks = append(blocks, a)
	}

	who := u.Name()
	if u.Login != "" && u.Login != who {
		who += " (" + u.Login + ")"
	}
	text := "User " + md(who, 900) + ": " + md(u.Status, c.word)
	if w := rc.warnings(p); len(w) > 0 {
		text += " · " + plural(len(w), "warning", "warnings")
	}
	return Message{Text: text, Blocks: blocks}
}

// warnings are the facts about a user a SOC analyst must not miss.
func (rc *rctx) warnings(p *intents.UserProfile) []string {
	u := p.User
	var out []string
	var active, weak []string
	for _, f := range p.Factors {
		if strings.EqualFold(f.Status, "ACTIVE") {
			active = append(active, f.Type)
			if f.Weak() {
				weak = append(weak, factorName(f.Type))
			}
		}
	}
	switch {
	case len(active) == 0:
		out = append(out, ":warning: *No active MFA factor.*")
	case len(weak) == len(active):
		out = append(out, ":warning: *Only weak MFA* ("+md(strings.Join(weak, ", "), rc.c.long)+"): phishable or open to SIM swap.")
	}
	if slices.Contains(p.Blocks, "UNKNOWN_DEVICES") {
		out = append(out, ":no_entry: *Blocked from new devices*: Okta refuses sign-ins from devices it does not know until the user is unlocked.")
	}
	if !rc.o.Now.IsZero() && strings.EqualFold(u.Status, "ACTIVE") {
		switch {
		case !u.LastLogin.IsZero() && rc.o.Now.Sub(u.LastLogin) > dormantAfter:
			out = append(out, ":zzz: No sign-in for "+age(rc.o.Now, u.LastLogin)+".")
		case u.LastLogin.IsZero() && !u.Created.IsZero() && rc.o.Now.Sub(u.Created) > dormantAfter:
			out = append(out, ":zzz: Never signed in (created "+age(rc.o.Now, u.Created)+" ago).")
		}
	}
	return out
}

// factors lists enrolled factors, weak ones marked.
func (rc *rctx) factors(fs []intents.Factor) string {
	head := "*MFA factors (" + count(len(fs)) + ")*"
	if len(fs) == 0 {
		return head + "\nNone enrolled."
	}
	lines := []string{head}
	for i, f := range fs {
		if i == 10 {
			lines = append(lines, "… and "+count(len(fs)-10)+" more")
			break
		}
		mark := ":white_check_mark:"
		note := ""
		if f.Weak() {
			mark, note = ":warning:", " — _weak_"
		}
		if !strings.EqualFold(f.Status, "ACTIVE") {
			mark = statusEmoji(f.Status)
		}
		name := factorName(f.Type)
		if f.Provider != "" && f.Provider != "OKTA" {
			name += " (" + f.Provider + ")"
		}
		lines = append(lines, joinNonEmpty(" · ", mark+" "+bold(md(name, rc.c.name)), md(f.Status, rc.c.word), md(maskPhone(f.Name), rc.c.name))+note)
	}
	return strings.Join(lines, "\n")
}

// maskPhone keeps only the last four digits of what looks like a phone
// number: a factor's name is shown in a channel.
func maskPhone(s string) string {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-() .", r):
		default:
			return s
		}
	}
	if digits < 7 {
		return s
	}
	return "•••" + s[len(s)-4:]
}

// inline lists names on one line, up to the cap, then "… and N more".
func (rc *rctx) inline(names []string, none string) string {
	if len(names) == 0 {
		return none
	}
	shown := min(len(names), rc.c.items)
	parts := make([]string, shown)
	for i := range shown {
		parts[i] = md(names[i], rc.c.name)
	}
	s := strings.Join(parts, ", ")
	if rest := len(names) - shown; rest > 0 {
		s += " … and " + count(rest) + " more"
	}
	return s
}

// timeAgo is t as a date token with its age when Options.Now is set, or
// zero when t is zero.
func (rc *rctx) timeAgo(t time.Time, zero string) string {
	if t.IsZero() {
		return zero
	}
	s := rc.when(t)
	if a := age(rc.o.Now, t); !rc.o.Now.IsZero() && a != "" {
		s += " (" + a + " ago)"
	}
	return s
}

func since(rc *rctx, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return "since " + rc.when(t)
}

// ActionUserAct prefixes the action buttons of user cards and user lists
// ("user_act_0" …). Each value names one action and one user by Okta id
// (EncodeUserAction); a click proposes the action exactly as the slash
// command would, and changes nothing by itself.
const ActionUserAct = "user_act"

// userActLabels are the actions a user's buttons may carry, with their
// labels. DecodeUserAction accepts these kinds and no other.
var userActLabels = map[intents.Kind]string{
	intents.UnlockUser:    "Unlock",
	intents.UnsuspendUser: "Unsuspend",
	intents.ActivateUser:  "Activate",
	intents.SuspendUser:   "Suspend",
	intents.ClearSessions: "Clear sessions",
	intents.ResetFactors:  "Reset factors",
	intents.ResetPassword: "Reset password",
}

// UserActions are the actions that fit a user as Okta has them now, most
// urgent first: Unlock a locked-out user (or an ACTIVE one blocked from
// new devices), Suspend, Clear sessions and Reset factors (when they have
// some) an ACTIVE one, Unsuspend a suspended one, Reset the password of
// one whose password is expired or under reset, Activate one who never
// finished activation. factors < 0 means unknown (a list row): Reset
// factors is left out.
func UserActions(u intents.User, factors int, blocked bool) []intents.Kind {
	var out []intents.Kind
	withFactors := func(ks ...intents.Kind) []intents.Kind {
		if factors > 0 {
			ks = append(ks, intents.ResetFactors)
		}
		return ks
	}
	switch strings.ToUpper(u.Status) {
	case "ACTIVE":
		if blocked {
			out = append(out, intents.UnlockUser)
		}
		out = append(out, withFactors(intents.SuspendUser, intents.ClearSessions)...)
		out = append(out, intents.ResetPassword)
	case "LOCKED_OUT":
		out = withFactors(intents.UnlockUser, intents.ResetPassword, intents.ClearSessions)
	case "PASSWORD_EXPIRED", "RECOVERY":
		out = withFactors(intents.ResetPassword, intents.ClearSessions)
	case "SUSPENDED":
		out = []intents.Kind{intents.UnsuspendUser}
	case "STAGED", "PROVISIONED":
		out = []intents.Kind{intents.ActivateUser}
	}
	return out
}

// userActionValue is the value of a user action button.
type userActionValue struct {
	V int          `json:"v"`
	K intents.Kind `json:"k"`
	U string       `json:"u"` // the user's Okta id
}

// EncodeUserAction encodes one action on one user for a button. It fails
// for what DecodeUserAction would refuse.
func EncodeUserAction(k intents.Kind, userID string) (string, error) {
	if err := checkUserAction(k, userID); err != nil {
		return "", fmt.Errorf("blocks: encode user action: %w", err)
	}
	v, err := encodeButtonJSON(userActionValue{V: pageValueVersion, K: k, U: userID})
	if err != nil {
		return "", fmt.Errorf("blocks: encode user action: %w", err)
	}
	return v, nil
}

// DecodeUserAction reads a user action button's value as the request it
// stands for. Slack hands the value back verbatim, but it is input: only
// an action a user button may carry, on one Okta user id, is accepted.
// Errors wrap intents.ErrInvalid.
func DecodeUserAction(value string) (intents.Intent, error) {
	var v userActionValue
	if err := decodeButtonJSON(value, &v); err != nil {
		return intents.Intent{}, fmt.Errorf("blocks: decode user action: %w", err)
	}
	if v.V != pageValueVersion {
		return intents.Intent{}, fmt.Errorf("blocks: decode user action: %w: unknown version %d", intents.ErrInvalid, v.V)
	}
	if err := checkUserAction(v.K, v.U); err != nil {
		return intents.Intent{}, fmt.Errorf("blocks: decode user action: %w", err)
	}
	return intents.Intent{Kind: v.K, User: v.U}, nil
}

// checkUserAction is the one rule for a user action button: a kind of
// userActLabels and an Okta id (letters and digits, as Okta makes them).
func checkUserAction(k intents.Kind, userID string) error {
	if _, ok := userActLabels[k]; !ok {
		return fmt.Errorf("%w: %q is not a user button's action", intents.ErrInvalid, clip(string(k), 40))
	}
	if userID == "" || len(userID) > 64 || strings.IndexFunc(userID, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}) >= 0 {
		return fmt.Errorf("%w: %q is not an Okta user id", intents.ErrInvalid, clip(userID, 40))
	}
	return nil
}

// userActButton is the button of action k on u, labelled label; nil when
// the value cannot be encoded (the action is still typed as a command).
func userActButton(i int, k intents.Kind, u intents.User, label string) slack.BlockElement {
	v, err := EncodeUserAction(k, u.ID)
	if err != nil {
		return nil
	}
	return button(fmt.Sprintf("%s_%d", ActionUserAct, i), label, v)
}

// cardActions is the actions block of a user card: the actions that fit
// the user, one button each.
func cardActions(p *intents.UserProfile) slack.Block {
	var els []slack.BlockElement
	for _, k := range UserActions(p.User, len(p.Factors), slices.Contains(p.Blocks, "UNKNOWN_DEVICES")) {
		if b := userActButton(len(els), k, p.User, userActLabels[k]); b != nil {
			els = append(els, b)
		}
	}
	if len(els) == 0 {
		return nil
	}
	return slack.NewActionBlock("user_actions", els...)
}
