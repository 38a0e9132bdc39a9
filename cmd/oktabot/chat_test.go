package main

import (
	"regexp"
	"strings"
	"testing"
)

// proposalIDIn finds the id a proposal message shows.
func proposalIDIn(t *testing.T, shown string) string {
	t.Helper()
	m := regexp.MustCompile("id `(p-[A-Z0-9]+)`").FindStringSubmatch(shown)
	if m == nil {
		t.Fatalf("no proposal id in:\n%s", shown)
	}
	return m[1]
}

// Every message has its own number and a typed number clicks a button of
// the message it names; a bare number, of the newest message with
// buttons. The regression: a `1` after `/okta proposal <first>` approved
// another proposal.
func TestDemoButtonsPerMessage(t *testing.T) {
	d := startDemo(t)
	d.typeLine("/okta suspend john@company.com reason: tor login")
	first := proposalIDIn(t, d.waitFor("the first proposal", "[1.1] Approve  [1.2] Reject  [1.3] Details"))
	d.waitFor("the next prompt", "you> ")
	d.typeLine("/okta clear-sessions john@company.com reason: stolen laptop")
	second := proposalIDIn(t, d.waitFor("the second proposal", "[2.1] Approve  [2.2] Reject  [2.3] Details"))
	d.waitFor("the next prompt", "you> ")

	for _, bad := range []struct{ line, want string }{
		{"9.1", "There is no message 9: messages are numbered 1 to 2. Nothing was clicked."},
		{"2.5", "Message 2 has buttons 2.1 to 2.3. Nothing was clicked."},
		{"0", "Message 2 has buttons 2.1 to 2.3. Nothing was clicked."},
	} {
		d.step(bad.line, bad.want)
		d.waitFor("the next prompt", "you> ")
	}

	d.typeLine("/okta proposal " + first)
	detail := d.waitFor("the detail of "+first+" with its buttons", "[3.1] Approve  [3.2] Reject")
	detail += d.waitFor("the next prompt", "you> ")
	if !strings.Contains(detail, "#3 oktabot") || !strings.Contains(detail, first) || strings.Contains(detail, second) || strings.Contains(detail, "[3.3]") {
		t.Fatalf("`/okta proposal %s` shows:\n%s", first, detail)
	}
	d.step("1", "→ clicked Approve on message 3 (Proposal: Suspend john@company.com)")
	d.waitFor("the first proposal's own message, updated", "#1 oktabot, updated:")
	d.waitFor("the first proposal done", "✅")
	d.waitFor("the next prompt", "you> ")

	pending := d.step("/okta pending", "Open proposals (1)")
	pending += d.waitFor("the next prompt", "you> ")
	if !strings.Contains(pending, second) || strings.Contains(pending, first) {
		t.Errorf("after approving %s from its detail, /okta pending shows:\n%s\nwant only %s", first, pending, second)
	}
	if all := d.out.String(); strings.Contains(all, "#2 oktabot, updated") {
		t.Errorf("the second proposal's message changed:\n%s", all)
	}
	d.quit()
}

// Reject opens a modal for a reason; the terminal asks for it and submits
// it, and the proposal shows it.
func TestDemoRejectWithReason(t *testing.T) {
	d := startDemo(t)
	d.typeLine("/okta suspend john@company.com reason: tor login")
	d.waitFor("the proposal", "[1.1] Approve  [1.2] Reject")
	d.waitFor("the next prompt", "you> ")
	d.step("1.2", "→ clicked Reject on message 1 (Proposed action: Suspend john@company.com)")
	d.waitFor("the reject form", "📝 Reject proposal")
	d.waitFor("the reason's prompt", "Reason> ")
	d.typeLine("wrong user, ticket IT-7")
	d.step("", "→ submitted “Reject proposal”")
	d.waitFor("the proposal updated", "#1 oktabot, updated:")
	d.waitFor("the reason on the proposal", "Why: wrong user, ticket IT-7")
	d.waitFor("the next prompt", "you> ")
	d.quit()
}

// create-user is a form: cancel closes it and proposes nothing; filled in,
// Slack's own checks (a required field) and the bot's (an email for a
// login that is not one) ask again, and the proposal has what was typed.
func TestDemoCreateUserForm(t *testing.T) {
	d := startDemo(t)
	d.step("/okta create-user", "📝 Create user")
	d.waitFor("the login's prompt", "Login> ")
	d.step("cancel", "→ closed the form “Create user”; nothing was sent")
	d.waitFor("the next prompt", "you> ")

	d.step("/okta create-user", "Login> ")
	d.step("jane", "Email> ")
	d.step("", "First name> ")
	d.step("", "(Required: type a value, or cancel to close the form.)")
	d.waitFor("the first name asked again", "First name> ")
	d.step("Jane", "Last name> ")
	d.step("Doe", "Display name> ")
	d.step("", "Title> ")
	d.step("Security Analyst", "Department> ")
	d.step("", "Manager> ")
	d.step("", "Mobile phone> ")
	d.step("", "Other attributes> ")
	d.step("costCenter: 4410", "… ")
	d.step("", "1) [x] Activate now")
	d.waitFor("the activation's prompt", "Activation> ")
	d.step("-", "Reason> ")
	d.step("ticket IT-1234", "… ")
	d.step("", "→ oktabot sent the form “Create user” back:")
	d.waitFor("the bot's problem", "⚠️ Email: Give an email: the login is not an email address.")
	d.waitFor("the email asked again", "Email> ")
	d.step("jane.doe@company.com", "→ submitted “Create user”")
	d.waitFor("the proposal", "[1.1] Approve  [1.2] Reject  [1.3] Details")
	d.waitFor("the next prompt", "you> ")
	d.step("1.3", "📄 Proposal p-")
	proposal := d.waitFor("the details closed", "→ closed the view")
	for _, want := range []string{
		"Proposal: Create user jane", "`login`: jane", "`email`: jane.doe@company.com", "`firstName`: Jane", "`lastName`: Doe",
		"`title`: Security Analyst", "`costCenter`: 4410", "`activate`: false", "Reason: ticket IT-1234",
	} {
		if !strings.Contains(proposal, want) {
			t.Errorf("the proposal lacks %q:\n%s", want, proposal)
		}
	}
	d.quit()
}
