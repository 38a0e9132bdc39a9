package demo

import (
	"time"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// demoTask is one piece of ordinary admin work: onboarding, offboarding,
// a leave of absence, a password reset, a group or app change.
type demoTask struct {
	date, admin, kind string
	group             *demoGroup
	app               *demoApp
	target            *demoUser
}

// planAdminWork decides the week's admin work before anyone's activity is
// written, so that the people it changes stop signing in (or get access)
// at the right time. The IT team does it in office hours on the window's
// last five working days (adminDays).
func (b *demoBuilder) planAdminWork() []*demoTask {
	plan := []struct {
		day               int // of the week's five working days, 0 the oldest
		admin, kind, what string
	}{
		{0, "maria", "create", ""},
		{0, "maria", "groupAdd", "People Managers"},
		{0, "tom", "reset", ""},
		{0, "derek", "reset", ""},
		{1, "maria", "createActivate", ""},
		{1, "maria", "suspend", ""},
		{1, "tom", "deactivate", ""},
		{1, "tom", "reset", ""},
		{2, "maria", "create", ""},
		{2, "maria", "appAssign", "Salesforce"},
		{2, "tom", "groupAdd", "Zoom AI Companion Beta"},
		{2, "tom", "groupRemove", "Zoom AI Companion Beta"},
		{3, "maria", "createActivate", ""},
		{3, "maria", "deactivate", ""},
		{3, "maria", "reset", ""},
		{3, "maria", "appAssign", "DocuSign"},
		{3, "tom", "suspend", ""},
		{3, "tom", "groupAdd", "AWS Production Access"},
		{4, "tom", "recover", ""},
		{4, "tom", "create", ""},
		{4, "tom", "appAssign", "Zendesk"},
		{4, "tom", "groupRemove", "Zoom AI Companion Beta"},
	}
	var hires []*demoUser
	for _, u := range b.users {
		if u.newHire {
			hires = append(hires, u)
		}
	}
	var tasks []*demoTask
	for _, p := range plan {
		admin := b.role(p.admin)
		t := &demoTask{date: b.adminDays(admin.city.loc())[p.day], admin: p.admin, kind: p.kind}
		switch p.kind {
		case "create", "createActivate":
			t.target, hires = hires[0], hires[1:]
			t.target.status = map[string]string{"create": "STAGED", "createActivate": "PROVISIONED"}[p.kind]
		case "reset":
			t.target = b.fromPool(func(u *demoUser) bool { return u.signsIn() })
		case "suspend", "deactivate", "recover":
			t.target = b.fromPool(func(u *demoUser) bool { return u.signsIn() })
			t.target.status = map[string]string{"suspend": "SUSPENDED", "deactivate": "DEPROVISIONED", "recover": "RECOVERY"}[p.kind]
			t.target.stopDate = t.date
			t.target.sessions = -1
		case "groupAdd":
			t.group = b.group(p.what)
			t.target = b.fromPool(func(u *demoUser) bool {
				return u.signsIn() && !t.group.has(u) && (t.group.name != "AWS Production Access" || u.dept == "Product")
			})
			t.group.add(t.target)
			t.target.memberSince[t.group.id] = b.now // set to the task's time once it is written
		case "groupRemove":
			t.group = b.group(p.what)
			t.target = b.fromPool(func(u *demoUser) bool { return u.signsIn() && t.group.has(u) })
			if t.target == nil {
				t.target = b.fromPool(func(u *demoUser) bool { return u.signsIn() })
			} else {
				t.group.remove(t.target)
			}
		case "appAssign":
			t.app = b.app(p.what)
			t.target = b.fromPool(func(u *demoUser) bool { return u.signsIn() && !b.assigned(u, t.app, b.now) })
			t.app.users = append(t.app.users, t.target)
			t.target.assignedSince[t.app.id] = b.now
		}
		tasks = append(tasks, t)
	}
	return tasks
}

// fromPool takes the first ordinary person ok accepts out of the pool.
func (b *demoBuilder) fromPool(ok func(*demoUser) bool) *demoUser {
	for i, u := range b.statusPool {
		if ok(u) {
			b.statusPool = append(b.statusPool[:i], b.statusPool[i+1:]...)
			return u
		}
	}
	return nil
}

// role finds a pinned person by role.
func (b *demoBuilder) role(role string) *demoUser {
	for _, u := range b.users {
		if u.role == role {
			return u
		}
	}
	panic("oktasim: demo: no one plays " + role) // a typo in the demo's own tables
}

// adminWork writes the planned tasks into the admins' working days: each
// admin's tasks of a date in one sitting, in the plan's order.
func (b *demoBuilder) adminWork(tasks []*demoTask) {
	type sitting struct{ date, admin string }
	var order []sitting
	byDay := map[sitting][]*demoTask{}
	for _, t := range tasks {
		k := sitting{t.date, t.admin}
		if byDay[k] == nil {
			order = append(order, k)
		}
		byDay[k] = append(byDay[k], t)
	}
	for _, k := range order {
		b.adminDay(byDay[k])
	}
}

func (b *demoBuilder) adminDay(tasks []*demoTask) {
	admin := b.role(tasks[0].admin)
	loc := admin.city.loc()
	var day *demoDay
	for i := range admin.days {
		if admin.days[i].date == tasks[0].date {
			day = &admin.days[i]
		}
	}
	if day == nil { // a day off after all: they come in for the work
		date, _ := time.ParseInLocation(time.DateOnly, tasks[0].date, loc)
		from := admin.city.officeNet
		sid, start := b.signIn(demoSignIn{u: admin, at: date.Add(9*time.Hour + 5*time.Minute), from: from, agent: admin.agent, dtHash: admin.dtHash})
		admin.days = append(admin.days, demoDay{date: tasks[0].date, start: start, end: start.Add(8 * time.Hour), from: from, sid: sid})
		day = &admin.days[len(admin.days)-1]
	}
	date, _ := time.ParseInLocation(time.DateOnly, day.date, loc)
	t := day.start.Add(15 * time.Minute)
	if open := date.Add(9*time.Hour + 30*time.Minute); t.Before(open) {
		t = open
	}
	t = t.Add(time.Duration(b.act.IntN(90*60)) * time.Second)
	limit := day.end
	if b.now.Before(limit) {
		limit = b.now
	}
	limit = limit.Add(-time.Minute)
	if latest := limit.Add(-time.Duration(len(tasks)+1) * time.Minute); t.After(latest) { // the day is still young: be done by now
		t = latest
		if first := day.start.Add(time.Minute); t.Before(first) {
			t = first
		}
	}
	t = b.adminConsole(admin, day.sid, day.from, admin.agent, t)
	for _, task := range tasks {
		next := t.Add(b.jitter(4*60, 35*60))
		if next.After(limit) {
			next = t.Add(b.jitter(20, 60))
		}
		t = next
		b.adminTask(admin, day, task, t)
	}
}

// adminTask writes one task's events at t and brings its objects up to date.
func (b *demoBuilder) adminTask(admin *demoUser, day *demoDay, task *demoTask, t time.Time) {
	u := task.target
	log := func(typ string, at time.Time, txn, uri string, targets ...any) {
		b.emit(demoLog{typ: typ, at: at, actor: admin, from: day.from, agent: admin.agent, session: day.sid,
			result: "SUCCESS", targets: targets, txn: txn, uri: uri, debug: oktasim.Object{"dtHash": admin.dtHash}})
	}
	users := "/api/v1/users/" + u.id
	touch := func(at time.Time) {
		if at.After(u.lastUpdated) {
			u.lastUpdated = at
		}
	}
	switch task.kind {
	case "create", "createActivate":
		txn := b.txnID()
		log("user.lifecycle.create", t, txn, "/api/v1/users?activate=false", u.target())
		u.created, u.statusChanged, u.lastUpdated = t, t, t
		everyone := b.group("Everyone")
		b.appMemberships(log, u, everyone, t.Add(200*time.Millisecond), txn, "/api/v1/users?activate=false")
		everyone.lastMembership = t
		dept := b.group(u.dept)
		gt := t.Add(b.jitter(20, 90))
		gtxn := b.txnID()
		uri := "/api/v1/groups/" + dept.id + "/users/" + u.id
		log("group.user_membership.add", gt, gtxn, uri, u.target(), dept.target())
		b.appMemberships(log, u, dept, gt.Add(150*time.Millisecond), gtxn, uri)
		dept.lastMembership = gt
		u.lastUpdated = gt
		if task.kind == "createActivate" {
			at := gt.Add(b.jitter(30, 150))
			log("user.lifecycle.activate", at, "", users+"/lifecycle/activate?sendEmail=true", u.target())
			u.activated, u.statusChanged, u.lastUpdated = at, at, at
		}
	case "reset", "recover":
		log("user.account.reset_password", t, "", users+"/lifecycle/reset_password?sendEmail=true", u.target())
		if task.kind == "recover" {
			u.statusChanged = t
			touch(t)
			return
		}
		u.passwordCh = t.Add(20 * time.Minute)
		for _, d := range u.days {
			if d.start.After(t) {
				u.passwordCh = d.start.Add(-40 * time.Second)
				break
			}
		}
		touch(u.passwordCh)
	case "suspend":
		log("user.lifecycle.suspend", t, "", users+"/lifecycle/suspend", u.target())
		u.statusChanged = t
		touch(t)
	case "deactivate":
		log("user.lifecycle.deactivate", t, "", users+"/lifecycle/deactivate", u.target())
		u.statusChanged, u.factors = t, nil
		touch(t)
	case "groupAdd":
		txn := b.txnID()
		uri := "/api/v1/groups/" + task.group.id + "/users/" + u.id
		log("group.user_membership.add", t, txn, uri, u.target(), task.group.target())
		for _, a := range task.group.apps {
			if !b.assigned(u, a, t) {
				b.appMembership(log, u, a, t.Add(150*time.Millisecond), txn, uri)
			}
		}
		u.memberSince[task.group.id] = t
		task.group.lastMembership = t
	case "groupRemove":
		log("group.user_membership.remove", t, "", "/api/v1/groups/"+task.group.id+"/users/"+u.id, u.target(), task.group.target())
		task.group.lastMembership = t
	case "appAssign":
		b.appMembership(log, u, task.app, t, "", "/api/v1/apps/"+task.app.id+"/users")
		u.assignedSince[task.app.id] = t
	}
}

// appMemberships writes the app assignments a user gets by joining g.
func (b *demoBuilder) appMemberships(log func(string, time.Time, string, string, ...any), u *demoUser, g *demoGroup, at time.Time, txn, uri string) {
	for i, a := range g.apps {
		b.appMembership(log, u, a, at.Add(time.Duration(i*37)*time.Millisecond), txn, uri)
	}
}

func (b *demoBuilder) appMembership(log func(string, time.Time, string, string, ...any), u *demoUser, a *demoApp, at time.Time, txn, uri string) {
	appUser := oktasim.Object{"id": b.appUser(u, a), "type": "AppUser", "alternateId": u.login, "displayName": u.name(), "detailEntry": nil}
	log("application.user_membership.add", at, txn, uri, appUser, a.target(), u.target())
}
