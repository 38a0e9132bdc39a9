package slackfake

import (
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
