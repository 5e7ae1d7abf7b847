package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"billbot/internal/slacksandbox"
)

// TestServeSlackSettings starts `billbot serve` with Slack settings an
// operator gets wrong: a short signing secret and a SLACK_TEAM_ID of
// another workspace stop it at start with the variable named; a bot token
// without a signing secret serves, and /slack/ says which variable is
// missing.
func TestServeSlackSettings(t *testing.T) {
	sb := slacksandbox.New(slacksandbox.Options{Token: "xoxb-serve-test"})
	t.Cleanup(sb.Close)
	base := map[string]string{"SLACK_BOT_TOKEN": "xoxb-serve-test", "SLACK_API_URL": sb.APIURL(), "LISTEN_ADDR": e2eFreeAddr(t)}
	with := func(kv ...string) map[string]string {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			env[kv[i]] = kv[i+1]
		}
		return env
	}
	for _, c := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"short signing secret", with("SLACK_SIGNING_SECRET", "0123456789abcde"), "SLACK_SIGNING_SECRET"},
		{"team of another workspace", with("SLACK_SIGNING_SECRET", "0123456789abcdef0123456789abcdef", "SLACK_TEAM_ID", "T0ELSEWHERE"), "SLACK_TEAM_ID"},
		{"app of another app", with("SLACK_SIGNING_SECRET", "0123456789abcdef0123456789abcdef", "SLACK_APP_ID", "A0ELSEWHERE"), "SLACK_APP_ID"},
	} {
		dir := t.TempDir()
		// The timeout bounds a serve that wrongly starts; it is no assertion.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		var stderr bytes.Buffer
		err := run(ctx, []string{"serve"}, func(k string) string {
			switch k {
			case "BILLBOT_DATA_DIR":
				return dir
			case "LOG_LEVEL":
				return "error"
			}
			return c.env[k]
		}, strings.NewReader(""), io.Discard, &stderr)
		cancel()
		if err == nil || !strings.Contains(err.Error()+stderr.String(), c.want) {
			t.Errorf("%s: serve = %v %q, want a start-up error naming %s", c.name, err, stderr.String(), c.want)
		}
	}

	// A bot token without a signing secret: drafts can be posted, but
	// Slack's requests cannot be verified; /slack/ says so.
	addr := base["LISTEN_ADDR"]
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	dir := t.TempDir()
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string {
			switch k {
			case "BILLBOT_DATA_DIR":
				return dir
			case "LOG_LEVEL":
				return "error"
			}
			return base[k]
		}, strings.NewReader(""), io.Discard, &bytes.Buffer{})
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	client := &http.Client{Timeout: 10 * time.Second}
	var status int
	var body string
	deadline := time.Now().Add(30 * time.Second) // bounds a hang only
	for time.Now().Before(deadline) {
		resp, err := client.Post("http://"+addr+"/slack/commands", "application/x-www-form-urlencoded", strings.NewReader("command=%2Far"))
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			status, body = resp.StatusCode, string(b)
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if status != http.StatusNotFound || !strings.Contains(body, "SLACK_SIGNING_SECRET is not set") {
		t.Errorf("/slack/commands = %d %q, want 404 naming SLACK_SIGNING_SECRET", status, body)
	}
}
