package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot/slackfake"
)

// chat is the demo's terminal: what a person types goes to the bot as Slack
// would send it (a slash command, a mention, a button click), and every
// message the bot sends back is shown as readable text, buttons as
// numbered choices. The bot cannot tell it from Slack.
type chat struct {
	slack   *slackfake.Server
	user    string
	channel string
	out     io.Writer
	wait    time.Duration // how long to wait for an answer

	seen    int               // messages already shown
	files   int               // uploads already shown
	choices []blocks.Choice   // buttons of the last message with buttons
	from    slackfake.Message // that message
}

const chatHelp = `Type a command such as /okta user john@company.com, or a question for @oktabot,
or the number of a choice to click that button. /quit or Ctrl-D leaves.`

func (c *chat) loop(ctx context.Context, in io.Reader) error {
	fmt.Fprintln(c.out, chatHelp)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 64*1024)
	for {
		fmt.Fprint(c.out, "\nyou> ")
		if !sc.Scan() {
			fmt.Fprintln(c.out)
			return sc.Err()
		}
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
			continue
		case line == "/quit" || line == "/exit":
			return nil
		}
		if err := c.send(ctx, line); err != nil {
			fmt.Fprintln(c.out, "  (", err, ")")
			continue
		}
		c.show(ctx)
		if ctx.Err() != nil {
			return nil
		}
	}
}

// send delivers one line to the bot the way Slack would.
func (c *chat) send(ctx context.Context, line string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if n, err := strconv.Atoi(line); err == nil {
		if n < 1 || n > len(c.choices) {
			if len(c.choices) == 0 {
				return fmt.Errorf("there is nothing to choose from yet")
			}
			return fmt.Errorf("choose 1 to %d", len(c.choices))
		}
		ch := c.choices[n-1]
		_, err := c.slack.Click(ctx, slackfake.Click{UserID: c.user, ChannelID: c.from.Channel, MessageTS: c.from.TS, ActionID: ch.ActionID, BlockID: ch.BlockID, Value: ch.Value})
		return err
	}
	if rest, ok := strings.CutPrefix(line, "/okta"); ok && (rest == "" || rest[0] == ' ') {
		_, err := c.slack.SlashCommand(ctx, slackfake.SlashCommand{UserID: c.user, ChannelID: c.channel, Text: strings.TrimSpace(rest)})
		return err
	}
	_, err := c.slack.Mention(ctx, slackfake.Mention{UserID: c.user, ChannelID: c.channel, Text: strings.TrimPrefix(line, "@oktabot ")})
	return err
}

// show prints the bot's messages until an answer has come and things are
// quiet, or the wait runs out.
func (c *chat) show(ctx context.Context) {
	deadline := time.Now().Add(c.wait)
	answered := false
	quietSince := time.Now()
	for time.Now().Before(deadline) && ctx.Err() == nil {
		ms := c.slack.Messages()
		if len(ms) > c.seen {
			for _, m := range ms[c.seen:] {
				if c.print(m) {
					answered = true
				}
			}
			c.seen = len(ms)
			quietSince = time.Now()
		}
		if ups := c.slack.Uploads(); len(ups) > c.files {
			for _, u := range ups[c.files:] {
				c.printUpload(u)
			}
			c.files = len(ups)
			answered = true
			quietSince = time.Now()
		}
		if answered && time.Since(quietSince) > 300*time.Millisecond {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !answered {
		fmt.Fprintln(c.out, "  (no answer yet; it will show after your next line)")
	}
}

// print renders one message and reports whether it is an answer (anything
// but the "⏳" placeholder or a deletion).
func (c *chat) print(m slackfake.Message) bool {
	if m.DeleteOriginal && len(m.Blocks) == 0 && m.Text == "" {
		return false
	}
	var bl slack.Blocks
	if len(m.Blocks) > 0 {
		if err := json.Unmarshal(m.Blocks, &bl); err != nil {
			fmt.Fprintf(c.out, "  (unreadable message: %v)\n", err)
			return true
		}
	}
	text, choices := blocks.Plain(blocks.Message{Text: m.Text, Blocks: bl.BlockSet})
	working := strings.Contains(m.Text, "⏳") && len(choices) == 0 && !strings.Contains(text, "\n")
	who := "oktabot"
	if m.Ephemeral {
		who = "oktabot (only you)"
	}
	fmt.Fprintf(c.out, "\n%s:\n%s\n", who, indent(text))
	if len(choices) > 0 {
		c.choices, c.from = choices, m
		if cur, ok := c.slack.Current(m.Channel, m.TS); ok {
			c.from = cur
		}
	}
	return !working
}

// printUpload shows a file the bot uploaded: its name, size and first
// lines.
func (c *chat) printUpload(u slackfake.Upload) {
	lines := strings.Split(strings.TrimPrefix(string(u.Content), blocks.BOM), "\n")
	fmt.Fprintf(c.out, "\noktabot uploaded %s (%d bytes, %d lines). %s\n", u.Filename, len(u.Content), len(lines)-1, u.InitialComment)
	for i, l := range lines {
		if i == 4 {
			fmt.Fprintln(c.out, "  …")
			break
		}
		fmt.Fprintln(c.out, "  "+l)
	}
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n")
}
