package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot/slackfake"
)

// chat is the demo's terminal: what a person types goes to the bot as Slack
// would send it (a slash command, a mention, a button click, a submitted
// form), and whatever the bot makes Slack show comes back as readable
// text: every message numbered, its buttons as [message.button], modals as
// questions field by field, pictures saved to files. The bot cannot tell
// it from Slack.
type chat struct {
	slack   *slackfake.Server
	user    string
	channel string
	out     io.Writer
	wait    time.Duration // how long an answer may take before the prompt comes back
	// pictures is the directory uploaded pictures are saved in; "" makes a
	// temporary one on the first picture (kept after the demo ends).
	pictures string
	// notes are lines to show between messages (the live demo's story
	// titles); nil: none.
	notes <-chan string

	seen, files, views int // entries of the fake's logs already shown
	msgs               []*chatMessage
	byTS               map[string]*chatMessage // channel/ts → message
	forms              []*termForm             // open modals, the one being filled last
	waiting            bool                    // a line went to the bot and no answer has come
	prompted           bool                    // the prompt is the last thing printed
	timer              *time.Timer             // gives the prompt back if no answer comes
}

// chatMessage is a message as the terminal last showed it.
type chatMessage struct {
	n           int // its number: the first message shown is 1
	channel, ts string
	title       string // its heading
	choices     []blocks.Choice
	deleted     bool
}

const chatHelp = `Type a command such as /okta user john@company.com, or a question for @oktabot.
Each message has a number and its buttons show as [2.1] Approve  [2.2] Reject:
type 2.1 to click that button, or a bare 1 for button 1 of the newest message
with buttons. Forms ask field by field; cancel closes one. /quit or Ctrl-D leaves.`

// clickPattern is what a typed click looks like: "2.1", or a bare "1".
var clickPattern = regexp.MustCompile(`^(\d{1,6})(?:\.(\d{1,6}))?$`)

func (c *chat) loop(ctx context.Context, in io.Reader) error {
	fmt.Fprintln(c.out, chatHelp)
	c.byTS = map[string]*chatMessage{}
	c.timer = time.NewTimer(c.wait)
	c.timer.Stop()
	defer c.timer.Stop()

	lines := make(chan string)
	readErr := make(chan error, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64*1024), 64*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-stop:
				return
			}
		}
		readErr <- sc.Err()
	}()

	for {
		changed := c.slack.Changed()
		c.catchUp(ctx)
		c.prompt()
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		case n := <-c.notes:
			if c.prompted {
				fmt.Fprintln(c.out)
			}
			c.say("%s", n)
		case <-c.timer.C:
			if c.waiting {
				c.waiting = false
				c.say("  (no answer yet; it will show here when it comes)")
			}
		case line, ok := <-lines:
			if !ok {
				fmt.Fprintln(c.out)
				return <-readErr
			}
			c.prompted = false
			if quit := c.handle(ctx, strings.TrimSpace(line)); quit {
				return nil
			}
		}
	}
}

// handle acts on one typed line; it reports whether the person leaves.
func (c *chat) handle(ctx context.Context, line string) bool {
	switch {
	case line == "/quit" || line == "/exit":
		return true
	case len(c.forms) > 0:
		c.answer(ctx, line)
	case line == "":
	case clickPattern.MatchString(line):
		c.click(ctx, line)
	default:
		if err := c.send(ctx, line); err != nil {
			c.say("  (%v)", err)
			return false
		}
		c.awaitAnswer()
	}
	return false
}

// send delivers a typed line to the bot the way Slack would.
func (c *chat) send(ctx context.Context, line string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if rest, ok := strings.CutPrefix(line, "/okta"); ok && (rest == "" || rest[0] == ' ') {
		_, err := c.slack.SlashCommand(ctx, slackfake.SlashCommand{UserID: c.user, ChannelID: c.channel, Text: strings.TrimSpace(rest)})
		return err
	}
	_, err := c.slack.Mention(ctx, slackfake.Mention{UserID: c.user, ChannelID: c.channel, Text: strings.TrimPrefix(line, "@oktabot ")})
	return err
}

// click clicks the button a typed number names, saying which; a number
// that names no button clicks nothing.
func (c *chat) click(ctx context.Context, line string) {
	s, ch, hint := c.button(line)
	if hint != "" {
		c.say("  (%s Nothing was clicked.)", hint)
		return
	}
	c.say("→ clicked %s on message %d (%s)", termText(ch.Label), s.n, s.title)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err := c.slack.Click(ctx, slackfake.Click{UserID: c.user, ChannelID: s.channel, MessageTS: s.ts, ActionID: ch.ActionID, BlockID: ch.BlockID, Value: ch.Value})
	if err != nil {
		c.say("  (%v)", err)
		return
	}
	c.awaitAnswer()
}

// button finds the button "m.b" or a bare "b" names, or says why there is
// none.
func (c *chat) button(line string) (*chatMessage, blocks.Choice, string) {
	parts := clickPattern.FindStringSubmatch(line)
	var s *chatMessage
	b, _ := strconv.Atoi(parts[1])
	if parts[2] == "" {
		for i := len(c.msgs) - 1; i >= 0 && s == nil; i-- {
			if m := c.msgs[i]; !m.deleted && len(m.choices) > 0 {
				s = m
			}
		}
		if s == nil {
			return nil, blocks.Choice{}, "There is nothing to click yet."
		}
	} else {
		n, _ := strconv.Atoi(parts[1])
		b, _ = strconv.Atoi(parts[2])
		switch {
		case len(c.msgs) == 0:
			return nil, blocks.Choice{}, "There are no messages yet."
		case n < 1 || n > len(c.msgs):
			return nil, blocks.Choice{}, fmt.Sprintf("There is no message %d: messages are numbered 1 to %d.", n, len(c.msgs))
		}
		s = c.msgs[n-1]
		switch {
		case s.deleted:
			return nil, blocks.Choice{}, fmt.Sprintf("Message %d was deleted.", n)
		case len(s.choices) == 0:
			return nil, blocks.Choice{}, fmt.Sprintf("Message %d has no buttons.", n)
		}
	}
	if b < 1 || b > len(s.choices) {
		return nil, blocks.Choice{}, fmt.Sprintf("Message %d has buttons %d.1 to %d.%d.", s.n, s.n, s.n, len(s.choices))
	}
	return s, s.choices[b-1], ""
}

// awaitAnswer holds the prompt back until the bot answers or c.wait
// passes.
func (c *chat) awaitAnswer() {
	c.waiting = true
	c.timer.Reset(c.wait)
}

// answered notes that something the bot did has been shown.
func (c *chat) answered() {
	c.waiting = false
	c.timer.Stop()
}

// prompt shows the prompt if it is not the last thing shown: the field
// being asked while a form is open, else "you> " unless an answer is
// awaited.
func (c *chat) prompt() {
	switch {
	case c.prompted:
		return
	case len(c.forms) > 0:
		c.forms[len(c.forms)-1].ask(c.out)
	case c.waiting:
		return
	default:
		fmt.Fprint(c.out, "\nyou> ")
	}
	c.prompted = true
}

// say prints one line of the terminal's own.
func (c *chat) say(format string, a ...any) {
	fmt.Fprintf(c.out, format+"\n", a...)
	c.prompted = false
}

// catchUp shows what happened in the fake since the last look: messages,
// uploads and views, in the order of each log.
func (c *chat) catchUp(ctx context.Context) {
	if ms := c.slack.Messages(); len(ms) > c.seen {
		for _, m := range ms[c.seen:] {
			c.print(m)
		}
		c.seen = len(ms)
	}
	if ups := c.slack.Uploads(); len(ups) > c.files {
		for _, u := range ups[c.files:] {
			c.printUpload(u)
		}
		c.files = len(ups)
	}
	if vs := c.slack.Views(); len(vs) > c.views {
		for _, v := range vs[c.views:] {
			c.view(ctx, v)
		}
		c.views = len(vs)
	}
}

// print shows one message: new ones get the next number, updates and
// replacements keep theirs. The "⏳" placeholder of a slash command is
// shown without a number (its answer takes one), and is not an answer.
func (c *chat) print(m slackfake.Message) {
	if m.Ephemeral && m.User != "" && m.User != c.user {
		return
	}
	key := m.Channel + "/" + m.TS
	s := c.byTS[key]
	if m.DeleteOriginal || m.Method == "chat.delete" {
		if s != nil && !s.deleted {
			s.deleted = true
			c.say("  (message %d was deleted)", s.n)
		}
		return
	}
	var bl slack.Blocks
	if len(m.Blocks) > 0 {
		if err := json.Unmarshal(m.Blocks, &bl); err != nil {
			c.say("  (unreadable message: %v)", err)
			return
		}
	}
	text, choices := blocks.Plain(blocks.Message{Text: m.Text, Blocks: bl.BlockSet})
	if s == nil && strings.Contains(m.Text, "⏳") && len(choices) == 0 && !strings.Contains(text, "\n") {
		c.say("\noktabot: %s", text)
		return
	}
	head := "oktabot"
	if s != nil {
		head += ", updated"
	} else {
		s = &chatMessage{n: len(c.msgs) + 1, channel: m.Channel, ts: m.TS}
		c.msgs = append(c.msgs, s)
		c.byTS[key] = s
	}
	if m.Ephemeral {
		head += ", only you"
	}
	if p := c.byTS[m.Channel+"/"+m.ThreadTS]; m.ThreadTS != "" && m.ThreadTS != m.TS && p != nil {
		head += fmt.Sprintf(", in the thread of #%d", p.n)
	}
	s.deleted, s.choices, s.title = false, choices, heading(text)
	c.say("\n#%d %s:\n%s", s.n, head, indent(numbered(text, s.n, choices)))
	c.answered()
}

// numbered rewrites the button lines Plain made ("[1] Approve  [2] Reject")
// with the message's number ("[2.1] Approve  [2.2] Reject"). A button line
// that cannot be found is added at the end.
func numbered(text string, n int, choices []blocks.Choice) string {
	lines := strings.Split(text, "\n")
	from := 0
	var missing []string
	for i := 0; i < len(choices); {
		j := i + 1
		for j < len(choices) && choices[j].BlockID == choices[i].BlockID {
			j++
		}
		var plain, ours []string
		for _, ch := range choices[i:j] {
			plain = append(plain, fmt.Sprintf("[%d] %s", ch.N, ch.Label))
			ours = append(ours, fmt.Sprintf("[%d.%d] %s", n, ch.N, termText(ch.Label)))
		}
		want, line := strings.Join(plain, "  "), strings.Join(ours, "  ")
		found := false
		for k := from; k < len(lines); k++ {
			if lines[k] == want {
				lines[k], from, found = line, k+1, true
				break
			}
		}
		if !found {
			missing = append(missing, line)
		}
		i = j
	}
	return strings.Join(append(lines, missing...), "\n")
}

// heading names a message in a line: its first header (a line Plain
// underlines with ═), else its first line.
func heading(text string) string {
	lines := strings.Split(text, "\n")
	pick := ""
	for i, l := range lines {
		if i+1 < len(lines) && strings.Contains(lines[i+1], "═") && strings.Trim(lines[i+1], "═ ") == "" && strings.TrimSpace(l) != "" {
			pick = l
			break
		}
	}
	if pick == "" {
		pick = firstLine(text)
	}
	return clipLine(pick)
}

// firstLine is the first line of text that is not blank, or "no text".
func firstLine(text string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) != "" {
			return clipLine(l)
		}
	}
	return "no text"
}

// clipLine trims a line to at most 60 characters.
func clipLine(l string) string {
	l = strings.TrimSpace(l)
	if r := []rune(l); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return l
}

// termText is text from the bot or Okta made safe for a terminal: control
// characters (escape sequences) and bidi overrides removed.
func termText(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == 0x2028 || r == 0x2029 {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// printUpload shows a file the bot uploaded: a picture is saved to a file
// and its path shown; anything else (CSV) by its name, size and first
// lines.
func (c *chat) printUpload(u slackfake.Upload) {
	defer c.answered()
	if bytes.HasPrefix(u.Content, pngMagic) {
		path, err := c.savePicture(u)
		if err != nil {
			c.say("\n  (oktabot uploaded the picture %s; it could not be saved: %v)", termText(u.Filename), err)
			return
		}
		about := u.AltText
		if about == "" {
			about = u.Title
		}
		c.say("\n📈 chart saved to %s (%s)", path, termText(about))
		return
	}
	lines := strings.Split(strings.TrimPrefix(string(u.Content), blocks.BOM), "\n")
	c.say("\noktabot uploaded %s (%d bytes, %d lines). %s", termText(u.Filename), len(u.Content), len(lines)-1, termText(u.InitialComment))
	for i, l := range lines {
		if i == 4 {
			c.say("  …")
			break
		}
		c.say("  %s", termText(l))
	}
}

// pngMagic starts every PNG file.
var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// savePicture writes an uploaded picture under c.pictures, named after the
// upload without overwriting anything, and returns its path.
func (c *chat) savePicture(u slackfake.Upload) (string, error) {
	if c.pictures == "" {
		dir, err := os.MkdirTemp("", "oktabot-demo-pictures-")
		if err != nil {
			return "", err
		}
		c.pictures = dir
	}
	if err := os.MkdirAll(c.pictures, 0o755); err != nil {
		return "", err
	}
	base := strings.TrimSuffix(filepath.Base(u.Filename), filepath.Ext(u.Filename))
	base = strings.Trim(unsafeName.ReplaceAllString(base, "_"), "._")
	if base == "" {
		base = "chart"
	}
	for i := 1; ; i++ {
		name := base + ".png"
		if i > 1 {
			name = fmt.Sprintf("%s-%d.png", base, i)
		}
		path := filepath.Join(c.pictures, name)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) && i < 1000 {
			continue
		}
		if err != nil {
			return "", err
		}
		_, err = f.Write(u.Content)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return path, err
	}
}

// unsafeName matches what a saved file's name does not keep.
var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n")
}
