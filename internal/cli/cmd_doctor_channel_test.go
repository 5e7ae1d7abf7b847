package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"billbot/internal/slacksandbox"
)

// TestDoctorChecksBillingChannel: doctor says when the bot is not in the
// billing channel, with the fix, and says ok once it is invited.
func TestDoctorChecksBillingChannel(t *testing.T) {
	sb := slacksandbox.New(slacksandbox.Options{})
	t.Cleanup(sb.Close)
	dir := t.TempDir()
	env := map[string]string{"SLACK_BOT_TOKEN": slacksandbox.DefaultToken, "SLACK_API_URL": sb.APIURL(), "SLACK_SIGNING_SECRET": "s3cret-of-16-chars-or-more"}
	if _, _, err := runCLI(t, dir, env, "config", "import", filepath.Join("..", "..", "examples", "firm.yml")); err != nil {
		t.Fatalf("config import: %v", err)
	}
	sb.RemoveBotFrom("C07BILLING")
	out, _, err := runCLI(t, dir, env, "doctor")
	if err == nil || !strings.Contains(out, "FAIL") || !strings.Contains(out, "/invite @") || !strings.Contains(out, "C07BILLING") {
		t.Errorf("doctor without the bot in the billing channel (%v):\n%s", err, out)
	}
	sb.InviteBot("C07BILLING")
	out, _, _ = runCLI(t, dir, env, "doctor")
	if !strings.Contains(out, "member of the billing channel") {
		t.Errorf("doctor with the bot invited:\n%s", out)
	}
}
