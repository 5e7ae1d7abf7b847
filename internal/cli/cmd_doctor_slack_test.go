package cli

import (
	"strings"
	"testing"

	"billbot/internal/slacksandbox"
)

// TestDoctorSlackIdentity: doctor says in one line which workspace and app
// serve will serve (auth.test and bots.info, as serve learns them), and
// fails that line when SLACK_TEAM_ID or SLACK_APP_ID disagrees with Slack.
func TestDoctorSlackIdentity(t *testing.T) {
	sb := slacksandbox.New(slacksandbox.Options{})
	t.Cleanup(sb.Close)
	slackLines := func(pins map[string]string) []string {
		t.Helper()
		env := map[string]string{"SLACK_BOT_TOKEN": slacksandbox.DefaultToken, "SLACK_API_URL": sb.APIURL(), "SLACK_SIGNING_SECRET": "s3cret-of-16-chars-or-more"}
		for k, v := range pins {
			env[k] = v
		}
		dir := t.TempDir()
		if _, _, err := runCLI(t, dir, nil, "migrate"); err != nil {
			t.Fatal(err)
		}
		out, _, _ := runCLI(t, dir, env, "doctor")
		var lines []string
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, " slack ") && !strings.Contains(l, "upload files") {
				lines = append(lines, l)
			}
		}
		return lines
	}
	for _, tc := range []struct {
		name string
		pins map[string]string
		want []string // substrings of the one slack line
	}{
		{"learned", nil, []string{"ok    slack", "(" + slacksandbox.TeamID + ")", "app " + slacksandbox.AppID, "learned from the bot token"}},
		{"pinned, agreeing", map[string]string{"SLACK_TEAM_ID": slacksandbox.TeamID, "SLACK_APP_ID": slacksandbox.AppID},
			[]string{"ok    slack", slacksandbox.TeamID, slacksandbox.AppID, "SLACK_TEAM_ID and SLACK_APP_ID agree"}},
		{"team pin disagrees", map[string]string{"SLACK_TEAM_ID": "T0OTHERWS"}, []string{"FAIL  slack", "SLACK_TEAM_ID is T0OTHERWS", slacksandbox.TeamID}},
		{"app pin disagrees", map[string]string{"SLACK_APP_ID": "A0OTHERAPP"}, []string{"FAIL  slack", "SLACK_APP_ID is A0OTHERAPP", slacksandbox.AppID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := slackLines(tc.pins)
			if len(lines) != 1 {
				t.Fatalf("slack lines = %q, want one", lines)
			}
			for _, w := range tc.want {
				if !strings.Contains(lines[0], w) {
					t.Errorf("slack line %q lacks %q", lines[0], w)
				}
			}
		})
	}
}

// TestDoctorSlackAppToken: in Socket Mode doctor asks Slack for a Socket
// Mode URL with SLACK_APP_TOKEN, and fails that line, naming the variable,
// when Slack refuses the token.
func TestDoctorSlackAppToken(t *testing.T) {
	sb := slacksandbox.New(slacksandbox.Options{})
	t.Cleanup(sb.Close)
	for _, tc := range []struct {
		name, token string
		want        []string
	}{
		{"valid", slacksandbox.DefaultAppToken, []string{"ok    slack", "SLACK_APP_TOKEN opens Socket Mode connections"}},
		{"refused", "xapp-1-A0BILLBOT-1-revoked", []string{"FAIL  slack", "SLACK_APP_TOKEN", "invalid_auth"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"SLACK_BOT_TOKEN": slacksandbox.DefaultToken, "SLACK_API_URL": sb.APIURL(), "SLACK_APP_TOKEN": tc.token}
			dir := t.TempDir()
			if _, _, err := runCLI(t, dir, nil, "migrate"); err != nil {
				t.Fatal(err)
			}
			out, _, _ := runCLI(t, dir, env, "doctor")
			var line string
			for _, l := range strings.Split(out, "\n") {
				if strings.Contains(l, " slack ") && strings.Contains(l, "SLACK_APP_TOKEN") {
					line = l
				}
			}
			for _, w := range tc.want {
				if !strings.Contains(line, w) {
					t.Errorf("app token line %q lacks %q\n%s", line, w, out)
				}
			}
			if strings.Contains(out, tc.token) {
				t.Errorf("doctor printed the token:\n%s", out)
			}
		})
	}
}
