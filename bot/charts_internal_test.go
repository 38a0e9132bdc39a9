package bot

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
)

// A failed upload is logged without its upload URL, which lets whoever
// holds it upload.
func TestWithoutURL(t *testing.T) {
	const secret = "https://files.slack.com/upload/v1/CwABAAAAXAoAAZnd-secret"
	err := fmt.Errorf("UploadToURL: %w", &url.Error{Op: "Post", URL: secret, Err: io.ErrUnexpectedEOF})
	if !strings.Contains(err.Error(), "CwAB") {
		t.Fatal("the test error does not carry the URL")
	}
	got := withoutURL(err)
	if strings.Contains(got, "CwAB") || !strings.Contains(got, "unexpected EOF") {
		t.Errorf("withoutURL = %q, want the cause without the URL", got)
	}
	if got := withoutURL(errors.New("CompleteUploadExternal: not_in_channel")); got != "CompleteUploadExternal: not_in_channel" {
		t.Errorf("withoutURL(a Slack error) = %q, want it unchanged", got)
	}
}
