package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"billbot/internal/app"
	"billbot/internal/config"
	"billbot/internal/xero"
	"billbot/store"
)

// doctorXeroIfUsed checks Xero when the environment configures it or the
// firm keeps its books there; QuickBooks-only installs see no Xero line.
func (c *cli) doctorXeroIfUsed(ctx context.Context, st *store.Store, report func(string, error, string), warn func(string, string)) {
	ledger, err := app.FirmLedger(ctx, st)
	if err != nil {
		ledger = config.DefaultLedger
	}
	switch {
	case c.env.XeroClientID != "":
		c.doctorXero(ctx, st, report, warn)
	case ledger == config.LedgerXero:
		report("xero", errors.New("the firm's ledger is Xero (firm.ledger) but XERO_CLIENT_ID is not set: set XERO_CLIENT_ID, XERO_CLIENT_SECRET and XERO_REDIRECT_URL"), "")
	}
}

// doctorXero checks Xero's settings, the stored connection, that the
// connected organisation answers, and when the refresh token expires.
func (c *cli) doctorXero(ctx context.Context, st *store.Store, report func(string, error, string), warn func(string, string)) {
	if !c.env.XeroClientSecret.IsSet() || c.env.XeroRedirectURL == "" {
		report("xero", errors.New("XERO_CLIENT_SECRET and XERO_REDIRECT_URL must be set with XERO_CLIENT_ID (the Web app's secret, and https://<billbot>/oauth/xero/callback)"), "")
		return
	}
	ts, err := c.app.XeroTokenStore(ctx, st)
	if err != nil {
		report("xero", err, "")
		return
	}
	tok, tenant, err := ts.Load(ctx)
	if errors.Is(err, xero.ErrNoToken) {
		report("xero", errors.New("not connected: run 'billbot xero connect' and open the link it prints"), "")
		return
	}
	if err != nil {
		report("xero", fmt.Errorf("the stored Xero token cannot be read: %w", err), "")
		return
	}
	client, err := c.app.XeroClient(ctx, st, 30*time.Second)
	if err != nil || client == nil {
		report("xero", fmt.Errorf("Xero client: %w", err), "")
		return
	}
	conns, err := client.Connections(ctx)
	if errors.Is(err, xero.ErrRefreshRefused) {
		report("xero", errors.New("Xero refused the stored refresh token (invalid_grant): the connection was revoked, or the token expired unused or was superseded; reconnect with 'billbot xero connect'"), "")
		return
	}
	if err != nil {
		report("xero", fmt.Errorf("list connections: %w (reconnect with a 'billbot xero connect' link if the refresh token was revoked or expired)", err), "")
		return
	}
	name := ""
	for _, cn := range conns {
		if cn.TenantID == tenant {
			name = cn.TenantName
		}
	}
	if name == "" {
		report("xero", fmt.Errorf("organisation %s is no longer connected to billbot's Xero app: reconnect with 'billbot xero connect'", tenant), "")
		return
	}
	if _, err := client.Accounts(ctx); err != nil {
		report("xero", fmt.Errorf("organisation %s (%s) does not answer: %w", name, tenant, err), "")
		return
	}
	when := "unknown"
	if exp := xero.RefreshTokenExpiry(tok); !exp.IsZero() {
		when = fmt.Sprintf("%s (%d days unused)", exp.Format("2006-01-02"), int(exp.Sub(c.now()).Hours()/24))
	}
	report("xero", nil, fmt.Sprintf("organisation %s (tenant %s); refresh token expires %s, renewed on use", name, tenant, when))
	if !c.env.XeroWebhookKey.IsSet() {
		warn("xero", "XERO_WEBHOOK_KEY is not set: billbot learns of payments recorded in Xero only when it next reads the invoices (set it and the webhook URL https://<billbot>/webhooks/xero)")
	}
	if pin := c.env.XeroTenantID; pin != "" && pin != tenant {
		warn("xero", fmt.Sprintf("XERO_TENANT_ID is %s but the connected organisation is %s (switched with a --switch-organisation link): update XERO_TENANT_ID to %s or remove it", pin, tenant, tenant))
	}
}
