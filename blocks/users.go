package blocks

import (
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
		return joinNonEmpty(" · ", statusEmoji(u.Status)+" "+bold(name), login, email, role, seen)
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
