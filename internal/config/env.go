// Package config reads billbot's settings: the environment variables of
// CONTRACT.md (LoadEnv) and the firm configuration YAML (ParseFirm, Export).
// Both are validated up front and every error says where the problem is.
package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	// Embedded zone data makes time-zone validation and cycle arithmetic the
	// same on every host, including minimal containers without /usr/share/zoneinfo.
	_ "time/tzdata"
)

// QBO environments, the values of QBO_ENVIRONMENT.
const (
	QBOSandbox    = "sandbox"
	QBOProduction = "production"
)

// Intuit's endpoints, the defaults of QBO_API_URL, QBO_AUTH_URL and
// QBO_TOKEN_URL. Sources: QBO Accounting API v3 base URLs
// (developer.intuit.com, docs/vendors.md §2.1) and Intuit OAuth 2.0 endpoints
// (docs/vendors.md §2.9).
const (
	QBOSandboxAPIURL    = "https://sandbox-quickbooks.api.intuit.com"
	QBOProductionAPIURL = "https://quickbooks.api.intuit.com"
	QBOAuthURL          = "https://appcenter.intuit.com/connect/oauth2"
	QBOTokenURL         = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
)

// Defaults of the other variables, as CONTRACT.md lists them.
const (
	DefaultDataDir     = "."
	DefaultListenAddr  = ":3000"
	DefaultLogFormat   = "json"
	DefaultSlackAPIURL = "https://slack.com/api/"
	// MinSigningSecretLen is the shortest SLACK_SIGNING_SECRET accepted.
	MinSigningSecretLen  = 16
	DefaultHarvestAPIURL = "https://api.harvestapp.com/v2/"
	// Toggl Track's API v9 and Reports API v3 (docs/vendors.md §4).
	DefaultTogglAPIURL     = "https://api.track.toggl.com/api/v9/"
	DefaultTogglReportsURL = "https://api.track.toggl.com/reports/api/v3/"
	// QuickBooks Time's REST API (docs/vendors.md §5).
	DefaultQuickBooksTimeAPIURL = "https://rest.tsheets.com/api/v1/"
	// Xero's Accounting API and identity server (docs/vendors.md §6).
	DefaultXeroAPIURL      = "https://api.xero.com/"
	DefaultXeroIdentityURL = "https://identity.xero.com/"
	// SQLiteFile is the embedded database's file name inside BILLBOT_DATA_DIR.
	SQLiteFile = "billbot.db"
)

// Env is every environment variable of CONTRACT.md with its default applied.
// Secrets are of type Secret, so printing an Env never shows them.
type Env struct {
	DatabaseURL Secret // DATABASE_URL; empty → embedded SQLite (see SQLitePath)
	// DatabaseMaxConns (DATABASE_MAX_CONNS) caps the open database
	// connections of one process; 0 (unset) → the store's default, sized
	// from the CPUs (store.DefaultMaxConns).
	DatabaseMaxConns int
	DataDir          string // BILLBOT_DATA_DIR
	ConfigPath       string // BILLBOT_CONFIG; empty → no firm file loaded at start
	Timezone         string // BILLBOT_TIMEZONE; empty → the firm's time zone
	EncryptionKey    Secret // BILLBOT_ENCRYPTION_KEY, base64 as given (see EncryptionKeyBytes)
	ListenAddr       string // LISTEN_ADDR
	PublicURL        string // BILLBOT_PUBLIC_URL, without a trailing "/"
	LogLevel         slog.Level
	LogFormat        string // "json" or "text"

	SlackBotToken      Secret // SLACK_BOT_TOKEN, xoxb-…
	SlackSigningSecret Secret // SLACK_SIGNING_SECRET
	SlackAppToken      Secret // SLACK_APP_TOKEN, xapp-…; set → Socket Mode
	SlackAPIURL        string // SLACK_API_URL, always ending in "/"
	// SlackTeamID (SLACK_TEAM_ID) pins the firm's workspace; empty → the
	// bot token's (auth.test). SlackAppID (SLACK_APP_ID) pins billbot's app
	// id; empty → bots.info's app_id for the bot.
	SlackTeamID string
	SlackAppID  string

	HarvestAccountID   string // HARVEST_ACCOUNT_ID
	HarvestAccessToken Secret // HARVEST_ACCESS_TOKEN
	HarvestAPIURL      string // HARVEST_API_URL, always ending in "/"

	TogglAPIToken    Secret // TOGGL_API_TOKEN: a Toggl Track user's API token (Profile settings)
	TogglWorkspaceID string // TOGGL_WORKSPACE_ID
	TogglAPIURL      string // TOGGL_API_URL, always ending in "/"
	TogglReportsURL  string // TOGGL_REPORTS_URL, always ending in "/"

	QuickBooksTimeToken  Secret // QUICKBOOKS_TIME_ACCESS_TOKEN
	QuickBooksTimeAPIURL string // QUICKBOOKS_TIME_API_URL, always ending in "/"

	XeroClientID     string // XERO_CLIENT_ID
	XeroClientSecret Secret // XERO_CLIENT_SECRET
	XeroRedirectURL  string // XERO_REDIRECT_URL
	XeroTenantID     string // XERO_TENANT_ID (filled by the connect flow)
	XeroWebhookKey   Secret // XERO_WEBHOOK_KEY
	XeroAPIURL       string // XERO_API_URL, always ending in "/"
	XeroIdentityURL  string // XERO_IDENTITY_URL, always ending in "/"

	QBOClientID             string // QBO_CLIENT_ID
	QBOClientSecret         Secret // QBO_CLIENT_SECRET
	QBORedirectURL          string // QBO_REDIRECT_URL
	QBORealmID              string // QBO_REALM_ID
	QBORefreshToken         Secret // QBO_REFRESH_TOKEN
	QBOEnvironment          string // QBO_ENVIRONMENT: QBOSandbox or QBOProduction
	QBOAPIURL               string // QBO_API_URL, without a trailing "/"
	QBOAuthURL              string // QBO_AUTH_URL
	QBOTokenURL             string // QBO_TOKEN_URL
	QBOWebhookVerifierToken Secret // QBO_WEBHOOK_VERIFIER_TOKEN
}

// LoadEnv reads and validates the environment through getenv (os.Getenv in
// main, a map in tests). Values are trimmed of surrounding white space. The
// error joins one *EnvError per bad variable and never contains a secret.
func LoadEnv(getenv func(string) string) (Env, error) {
	l := envLoader{getenv: getenv}
	e := Env{
		DataDir:                 l.str("BILLBOT_DATA_DIR", DefaultDataDir),
		ConfigPath:              l.str("BILLBOT_CONFIG", ""),
		Timezone:                l.str("BILLBOT_TIMEZONE", ""),
		ListenAddr:              l.str("LISTEN_ADDR", DefaultListenAddr),
		LogFormat:               strings.ToLower(l.str("LOG_FORMAT", DefaultLogFormat)),
		SlackBotToken:           Secret(l.str("SLACK_BOT_TOKEN", "")),
		SlackSigningSecret:      Secret(l.str("SLACK_SIGNING_SECRET", "")),
		SlackAppToken:           Secret(l.str("SLACK_APP_TOKEN", "")),
		SlackTeamID:             l.str("SLACK_TEAM_ID", ""),
		SlackAppID:              l.str("SLACK_APP_ID", ""),
		HarvestAccountID:        l.str("HARVEST_ACCOUNT_ID", ""),
		HarvestAccessToken:      Secret(l.str("HARVEST_ACCESS_TOKEN", "")),
		TogglAPIToken:           Secret(l.str("TOGGL_API_TOKEN", "")),
		TogglWorkspaceID:        l.str("TOGGL_WORKSPACE_ID", ""),
		QuickBooksTimeToken:     Secret(l.str("QUICKBOOKS_TIME_ACCESS_TOKEN", "")),
		XeroClientID:            l.str("XERO_CLIENT_ID", ""),
		XeroClientSecret:        Secret(l.str("XERO_CLIENT_SECRET", "")),
		XeroTenantID:            l.str("XERO_TENANT_ID", ""),
		XeroWebhookKey:          Secret(l.str("XERO_WEBHOOK_KEY", "")),
		QBOClientID:             l.str("QBO_CLIENT_ID", ""),
		QBOClientSecret:         Secret(l.str("QBO_CLIENT_SECRET", "")),
		QBORealmID:              l.str("QBO_REALM_ID", ""),
		QBORefreshToken:         Secret(l.str("QBO_REFRESH_TOKEN", "")),
		QBOEnvironment:          strings.ToLower(l.str("QBO_ENVIRONMENT", QBOSandbox)),
		QBOWebhookVerifierToken: Secret(l.str("QBO_WEBHOOK_VERIFIER_TOKEN", "")),
	}

	e.DatabaseURL = Secret(l.databaseURL("DATABASE_URL"))
	e.DatabaseMaxConns = l.positiveInt("DATABASE_MAX_CONNS", MaxDatabaseConns)
	e.EncryptionKey = Secret(l.str("BILLBOT_ENCRYPTION_KEY", ""))
	if e.EncryptionKey.IsSet() {
		if _, err := decodeKey(e.EncryptionKey.Reveal()); err != nil {
			l.fail("BILLBOT_ENCRYPTION_KEY", "%v", err)
		}
	}
	if e.Timezone != "" {
		if err := checkZone(e.Timezone); err != nil {
			l.fail("BILLBOT_TIMEZONE", "%v", err)
		}
	}
	if _, port, err := net.SplitHostPort(e.ListenAddr); err != nil || port == "" {
		l.fail("LISTEN_ADDR", "%q is not a host:port address such as :3000", e.ListenAddr)
	}
	e.PublicURL = strings.TrimRight(l.publicURL("BILLBOT_PUBLIC_URL", e.ListenAddr), "/")
	e.LogLevel = l.level("LOG_LEVEL")
	if e.LogFormat != "json" && e.LogFormat != "text" {
		l.fail("LOG_FORMAT", "%q: want json or text", e.LogFormat)
	}

	// Token prefixes catch the common mix-up of pasting the app-level token
	// where the bot token belongs: Web API calls need the bot token (xoxb-…),
	// Socket Mode's apps.connections.open the app-level token (xapp-…).
	// Source: Slack Socket Mode docs (docs/vendors.md §1.5).
	if t := e.SlackBotToken.Reveal(); t != "" && !strings.HasPrefix(t, "xoxb-") {
		l.fail("SLACK_BOT_TOKEN", "want a bot token starting with xoxb-")
	}
	if t := e.SlackAppToken.Reveal(); t != "" && !strings.HasPrefix(t, "xapp-") {
		l.fail("SLACK_APP_TOKEN", "want an app-level token starting with xapp-")
	}
	// Slack's signing secrets are 32 hex characters; a short one is a
	// placeholder or a typo, and would make forged signatures guessable.
	if s := e.SlackSigningSecret.Reveal(); s != "" && len(s) < MinSigningSecretLen {
		l.fail("SLACK_SIGNING_SECRET", "too short: want at least %d characters (copy the Signing Secret from the app's Basic Information page)", MinSigningSecretLen)
	}
	if id := e.SlackTeamID; id != "" && !teamIDPattern.MatchString(id) {
		l.fail("SLACK_TEAM_ID", "%q is not a Slack team id (T… upper-case letters and digits, as auth.test's team_id)", id)
	}
	if id := e.SlackAppID; id != "" && !appIDPattern.MatchString(id) {
		l.fail("SLACK_APP_ID", "%q is not a Slack app id (A… upper-case letters and digits, as on the app's Basic Information page)", id)
	}
	e.SlackAPIURL = withSlash(l.url("SLACK_API_URL", DefaultSlackAPIURL))
	e.HarvestAPIURL = withSlash(l.url("HARVEST_API_URL", DefaultHarvestAPIURL))
	if id := e.HarvestAccountID; id != "" {
		if _, err := strconv.ParseUint(id, 10, 63); err != nil {
			l.fail("HARVEST_ACCOUNT_ID", "%q is not a Harvest account id (digits only)", id)
		}
	}
	e.TogglAPIURL = withSlash(l.url("TOGGL_API_URL", DefaultTogglAPIURL))
	e.TogglReportsURL = withSlash(l.url("TOGGL_REPORTS_URL", DefaultTogglReportsURL))
	if id := e.TogglWorkspaceID; id != "" {
		if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
			l.fail("TOGGL_WORKSPACE_ID", "%q is not a Toggl Track workspace id (digits only; the number in the workspace's settings URL)", id)
		}
	}
	e.QuickBooksTimeAPIURL = withSlash(l.url("QUICKBOOKS_TIME_API_URL", DefaultQuickBooksTimeAPIURL))
	e.XeroAPIURL = withSlash(l.url("XERO_API_URL", DefaultXeroAPIURL))
	e.XeroIdentityURL = withSlash(l.url("XERO_IDENTITY_URL", DefaultXeroIdentityURL))
	e.XeroRedirectURL = l.url("XERO_REDIRECT_URL", "")

	apiDefault := QBOSandboxAPIURL
	switch e.QBOEnvironment {
	case QBOSandbox:
	case QBOProduction:
		apiDefault = QBOProductionAPIURL
	default:
		l.fail("QBO_ENVIRONMENT", "%q: want sandbox or production", e.QBOEnvironment)
	}
	e.QBOAPIURL = strings.TrimRight(l.url("QBO_API_URL", apiDefault), "/")
	e.QBOAuthURL = l.url("QBO_AUTH_URL", QBOAuthURL)
	e.QBOTokenURL = l.url("QBO_TOKEN_URL", QBOTokenURL)
	e.QBORedirectURL = l.url("QBO_REDIRECT_URL", "")

	return e, errors.Join(l.errs...)
}

// SQLitePath is where the embedded database lives: BILLBOT_DATA_DIR/billbot.db.
func (e Env) SQLitePath() string { return filepath.Join(e.DataDir, SQLiteFile) }

// SocketMode reports whether SLACK_APP_TOKEN is set, which selects Socket Mode.
func (e Env) SocketMode() bool { return e.SlackAppToken.IsSet() }

// EncryptionKeyBytes returns the 32-byte key of BILLBOT_ENCRYPTION_KEY, or
// false when it is unset. LoadEnv has already rejected a malformed key.
func (e Env) EncryptionKeyBytes() ([]byte, bool) {
	if !e.EncryptionKey.IsSet() {
		return nil, false
	}
	k, err := decodeKey(e.EncryptionKey.Reveal())
	if err != nil {
		return nil, false
	}
	return k, true
}

// Location returns the BILLBOT_TIMEZONE zone, or nil when it is unset.
func (e Env) Location() *time.Location {
	if e.Timezone == "" {
		return nil
	}
	loc, err := time.LoadLocation(e.Timezone)
	if err != nil {
		return nil
	}
	return loc
}

// decodeKey accepts the standard and URL-safe base64 alphabets, padded or
// not, as `openssl rand -base64 32` and other generators print them. Its
// errors never include the input.
func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(s)
		if err != nil {
			continue
		}
		if len(b) != 32 {
			return nil, fmt.Errorf("want base64 of exactly 32 bytes, got %d bytes (generate one with: openssl rand -base64 32)", len(b))
		}
		return b, nil
	}
	return nil, errors.New("not valid base64; want base64 of exactly 32 bytes (generate one with: openssl rand -base64 32)")
}

// checkZone accepts IANA zone names only: "Local" and "" would make billing
// depend on the host's settings.
func checkZone(name string) error {
	if name == "" || name == "Local" {
		return fmt.Errorf("%q is not an IANA time zone such as America/New_York", name)
	}
	if _, err := time.LoadLocation(name); err != nil {
		return fmt.Errorf("unknown time zone %q (want an IANA name such as America/New_York)", name)
	}
	return nil
}

func withSlash(u string) string {
	if u == "" || strings.HasSuffix(u, "/") {
		return u
	}
	return u + "/"
}

// envLoader reads variables and collects one error per bad variable.
type envLoader struct {
	getenv func(string) string
	errs   []error
}

func (l *envLoader) fail(name, format string, args ...any) {
	l.errs = append(l.errs, &EnvError{Var: name, Msg: fmt.Sprintf(format, args...)})
}

func (l *envLoader) str(name, def string) string {
	if v := strings.TrimSpace(l.getenv(name)); v != "" {
		return v
	}
	return def
}

func (l *envLoader) level(name string) slog.Level {
	switch v := strings.ToLower(l.str(name, "info")); v {
	case "debug":
		return slog.LevelDebug
	case "info":
		return slog.LevelInfo
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	default:
		l.fail(name, "%q: want debug, info, warn or error", v)
		return slog.LevelInfo
	}
}

// url validates an http(s) URL with a host; API URLs hold no secrets, so
// the value may appear in the message.
func (l *envLoader) url(name, def string) string {
	v := l.str(name, def)
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		l.fail(name, "%q is not an http(s) URL with a host", v)
		return v
	}
	return v
}

// publicURL is BILLBOT_PUBLIC_URL, an absolute http(s) URL; unset, it is
// http://localhost with the port of LISTEN_ADDR. It is a base: a query or
// fragment would break the links built on it.
func (l *envLoader) publicURL(name, listenAddr string) string {
	def := "http://localhost"
	if _, port, err := net.SplitHostPort(listenAddr); err == nil && port != "" {
		def += ":" + port
	}
	v := l.url(name, def)
	if u, err := url.Parse(v); err == nil && (u.RawQuery != "" || u.Fragment != "" || u.User != nil) {
		l.fail(name, "%q: want a base URL such as https://billbot.example.com, without query, fragment or user", v)
	}
	return v
}

// MaxDatabaseConns is the largest DATABASE_MAX_CONNS accepted: PostgreSQL's
// own max_connections defaults to 100, and a pool larger than the server
// allows only moves the failure from billbot's queue to "too many clients".
const MaxDatabaseConns = 1000

// positiveInt reads a whole number from 1 to upper; unset gives 0 (the
// caller's default).
func (l *envLoader) positiveInt(name string, upper int) int {
	v := l.str(name, "")
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > upper {
		l.fail(name, "%q: want a whole number from 1 to %d (unset it for the default, sized from the CPUs)", v, upper)
		return 0
	}
	return n
}

// databaseURL validates DATABASE_URL without ever echoing it: it usually
// carries a password. A host is optional because libpq-style URLs may name a
// Unix socket in the query (postgres:///billbot?host=/run/postgresql).
func (l *envLoader) databaseURL(name string) string {
	v := l.str(name, "")
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		l.fail(name, "not a postgres:// URL (want postgres://user:pass@host:port/db?sslmode=…; unset it to use the embedded database)")
	}
	return v
}
