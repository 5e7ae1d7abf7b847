package config

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mapEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadEnvDefaults(t *testing.T) {
	t.Parallel()
	e, err := LoadEnv(mapEnv(nil))
	if err != nil {
		t.Fatalf("LoadEnv: %v", err)
	}
	want := Env{
		DataDir:              ".",
		ListenAddr:           ":3000",
		PublicURL:            "http://localhost:3000",
		LogLevel:             slog.LevelInfo,
		LogFormat:            "json",
		SlackAPIURL:          "https://slack.com/api/",
		HarvestAPIURL:        "https://api.harvestapp.com/v2/",
		TogglAPIURL:          "https://api.track.toggl.com/api/v9/",
		TogglReportsURL:      "https://api.track.toggl.com/reports/api/v3/",
		QuickBooksTimeAPIURL: "https://rest.tsheets.com/api/v1/",
		XeroAPIURL:           "https://api.xero.com/",
		XeroIdentityURL:      "https://identity.xero.com/",
		QBOEnvironment:       "sandbox",
		QBOAPIURL:            "https://sandbox-quickbooks.api.intuit.com",
		QBOAuthURL:           "https://appcenter.intuit.com/connect/oauth2",
		QBOTokenURL:          "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
	}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("defaults mismatch (-want +got):\n%s", diff)
	}
	if got, want := e.SQLitePath(), filepath.Join(".", "billbot.db"); got != want {
		t.Errorf("SQLitePath = %q, want %q", got, want)
	}
	if e.SocketMode() {
		t.Error("SocketMode without SLACK_APP_TOKEN")
	}
	if _, ok := e.EncryptionKeyBytes(); ok {
		t.Error("EncryptionKeyBytes reports a key that is not set")
	}
}

func TestLoadEnvValues(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{7}, 32)
	dir := t.TempDir()
	e, err := LoadEnv(mapEnv(map[string]string{
		"BILLBOT_DATA_DIR":       dir,
		"BILLBOT_TIMEZONE":       " America/Chicago ",
		"BILLBOT_ENCRYPTION_KEY": base64.RawURLEncoding.EncodeToString(key),
		"LOG_LEVEL":              "DEBUG",
		"LOG_FORMAT":             "text",
		"SLACK_APP_TOKEN":        "xapp-1-abc",
		"SLACK_API_URL":          "http://127.0.0.1:8080/api",
		"SLACK_TEAM_ID":          "T0FIRM01",
		"SLACK_APP_ID":           "A0BILLBOT",
		"HARVEST_ACCOUNT_ID":     "123456",
		"QBO_ENVIRONMENT":        "production",
		"QBO_TOKEN_URL":          "http://127.0.0.1:9000/token",
		"BILLBOT_PUBLIC_URL":     "https://billbot.example.com/",
		"DATABASE_MAX_CONNS":     " 12 ",
	}))
	if err != nil {
		t.Fatalf("LoadEnv: %v", err)
	}
	if e.Timezone != "America/Chicago" || e.Location().String() != "America/Chicago" {
		t.Errorf("Timezone = %q", e.Timezone)
	}
	if got, ok := e.EncryptionKeyBytes(); !ok || !bytes.Equal(got, key) {
		t.Errorf("EncryptionKeyBytes = %x, %v", got, ok)
	}
	if e.LogLevel != slog.LevelDebug || e.LogFormat != "text" {
		t.Errorf("log = %v %q", e.LogLevel, e.LogFormat)
	}
	if !e.SocketMode() {
		t.Error("SocketMode is false with SLACK_APP_TOKEN set")
	}
	if e.SlackTeamID != "T0FIRM01" || e.SlackAppID != "A0BILLBOT" {
		t.Errorf("SlackTeamID, SlackAppID = %q, %q", e.SlackTeamID, e.SlackAppID)
	}
	if e.SlackAPIURL != "http://127.0.0.1:8080/api/" {
		t.Errorf("SlackAPIURL = %q, want a trailing slash added", e.SlackAPIURL)
	}
	if e.QBOAPIURL != QBOProductionAPIURL || e.QBOTokenURL != "http://127.0.0.1:9000/token" || e.QBOAuthURL != QBOAuthURL {
		t.Errorf("QBO URLs = %q %q %q", e.QBOAPIURL, e.QBOAuthURL, e.QBOTokenURL)
	}
	if e.DatabaseMaxConns != 12 {
		t.Errorf("DatabaseMaxConns = %d, want 12", e.DatabaseMaxConns)
	}
	if e.PublicURL != "https://billbot.example.com" {
		t.Errorf("PublicURL = %q, want the trailing slash trimmed", e.PublicURL)
	}
	if e.SQLitePath() != filepath.Join(dir, "billbot.db") {
		t.Errorf("SQLitePath = %q", e.SQLitePath())
	}
}

func TestLoadEnvRejects(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-VALUE"
	tests := []struct {
		name, key, value string
		msg              string // fragment of the message
	}{
		{"log level", "LOG_LEVEL", "verbose", "want debug, info, warn or error"},
		{"log format", "LOG_FORMAT", "xml", "want json or text"},
		{"qbo environment", "QBO_ENVIRONMENT", "staging", "want sandbox or production"},
		{"key not base64", "BILLBOT_ENCRYPTION_KEY", secret + "!!", "not valid base64"},
		{"key too short", "BILLBOT_ENCRYPTION_KEY", base64.StdEncoding.EncodeToString([]byte(secret)), "exactly 32 bytes, got 12 bytes"},
		{"time zone", "BILLBOT_TIMEZONE", "Mars/Base", `unknown time zone "Mars/Base"`},
		{"Local zone", "BILLBOT_TIMEZONE", "Local", "not an IANA time zone"},
		{"url without scheme", "SLACK_API_URL", "slack.com/api/", "not an http(s) URL with a host"},
		{"url with other scheme", "HARVEST_API_URL", "ftp://api.harvestapp.com/v2/", "not an http(s) URL"},
		{"url without host", "QBO_TOKEN_URL", "https://", "not an http(s) URL with a host"},
		{"bad auth url", "QBO_AUTH_URL", "://nope", "not an http(s) URL"},
		{"bad api url", "QBO_API_URL", "quickbooks", "not an http(s) URL"},
		{"bad redirect url", "QBO_REDIRECT_URL", "/oauth/qbo/callback", "not an http(s) URL"},
		{"database url", "DATABASE_URL", "mysql://user:" + secret + "@db/billbot", "not a postgres:// URL"},
		{"database url unparsable", "DATABASE_URL", "postgres://user:" + secret + "@db:port/billbot", "not a postgres:// URL"},
		{"listen addr", "LISTEN_ADDR", "3000", "not a host:port address"},
		{"public url relative", "BILLBOT_PUBLIC_URL", "billbot.example.com", "not an http(s) URL with a host"},
		{"public url other scheme", "BILLBOT_PUBLIC_URL", "ftp://billbot.example.com", "not an http(s) URL"},
		{"public url with query", "BILLBOT_PUBLIC_URL", "https://billbot.example.com/?x=1", "want a base URL"},
		{"bot token", "SLACK_BOT_TOKEN", "xapp-" + secret, "starting with xoxb-"},
		{"app token", "SLACK_APP_TOKEN", "xoxb-" + secret, "starting with xapp-"},
		{"harvest account", "HARVEST_ACCOUNT_ID", "acct-1", "digits only"},
		{"short signing secret", "SLACK_SIGNING_SECRET", secret, "at least 16 characters"},
		{"team id", "SLACK_TEAM_ID", "acme", "not a Slack team id"},
		{"app id", "SLACK_APP_ID", "billbot", "not a Slack app id"},
		{"max conns not a number", "DATABASE_MAX_CONNS", "eight", `"eight": want a whole number from 1`},
		{"max conns fraction", "DATABASE_MAX_CONNS", "2.5", "want a whole number from 1"},
		{"max conns zero", "DATABASE_MAX_CONNS", "0", `"0": want a whole number from 1`},
		{"max conns negative", "DATABASE_MAX_CONNS", "-4", "want a whole number from 1"},
		{"max conns too many", "DATABASE_MAX_CONNS", "100000", "want a whole number from 1 to 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := LoadEnv(mapEnv(map[string]string{tt.key: tt.value}))
			var ee *EnvError
			if !errors.As(err, &ee) {
				t.Fatalf("error = %v, want an *EnvError", err)
			}
			if ee.Var != tt.key || !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), tt.key+": ") {
				t.Errorf("error = %q, want %s: …%s…", err, tt.key, tt.msg)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error reveals a secret: %q", err)
			}
		})
	}
}

func TestLoadEnvJoinsErrors(t *testing.T) {
	t.Parallel()
	_, err := LoadEnv(mapEnv(map[string]string{"LOG_LEVEL": "loud", "LOG_FORMAT": "xml"}))
	if err == nil {
		t.Fatal("want an error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "LOG_LEVEL: ") || !strings.HasPrefix(lines[1], "LOG_FORMAT: ") {
		t.Errorf("error = %q, want one line per variable", err)
	}
}

// TestEnvNeverPrintsSecrets prints an Env every way a program might.
func TestEnvNeverPrintsSecrets(t *testing.T) {
	t.Parallel()
	secrets := map[string]string{
		"DATABASE_URL":               "postgres://billbot:pgPASSWORD1@db:5432/billbot?sslmode=require",
		"BILLBOT_ENCRYPTION_KEY":     base64.StdEncoding.EncodeToString([]byte("0123456789abcdefKEYKEYKEYKEY0123")),
		"SLACK_BOT_TOKEN":            "xoxb-BOTSECRET",
		"SLACK_SIGNING_SECRET":       "SIGNINGSECRET-0123456789",
		"SLACK_APP_TOKEN":            "xapp-APPSECRET",
		"HARVEST_ACCESS_TOKEN":       "HARVESTSECRET",
		"QBO_CLIENT_SECRET":          "CLIENTSECRET",
		"QBO_REFRESH_TOKEN":          "REFRESHSECRET",
		"QBO_WEBHOOK_VERIFIER_TOKEN": "VERIFIERSECRET",
	}
	e, err := LoadEnv(mapEnv(secrets))
	if err != nil {
		t.Fatalf("LoadEnv: %v", err)
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("start", "env", e, "token", e.SlackBotToken)
	js, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"String": e.String(), "%v": fmt.Sprintf("%v", e), "%+v": fmt.Sprintf("%+v", e),
		"%#v": fmt.Sprintf("%#v", e),
		//lint:ignore S1025 every formatting path of a Secret is checked, %s included
		"%s field":  fmt.Sprintf("%s", e.QBORefreshToken),
		"%#v field": fmt.Sprintf("%#v", e.HarvestAccessToken), "slog": logged.String(), "json": string(js),
		"Redacted": fmt.Sprint(e.Redacted()),
	}
	for how, out := range outputs {
		for name, v := range secrets {
			check := v
			if name == "DATABASE_URL" {
				check = "pgPASSWORD1"
			}
			if strings.Contains(out, check) {
				t.Errorf("%s output reveals %s:\n%s", how, name, out)
			}
		}
	}
	r := e.Redacted()
	for name := range secrets {
		if name != "DATABASE_URL" && r[name] != ShownSet {
			t.Errorf("Redacted[%s] = %q, want %q", name, r[name], ShownSet)
		}
	}
	if got, want := r["DATABASE_URL"], "postgres://billbot:xxxxx@db:5432/billbot?sslmode=require"; got != want {
		t.Errorf("Redacted[DATABASE_URL] = %q, want %q", got, want)
	}
	if e.SlackBotToken.Reveal() != "xoxb-BOTSECRET" {
		t.Error("Reveal does not return the value")
	}
}

func TestRedactedShowsSettings(t *testing.T) {
	t.Parallel()
	e, err := LoadEnv(mapEnv(map[string]string{"LOG_LEVEL": "warn", "DATABASE_URL": "postgres:///billbot?host=/run/pg&password=pw"}))
	if err != nil {
		t.Fatal(err)
	}
	r := e.Redacted()
	want := map[string]string{"LOG_LEVEL": "warn", "LISTEN_ADDR": ":3000", "SLACK_BOT_TOKEN": ShownUnset, "BILLBOT_TIMEZONE": ShownUnset, "QBO_ENVIRONMENT": "sandbox", "DATABASE_MAX_CONNS": ShownUnset}
	for k, v := range want {
		if r[k] != v {
			t.Errorf("Redacted[%s] = %q, want %q", k, r[k], v)
		}
	}
	if strings.Contains(r["DATABASE_URL"], "=pw") {
		t.Errorf("Redacted[DATABASE_URL] = %q reveals a query password", r["DATABASE_URL"])
	}
	if n := strings.Count(e.String(), "\n") + 1; n != len(r) || len(r) != 42 {
		t.Errorf("String has %d lines, Redacted %d entries; want 42 each", n, len(r))
	}
}

// TestSourceAndXeroSettings: the Toggl Track, QuickBooks Time and Xero
// variables are read, their URL overrides checked, and their secrets never
// printed.
func TestSourceAndXeroSettings(t *testing.T) {
	t.Parallel()
	e, err := LoadEnv(mapEnv(map[string]string{
		"TOGGL_API_TOKEN": "toggl-secret", "TOGGL_WORKSPACE_ID": "123", "TOGGL_API_URL": "http://127.0.0.1:9/api/v9",
		"QUICKBOOKS_TIME_ACCESS_TOKEN": "qbt-secret", "XERO_CLIENT_SECRET": "xero-secret", "XERO_WEBHOOK_KEY": "xero-key",
		"XERO_REDIRECT_URL": "https://billbot.example/oauth/xero/callback",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if e.TogglAPIURL != "http://127.0.0.1:9/api/v9/" || e.TogglWorkspaceID != "123" || e.TogglAPIToken.Reveal() != "toggl-secret" || e.QuickBooksTimeToken.Reveal() != "qbt-secret" {
		t.Errorf("read %+v", e)
	}
	for _, secret := range []string{"toggl-secret", "qbt-secret", "xero-secret", "xero-key"} {
		if strings.Contains(e.String(), secret) {
			t.Errorf("String shows %q", secret)
		}
	}
	for name, val := range map[string]string{"TOGGL_WORKSPACE_ID": "acme", "TOGGL_REPORTS_URL": "ftp://x", "QUICKBOOKS_TIME_API_URL": "nohost", "XERO_API_URL": "http://", "XERO_REDIRECT_URL": "callback"} {
		_, err := LoadEnv(mapEnv(map[string]string{name: val}))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%q: got %v, want an error naming it", name, val, err)
		}
	}
}
