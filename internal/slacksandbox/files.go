package slacksandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// File uploads, the way Slack takes them since files.upload was retired
// (docs/vendors.md §1.8):
//
//  1. files.getUploadURLExternal (filename, length) answers a one-time
//     upload_url and a file_id
//     (docs.slack.dev/reference/methods/files.getUploadURLExternal);
//  2. the client POSTs the file's bytes, raw or as a multipart form, to
//     upload_url; Slack answers HTTP 200 when it took them;
//  3. files.completeUploadExternal (files=[{id,title}], optional
//     channel_id) finishes the upload; without channel_id the file stays
//     private to the uploader, with it the file is shared in the channel
//     (docs.slack.dev/reference/methods/files.completeUploadExternal).
//
// The sandbox keeps each completed file's bytes so that tests can decode
// them.

// MaxUploadLength is the largest length files.getUploadURLExternal accepts
// in the sandbox: Slack's per-file limit of 1 GB
// (slack.com/help/articles/201330736).
const MaxUploadLength = 1 << 30

// File is one file in the sandbox, from files.getUploadURLExternal on.
type File struct {
	ID       string
	Name     string // filename given to files.getUploadURLExternal
	Title    string // title given to files.completeUploadExternal
	AltText  string
	Length   int // bytes announced
	Data     []byte
	Uploaded bool // the bytes arrived at the upload URL
	// Completed is set by files.completeUploadExternal; Channel is where
	// it was shared, "" for a private file.
	Completed bool
	Channel   string
}

type fileStore struct {
	byID  map[string]*File
	byKey map[string]string // upload URL key → file id, removed once used
}

// fileState returns the sandbox's files; s.mu is held.
func (s *Server) fileState() *fileStore {
	if s.files == nil {
		s.files = &fileStore{byID: map[string]*File{}, byKey: map[string]string{}}
	}
	return s.files
}

func init() {
	methods["files.getUploadURLExternal"] = (*Server).filesGetUploadURLExternal
	methods["files.completeUploadExternal"] = (*Server).filesCompleteUploadExternal
}

// File returns the file with id, whatever stage of its upload it is in.
func (s *Server) File(id string) (File, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.fileState().byID[id]
	if !ok {
		return File{}, false
	}
	out := *f
	out.Data = bytes.Clone(f.Data)
	return out, true
}

// Files returns the completed files in id order.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []File
	for _, f := range s.fileState().byID {
		if f.Completed {
			c := *f
			c.Data = bytes.Clone(f.Data)
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b File) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// filesGetUploadURLExternal: filename and a positive integer length are
// required; a length of 0 is missing_argument (the method's page says so),
// anything else unusable invalid_arguments; more than MaxUploadLength is
// file_upload_size_restricted.
func (s *Server) filesGetUploadURLExternal(p params, c *Call) (map[string]any, string) {
	name, raw := p.str("filename"), p.str("length")
	c.Text = name
	if name == "" || raw == "" {
		return nil, "invalid_arguments"
	}
	n, err := strconv.Atoi(raw)
	switch {
	case err != nil || n < 0:
		return nil, "invalid_arguments"
	case n == 0:
		return nil, "missing_argument"
	case n > MaxUploadLength:
		return nil, "file_upload_size_restricted"
	}
	fs := s.fileState()
	f := &File{ID: s.nextID("F"), Name: name, Length: n, AltText: p.str("alt_txt")}
	key := fmt.Sprintf("u%d%016x", s.seq, s.rng.Uint64())
	fs.byID[f.ID] = f
	fs.byKey[key] = f.ID
	return map[string]any{"upload_url": s.srv.URL + "/upload/" + key, "file_id": f.ID}, ""
}

// serveUpload takes a file's bytes at its upload URL: exactly the length
// announced, once. Bytes of another length are refused with HTTP 400 and
// leave the URL usable; a used or unknown URL answers 404.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	data, err := uploadBody(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	fs := s.fileState()
	id, ok := fs.byKey[r.PathValue("key")]
	if !ok {
		http.Error(w, "upload URL unknown or already used", http.StatusNotFound)
		return
	}
	f := fs.byID[id]
	if err != nil {
		http.Error(w, "unreadable upload: "+err.Error(), http.StatusBadRequest)
		return
	}
	if len(data) != f.Length {
		http.Error(w, fmt.Sprintf("got %d bytes, the upload URL was issued for %d", len(data), f.Length), http.StatusBadRequest)
		return
	}
	delete(fs.byKey, r.PathValue("key"))
	f.Data, f.Uploaded = data, true
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "OK - %d", len(data))
}

// uploadBody reads the file from a multipart form (its first file part) or
// from the raw body.
func uploadBody(r *http.Request) ([]byte, error) {
	body := io.LimitReader(r.Body, MaxUploadLength+1)
	ct, ps, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if !strings.HasPrefix(ct, "multipart/") {
		return io.ReadAll(body)
	}
	mr := multipart.NewReader(body, ps["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			return nil, fmt.Errorf("no file part: %w", err)
		}
		if part.FileName() != "" {
			return io.ReadAll(part)
		}
	}
}

// filesCompleteUploadExternal: every id must be a file whose bytes arrived
// and that was not completed before, else file_not_found (the sandbox
// answers nothing else for a file it cannot complete, and completes
// nothing of a call that fails); channel_id shares the files in the
// channel, where the bot must be a member (not_in_channel).
func (s *Server) filesCompleteUploadExternal(p params, c *Call) (map[string]any, string) {
	var list []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if raw := p.raw("files"); len(raw) == 0 || json.Unmarshal(raw, &list) != nil || len(list) == 0 {
		return nil, "invalid_arguments"
	}
	c.Channel = p.str("channel_id")
	fs := s.fileState()
	for _, e := range list {
		f, ok := fs.byID[e.ID]
		if !ok || !f.Uploaded || f.Completed {
			return nil, "file_not_found"
		}
	}
	if c.Channel != "" && !s.botIn(c.Channel) {
		return nil, "not_in_channel"
	}
	var out []map[string]any
	var ids []string
	for _, e := range list {
		f := fs.byID[e.ID]
		f.Title, f.Completed, f.Channel = e.Title, true, c.Channel
		if f.Title == "" {
			f.Title = f.Name
		}
		ids = append(ids, f.ID)
		out = append(out, map[string]any{"id": f.ID, "title": f.Title})
	}
	if c.Channel != "" {
		m := &Message{Channel: c.Channel, TS: s.nextTS(), Text: p.str("initial_comment"), Versions: 1, PostedAt: c.At, Files: ids}
		c.TS = m.TS
		s.messages[c.Channel] = append(s.messages[c.Channel], m)
	}
	c.Text = strings.Join(ids, ",")
	return map[string]any{"files": out}, ""
}

// fileRefError checks the image blocks of a message: an image given as
// slack_file must name a completed image file the bot can see, else Slack
// refuses the blocks (docs/vendors.md §1.8); s.mu is held.
func (s *Server) fileRefError(blocks json.RawMessage) string {
	if len(blocks) == 0 {
		return ""
	}
	var list []struct {
		Type      string `json:"type"`
		SlackFile *struct {
			ID  string `json:"id"`
			URL string `json:"url"`
		} `json:"slack_file"`
	}
	if json.Unmarshal(blocks, &list) != nil {
		return ""
	}
	for _, b := range list {
		if b.Type != "image" || b.SlackFile == nil {
			continue
		}
		if (b.SlackFile.ID == "") == (b.SlackFile.URL == "") {
			return "invalid_blocks" // exactly one of id and url
		}
		if b.SlackFile.ID == "" {
			continue // a url the sandbox does not serve: not checked
		}
		f, ok := s.fileState().byID[b.SlackFile.ID]
		if !ok || !f.Completed || !isImageName(f.Name) {
			return "invalid_blocks"
		}
	}
	return ""
}

// isImageName reports whether name has one of the types an image block
// shows from a Slack file: png, jpg, jpeg, gif.
func isImageName(name string) bool {
	n := strings.ToLower(name)
	for _, ext := range []string{".png", ".jpg", ".jpeg", ".gif"} {
		if strings.HasSuffix(n, ext) {
			return true
		}
	}
	return false
}
