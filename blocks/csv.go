package blocks

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// CSV exports the list a result holds (for "Export CSV"): a header row and
// one row per item, with all items, not one page. Cells that a spreadsheet
// would run as a formula (starting with =, +, -, @, tab or carriage return)
// are prefixed with '. Times are RFC 3339 in UTC. The data starts with a
// UTF-8 byte order mark, so that Excel reads non-Latin names right. The
// file name is made of the kind, the subject and the end of the window, in
// safe characters.
func CSV(r intents.Result) (filename string, data []byte) {
	head, rows := table(r)
	var buf bytes.Buffer
	buf.WriteString(BOM)
	w := csv.NewWriter(&buf)
	_ = w.Write(head) // a bytes.Buffer does not fail
	for _, row := range rows {
		for i, cell := range row {
			row[i] = defuse(cell)
		}
		_ = w.Write(row)
	}
	w.Flush()
	return csvName(r), buf.Bytes()
}

// BOM is the UTF-8 byte order mark that starts every CSV export.
const BOM = "\uFEFF"

// table picks the list of a result by its kind, else the first list it
// holds, and returns its columns and rows.
func table(r intents.Result) ([]string, [][]string) {
	switch r.Intent.Kind {
	case intents.ListUsers, intents.GroupMembers:
		return usersTable(r.Users)
	case intents.MFAStatus:
		return mfaTable(r)
	case intents.UserDetails:
		if r.Profile != nil {
			return usersTable([]intents.User{r.Profile.User})
		}
		return usersTable(r.Users)
	case intents.ListGroups:
		return groupsTable(r.Groups)
	case intents.ListApps, intents.GroupApps, intents.AppDetails:
		return appsTable(r.Apps)
	case intents.AppAssignments:
		return assignmentsTable(r.Assignments)
	case intents.ListPolicies:
		return policiesTable(r.Policies)
	case intents.PolicyRules:
		return rulesTable(r.Rules)
	case intents.Logs, intents.AdminActions, intents.SecurityEvents, intents.LoginHistory:
		return eventsTable(r.Events)
	case intents.Status:
		if r.Status != nil {
			return scopesTable(r.Status)
		}
	}
	switch {
	case len(r.Events) > 0:
		return eventsTable(r.Events)
	case len(r.Findings) > 0:
		return findingsTable(r.Findings)
	case len(r.Users) > 0:
		return usersTable(r.Users)
	case len(r.Assignments) > 0:
		return assignmentsTable(r.Assignments)
	case len(r.Rules) > 0:
		return rulesTable(r.Rules)
	case len(r.Policies) > 0:
		return policiesTable(r.Policies)
	case len(r.Apps) > 0:
		return appsTable(r.Apps)
	case len(r.Groups) > 0:
		return groupsTable(r.Groups)
	}
	return []string{"kind", "result"}, [][]string{{string(r.Intent.Kind), "no items"}}
}

func usersTable(us []intents.User) ([]string, [][]string) {
	head := []string{"id", "status", "login", "email", "first_name", "last_name", "display_name", "department", "title", "created", "status_changed", "last_login", "password_changed"}
	rows := make([][]string, len(us))
	for i, u := range us {
		rows[i] = []string{u.ID, u.Status, u.Login, u.Email, u.FirstName, u.LastName, u.DisplayName, u.Department, u.Title,
			rfc3339(u.Created), rfc3339(u.StatusChanged), rfc3339(u.LastLogin), rfc3339(u.PasswordChanged)}
	}
	return head, rows
}

func groupsTable(gs []intents.Group) ([]string, [][]string) {
	head := []string{"id", "name", "type", "description", "created"}
	rows := make([][]string, len(gs))
	for i, g := range gs {
		rows[i] = []string{g.ID, g.Name, g.Type, g.Description, rfc3339(g.Created)}
	}
	return head, rows
}

func appsTable(as []intents.App) ([]string, [][]string) {
	head := []string{"id", "label", "name", "status", "sign_on_mode", "created", "last_updated"}
	rows := make([][]string, len(as))
	for i, a := range as {
		rows[i] = []string{a.ID, a.Label, a.Name, a.Status, a.SignOnMode, rfc3339(a.Created), rfc3339(a.Updated)}
	}
	return head, rows
}

func assignmentsTable(as []intents.Assignment) ([]string, [][]string) {
	head := []string{"type", "id", "name", "status", "scope"}
	rows := make([][]string, len(as))
	for i, a := range as {
		rows[i] = []string{a.Type, a.ID, a.Name, a.Status, a.Scope}
	}
	return head, rows
}

func policiesTable(ps []intents.Policy) ([]string, [][]string) {
	head := []string{"id", "name", "type", "status", "priority", "system", "description"}
	rows := make([][]string, len(ps))
	for i, p := range ps {
		rows[i] = []string{p.ID, p.Name, p.Type, p.Status, strconv.Itoa(p.Priority), strconv.FormatBool(p.System), p.Description}
	}
	return head, rows
}

func rulesTable(rs []intents.PolicyRule) ([]string, [][]string) {
	head := []string{"id", "policy_id", "name", "type", "status", "priority", "system", "summary"}
	rows := make([][]string, len(rs))
	for i, r := range rs {
		rows[i] = []string{r.ID, r.PolicyID, r.Name, r.Type, r.Status, strconv.Itoa(r.Priority), strconv.FormatBool(r.System), r.Summary}
	}
	return head, rows
}

func eventsTable(es []intents.Event) ([]string, [][]string) {
	head := []string{"published", "uuid", "event_type", "display_message", "severity", "outcome", "reason",
		"actor_id", "actor_login", "actor_name", "targets", "ip", "city", "state", "country", "is_proxy", "as_org", "user_agent", "session_id"}
	rows := make([][]string, len(es))
	for i, e := range es {
		var targets []string
		for _, t := range e.Targets {
			name := t.AlternateID
			if name == "" {
				name = t.DisplayName
			}
			targets = append(targets, joinNonEmpty(":", t.Type, name))
		}
		rows[i] = []string{rfc3339(e.Published), e.UUID, e.EventType, e.DisplayMessage, e.Severity, e.Outcome.Result, e.Outcome.Reason,
			e.Actor.ID, e.Actor.AlternateID, e.Actor.DisplayName, strings.Join(targets, "; "), e.Client.IP, e.Client.City, e.Client.State,
			e.Client.Country, strconv.FormatBool(e.Security.IsProxy), e.Security.ASOrg, e.Client.UserAgent, e.SessionID}
	}
	return head, rows
}

func findingsTable(fs []intents.Finding) ([]string, [][]string) {
	head := []string{"detection", "severity", "score", "user", "summary", "evidence", "events"}
	rows := make([][]string, len(fs))
	for i, f := range fs {
		var ev []string
		for _, e := range f.Evidence {
			ev = append(ev, e.Text+" ("+strconv.Itoa(e.Points)+")")
		}
		rows[i] = []string{f.Detection, string(f.Severity), strconv.Itoa(f.Score), f.User, f.Summary, strings.Join(ev, "; "), strings.Join(f.Events, " ")}
	}
	return head, rows
}

func scopesTable(s *intents.OrgStatus) ([]string, [][]string) {
	head := []string{"scope", "requested", "granted"}
	var rows [][]string
	seen := map[string]bool{}
	for _, list := range [][]string{s.Requested, s.Granted, s.Missing} {
		for _, sc := range list {
			if seen[sc] {
				continue
			}
			seen[sc] = true
			rows = append(rows, []string{sc, strconv.FormatBool(slices.Contains(s.Requested, sc)), strconv.FormatBool(slices.Contains(s.Granted, sc))})
		}
	}
	return head, rows
}

// defuse keeps a spreadsheet from running a cell as a formula (OWASP's
// CSV injection advice): a cell that starts with =, +, -, @, a tab or a
// carriage return gets a leading '.
func defuse(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// csvName is okta-KIND[-SUBJECT][-YYYYMMDD-HHMM].csv in [a-z0-9-_.].
func csvName(r intents.Result) string {
	kind := slug(string(r.Intent.Kind))
	if kind == "" {
		kind = "result"
	}
	name := "okta-" + kind
	subject := r.Subject
	if subject == "" {
		subject = joinNonEmpty(" ", r.Intent.Group, r.Intent.App, r.Intent.Policy, r.Intent.User)
	}
	if s := slug(subject); s != "" {
		name += "-" + s
	}
	if !r.Until.IsZero() {
		name += "-" + r.Until.UTC().Format("20060102-1504")
	}
	return name + ".csv"
}

// slug keeps ASCII letters and digits (lower-cased), turns runs of
// anything else into one '-', and keeps at most 40 characters.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'):
			b.WriteRune(r)
			dash = false
		case r == '_' && b.Len() > 0:
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	return strings.Trim(b.String(), "-_")
}
