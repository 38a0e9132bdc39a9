package bot_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot/slackfake"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The proposal an investigation of john makes reads like the setup
// guide's card: a one-line reason, at most five evidence bullets (the
// failures from 185.220.101.1 named as a Tor exit node, the success from
// the same IP with its time, the 7 applications), none repeating the
// reason, and the confidence band with its percent. testdata holds it,
// with ids and times masked.
func TestInvestigateJohnProposalCard(t *testing.T) {
	h := approvalHarness(t, nil)
	h.slash(analyst, secChannel, "investigate john@company.com")
	m := h.answer("the proposal message", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && has(m, blocks.ActionApprove)
	})
	text := plainOf(t, m)

	reason, bullets, confidence := cardParts(text)
	if reason == "" || strings.Contains(reason, "\n") {
		t.Errorf("reason %q is not one line", reason)
	}
	if n := len(bullets); n == 0 || n > 5 {
		t.Errorf("%d evidence bullets, want 1 to 5:\n%s", n, text)
	}
	wants := []*regexp.Regexp{
		regexp.MustCompile(`^\d+ failed sign-ins from 185\.220\.101\.1 \(Tor exit node\)$`),
		regexp.MustCompile(`^Successful sign-in from the same IP at \d\d:\d\d `),
		regexp.MustCompile(`7 applications`),
	}
	for _, re := range wants {
		found := false
		for _, b := range bullets {
			found = found || re.MatchString(b)
		}
		if !found {
			t.Errorf("no evidence bullet matches %s:\n%s", re, strings.Join(bullets, "\n"))
		}
	}
	for _, b := range bullets {
		if strings.EqualFold(b, reason) || strings.Contains(strings.ToLower(reason), strings.ToLower(b)) {
			t.Errorf("evidence bullet %q repeats the reason %q", b, reason)
		}
		if strings.HasSuffix(b, "…") {
			t.Errorf("evidence bullet %q is cut", b)
		}
	}
	if !regexp.MustCompile(`^(Critical|High|Medium|Low) \(\d{1,3}%\)$`).MatchString(confidence) {
		t.Errorf("confidence %q is not a band and percent", confidence)
	}
	golden(t, "investigate_john_proposal.txt", mask(text))
}

// plainOf renders a posted message as the terminal demo shows it.
func plainOf(t *testing.T, m slackfake.Message) string {
	t.Helper()
	var bs slack.Blocks
	if err := json.Unmarshal(m.Blocks, &bs); err != nil {
		t.Fatalf("blocks of %s: %v", m.TS, err)
	}
	text, _ := blocks.Plain(blocks.Message{Text: m.Text, Blocks: bs.BlockSet})
	return text
}

// cardParts reads a card's reason, evidence bullets and confidence.
func cardParts(text string) (reason string, bullets []string, confidence string) {
	inEvidence := false
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(line, "Reason: "):
			reason = strings.TrimPrefix(line, "Reason: ")
		case line == "Evidence:":
			inEvidence = true
		case inEvidence && strings.HasPrefix(line, "• "):
			bullets = append(bullets, strings.TrimPrefix(line, "• "))
		case strings.Contains(line, "Confidence: "):
			_, confidence, _ = strings.Cut(line, "Confidence: ")
			inEvidence = false
		default:
			inEvidence = false
		}
	}
	return reason, bullets, confidence
}

var (
	maskIDs   = regexp.MustCompile(`\b(p-[0-9A-Z]{6}|00u[0-9A-Za-z]{17})\b`)
	maskTimes = regexp.MustCompile(`\b\d{4}-\d\d-\d\d \d\d:\d\d\b|\b\d\d:\d\d\b|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}\b|in \d+ minutes`)
)

// mask replaces what differs from run to run (ids, times) with
// placeholders.
func mask(s string) []byte {
	s = maskIDs.ReplaceAllStringFunc(s, func(id string) string { return id[:2] + "…" })
	s = maskTimes.ReplaceAllString(s, "<time>")
	return []byte(s + "\n")
}

// golden compares got with testdata/name; -update rewrites it.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./bot -run %s -update writes it)", err, t.Name())
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; -update rewrites it):\n%s", path, diff)
	}
}
