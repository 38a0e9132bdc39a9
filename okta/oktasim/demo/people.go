package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// demoUser is one person (or service account) of the demo org, with where
// they work from and what their days look like.
type demoUser struct {
	id, login, first, last  string
	title, dept, userType   string
	employeeNumber          string
	manager                 *demoUser
	city                    *demoCity
	remote                  bool
	officeShare             float64 // chance of a weekday in the office
	home                    *demoNet
	agent                   demoAgent
	dtHash, passwordEnrollm string
	status                  string

	created, activated, statusChanged  time.Time
	lastLogin, lastUpdated, passwordCh time.Time
	sessions                           int // open sessions; -1: the simulator's default

	factors  []*demoFactor
	groups   []*demoGroup
	appUsers map[string]string // app id → AppUser id ("0ua…")

	// what an admin changed during the window: group or app id → since when
	memberSince, assignedSince map[string]time.Time

	// activity
	role        string               // story or admin handle ("john", "maria", …); "" for most
	story       bool                 // part of a story: exempt from the ordinary-activity rules
	dormant     bool                 // no sign-ins in the window
	newHire     bool                 // created by an admin during the window
	alwaysWorks bool                 // never on leave, works every weekday
	stopDate    string               // local date ("2006-01-02") from which the user no longer signs in
	fixedStart  map[string]time.Time // local date → start of that day's sign-in
	days        []demoDay
	typoUsed    bool
	denyUsed    bool
	blockedNew  bool // blocked from unknown devices (story g)
}

// demoDay is one day's session of a user.
type demoDay struct {
	date       string
	start, end time.Time
	from       *demoNet
	sid        string
}

func (u *demoUser) name() string { return u.first + " " + u.last }

// signsIn reports whether the user has ordinary sign-ins in the window.
func (u *demoUser) signsIn() bool {
	if u.dormant || u.newHire || len(u.factors) == 0 {
		return false
	}
	switch u.status {
	case "ACTIVE":
		return true
	case "RECOVERY", "SUSPENDED", "DEPROVISIONED", "LOCKED_OUT":
		return u.stopDate != "" // only those whose status changed during the window
	}
	return false
}

// demoOrgCreated is when the demo org was set up.
func demoOrgCreated() time.Time { return time.Date(2019, time.March, 4, 17, 12, 45, 0, time.UTC) }

// makePeople creates every department's people, pinned ones first, then the
// break-glass accounts, and gives each a status.
func (b *demoBuilder) makePeople() {
	for _, c := range b.cities {
		if c.office != nil {
			b.officeNet(c)
		}
	}
	pins := demoPins()
	firsts, lasts := demoFirstNames(), demoLastNames()
	taken := map[string]bool{}
	for _, p := range pins {
		taken[strings.ToLower(p.first+"."+p.last)] = true
	}
	randomName := func() (string, string) {
		for {
			f, l := firsts[b.people.IntN(len(firsts))], lasts[b.people.IntN(len(lasts))]
			if key := strings.ToLower(f + "." + l); !taken[key] {
				taken[key] = true
				return f, l
			}
		}
	}
	execs := map[string]*demoUser{}
	for _, d := range demoDepartments() {
		var deptPins []demoPin
		for _, p := range pins {
			if p.dept == d.name {
				deptPins = append(deptPins, p)
			}
		}
		pick := func(list []string) string { return list[b.people.IntN(len(list))] }
		add := func(first, last, title, city string) *demoUser {
			u := b.newUser(first, last, d, title, b.city(city))
			return u
		}
		// the head
		f, l := randomName()
		head := add(f, l, d.head, d.cities[0])
		if d.name == "Executive" {
			execs[d.head] = head
		} else {
			head.manager = execs[d.headReportsTo]
		}
		members := 1
		var managers []*demoUser
		for _, title := range d.managers {
			var u *demoUser
			if p, ok := demoTakePin(&deptPins, func(p demoPin) bool { return p.manager && p.title == title }); ok {
				u = b.pinnedUser(p, d)
			} else {
				f, l := randomName()
				u = add(f, l, title, pick(d.cities))
			}
			u.manager = head
			managers = append(managers, u)
			members++
		}
		boss := func() *demoUser {
			if len(managers) == 0 {
				return head
			}
			return managers[b.people.IntN(len(managers))]
		}
		for _, p := range deptPins {
			u := b.pinnedUser(p, d)
			u.manager = boss()
			members++
		}
		for i := 0; members < d.size; i++ {
			title := pick(d.titles)
			if d.name == "Executive" {
				title = d.titles[i]
			}
			f, l := randomName()
			u := add(f, l, title, pick(d.cities))
			if d.name == "Executive" {
				execs[title] = u
				u.manager = head
			} else {
				u.manager = boss()
			}
			if (d.name == "Engineering" || d.name == "Support") && b.people.Float64() < 0.05 {
				u.userType = "Contractor"
				u.title += " (Contractor)"
			}
			members++
		}
	}
	for i := 1; i <= 2; i++ {
		u := b.newUser("Break Glass", fmt.Sprintf("%02d", i), demoDept{name: "IT", division: "G&A", costCenter: "CC-420"},
			"Emergency access account", b.city("San Francisco"))
		delete(b.byLogin, u.login)
		u.login = fmt.Sprintf("breakglass-%02d@%s", i, demoDomain)
		u.userType = "Service"
		u.role = fmt.Sprintf("breakglass%d", i)
		u.dormant = true
		// tested once a quarter: both at one sitting, some 100 days ago
		if i == 1 {
			u.lastLogin = b.workHours(b.start.AddDate(0, 0, -97), u.city.loc())
		} else {
			u.lastLogin = b.byLogin["breakglass-01@"+demoDomain].lastLogin.Add(7*time.Minute + b.jitterSeconds(60))
		}
		u.sessions = 0
		b.byLogin[u.login] = u
	}
	b.assignStatuses()
}

// takePin removes and returns the first pin that ok accepts.
func demoTakePin(pins *[]demoPin, ok func(demoPin) bool) (demoPin, bool) {
	for i, p := range *pins {
		if ok(p) {
			*pins = append((*pins)[:i], (*pins)[i+1:]...)
			return p, true
		}
	}
	return demoPin{}, false
}

func (b *demoBuilder) pinnedUser(p demoPin, d demoDept) *demoUser {
	u := b.newUser(p.first, p.last, d, p.title, b.city(p.city))
	if p.login != "" {
		delete(b.byLogin, u.login)
		u.login = p.login
		b.byLogin[u.login] = u
	}
	u.role, u.story = p.role, p.story
	u.alwaysWorks = p.admin
	if p.contractor {
		u.userType = "Contractor"
	}
	for _, kind := range p.factors {
		u.factors = append(u.factors, &demoFactor{kind: kind})
	}
	return u
}

// newUser makes an ACTIVE user with a plausible history.
func (b *demoBuilder) newUser(first, last string, d demoDept, title string, c *demoCity) *demoUser {
	u := &demoUser{
		id: b.newID("00u"), first: first, last: last,
		login: strings.ToLower(first+"."+last) + "@" + demoDomain,
		title: title, dept: d.name, userType: "Employee", city: c, remote: c.office == nil,
		status: "ACTIVE", sessions: -1, appUsers: map[string]string{},
		memberSince: map[string]time.Time{}, assignedSince: map[string]time.Time{},
		employeeNumber: fmt.Sprintf("%d", 10000+len(b.users)*7+b.people.IntN(7)),
	}
	u.home = b.homeNet(c)
	u.officeShare = []float64{0.3, 0.6, 0.8, 0.95}[b.people.IntN(4)]
	agents := demoAgents()
	kinds := []string{"mac-chrome", "mac-chrome", "mac-safari", "win-chrome", "win-chrome"}
	if d.name == "Engineering" || d.name == "Security" || d.name == "IT" {
		kinds = []string{"mac-chrome", "mac-chrome", "mac-chrome", "linux-firefox", "mac-firefox", "win-chrome"}
	}
	u.agent = agents[kinds[b.people.IntN(len(kinds))]]
	u.dtHash = b.hexText(64)
	u.passwordEnrollm = b.newID("lae")
	// joined between the org's creation and a month before the window
	span := b.start.AddDate(0, -1, 0).Sub(demoOrgCreated())
	if strings.HasPrefix(title, "Chief") || strings.HasPrefix(title, "VP") || title == d.name+" Director" {
		span /= 4
	}
	u.created = demoOrgCreated().Add(time.Duration(b.people.Int64N(int64(span)))).Truncate(time.Millisecond)
	u.activated = u.created.Add(time.Duration(5+b.people.IntN(3*24*60)) * time.Minute)
	u.statusChanged = u.activated
	u.passwordCh = b.start.Add(-time.Duration(1+b.people.IntN(170*24)) * time.Hour).Add(time.Duration(b.people.IntN(3600)) * time.Second)
	if u.passwordCh.Before(u.activated) {
		u.passwordCh = u.activated.Add(7 * time.Minute)
	}
	u.lastUpdated = u.passwordCh
	u.lastLogin = b.workHours(b.start.Add(-time.Duration(1+b.people.IntN(20*24))*time.Hour), c.loc())
	b.users = append(b.users, u)
	b.byLogin[u.login] = u
	return u
}

// assignStatuses gives some ordinary people another status than ACTIVE:
// before the window (their history says when) or during it (an admin's
// task does it, see planAdminWork).
func (b *demoBuilder) assignStatuses() {
	var pool []*demoUser
	for _, u := range b.users {
		if u.role == "" && u.manager != nil && u.manager.manager != nil && !strings.HasPrefix(u.title, "VP") &&
			!strings.HasPrefix(u.title, "Director") && !strings.HasPrefix(u.title, "Chief") && u.login != "" {
			pool = append(pool, u)
		}
	}
	b.people.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	take := func(n int) []*demoUser {
		out := pool[:n]
		pool = pool[n:]
		return out
	}
	before := func(u *demoUser, status string, daysAgo int) {
		u.status = status
		u.statusChanged = b.workHours(b.start.Add(-time.Duration(daysAgo*24+b.people.IntN(20))*time.Hour), b.zone)
		if u.lastLogin.After(u.statusChanged) {
			u.lastLogin = b.workHours(u.statusChanged.Add(-time.Duration(1+b.people.IntN(48))*time.Hour), u.city.loc())
		}
		u.lastUpdated = u.statusChanged
	}
	for i, u := range take(4) {
		before(u, "DEPROVISIONED", 20+i*31)
	}
	for i, u := range take(2) {
		before(u, "SUSPENDED", 9+i*12)
	}
	for i, u := range take(3) {
		before(u, "PASSWORD_EXPIRED", 2+i*5)
		u.passwordCh = u.statusChanged.AddDate(0, 0, -180)
		if u.passwordCh.Before(u.activated) {
			u.activated = u.passwordCh.Add(-time.Hour)
			u.created = u.activated.Add(-time.Hour)
		}
	}
	before(take(1)[0], "LOCKED_OUT", 9)
	for _, u := range take(5) { // active, but never set up MFA and not seen this week
		u.dormant = true
		u.sessions = 0
		if b.people.IntN(2) == 0 {
			u.lastLogin = time.Time{}
		} else {
			u.lastLogin = b.workHours(b.start.AddDate(0, -2-b.people.IntN(5), 0), u.city.loc())
		}
	}
	for i, u := range take(2) { // new hires waiting for their first day
		u.status = []string{"STAGED", "PROVISIONED"}[i]
		u.created = b.workHours(b.start.AddDate(0, 0, -12-i*3), b.zone)
		u.statusChanged, u.lastUpdated, u.lastLogin, u.passwordCh = u.created, u.created, time.Time{}, time.Time{}
		u.activated = time.Time{}
		if u.status == "PROVISIONED" {
			u.activated = u.created.Add(3 * time.Minute)
			u.statusChanged, u.lastUpdated = u.activated, u.activated
		}
	}
	for _, u := range take(5) { // new hires an admin creates during the window
		u.newHire = true
		u.lastLogin, u.passwordCh, u.activated = time.Time{}, time.Time{}, time.Time{}
		u.status = "STAGED"
	}
	b.statusPool = pool
}

// object renders the user as Okta's API does.
func (u *demoUser) object() oktasim.Object {
	self := demoOrgURL + "/api/v1/users/" + u.id
	profile := oktasim.Object{
		"login": u.login, "email": u.login, "firstName": u.first, "lastName": u.last,
		"displayName": u.name(), "title": u.title, "department": u.dept, "userType": u.userType,
		"organization": "Company, Inc.", "employeeNumber": u.employeeNumber,
		"city": u.city.name, "state": u.city.state, "countryCode": u.city.countryCode,
		"zipCode": u.home.postal, "locale": u.city.locale, "timezone": u.city.tz, "preferredLanguage": u.city.locale[:2],
		"mobilePhone": u.phone(), "manager": nil, "managerId": nil,
	}
	if u.userType == "Service" {
		delete(profile, "mobilePhone")
		delete(profile, "employeeNumber")
	}
	if u.manager != nil {
		profile["manager"], profile["managerId"] = u.manager.name(), u.manager.id
	}
	creds := oktasim.Object{
		"emails":   []any{oktasim.Object{"value": u.login, "status": "VERIFIED", "type": "PRIMARY"}},
		"provider": oktasim.Object{"type": "OKTA", "name": "OKTA"},
	}
	if !u.passwordCh.IsZero() {
		creds["password"] = oktasim.Object{}
	}
	links := oktasim.Object{
		"self": oktasim.Object{"href": self},
		"type": oktasim.Object{"href": demoOrgURL + "/api/v1/meta/types/user/" + demoUserTypeID},
	}
	lifecycle := map[string][]string{
		"ACTIVE":           {"suspend", "deactivate", "resetPassword", "expirePassword", "resetFactors"},
		"RECOVERY":         {"suspend", "deactivate", "resetPassword", "resetFactors"},
		"PASSWORD_EXPIRED": {"suspend", "deactivate", "resetPassword", "resetFactors"},
		"LOCKED_OUT":       {"unlock", "suspend", "deactivate", "resetPassword", "resetFactors"},
		"SUSPENDED":        {"unsuspend", "deactivate"},
		"STAGED":           {"activate", "deactivate"},
		"PROVISIONED":      {"activate", "reactivate", "deactivate"},
		"DEPROVISIONED":    {"activate"},
	}[u.status]
	for _, op := range lifecycle {
		links[op] = oktasim.Object{"href": self + "/lifecycle/" + demoLifecyclePath(op), "method": "POST"}
	}
	obj := oktasim.Object{
		"id": u.id, "status": u.status,
		"created": demoTS(u.created), "activated": demoTSOrNil(u.activated),
		"statusChanged": demoTSOrNil(u.statusChanged), "lastLogin": demoTSOrNil(u.lastLogin),
		"lastUpdated": demoTS(u.lastUpdated), "passwordChanged": demoTSOrNil(u.passwordCh),
		"type":    oktasim.Object{"id": demoUserTypeID},
		"profile": profile, "credentials": creds, "_links": links,
	}
	if u.sessions >= 0 {
		obj["_sessions"] = float64(u.sessions)
	}
	if u.blockedNew {
		obj["_blocks"] = []any{oktasim.Object{"type": "DEVICE_BASED", "appliesTo": "UNKNOWN_DEVICES"}}
	}
	return obj
}

// phone is a number from the ranges set aside for fiction (555-01xx in
// North America, Ofcom's and the Bundesnetzagentur's drama numbers).
func (u *demoUser) phone() string {
	digits := 3
	if u.city.countryCode == "US" || u.city.countryCode == "CA" {
		digits = 2
	}
	n := u.employeeNumber
	return u.city.phone + n[len(n)-digits:]
}

const demoUserTypeID = "oty4h2kq9zXvB7dTm5d7"

func demoLifecyclePath(op string) string {
	switch op {
	case "resetPassword":
		return "reset_password"
	case "expirePassword":
		return "expire_password"
	case "resetFactors":
		return "reset_factors"
	}
	return op
}
