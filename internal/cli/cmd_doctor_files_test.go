package cli

import (
	"strings"
	"testing"

	"billbot/internal/slacksandbox"
)

// TestDoctorFileUploads: doctor says whether the bot token may upload the
// charts, and names the scope to add when Slack answers missing_scope;
// its probe stores and shares nothing.
func TestDoctorFileUploads(t *testing.T) {
	sb := slacksandbox.New(slacksandbox.Options{})
	t.Cleanup(sb.Close)
	env := map[string]string{"SLACK_BOT_TOKEN": slacksandbox.DefaultToken, "SLACK_API_URL": sb.APIURL(), "SLACK_SIGNING_SECRET": "s3cret-of-16-chars-or-more"}
	dir := t.TempDir()
	if _, _, err := runCLI(t, dir, nil, "migrate"); err != nil {
		t.Fatal(err)
	}
	out, _, _ := runCLI(t, dir, env, "doctor")
	if !strings.Contains(out, "ok    slack      may upload files (files:write)") {
		t.Errorf("doctor with files:write:\n%s", out)
	}
	sb.FailNext("files.getUploadURLExternal", "missing_scope")
	out, _, err := runCLI(t, dir, env, "doctor")
	if err == nil || !strings.Contains(out, "FAIL  slack      the bot token cannot upload files: add the files:write bot scope") {
		t.Errorf("doctor without files:write: %v\n%s", err, out)
	}
	if files := sb.Files(); len(files) != 0 {
		t.Errorf("doctor completed an upload: %+v", files)
	}
}
