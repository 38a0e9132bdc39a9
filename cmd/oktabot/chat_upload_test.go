package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/bot/slackfake"
)

// A picture the bot uploads (files v2, by the real slack-go client) is
// saved to a file the terminal names, under its own name and never over
// another; a CSV is still shown by its first lines.
func TestChatSavesPictures(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	fake := slackfake.New(slackfake.Options{Channels: map[string]slackfake.Channel{demoChannel: {Name: "security"}}})
	defer fake.Close()
	api := slack.New(slackfake.DefaultBotToken, slack.OptionAPIURL(fake.APIURL()))

	dir := t.TempDir()
	out := &syncBuffer{}
	in, typed := io.Pipe()
	done := make(chan error, 1)
	c := &chat{slack: fake, user: demoUser, channel: demoChannel, out: out, wait: time.Minute, pictures: dir}
	go func() { done <- c.loop(ctx, in) }()
	pos := waitTerminal(t, ctx, out, done, "the prompt", "you> ", 0)

	var pic bytes.Buffer
	if err := png.Encode(&pic, image.NewRGBA(image.Rect(0, 0, 40, 30))); err != nil {
		t.Fatal(err)
	}
	upload := func(name, alt string, data []byte) {
		t.Helper()
		_, err := api.UploadFileContext(ctx, slack.UploadFileParameters{
			Filename: name, Title: name, Reader: bytes.NewReader(data), FileSize: len(data), Channel: demoChannel, AltTxt: alt,
		})
		if err != nil {
			t.Fatalf("upload %s: %v", name, err)
		}
	}
	for _, want := range []string{"sign-ins.png", "sign-ins-2.png"} {
		upload("../sign-ins.png", "Sign-ins of john@company.com by hour", pic.Bytes())
		path := filepath.Join(dir, want)
		pos = waitTerminal(t, ctx, out, done, "where the picture went", "📈 chart saved to "+path+" (Sign-ins of john@company.com by hour)", pos)
		saved, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if cfg, err := png.DecodeConfig(bytes.NewReader(saved)); err != nil || cfg.Width != 40 || cfg.Height != 30 || !bytes.Equal(saved, pic.Bytes()) {
			t.Errorf("%s holds %d bytes decoding as %+v, %v; want the uploaded 40×30 PNG", path, len(saved), cfg, err)
		}
	}
	upload("users.csv", "", []byte("id,login\n1,a@x.com\n"))
	waitTerminal(t, ctx, out, done, "the CSV", "oktabot uploaded users.csv (19 bytes, 2 lines).", pos)
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("%s holds %d files, want the 2 pictures", dir, len(entries))
	}
	_ = typed.Close() // teardown; a close error here decides nothing the test checks
	if err := <-done; err != nil {
		t.Errorf("chat ended with %v", err)
	}
}
