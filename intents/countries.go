package intents

import (
	"strings"
	"unicode"
)

// CountryName maps a country's ISO 3166 alpha-2 or alpha-3 code, its name or
// a common alias ("RU", "RUS", "Russian Federation", "DPRK", "UK", "USA",
// "The Netherlands", "Türkiye") to the English name Okta's System Log puts in
// client.geographicalContext.country ("Russia", "North Korea", "United
// Kingdom", "United States"). Case, dots, hyphens and a leading "the" do not
// matter. The second result is false for text that names no known country.
//
// Detections should pass the country of an event through CountryName too,
// so that Okta's own variants ("The Netherlands" / "Netherlands") compare
// equal.
func CountryName(s string) (string, bool) {
	key := NormCountry(s)
	if key == "" || len(key) > maxCountryName {
		return "", false
	}
	for _, row := range CountryTable() {
		names := strings.Split(row, "|")
		for _, n := range names {
			if NormCountry(n) == key {
				return names[2], true
			}
		}
	}
	return "", false
}

// NormCountry lower-cases s, drops dots and a leading "the", and turns
// hyphens, underscores and runs of space into single spaces.
func NormCountry(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '.':
			continue
		case r == '-' || r == '_' || unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return strings.TrimPrefix(b.String(), "the ")
}

// maxCountryName is longer than any name or alias in the table.
const maxCountryName = 60

// CountryTable lists countries as "alpha-2|alpha-3|System Log name|aliases…".
// The name is what Okta's System Log writes (MaxMind's English names).
func CountryTable() []string {
	return []string{
		// Countries security teams watch most.
		"RU|RUS|Russia|Russian Federation",
		"KP|PRK|North Korea|DPRK|Democratic People's Republic of Korea|Korea, North",
		"CN|CHN|China|PRC|People's Republic of China|Mainland China",
		"IR|IRN|Iran|Islamic Republic of Iran|Persia",
		"BY|BLR|Belarus|Byelorussia",
		"SY|SYR|Syria|Syrian Arab Republic",
		"CU|CUB|Cuba",
		"VE|VEN|Venezuela|Bolivarian Republic of Venezuela",
		"AF|AFG|Afghanistan",
		"IQ|IRQ|Iraq",
		"LY|LBY|Libya",
		"SD|SDN|Sudan",
		"SS|SSD|South Sudan",
		"SO|SOM|Somalia",
		"YE|YEM|Yemen",
		"MM|MMR|Myanmar|Burma",
		"NI|NIC|Nicaragua",
		"ER|ERI|Eritrea",
		"ZW|ZWE|Zimbabwe",
		"LB|LBN|Lebanon",
		"PS|PSE|Palestine|Palestinian Territories|State of Palestine",
		"KG|KGZ|Kyrgyzstan|Kyrgyz Republic",

		// North America.
		"US|USA|United States|United States of America|America|U.S.|U.S.A.",
		"CA|CAN|Canada",
		"MX|MEX|Mexico",
		"PR|PRI|Puerto Rico",
		"CR|CRI|Costa Rica",
		"PA|PAN|Panama",
		"GT|GTM|Guatemala",
		"HN|HND|Honduras",
		"SV|SLV|El Salvador",
		"DO|DOM|Dominican Republic",
		"JM|JAM|Jamaica",
		"HT|HTI|Haiti",
		"BS|BHS|Bahamas",
		"TT|TTO|Trinidad and Tobago",

		// South America.
		"BR|BRA|Brazil",
		"AR|ARG|Argentina",
		"CL|CHL|Chile",
		"CO|COL|Colombia",
		"PE|PER|Peru",
		"EC|ECU|Ecuador",
		"BO|BOL|Bolivia|Plurinational State of Bolivia",
		"PY|PRY|Paraguay",
		"UY|URY|Uruguay",

		// Europe.
		"GB|GBR|United Kingdom|UK|Great Britain|Britain|England|Scotland|Wales|Northern Ireland|United Kingdom of Great Britain and Northern Ireland",
		"IE|IRL|Ireland|Republic of Ireland",
		"DE|DEU|Germany|Deutschland",
		"FR|FRA|France",
		"NL|NLD|Netherlands|The Netherlands|Holland",
		"BE|BEL|Belgium",
		"LU|LUX|Luxembourg",
		"CH|CHE|Switzerland",
		"AT|AUT|Austria",
		"IT|ITA|Italy",
		"ES|ESP|Spain",
		"PT|PRT|Portugal",
		"GR|GRC|Greece",
		"CY|CYP|Cyprus",
		"MT|MLT|Malta",
		"DK|DNK|Denmark",
		"NO|NOR|Norway",
		"SE|SWE|Sweden",
		"FI|FIN|Finland",
		"IS|ISL|Iceland",
		"EE|EST|Estonia",
		"LV|LVA|Latvia",
		"LT|LTU|Lithuania",
		"PL|POL|Poland",
		"CZ|CZE|Czechia|Czech Republic",
		"SK|SVK|Slovakia",
		"HU|HUN|Hungary",
		"SI|SVN|Slovenia",
		"HR|HRV|Croatia",
		"BA|BIH|Bosnia and Herzegovina|Bosnia",
		"RS|SRB|Serbia",
		"ME|MNE|Montenegro",
		"MK|MKD|North Macedonia|Macedonia",
		"AL|ALB|Albania",
		"XK|XKX|Kosovo",
		"RO|ROU|Romania",
		"BG|BGR|Bulgaria",
		"MD|MDA|Moldova|Republic of Moldova",
		"UA|UKR|Ukraine",
		"TR|TUR|Turkey|Türkiye|Turkiye",

		// Caucasus and Central Asia.
		"GE|GEO|Georgia",
		"AM|ARM|Armenia",
		"AZ|AZE|Azerbaijan",
		"KZ|KAZ|Kazakhstan",
		"UZ|UZB|Uzbekistan",
		"TM|TKM|Turkmenistan",
		"TJ|TJK|Tajikistan",

		// Middle East.
		"IL|ISR|Israel",
		"SA|SAU|Saudi Arabia|KSA",
		"AE|ARE|United Arab Emirates|UAE|Emirates",
		"QA|QAT|Qatar",
		"KW|KWT|Kuwait",
		"BH|BHR|Bahrain",
		"OM|OMN|Oman",
		"JO|JOR|Jordan",

		// Asia and Oceania.
		"IN|IND|India",
		"PK|PAK|Pakistan",
		"BD|BGD|Bangladesh",
		"LK|LKA|Sri Lanka",
		"NP|NPL|Nepal",
		"JP|JPN|Japan",
		"KR|KOR|South Korea|Republic of Korea|Korea, South",
		"TW|TWN|Taiwan|Republic of China",
		"HK|HKG|Hong Kong",
		"MO|MAC|Macao|Macau",
		"MN|MNG|Mongolia",
		"VN|VNM|Vietnam|Viet Nam",
		"LA|LAO|Laos|Lao People's Democratic Republic",
		"KH|KHM|Cambodia",
		"TH|THA|Thailand",
		"MY|MYS|Malaysia",
		"SG|SGP|Singapore",
		"ID|IDN|Indonesia",
		"PH|PHL|Philippines",
		"BN|BRN|Brunei|Brunei Darussalam",
		"TL|TLS|Timor-Leste|East Timor",
		"AU|AUS|Australia",
		"NZ|NZL|New Zealand",

		// Africa.
		"EG|EGY|Egypt",
		"MA|MAR|Morocco",
		"DZ|DZA|Algeria",
		"TN|TUN|Tunisia",
		"NG|NGA|Nigeria",
		"GH|GHA|Ghana",
		"CI|CIV|Ivory Coast|Côte d'Ivoire|Cote d'Ivoire",
		"SN|SEN|Senegal",
		"CM|CMR|Cameroon",
		"ET|ETH|Ethiopia",
		"KE|KEN|Kenya",
		"UG|UGA|Uganda",
		"TZ|TZA|Tanzania|United Republic of Tanzania",
		"RW|RWA|Rwanda",
		"CD|COD|DR Congo|Democratic Republic of the Congo|Congo-Kinshasa|DRC",
		"CG|COG|Congo Republic|Republic of the Congo|Congo-Brazzaville",
		"AO|AGO|Angola",
		"ZA|ZAF|South Africa",
		"ZM|ZMB|Zambia",
		"MZ|MOZ|Mozambique",
		"BW|BWA|Botswana",
		"NA|NAM|Namibia",
		"MU|MUS|Mauritius",
	}
}
