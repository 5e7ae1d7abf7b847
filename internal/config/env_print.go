package config

import (
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Values Redacted shows for secrets and unset variables.
const (
	ShownSet   = "(set)"
	ShownUnset = "(unset)"
)

// Redacted maps every variable name to what `billbot doctor` may show: the
// effective value of ordinary settings, and only "(set)" or "(unset)" for
// secrets. DATABASE_URL is shown with its password masked.
func (e Env) Redacted() map[string]string {
	m := map[string]string{
		"BILLBOT_DATA_DIR":             e.DataDir,
		"BILLBOT_CONFIG":               e.ConfigPath,
		"BILLBOT_TIMEZONE":             e.Timezone,
		"LISTEN_ADDR":                  e.ListenAddr,
		"BILLBOT_PUBLIC_URL":           e.PublicURL,
		"LOG_LEVEL":                    strings.ToLower(e.LogLevel.String()),
		"LOG_FORMAT":                   e.LogFormat,
		"SLACK_API_URL":                e.SlackAPIURL,
		"SLACK_TEAM_ID":                e.SlackTeamID,
		"SLACK_APP_ID":                 e.SlackAppID,
		"HARVEST_ACCOUNT_ID":           e.HarvestAccountID,
		"HARVEST_API_URL":              e.HarvestAPIURL,
		"TOGGL_WORKSPACE_ID":           e.TogglWorkspaceID,
		"TOGGL_API_URL":                e.TogglAPIURL,
		"TOGGL_REPORTS_URL":            e.TogglReportsURL,
		"QUICKBOOKS_TIME_API_URL":      e.QuickBooksTimeAPIURL,
		"XERO_CLIENT_ID":               e.XeroClientID,
		"XERO_REDIRECT_URL":            e.XeroRedirectURL,
		"XERO_TENANT_ID":               e.XeroTenantID,
		"XERO_API_URL":                 e.XeroAPIURL,
		"XERO_IDENTITY_URL":            e.XeroIdentityURL,
		"QBO_CLIENT_ID":                e.QBOClientID,
		"QBO_REDIRECT_URL":             e.QBORedirectURL,
		"QBO_REALM_ID":                 e.QBORealmID,
		"QBO_ENVIRONMENT":              e.QBOEnvironment,
		"QBO_API_URL":                  e.QBOAPIURL,
		"QBO_AUTH_URL":                 e.QBOAuthURL,
		"QBO_TOKEN_URL":                e.QBOTokenURL,
		"DATABASE_URL":                 redactURL(e.DatabaseURL),
		"DATABASE_MAX_CONNS":           maxConns(e.DatabaseMaxConns),
		"BILLBOT_ENCRYPTION_KEY":       shown(e.EncryptionKey),
		"SLACK_BOT_TOKEN":              shown(e.SlackBotToken),
		"SLACK_SIGNING_SECRET":         shown(e.SlackSigningSecret),
		"SLACK_APP_TOKEN":              shown(e.SlackAppToken),
		"HARVEST_ACCESS_TOKEN":         shown(e.HarvestAccessToken),
		"TOGGL_API_TOKEN":              shown(e.TogglAPIToken),
		"QUICKBOOKS_TIME_ACCESS_TOKEN": shown(e.QuickBooksTimeToken),
		"XERO_CLIENT_SECRET":           shown(e.XeroClientSecret),
		"XERO_WEBHOOK_KEY":             shown(e.XeroWebhookKey),
		"QBO_CLIENT_SECRET":            shown(e.QBOClientSecret),
		"QBO_REFRESH_TOKEN":            shown(e.QBORefreshToken),
		"QBO_WEBHOOK_VERIFIER_TOKEN":   shown(e.QBOWebhookVerifierToken),
	}
	for k, v := range m {
		if v == "" {
			m[k] = ShownUnset
		}
	}
	return m
}

// String prints Redacted as sorted NAME=value lines; it never prints a secret.
func (e Env) String() string {
	m := e.Redacted()
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	var b strings.Builder
	for i, k := range names {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(m[k])
	}
	return b.String()
}

// GoString makes %#v print the same redacted text as String.
func (e Env) GoString() string { return e.String() }

// LogValue implements slog.LogValuer with the redacted values.
func (e Env) LogValue() slog.Value {
	m := e.Redacted()
	attrs := make([]slog.Attr, 0, len(m))
	for k, v := range m {
		attrs = append(attrs, slog.String(k, v))
	}
	slices.SortFunc(attrs, func(a, b slog.Attr) int { return strings.Compare(a.Key, b.Key) })
	return slog.GroupValue(attrs...)
}

func shown(s Secret) string {
	if s.IsSet() {
		return ShownSet
	}
	return ShownUnset
}

// redactURL shows a database URL with its password masked, or only "(set)"
// when it does not parse (the raw text could hold a password anywhere).
func redactURL(s Secret) string {
	if !s.IsSet() {
		return ShownUnset
	}
	u, err := url.Parse(s.Reveal())
	if err != nil || u.Scheme == "" {
		return ShownSet
	}
	// Passwords may also ride in the query (libpq accepts ?password=…).
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// maxConns shows DATABASE_MAX_CONNS; unset shows as such (the store then
// sizes the pool from the CPUs).
func maxConns(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}
