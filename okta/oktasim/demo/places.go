package demo

import (
	"fmt"
	"math"
	"time"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// demoCity is where people work from: an office city (with its office's
// network) or a city of remote workers (home networks only). Offsets are
// those of the reference week (before Europe and North America leave
// summer time); the zone itself is tz.
type demoCity struct {
	name, state, country, countryCode string
	postals                           []string // the first is the office's
	lat, lon                          float64
	offset                            int    // hours from UTC in the demo week
	tz, locale, phone                 string // IANA zone, locale, phone prefix
	office                            *demoISP
	homes                             []demoISP
	officeNet                         *demoNet // the office's egress address, made once
	zone                              *time.Location
}

// demoISP is an access network: its AS, names, and the first two octets of
// the addresses it hands out in the demo.
type demoISP struct {
	asn              int
	asOrg, isp, dom  string
	octet1, octet2   int
	businessAccounts bool
}

// demoNet is where a request comes from, as the System Log describes it:
// client.ipAddress, client.geographicalContext and securityContext.
type demoNet struct {
	ip                           string
	city, state, country, postal string
	lat, lon                     float64
	asn                          int
	asOrg, isp, domain           string
	proxy                        bool
	tunnel                       string // debugData.tunnels, for anonymisers
}

// loc is the city's time zone (its offset in the reference week if the
// zone cannot be loaded, which the embedded tzdata rules out).
func (c *demoCity) loc() *time.Location {
	if c.zone == nil {
		var err error
		if c.zone, err = time.LoadLocation(c.tz); err != nil {
			c.zone = time.FixedZone(c.tz, c.offset*3600)
		}
	}
	return c.zone
}

func demoCities() []*demoCity {
	us := func(name, state, tz string, offset int, lat, lon float64, postals []string, phone string, office *demoISP, homes ...demoISP) *demoCity {
		return &demoCity{name: name, state: state, country: "United States", countryCode: "US", postals: postals,
			lat: lat, lon: lon, offset: offset, tz: tz, locale: "en_US", phone: phone, office: office, homes: homes}
	}
	comcast := func(o1, o2 int) demoISP {
		return demoISP{asn: 7922, asOrg: "comcast cable communications, llc", isp: "comcast cable communications, llc", dom: "comcast.net", octet1: o1, octet2: o2}
	}
	att := func(o1, o2 int) demoISP {
		return demoISP{asn: 7018, asOrg: "at&t corp.", isp: "att services inc", dom: "sbcglobal.net", octet1: o1, octet2: o2}
	}
	verizon := func(o1, o2 int) demoISP {
		return demoISP{asn: 701, asOrg: "verizon", isp: "verizon", dom: "verizon.net", octet1: o1, octet2: o2}
	}
	spectrum := func(asn, o1, o2 int) demoISP {
		return demoISP{asn: asn, asOrg: "charter communications inc", isp: "charter communications", dom: "rr.com", octet1: o1, octet2: o2}
	}
	lumen := func(asn, o1, o2 int) demoISP {
		return demoISP{asn: asn, asOrg: "centurylink communications, llc", isp: "centurylink", dom: "centurylink.net", octet1: o1, octet2: o2}
	}
	bt := func(o2 int) demoISP {
		return demoISP{asn: 2856, asOrg: "british telecommunications plc", isp: "bt public internet service", dom: "bt.com", octet1: 86, octet2: o2}
	}
	virgin := func(o2 int) demoISP {
		return demoISP{asn: 5089, asOrg: "virgin media limited", isp: "virgin media", dom: "virginm.net", octet1: 82, octet2: o2}
	}
	telekom := func(o1, o2 int) demoISP {
		return demoISP{asn: 3320, asOrg: "deutsche telekom ag", isp: "deutsche telekom ag", dom: "telekom.de", octet1: o1, octet2: o2}
	}
	vodafone := func(o2 int) demoISP {
		return demoISP{asn: 3209, asOrg: "vodafone gmbh", isp: "vodafone gmbh", dom: "vodafone.de", octet1: 88, octet2: o2}
	}
	biz := func(i demoISP) *demoISP { i.businessAccounts = true; return &i }
	return []*demoCity{
		us("San Francisco", "California", "America/Los_Angeles", -7, 37.7898, -122.3942,
			[]string{"94105", "94110", "94117", "94122", "94107", "94114"}, "+1 415 555 01",
			biz(demoISP{asn: 6461, asOrg: "zayo bandwidth", isp: "zayo bandwidth", dom: "zayo.com", octet1: 64, octet2: 125}),
			comcast(73, 162), att(99, 36)),
		us("New York", "New York", "America/New_York", -4, 40.7536, -73.9832,
			[]string{"10018", "10001", "10011", "10025", "11201", "11215"}, "+1 212 555 01",
			biz(lumen(3356, 4, 53)), verizon(108, 46), spectrum(12271, 67, 243)),
		us("Austin", "Texas", "America/Chicago", -5, 30.2672, -97.7431,
			[]string{"78701", "78702", "78704", "78731", "78745"}, "+1 512 555 01",
			biz(att(12, 149)), spectrum(11427, 70, 114),
			demoISP{asn: 16591, asOrg: "google fiber inc.", isp: "google fiber inc.", dom: "googlefiber.net", octet1: 136, octet2: 49}),
		{name: "Toronto", state: "Ontario", country: "Canada", countryCode: "CA",
			postals: []string{"M5V 2T6", "M4Y 1R5", "M6J 1E6", "M5R 2E3"}, lat: 43.6426, lon: -79.3871, offset: -4,
			tz: "America/Toronto", locale: "en_CA", phone: "+1 416 555 01",
			office: biz(demoISP{asn: 174, asOrg: "cogent communications", isp: "cogent communications", dom: "cogentco.com", octet1: 38, octet2: 122}),
			homes: []demoISP{
				{asn: 812, asOrg: "rogers communications canada inc.", isp: "rogers communications canada inc.", dom: "rogers.com", octet1: 99, octet2: 231},
				{asn: 577, asOrg: "bell canada", isp: "bell canada", dom: "bell.ca", octet1: 174, octet2: 93},
			}},
		{name: "London", state: "England", country: "United Kingdom", countryCode: "GB",
			postals: []string{"EC2A 4NE", "N1 7GU", "SE1 7PB", "E8 3PH", "SW9 8BS"}, lat: 51.5246, lon: -0.0781, offset: 1,
			tz: "Europe/London", locale: "en_GB", phone: "+44 20 7946 0",
			office: biz(demoISP{asn: 8220, asOrg: "colt technology services group limited", isp: "colt technology services", dom: "colt.net", octet1: 212, octet2: 36}),
			homes:  []demoISP{bt(142), virgin(18)}},
		{name: "Berlin", state: "Land Berlin", country: "Germany", countryCode: "DE",
			postals: []string{"10117", "10435", "10999", "12047", "10247"}, lat: 52.5200, lon: 13.4050, offset: 2,
			tz: "Europe/Berlin", locale: "de_DE", phone: "+49 30 23125 ",
			office: biz(telekom(80, 150)), homes: []demoISP{telekom(91, 12), vodafone(70)}},
		us("Seattle", "Washington", "America/Los_Angeles", -7, 47.6062, -122.3321,
			[]string{"98103", "98115", "98122"}, "+1 206 555 01", nil, comcast(73, 97), lumen(209, 97, 113)),
		us("Denver", "Colorado", "America/Denver", -6, 39.7392, -104.9903,
			[]string{"80202", "80205", "80211"}, "+1 303 555 01", nil, comcast(73, 229), lumen(209, 75, 166)),
		us("Chicago", "Illinois", "America/Chicago", -5, 41.8781, -87.6298,
			[]string{"60614", "60622", "60657"}, "+1 312 555 01", nil, comcast(98, 226), att(99, 112)),
		us("Boston", "Massachusetts", "America/New_York", -4, 42.3601, -71.0589,
			[]string{"02116", "02130", "02139"}, "+1 617 555 01", nil, verizon(71, 184), comcast(73, 38)),
		{name: "Manchester", state: "England", country: "United Kingdom", countryCode: "GB",
			postals: []string{"M1 1AE", "M20 2RN", "M14 5SU"}, lat: 53.4808, lon: -2.2426, offset: 1,
			tz: "Europe/London", locale: "en_GB", phone: "+44 161 496 0", homes: []demoISP{bt(160), virgin(32)}},
		{name: "Munich", state: "Bavaria", country: "Germany", countryCode: "DE",
			postals: []string{"80331", "80469", "81667"}, lat: 48.1351, lon: 11.5820, offset: 2,
			tz: "Europe/Berlin", locale: "de_DE", phone: "+49 89 99998 ", homes: []demoISP{telekom(93, 199), vodafone(74)}},
	}
}

// city finds a city by name.
func (b *demoBuilder) city(name string) *demoCity {
	for _, c := range b.cities {
		if c.name == name {
			return c
		}
	}
	panic("oktasim: demo: no city " + name) // a typo in the demo's own tables
}

// newNet hands out a fresh address of isp in city c.
func (b *demoBuilder) newNet(c *demoCity, isp demoISP, postal string) *demoNet {
	var ip string
	for {
		ip = fmt.Sprintf("%d.%d.%d.%d", isp.octet1, isp.octet2, b.people.IntN(256), 2+b.people.IntN(252))
		if !b.ips[ip] {
			break
		}
	}
	b.ips[ip] = true
	jitter := func() float64 { return math.Round((b.people.Float64()-0.5)*0.06*1e4) / 1e4 }
	return &demoNet{ip: ip, city: c.name, state: c.state, country: c.country, postal: postal,
		lat: math.Round((c.lat+jitter())*1e4) / 1e4, lon: math.Round((c.lon+jitter())*1e4) / 1e4,
		asn: isp.asn, asOrg: isp.asOrg, isp: isp.isp, domain: isp.dom}
}

// officeNet is the office's egress address, shared by everyone in it.
func (b *demoBuilder) officeNet(c *demoCity) *demoNet {
	if c.officeNet == nil {
		c.officeNet = b.newNet(c, *c.office, c.postals[0])
		c.officeNet.lat, c.officeNet.lon = c.lat, c.lon
	}
	return c.officeNet
}

// homeNet is a fresh home address in c.
func (b *demoBuilder) homeNet(c *demoCity) *demoNet {
	isp := c.homes[b.people.IntN(len(c.homes))]
	return b.newNet(c, isp, c.postals[1+b.people.IntN(len(c.postals)-1)])
}

// geo is the geographicalContext of an address.
func (n *demoNet) geo() oktasim.Object {
	g := oktasim.Object{
		"city": n.city, "state": n.state, "country": n.country, "postalCode": n.postal,
		"geolocation": oktasim.Object{"lat": n.lat, "lon": n.lon},
	}
	if n.state == "" {
		g["state"] = nil
	}
	if n.postal == "" {
		g["postalCode"] = nil
	}
	return g
}

// demoAgent is a browser as the System Log describes it.
type demoAgent struct {
	raw, browser, os string
}

func demoAgents() map[string]demoAgent {
	return map[string]demoAgent{
		"mac-chrome":    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/149.0.0.0 Safari/537.36", "CHROME", "Mac OS X"},
		"mac-safari":    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Safari/605.1.15", "SAFARI", "Mac OS X"},
		"mac-firefox":   {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:151.0) Gecko/20100101 Firefox/151.0", "FIREFOX", "Mac OS X"},
		"win-chrome":    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/149.0.0.0 Safari/537.36", "CHROME", "Windows 10"},
		"linux-firefox": {"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:151.0) Gecko/20100101 Firefox/151.0", "FIREFOX", "Linux"},
		"tor-browser":   {"Mozilla/5.0 (Windows NT 10.0; rv:140.0) Gecko/20100101 Firefox/140.0", "FIREFOX", "Windows 10"},
	}
}
