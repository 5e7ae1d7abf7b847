package slacksandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// uploadURL asks for an upload URL for n bytes.
func uploadURL(t *testing.T, api *slack.Client, name string, n int) *slack.GetUploadURLExternalResponse {
	t.Helper()
	r, err := api.GetUploadURLExternalContext(context.Background(), slack.GetUploadURLExternalParameters{FileName: name, FileSize: n})
	if err != nil {
		t.Fatalf("files.getUploadURLExternal: %v", err)
	}
	if r.FileID == "" || !strings.HasPrefix(r.UploadURL, "http") {
		t.Fatalf("files.getUploadURLExternal answered %+v", r)
	}
	return r
}

// postRaw posts data to an upload URL as a raw body.
func postRaw(t *testing.T, url string, data []byte) int {
	t.Helper()
	resp, err := http.Post(url, "application/octet-stream", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func slackErr(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

func jsonDecode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }

// TestFileUploadPrivate walks the three steps with slack-go's own calls:
// the bytes are kept, and a file completed without channel_id is shared
// nowhere.
func TestFileUploadPrivate(t *testing.T) {
	t.Parallel()
	s, api, _ := setup(t, Options{})
	ctx := context.Background()
	data := []byte("\x89PNG fake image bytes")
	r := uploadURL(t, api, "aging.png", len(data))
	if err := api.UploadToURL(ctx, slack.UploadToURLParameters{UploadURL: r.UploadURL, Reader: bytes.NewReader(data), Filename: "aging.png"}); err != nil {
		t.Fatalf("upload: %v", err)
	}
	if f, _ := s.File(r.FileID); !f.Uploaded || f.Completed {
		t.Fatalf("after the upload, before completing: %+v", f)
	}
	done, err := api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: r.FileID, Title: "AR aging"}}})
	if err != nil {
		t.Fatalf("files.completeUploadExternal: %v", err)
	}
	if len(done.Files) != 1 || done.Files[0].ID != r.FileID || done.Files[0].Title != "AR aging" {
		t.Errorf("complete answered %+v", done.Files)
	}
	f, ok := s.File(r.FileID)
	if !ok || !f.Completed || f.Channel != "" || !bytes.Equal(f.Data, data) || f.Name != "aging.png" {
		t.Errorf("file %+v", f)
	}
	if files := s.Files(); len(files) != 1 || files[0].ID != r.FileID {
		t.Errorf("Files() = %+v", files)
	}
	// Completing again: the upload is finished.
	if _, err := api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: r.FileID}}}); slackErr(err) != "file_not_found" {
		t.Errorf("second complete: %v, want file_not_found", err)
	}
}

// TestFileUploadShared completes with channel_id: the file is shared in the
// channel as a message carrying it.
func TestFileUploadShared(t *testing.T) {
	t.Parallel()
	s, api, _ := setup(t, Options{})
	ctx := context.Background()
	r := uploadURL(t, api, "kpis.png", 3)
	if code := postRaw(t, r.UploadURL, []byte("abc")); code != http.StatusOK {
		t.Fatalf("raw upload: HTTP %d", code)
	}
	if _, err := api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: r.FileID}}, Channel: "C0BILLING", InitialComment: "KPIs"}); err != nil {
		t.Fatal(err)
	}
	msgs := s.Messages("C0BILLING")
	if len(msgs) != 1 || len(msgs[0].Files) != 1 || msgs[0].Files[0] != r.FileID || msgs[0].Text != "KPIs" {
		t.Errorf("channel messages %+v", msgs)
	}
	if f, _ := s.File(r.FileID); f.Channel != "C0BILLING" || f.Title != "kpis.png" {
		t.Errorf("file %+v", f)
	}
	s.RemoveBotFrom("C0OTHER")
	r2 := uploadURL(t, api, "b.png", 1)
	postRaw(t, r2.UploadURL, []byte("x"))
	if _, err := api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: r2.FileID}}, Channel: "C0OTHER"}); slackErr(err) != "not_in_channel" {
		t.Errorf("share to a channel without the bot: %v", err)
	}
	if f, _ := s.File(r2.FileID); f.Completed {
		t.Error("a failed complete completed the file")
	}
}

// TestFileUploadWrongLength refuses bytes of another length than announced
// and leaves the URL usable for the right bytes.
func TestFileUploadWrongLength(t *testing.T) {
	t.Parallel()
	s, api, _ := setup(t, Options{})
	r := uploadURL(t, api, "a.png", 4)
	for _, body := range [][]byte{[]byte("abc"), []byte("abcde")} {
		if code := postRaw(t, r.UploadURL, body); code != http.StatusBadRequest {
			t.Errorf("%d bytes for 4: HTTP %d, want 400", len(body), code)
		}
	}
	if f, _ := s.File(r.FileID); f.Uploaded {
		t.Error("wrong-length bytes were kept")
	}
	if _, err := api.CompleteUploadExternalContext(context.Background(), slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: r.FileID}}}); slackErr(err) != "file_not_found" {
		t.Errorf("complete before any bytes arrived: %v, want file_not_found", err)
	}
	if code := postRaw(t, r.UploadURL, []byte("abcd")); code != http.StatusOK {
		t.Errorf("right length after wrong ones: HTTP %d", code)
	}
}

// TestFileUploadTwice: the upload URL takes the bytes once.
func TestFileUploadTwice(t *testing.T) {
	t.Parallel()
	_, api, _ := setup(t, Options{})
	r := uploadURL(t, api, "a.png", 2)
	if code := postRaw(t, r.UploadURL, []byte("ab")); code != http.StatusOK {
		t.Fatalf("first upload: HTTP %d", code)
	}
	if code := postRaw(t, r.UploadURL, []byte("ab")); code != http.StatusNotFound {
		t.Errorf("second upload: HTTP %d, want 404", code)
	}
	if code := postRaw(t, strings.TrimSuffix(r.UploadURL, r.UploadURL[len(r.UploadURL)-3:])+"zzz", []byte("ab")); code != http.StatusNotFound {
		t.Errorf("unknown upload URL: HTTP %d, want 404", code)
	}
}

// TestFileUploadBadArguments: getUploadURLExternal validates filename and
// length; completeUploadExternal knows only its own file ids.
func TestFileUploadBadArguments(t *testing.T) {
	t.Parallel()
	s, api, _ := setup(t, Options{})
	ctx := context.Background()
	post := func(method string, form map[string]string) string {
		t.Helper()
		vals := []string{"token=" + DefaultToken}
		for k, v := range form {
			vals = append(vals, k+"="+v)
		}
		resp, err := http.Post(s.APIURL()+method, "application/x-www-form-urlencoded", strings.NewReader(strings.Join(vals, "&")))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct{ Error string }
		_ = jsonDecode(resp, &body)
		return body.Error
	}
	for _, tt := range []struct {
		form map[string]string
		want string
	}{
		{map[string]string{"length": "10"}, "invalid_arguments"},
		{map[string]string{"filename": "a.png"}, "invalid_arguments"},
		{map[string]string{"filename": "a.png", "length": "ten"}, "invalid_arguments"},
		{map[string]string{"filename": "a.png", "length": "0"}, "missing_argument"},
		{map[string]string{"filename": "a.png", "length": "2147483648"}, "file_upload_size_restricted"},
	} {
		if got := post("files.getUploadURLExternal", tt.form); got != tt.want {
			t.Errorf("getUploadURLExternal %v: %q, want %q", tt.form, got, tt.want)
		}
	}
	if _, err := api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: "F0NOSUCH"}}}); slackErr(err) != "file_not_found" {
		t.Errorf("unknown id: %v, want file_not_found", err)
	}
	if got := post("files.completeUploadExternal", map[string]string{"files": "[]"}); got != "invalid_arguments" {
		t.Errorf("no files: %q", got)
	}
}

// TestImageBlockNeedsFile: an image block's slack_file must name a
// completed image file.
func TestImageBlockNeedsFile(t *testing.T) {
	t.Parallel()
	s, api, _ := setup(t, Options{})
	ctx := context.Background()
	img := func(id string) slack.MsgOption {
		return slack.MsgOptionBlocks(slack.NewImageBlockSlackFile(&slack.SlackFileObject{ID: id}, "chart", "chart", nil))
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", img("F0NOSUCH")); slackErr(err) != "invalid_blocks" {
		t.Errorf("unknown file: %v, want invalid_blocks", err)
	}
	r := uploadURL(t, api, "c.png", 1)
	postRaw(t, r.UploadURL, []byte("x"))
	if _, _, err := api.PostMessageContext(ctx, "C1", img(r.FileID)); slackErr(err) != "invalid_blocks" {
		t.Errorf("file not completed: %v, want invalid_blocks", err)
	}
	if _, err := api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: r.FileID}}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", img(r.FileID)); err != nil {
		t.Errorf("completed file: %v", err)
	}
	_ = s
}
