package oktasim

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// timeFields are the timestamps of stored objects that a fixture's now
// shifts along with its events.
var timeFields = []string{"created", "activated", "statusChanged", "lastLogin", "lastUpdated",
	"passwordChanged", "lastMembershipUpdated"}

// loader builds an org from a fixture.
type loader struct {
	o     *org
	now   time.Time
	shift time.Duration
}

// loadOrg copies a fixture into a new org. now is the present; a fixture's
// Now is moved onto it.
func loadOrg(fx *Fixture, now time.Time) (*org, error) {
	l := &loader{o: newOrg(), now: now}
	switch fx.Dialect {
	case "", DialectOIE:
		l.o.dialect = DialectOIE
	case DialectClassic:
		l.o.dialect = DialectClassic
	default:
		return nil, fmt.Errorf("oktasim: fixture: dialect %q: want %q or %q", fx.Dialect, DialectOIE, DialectClassic)
	}
	if err := l.o.setFeatures(fx); err != nil {
		return nil, err
	}
	if !fx.Now.IsZero() {
		l.shift = now.Sub(fx.Now)
	}
	steps := []func(*Fixture) error{l.users, l.actors, l.groups, l.apps, l.groupApps, l.policies, l.factors, l.logs}
	for _, step := range steps {
		if err := step(fx); err != nil {
			return nil, fmt.Errorf("oktasim: fixture: %w", err)
		}
	}
	return l.o, nil
}

// prepare copies a fixture object, drops "_links" and shifts its times.
func (l *loader) prepare(what string, i int, src Object) (Object, error) {
	obj, err := copyObject(src)
	if err != nil {
		return nil, fmt.Errorf("%s %d: %w", what, i, err)
	}
	delete(obj, "_links")
	if l.shift != 0 {
		for _, f := range timeFields {
			if t, ok := parseTime(obj[f]); ok {
				obj[f] = formatTime(t.Add(l.shift))
			}
		}
	}
	return obj, nil
}

func (l *loader) users(fx *Fixture) error {
	for i, src := range fx.Users {
		obj, err := l.prepare("user", i, src)
		if err != nil {
			return err
		}
		sessions, hasSessions := obj["_sessions"]
		delete(obj, "_sessions")
		blocked, err := takeBlocks(obj)
		if err != nil {
			return fmt.Errorf("user %d (%s): %w", i, describe(src), err)
		}
		roles, err := takeRoles(obj, l.now)
		if err != nil {
			return fmt.Errorf("user %d (%s): %w", i, describe(src), err)
		}
		u, err := l.o.addUser(obj, l.now)
		if err != nil {
			return fmt.Errorf("user %d (%s): %w", i, describe(src), err)
		}
		l.o.setRoles(u.id, roles)
		if blocked {
			l.o.blockLocked(u.id)
		}
		switch {
		case hasSessions:
			n, ok := sessions.(float64)
			if !ok {
				return fmt.Errorf("user %s: _sessions is %T, want a number", u.id, sessions)
			}
			l.o.sessions[u.id] = int(n)
		case u.str("status") == "ACTIVE":
			l.o.sessions[u.id] = 1
		}
	}
	return nil
}

// actors adds every User actor of the logs that is not a user yet, as an
// ACTIVE user.
func (l *loader) actors(fx *Fixture) error {
	for _, ev := range fx.Logs {
		actor, _ := ev["actor"].(map[string]any)
		if actor == nil || actor["type"] != "User" {
			continue
		}
		id, _ := actor["id"].(string)
		if id == "" || strings.EqualFold(id, "unknown") || l.o.users.byID[id] != nil {
			continue // Okta's actor for a sign-in with a name no user has
		}
		login, _ := actor["alternateId"].(string)
		if login == "" || strings.EqualFold(login, "unknown") {
			login = id + "@unknown.invalid"
		}
		if l.o.logins[strings.ToLower(login)] != nil {
			continue // the login belongs to another user: the fixture said so
		}
		first, last, _ := strings.Cut(fmt.Sprint(actor["displayName"]), " ")
		profile := Object{"login": login, "email": login}
		if actor["displayName"] != nil {
			profile["firstName"], profile["lastName"] = first, last
		}
		u, err := l.o.addUser(Object{"id": id, "status": "ACTIVE", "profile": profile}, l.now)
		if err != nil {
			return fmt.Errorf("log actor %s: %w", id, err)
		}
		l.o.sessions[u.id] = 1
	}
	return nil
}

func (l *loader) groups(fx *Fixture) error {
	for i, src := range fx.Groups {
		obj, err := l.prepare("group", i, src)
		if err != nil {
			return err
		}
		members, err := stringList(obj["members"])
		if err != nil {
			return fmt.Errorf("group %d (%s) members: %w", i, describe(src), err)
		}
		delete(obj, "members")
		delete(obj, "apps") // resolved in groupApps, once apps exist
		roles, err := takeRoles(obj, l.now)
		if err != nil {
			return fmt.Errorf("group %d (%s): %w", i, describe(src), err)
		}
		g, err := l.o.addGroup(obj, l.now)
		if err != nil {
			return fmt.Errorf("group %d (%s): %w", i, describe(src), err)
		}
		l.o.setRoles(g.id, roles)
		for _, m := range members {
			u := l.o.user(m)
			if u == nil {
				return fmt.Errorf("group %s (%s): member %q is no user", g.id, g.str("profile", "name"), m)
			}
			addTo(l.o.members, g.id, u.id)
		}
	}
	return nil
}

// groupByRef finds a group by id or name.
func (o *org) groupByRef(ref string) *entity {
	if g := o.groups.byID[ref]; g != nil {
		return g
	}
	for _, g := range o.groups.list {
		if strings.EqualFold(g.str("profile", "name"), ref) {
			return g
		}
	}
	return nil
}

// appByRef finds an app by id, label or name.
func (o *org) appByRef(ref string) *entity {
	if a := o.apps.byID[ref]; a != nil {
		return a
	}
	for _, a := range o.apps.list {
		if strings.EqualFold(a.str("label"), ref) || a.str("name") == ref {
			return a
		}
	}
	return nil
}

func (l *loader) apps(fx *Fixture) error {
	for i, src := range fx.Apps {
		obj, err := l.prepare("app", i, src)
		if err != nil {
			return err
		}
		users, err1 := stringList(obj["users"])
		groups, err2 := stringList(obj["groups"])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("app %d (%s): users or groups: not a list of ids", i, describe(src))
		}
		delete(obj, "users")
		delete(obj, "groups")
		a, err := l.o.addApp(obj, l.now)
		if err != nil {
			return fmt.Errorf("app %d (%s): %w", i, describe(src), err)
		}
		for _, ref := range users {
			u := l.o.user(ref)
			if u == nil {
				return fmt.Errorf("app %s (%s): user %q is no user", a.id, a.str("label"), ref)
			}
			addTo(l.o.appUsers, a.id, u.id)
		}
		for _, ref := range groups {
			g := l.o.groupByRef(ref)
			if g == nil {
				return fmt.Errorf("app %s (%s): group %q is no group", a.id, a.str("label"), ref)
			}
			addTo(l.o.appGroups, a.id, g.id)
		}
	}
	return nil
}

func (l *loader) groupApps(fx *Fixture) error {
	for i, src := range fx.Groups {
		refs, err := stringList(src["apps"])
		if err != nil {
			return fmt.Errorf("group %d (%s) apps: %w", i, describe(src), err)
		}
		if len(refs) == 0 {
			continue
		}
		g := l.o.groups.list[i]
		for _, ref := range refs {
			a := l.o.appByRef(ref)
			if a == nil {
				return fmt.Errorf("group %s (%s): app %q is no app", g.id, g.str("profile", "name"), ref)
			}
			addTo(l.o.appGroups, a.id, g.id)
		}
	}
	return nil
}

func (l *loader) policies(fx *Fixture) error {
	for i, src := range fx.Policies {
		obj, err := l.prepare("policy", i, src)
		if err != nil {
			return err
		}
		rules, err := objectList(obj["rules"])
		if err != nil {
			return fmt.Errorf("policy %d (%s) rules: %w", i, describe(src), err)
		}
		delete(obj, "rules")
		p, err := l.o.addPolicy(obj, l.now)
		if err != nil {
			return fmt.Errorf("policy %d (%s): %w", i, describe(src), err)
		}
		for j, rsrc := range rules {
			robj, err := l.prepare("rule", j, rsrc)
			if err != nil {
				return fmt.Errorf("policy %s: %w", p.id, err)
			}
			if _, err := l.o.addRule(p, robj, l.now); err != nil {
				return fmt.Errorf("policy %s rule %d (%s): %w", p.id, j, describe(rsrc), err)
			}
		}
	}
	return nil
}

func (l *loader) factors(fx *Fixture) error {
	refs := make([]string, 0, len(fx.Factors))
	for ref := range fx.Factors {
		refs = append(refs, ref)
	}
	sort.Strings(refs) // ids are made in a stable order
	for _, ref := range refs {
		list := fx.Factors[ref]
		u := l.o.user(ref)
		if u == nil {
			return fmt.Errorf("factors of %q: no such user", ref)
		}
		for i, src := range list {
			obj, err := l.prepare("factor", i, src)
			if err != nil {
				return fmt.Errorf("factors of %s: %w", u.id, err)
			}
			if _, err := l.o.addFactor(u.id, obj, l.now); err != nil {
				return fmt.Errorf("factor %d (%s) of %s: %w", i, describe(src), u.id, err)
			}
		}
	}
	return nil
}

func (l *loader) logs(fx *Fixture) error {
	return l.o.addLogs(fx.Logs, l.shift)
}

// describe names a fixture object in an error: its id, else its login,
// label, name or uuid.
func describe(obj Object) string {
	for _, path := range [][]string{{"id"}, {"profile", "login"}, {"profile", "name"}, {"label"}, {"name"}, {"uuid"}} {
		if v, _ := lookup(obj, path...); v != nil && v != "" {
			return fmt.Sprint(v)
		}
	}
	return "without id"
}
