package demo

import (
	"strings"
	"time"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// demoGroup is a group with its members and the apps assigned to it.
type demoGroup struct {
	id, name, desc, kind string // kind: OKTA_GROUP or BUILT_IN
	created, lastUpdated time.Time
	lastMembership       time.Time
	members              []*demoUser
	apps                 []*demoApp
}

func (b *demoBuilder) newGroup(name, desc, kind string, created time.Time, apps ...string) *demoGroup {
	g := &demoGroup{id: b.newID("00g"), name: name, desc: desc, kind: kind, created: created}
	g.lastUpdated = created.Add(time.Duration(b.people.IntN(30*24)) * time.Hour)
	g.lastMembership = b.start.Add(-time.Duration(24+b.people.IntN(30*24))*time.Hour - b.jitterSeconds(3600))
	if g.lastMembership.Before(g.lastUpdated) {
		g.lastMembership = g.lastUpdated
	}
	for _, label := range apps {
		a := b.app(label)
		g.apps = append(g.apps, a)
		a.groups = append(a.groups, g)
	}
	b.groups = append(b.groups, g)
	return g
}

// group finds a group by name.
func (b *demoBuilder) group(name string) *demoGroup {
	for _, g := range b.groups {
		if g.name == name {
			return g
		}
	}
	panic("oktasim: demo: no group " + name) // a typo in the demo's own tables
}

func (g *demoGroup) add(u *demoUser) {
	g.members = append(g.members, u)
	u.groups = append(u.groups, g)
}

func (g *demoGroup) remove(u *demoUser) {
	g.members = demoDeleteUser(g.members, u)
	for i, x := range u.groups {
		if x == g {
			u.groups = append(u.groups[:i], u.groups[i+1:]...)
			break
		}
	}
}

func (g *demoGroup) has(u *demoUser) bool {
	for _, x := range g.members {
		if x == u {
			return true
		}
	}
	return false
}

func demoDeleteUser(list []*demoUser, u *demoUser) []*demoUser {
	for i, x := range list {
		if x == u {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}

// makeGroups creates Everyone, a group per department and the groups for
// admins, break-glass accounts, contractors, managers, remote people, AWS
// production access and a pilot, with their members and apps.
func (b *demoBuilder) makeGroups() {
	org := demoOrgCreated()
	everyone := b.newGroup("Everyone", "All users in your organization", "BUILT_IN", org,
		"Slack", "Google Workspace", "Zoom", "Workday", "Box", "1Password", "Expensify")
	deptApps := map[string][]string{
		"Executive":   {"Salesforce", "DocuSign"},
		"Engineering": {"GitHub", "AWS", "Jira", "Confluence", "Datadog"},
		"Product":     {"Jira", "Confluence", "Datadog"},
		"Sales":       {"Salesforce", "DocuSign"},
		"Marketing":   {"Salesforce", "Confluence"},
		"Support":     {"Zendesk", "Salesforce", "Jira", "Confluence"},
		"Finance":     {"DocuSign"},
		"HR":          {"DocuSign"},
		"IT":          {"ServiceNow", "GitHub", "Jira", "Confluence", "Datadog"},
		"Security":    {"ServiceNow", "GitHub", "Jira", "Confluence", "Datadog"},
		"Legal":       {"DocuSign", "Box"},
	}
	depts := map[string]*demoGroup{}
	for i, d := range demoDepartments() {
		depts[d.name] = b.newGroup(d.name, "Everyone in the "+d.name+" department (from Workday)", "OKTA_GROUP",
			org.Add(time.Duration(1+i)*time.Hour), deptApps[d.name]...)
	}
	admins := b.newGroup("Okta Admins", "Okta administrators: MFA at every sign-in, phishing-resistant factors for the Admin Console",
		"OKTA_GROUP", org.Add(26*time.Hour))
	glass := b.newGroup("Break Glass", "Emergency access accounts; every use is reviewed", "OKTA_GROUP", org.AddDate(0, 2, 3))
	contractors := b.newGroup("Contractors", "Contractors and agency staff", "OKTA_GROUP", org.AddDate(0, 5, 0))
	managers := b.newGroup("People Managers", "Everyone with direct reports", "OKTA_GROUP", org.AddDate(0, 7, 11))
	remote := b.newGroup("Remote Employees", "People without a home office", "OKTA_GROUP", org.AddDate(1, 0, 2))
	aws := b.newGroup("AWS Production Access", "Access to the production AWS accounts", "OKTA_GROUP", org.AddDate(1, 3, 9), "AWS")
	pilot := b.newGroup("Zoom AI Companion Beta", "Pilot of Zoom's AI features", "OKTA_GROUP", b.workHours(b.start.AddDate(0, -2, 0), b.zone))

	isManager := map[*demoUser]bool{}
	for _, u := range b.users {
		if u.manager != nil {
			isManager[u.manager] = true
		}
	}
	for _, u := range b.users {
		everyone.add(u)
		if u.userType == "Service" {
			glass.add(u)
			continue
		}
		depts[u.dept].add(u)
		if u.userType == "Contractor" {
			contractors.add(u)
		}
		if isManager[u] {
			managers.add(u)
		}
		if u.remote {
			remote.add(u)
		}
		switch {
		case u.role == "derek" || u.role == "ryan" || u.role == "lisa" || u.role == "maria" || u.role == "tom",
			u.title == "IT Director", u.title == "Chief Information Security Officer", u.title == "Security Engineering Manager":
			admins.add(u)
		}
		switch {
		case u.title == "Site Reliability Engineer", u.title == "Staff Software Engineer", u.title == "Security Engineer",
			u.title == "IT Systems Administrator", u.title == "Identity Engineer":
			aws.add(u)
		}
		if u.status == "ACTIVE" && !u.dormant && u.role == "" && !strings.HasPrefix(u.title, "Chief") && b.people.Float64() < 0.04 {
			pilot.add(u)
		}
	}
	// a few people have an app of their own, outside their groups
	direct := []string{"Salesforce", "Datadog", "DocuSign", "Zendesk", "ServiceNow", "Box"}
	for i := 0; i < 12; i++ {
		u, a := b.users[b.people.IntN(len(b.users))], b.app(direct[i%len(direct)])
		if u.role == "" && u.userType != "Service" && !u.newHire && !b.assigned(u, a, b.now) {
			a.users = append(a.users, u)
		}
	}
}

// object renders the group as GET /api/v1/groups/{id} does, plus the
// fixture's "members" and "apps".
func (g *demoGroup) object() oktasim.Object {
	self := demoOrgURL + "/api/v1/groups/" + g.id
	logo := "https://op1static.oktacdn.com/assets/img/logos/groups/odyssey/okta-"
	members := make([]any, 0, len(g.members))
	for _, u := range g.members {
		members = append(members, u.id)
	}
	apps := make([]any, 0, len(g.apps))
	for _, a := range g.apps {
		apps = append(apps, a.id)
	}
	return oktasim.Object{
		"id": g.id, "created": demoTS(g.created), "lastUpdated": demoTS(g.lastUpdated),
		"lastMembershipUpdated": demoTS(g.lastMembership),
		"objectClass":           demoStrs("okta:user_group"), "type": g.kind,
		"profile": oktasim.Object{"name": g.name, "description": g.desc},
		"_links": oktasim.Object{
			"logo": []any{
				oktasim.Object{"name": "medium", "href": logo + "medium.30ce6d4085dff29412984e4c191bc874.png", "type": "image/png"},
				oktasim.Object{"name": "large", "href": logo + "large.c3cb8cda8ae0add1b4fe928f5844dbe3.png", "type": "image/png"},
			},
			"users": oktasim.Object{"href": self + "/users"},
			"apps":  oktasim.Object{"href": self + "/apps"},
		},
		"members": members, "apps": apps,
	}
}
