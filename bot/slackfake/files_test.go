package slackfake

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
)

func TestUpload(t *testing.T) {
	h, ctx := start(t, Options{}, nil)
	content := "id,login\n00u1,alice@example.com\n"
	file, err := h.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Filename: "users.csv", FileSize: len(content), Content: content,
		Title: "Users", Channel: "C1", ThreadTimestamp: "1700000000.000100", InitialComment: "Export",
	})
	if err != nil {
		t.Fatalf("UploadFile(users.csv): %v", err)
	}
	want := []Upload{{
		FileID: file.ID, Filename: "users.csv", Title: "Users", Length: len(content), Content: []byte(content),
		Channel: "C1", ThreadTS: "1700000000.000100", InitialComment: "Export",
	}}
	if diff := cmp.Diff(want, h.fake.Uploads()); diff != "" {
		t.Errorf("Uploads() (-want +got):\n%s", diff)
	}
	got, err := h.fake.WaitUpload(ctx, func(u Upload) bool { return u.Filename == "users.csv" })
	if err != nil || got.FileID != file.ID {
		t.Errorf("WaitUpload(users.csv) = %+v, %v", got, err)
	}

	// Completing a file whose bytes never arrived, or completing twice.
	u, err := h.api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{FileName: "empty.txt", FileSize: 3})
	if err != nil {
		t.Fatalf("GetUploadURLExternal: %v", err)
	}
	for _, id := range []string{u.FileID, file.ID} {
		_, err := h.api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: id}}})
		if got := slackErr(err); got != "file_not_found" {
			t.Errorf("CompleteUploadExternal(%s) = %v, want file_not_found", id, err)
		}
	}
}

// An image keeps its bytes (binary, exactly), its alt text, channel and
// thread.
func TestUploadImageInThread(t *testing.T) {
	h, ctx := start(t, Options{}, nil)
	img := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
	_, err := h.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Filename: "chart.png", FileSize: len(img), Reader: bytes.NewReader(img), Title: "Chart",
		AltTxt: "Bar chart of 3 users", Channel: "C1", ThreadTimestamp: "1700000000.000200",
	})
	if err != nil {
		t.Fatalf("UploadFile(chart.png): %v", err)
	}
	got := h.fake.Uploads()
	if len(got) != 1 {
		t.Fatalf("%d uploads, want 1", len(got))
	}
	u := got[0]
	if !bytes.Equal(u.Content, img) || u.AltText != "Bar chart of 3 users" || u.Channel != "C1" || u.ThreadTS != "1700000000.000200" || u.Title != "Chart" {
		t.Errorf("upload = %+v, want the image's bytes, alt text, channel and thread", u)
	}
}

// What Slack refuses, the fake refuses, and nothing is shared.
func TestUploadRefusals(t *testing.T) {
	h, ctx := start(t, Options{}, nil)
	for _, tc := range []struct {
		name   string
		params slack.UploadFileParameters
		want   string // in the error
	}{
		{"declared length longer than the bytes", slack.UploadFileParameters{Filename: "a.png", FileSize: 10, Content: "12345"}, "400"},
		{"declared length shorter than the bytes", slack.UploadFileParameters{Filename: "a.png", FileSize: 2, Content: "12345"}, "400"},
		{"alt text over 1000 characters", slack.UploadFileParameters{Filename: "a.png", FileSize: 5, Content: "12345",
			AltTxt: strings.Repeat("é", MaxAltText+1)}, "alt_txt_too_large"},
	} {
		_, err := h.api.UploadFileContext(ctx, tc.params)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: UploadFile = %v, want an error with %q", tc.name, err, tc.want)
		}
	}
	// Exactly MaxAltText characters are fine.
	if _, err := h.api.UploadFileContext(ctx, slack.UploadFileParameters{Filename: "b.png", FileSize: 5, Content: "12345",
		AltTxt: strings.Repeat("é", MaxAltText)}); err != nil {
		t.Errorf("UploadFile with %d characters of alt text: %v", MaxAltText, err)
	}
	var names []string
	for _, u := range h.fake.Uploads() {
		names = append(names, u.Filename)
	}
	if len(names) != 1 || names[0] != "b.png" {
		t.Errorf("uploads = %v, want b.png only", names)
	}
	// The refused bytes leave the file not uploaded: completing it fails.
	u, err := h.api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{FileName: "c.png", FileSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.api.UploadToURL(ctx, slack.UploadToURLParameters{UploadURL: u.UploadURL, Filename: "c.png", Content: "1234"}); err == nil {
		t.Error("UploadToURL with 4 bytes for a length of 3 succeeded")
	}
	_, err = h.api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: u.FileID}}, Channel: "C1"})
	if got := slackErr(err); got != "file_not_found" {
		t.Errorf("CompleteUploadExternal after refused bytes = %v, want file_not_found", err)
	}
}
