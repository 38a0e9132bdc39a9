package demo

import (
	"strings"
)

// demoDept is a department: its head, managers, the titles of everyone
// else, and the cities they work from.
type demoDept struct {
	name, division, costCenter string
	size                       int
	head                       string
	headReportsTo              string // executive title
	managers                   []string
	titles                     []string
	cities                     []string
}

func demoDepartments() []demoDept {
	return []demoDept{
		{name: "Executive", division: "G&A", costCenter: "CC-100", size: 4, head: "Chief Executive Officer",
			titles: []string{"Chief Operating Officer", "Chief Financial Officer", "Chief Technology Officer"},
			cities: []string{"San Francisco", "San Francisco", "New York"}},
		{name: "Engineering", division: "R&D", costCenter: "CC-200", size: 64, head: "VP of Engineering",
			headReportsTo: "Chief Technology Officer",
			managers:      []string{"Director of Engineering", "Engineering Manager", "Engineering Manager", "Engineering Manager", "Engineering Manager", "Engineering Manager"},
			titles: []string{"Software Engineer", "Software Engineer", "Senior Software Engineer", "Senior Software Engineer",
				"Staff Software Engineer", "Site Reliability Engineer", "QA Engineer", "Data Engineer", "Frontend Engineer"},
			cities: []string{"San Francisco", "San Francisco", "San Francisco", "San Francisco", "Toronto", "Toronto",
				"Berlin", "Berlin", "Seattle", "Denver", "Munich", "Boston"}},
		{name: "Product", division: "R&D", costCenter: "CC-210", size: 12, head: "VP of Product",
			headReportsTo: "Chief Technology Officer", managers: []string{"Director of Product Management"},
			titles: []string{"Product Manager", "Senior Product Manager", "Product Designer", "UX Researcher"},
			cities: []string{"San Francisco", "San Francisco", "San Francisco", "New York", "Seattle"}},
		{name: "Sales", division: "Go-To-Market", costCenter: "CC-300", size: 40, head: "VP of Sales",
			headReportsTo: "Chief Operating Officer",
			managers:      []string{"Regional Sales Director", "Regional Sales Director", "Regional Sales Director", "Sales Manager"},
			titles: []string{"Account Executive", "Account Executive", "Senior Account Executive", "Sales Development Representative",
				"Sales Development Representative", "Sales Engineer", "Sales Operations Analyst"},
			cities: []string{"New York", "New York", "New York", "London", "London", "Berlin", "San Francisco", "Austin", "Chicago"}},
		{name: "Marketing", division: "Go-To-Market", costCenter: "CC-310", size: 18, head: "VP of Marketing",
			headReportsTo: "Chief Operating Officer", managers: []string{"Director of Demand Generation", "Director of Product Marketing"},
			titles: []string{"Content Strategist", "Demand Generation Manager", "Product Marketing Manager", "Marketing Coordinator",
				"Events Manager", "Brand Designer"},
			cities: []string{"New York", "New York", "San Francisco", "London", "Boston"}},
		{name: "Support", division: "Go-To-Market", costCenter: "CC-320", size: 28, head: "Director of Customer Support",
			headReportsTo: "Chief Operating Officer", managers: []string{"Support Manager", "Support Manager", "Support Manager"},
			titles: []string{"Customer Support Specialist", "Customer Support Specialist", "Senior Support Engineer",
				"Technical Account Manager", "Support Operations Analyst"},
			cities: []string{"Austin", "Austin", "Austin", "Toronto", "London", "Manchester"}},
		{name: "Finance", division: "G&A", costCenter: "CC-400", size: 13, head: "VP of Finance",
			headReportsTo: "Chief Financial Officer", managers: []string{"Controller"},
			titles: []string{"Financial Analyst", "Senior Accountant", "Accounts Payable Specialist", "Payroll Specialist", "FP&A Analyst"},
			cities: []string{"New York", "New York", "San Francisco"}},
		{name: "HR", division: "G&A", costCenter: "CC-410", size: 10, head: "VP of People",
			headReportsTo: "Chief Operating Officer", managers: []string{"Talent Acquisition Manager"},
			titles: []string{"HR Business Partner", "Recruiter", "People Operations Coordinator", "Benefits Specialist"},
			cities: []string{"San Francisco", "New York", "London"}},
		{name: "IT", division: "G&A", costCenter: "CC-420", size: 10, head: "IT Director",
			headReportsTo: "Chief Technology Officer", managers: []string{"IT Manager"},
			titles: []string{"IT Support Specialist", "IT Systems Administrator", "Identity Engineer"},
			cities: []string{"Austin", "Austin", "San Francisco", "New York"}},
		{name: "Security", division: "R&D", costCenter: "CC-430", size: 8, head: "Chief Information Security Officer",
			headReportsTo: "Chief Technology Officer", managers: []string{"Security Engineering Manager"},
			titles: []string{"Security Engineer", "Security Engineer", "Security Analyst", "GRC Analyst"},
			cities: []string{"San Francisco", "San Francisco", "Austin"}},
		{name: "Legal", division: "G&A", costCenter: "CC-440", size: 5, head: "General Counsel",
			headReportsTo: "Chief Financial Officer",
			titles:        []string{"Corporate Counsel", "Privacy Counsel", "Paralegal"},
			cities:        []string{"San Francisco", "New York"}},
	}
}

// demoPin is a person the stories or the admin work need by name.
type demoPin struct {
	role, login, first, last, dept, title, city string
	manager                                     bool // one of the department's managers
	contractor                                  bool
	factors                                     []string
	admin                                       bool // in "Okta Admins"; does admin work
	story                                       bool
}

func demoPins() []demoPin {
	return []demoPin{
		{role: "john", login: "john@" + demoDomain, first: "John", last: "Smith", dept: "Engineering",
			title: "Senior Software Engineer", city: "San Francisco", factors: []string{"signed_nonce", "push"}, story: true},
		{role: "chris", first: "Chris", last: "Morgan", dept: "Engineering", title: "Software Engineer (Contractor)",
			city: "Denver", contractor: true, factors: []string{"push"}, story: true},
		{role: "emily", first: "Emily", last: "Chen", dept: "Marketing", title: "Demand Generation Manager",
			city: "New York", factors: []string{"push", "email"}, story: true},
		{role: "rachel", first: "Rachel", last: "Adams", dept: "Finance", title: "Accounts Payable Specialist",
			city: "New York", factors: []string{"sms"}, story: true},
		{role: "sarah", first: "Sarah", last: "Johnson", dept: "Support", title: "Customer Support Specialist",
			city: "Austin", factors: []string{"push", "sms"}, story: true},
		{role: "derek", first: "Derek", last: "Wilson", dept: "IT", title: "IT Manager", city: "Austin", manager: true,
			factors: []string{"webauthn", "push"}, admin: true, story: true},
		{role: "ryan", first: "Ryan", last: "Patel", dept: "IT", title: "IT Systems Administrator", city: "Austin",
			factors: []string{"push", "webauthn"}, admin: true, story: true},
		{role: "lisa", first: "Lisa", last: "Nguyen", dept: "IT", title: "Identity Engineer", city: "San Francisco",
			factors: []string{"webauthn", "signed_nonce", "push"}, admin: true, story: true},
		{role: "maria", first: "Maria", last: "Garcia", dept: "IT", title: "IT Support Specialist", city: "Austin",
			factors: []string{"webauthn", "push"}, admin: true},
		{role: "tom", first: "Tom", last: "Baker", dept: "IT", title: "IT Support Specialist", city: "London",
			factors: []string{"webauthn", "push"}, admin: true},
	}
}

func demoFirstNames() []string {
	return strings.Fields(`James Mary Robert Patricia Michael Jennifer William Linda David Elizabeth Richard Barbara
		Joseph Susan Thomas Jessica Charles Karen Christopher Nancy Daniel Matthew Betty Anthony Margaret Mark Sandra
		Donald Ashley Steven Kimberly Paul Donna Andrew Michelle Joshua Carol Kenneth Amanda Kevin Melissa Brian
		Stephanie Timothy Rebecca Laura Jason Helen Edward Sharon Jeffrey Cynthia Jacob Amy Gary Angela Nicholas Anna
		Eric Ruth Jonathan Brenda Stephen Pamela Justin Nicole Scott Katherine Brandon Samantha Benjamin Christine
		Samuel Emma Gregory Catherine Alexander Patrick Frank Janet Raymond Heather Tyler Olivia Aaron Julie Priya
		Arjun Wei Mei Hiroshi Yuki Fatima Omar Aisha Carlos Sofia Diego Lucia Mateo Valentina Ananya Rahul Deepa
		Kwame Amara Chinedu Ngozi Lukas Lena Jonas Mia Felix Hannah Noah Leon Emilia Finn Oliver Amelia Harry Isla
		Freya Liam Chloe Ethan Zoe Ines Tomasz Katarzyna Elena Nadia Sven Astrid Beatriz Minh Jin Grace Isaac Maya`)
}

func demoLastNames() []string {
	return strings.Fields(`Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
		Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark
		Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker
		Hall Rivera Campbell Mitchell Carter Roberts Patel Shah Kumar Singh Gupta Chen Wang Zhang Liu Tanaka Sato
		Suzuki Kim Park Okafor Mensah Adeyemi Mueller Schmidt Schneider Fischer Weber Meyer Wagner Becker Hoffmann
		Schulz Koch Richter Klein Wolf Murphy Kelly Walsh Byrne Evans Hughes Edwards Collins Stewart Morris Murray
		Novak Kowalski Rossi Bianchi Ferrari Dubois Moreau Laurent Silva Santos Costa Oliveira Haddad Khan Ali Hassan
		Cohen Levy Friedman Larsen Andersen Johansson Nielsen Brooks Bennett Foster Reyes Ortiz Morgan`)
}
