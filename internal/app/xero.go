package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/config"
	"billbot/internal/ledger/xerobooks"
	"billbot/internal/money"
	"billbot/internal/xero"
	"billbot/store"
)

// XeroOAuth returns Xero's OAuth2 configuration; XERO_IDENTITY_URL other
// than Xero's own points both the authorize page and the token endpoint at
// that server (a sandbox).
func (d *Deployment) XeroOAuth() *oauth2.Config {
	identity := d.Env.XeroIdentityURL
	if strings.TrimRight(identity, "/") == strings.TrimRight(config.DefaultXeroIdentityURL, "/") {
		identity = ""
	}
	return xero.NewOAuthConfig(d.Env.XeroClientID, d.Env.XeroClientSecret.Reveal(), d.Env.XeroRedirectURL, identity)
}

// XeroTokenStore returns the encrypted store of the Xero token (and its
// tenant), after checking BILLBOT_ENCRYPTION_KEY against the database.
func (d *Deployment) XeroTokenStore(ctx context.Context, st *store.Store) (*xero.EncryptedTokenStore, error) {
	box, err := d.SecretBox()
	if err != nil {
		return nil, err
	}
	if err := CheckKey(ctx, st, box); err != nil {
		return nil, err
	}
	return xero.NewEncryptedTokenStore(st, box, xero.WithNotFound(func(err error) bool { return errors.Is(err, store.ErrNotFound) })), nil
}

// XeroTenant returns the connected organisation's tenant id; "" before one
// is connected.
func (d *Deployment) XeroTenant(ctx context.Context, st *store.Store) (string, error) {
	ts, err := d.XeroTokenStore(ctx, st)
	if err != nil {
		return "", err
	}
	_, tenant, err := ts.Load(ctx)
	if errors.Is(err, xero.ErrNoToken) {
		return "", nil
	}
	return tenant, err
}

// XeroClient returns the Xero API client over the stored (and refreshed)
// token; nil when Xero is not configured or no organisation is connected.
func (d *Deployment) XeroClient(ctx context.Context, st *store.Store, timeout time.Duration) (*xero.Client, error) {
	if d.Env.XeroClientID == "" {
		return nil, nil
	}
	ts, err := d.XeroTokenStore(ctx, st)
	if err != nil {
		return nil, err
	}
	hc, tenant, err := xero.NewHTTPClient(context.WithoutCancel(ctx), d.XeroOAuth(), ts, timeout, d.Logger)
	if errors.Is(err, xero.ErrNoToken) {
		return nil, nil // not connected yet
	}
	if err != nil {
		return nil, fmt.Errorf("Xero client: %w", err)
	}
	return xero.NewClient(d.Env.XeroAPIURL, tenant, hc, xero.WithLogger(d.Logger))
}

// LazyXero is the Xero of the workflows: built once an organisation is
// connected, rebuilt whenever the connected tenant changes.
func (d *Deployment) LazyXero(st *store.Store) *xerobooks.Lazy {
	return xerobooks.NewLazy(func(ctx context.Context) (*xerobooks.Books, error) {
		client, err := d.XeroClient(ctx, st, 2*time.Minute)
		if err != nil || client == nil {
			return nil, err
		}
		return xerobooks.New(client, d.homeCurrency(ctx, st), ""), nil
	}, func(ctx context.Context) (string, error) { return d.XeroTenant(ctx, st) })
}

// homeCurrency is the stored firm's home currency, USD without one.
func (d *Deployment) homeCurrency(ctx context.Context, st *store.Store) money.Currency {
	if raw, err := st.ConfigYAML(ctx); err == nil {
		if f, err := config.ParseFirm("stored configuration", raw); err == nil && f.HomeCurrency != "" {
			return f.HomeCurrency
		}
	}
	return "USD"
}

// FirmLedger reads the stored firm's ledger (firm.ledger); the default
// (QuickBooks) before any configuration is stored.
func FirmLedger(ctx context.Context, st *store.Store) (config.Ledger, error) {
	raw, err := st.ConfigYAML(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return config.DefaultLedger, nil
	}
	if err != nil {
		return "", err
	}
	f, err := config.ParseFirm("stored configuration", raw)
	if err != nil {
		return "", err
	}
	return f.Ledger.Effective(), nil
}
