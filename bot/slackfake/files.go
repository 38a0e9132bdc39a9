package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxAltText is the most characters of alt text files.getUploadURLExternal
// takes; more answers alt_txt_too_large, as Slack documents.
const MaxAltText = 1000

// Upload is a file shared with files.completeUploadExternal.
type Upload struct {
	FileID         string
	Filename       string // as given to files.getUploadURLExternal
	Title          string
	Length         int    // as declared to files.getUploadURLExternal
	Content        []byte // the bytes posted to the upload URL, exactly Length of them
	Channel        string // channel_id ("" if the file was not shared)
	ThreadTS       string // thread_ts: the message whose thread the file is in
	InitialComment string
	AltText        string // alt_txt, as given to files.getUploadURLExternal
	SnippetType    string
}

// pendingFile is a file between files.getUploadURLExternal and
// files.completeUploadExternal.
type pendingFile struct {
	Upload
	path     string
	uploaded bool
	done     bool
}

// Uploads lists every completed upload, in order.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Upload, len(s.uploads))
	for i, u := range s.uploads {
		u.Content = append([]byte(nil), u.Content...)
		out[i] = u
	}
	return out
}

func (s *Server) filesGetUploadURL(req *apiRequest) (map[string]any, error) {
	name := req.arg("filename")
	length, err := strconv.Atoi(req.arg("length"))
	if name == "" || err != nil || length <= 0 {
		return nil, &apiError{Code: "invalid_arguments", Messages: []string{"[ERROR] filename and a positive length are required"}}
	}
	if utf8.RuneCountInString(req.arg("alt_txt")) > MaxAltText {
		return nil, fail("alt_txt_too_large")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &pendingFile{Upload: Upload{
		FileID: s.nextIDLocked("F"), Filename: name, Length: length,
		AltText: req.arg("alt_txt"), SnippetType: req.arg("snippet_type"),
	}}
	f.path = "/upload/v1/" + f.FileID
	s.files[f.FileID] = f
	return map[string]any{"upload_url": s.base + f.path, "file_id": f.FileID}, nil
}

// handleUpload receives the bytes, as a multipart "file" field (slack-go)
// or a raw body, and answers "OK - <bytes>" like Slack's upload host. The
// fake's choice: bytes whose count is not the length declared to
// files.getUploadURLExternal are refused (HTTP 400) and the file stays
// not uploaded, so a wrong size cannot pass unnoticed in tests.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	id := pathID(r.URL.Path)
	s.mu.Lock()
	f, ok := s.files[id]
	s.mu.Unlock()
	if !ok || r.Method != http.MethodPost {
		http.Error(w, "unknown upload url", http.StatusNotFound)
		return
	}
	var content []byte
	var err error
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		var file io.ReadCloser
		file, _, err = r.FormFile("file")
		if err == nil {
			content, err = io.ReadAll(file)
			_ = file.Close()
		}
	} else {
		content, err = io.ReadAll(io.LimitReader(r.Body, 64<<20))
	}
	if err != nil {
		http.Error(w, "bad upload: "+err.Error(), http.StatusBadRequest)
		return
	}
	if len(content) != f.Length {
		http.Error(w, fmt.Sprintf("bad upload: %d bytes, but the length declared was %d", len(content), f.Length), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	f.Content, f.uploaded = content, true
	s.notifyLocked()
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = fmt.Fprintf(w, "OK - %d", len(content))
}

func (s *Server) filesCompleteUpload(req *apiRequest) (map[string]any, error) {
	var files []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal(req.raw("files"), &files); err != nil || len(files) == 0 {
		return nil, &apiError{Code: "invalid_arguments", Messages: []string{"[ERROR] files must be a JSON array of {id, title}"}}
	}
	channel := req.arg("channel_id")
	if channel == "" {
		channel = strings.Split(req.arg("channels"), ",")[0]
	}
	if channel != "" {
		id, ch, code := s.opts.channel(channel)
		if code != "" {
			return nil, fail(code)
		}
		if ch.NotMember {
			return nil, fail("not_in_channel")
		}
		channel = id
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	for _, fs := range files {
		// The fake's choice: a file that was never uploaded, or was already
		// completed, is not found.
		if f, ok := s.files[fs.ID]; !ok || !f.uploaded || f.done {
			return nil, fail("file_not_found")
		}
	}
	out := make([]map[string]any, 0, len(files))
	for _, fs := range files {
		f := s.files[fs.ID]
		f.done = true
		u := f.Upload
		u.Title, u.Channel, u.ThreadTS, u.InitialComment = fs.Title, channel, req.arg("thread_ts"), req.arg("initial_comment")
		if u.Title == "" {
			u.Title = u.Filename
		}
		s.uploads = append(s.uploads, u)
		out = append(out, map[string]any{"id": u.FileID, "title": u.Title})
	}
	s.notifyLocked()
	return map[string]any{"files": out}, nil
}

// WaitUpload returns the first completed upload, already recorded or yet to
// come, for which match reports true.
func (s *Server) WaitUpload(ctx context.Context, match func(Upload) bool) (Upload, error) {
	var found Upload
	err := s.waitFor(ctx, func() bool {
		for _, u := range s.uploads {
			if match(u) {
				found = u
				found.Content = append([]byte(nil), u.Content...)
				return true
			}
		}
		return false
	})
	return found, err
}
