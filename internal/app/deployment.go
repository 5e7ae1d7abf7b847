package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/oauth2"

	"billbot/bot"
	"billbot/internal/config"
	"billbot/internal/harvest"
	"billbot/internal/invoicedetail"
	"billbot/internal/ledger/qbobooks"
	"billbot/internal/money"
	"billbot/internal/qbo"
	"billbot/internal/secrets"
	"billbot/internal/workflow"
	"billbot/jobs"
	"billbot/store"
)

// Deployment builds billbot's store, vendors' clients and workflows from
// the environment (config.Env), for `billbot serve` and the other
// commands. Use it by pointer: it holds this process's lock table and the
// QuickBooks token health.
type Deployment struct {
	Env    config.Env
	Logger *slog.Logger
	// Clock is billbot's clock; nil means time.Now.
	Clock func() time.Time
	// FailPoint is passed to the workflows (FailPointFromEnv).
	FailPoint func(point string)

	// QBOHealth is what this process's QuickBooks token sources last saw,
	// for /readyz and doctor.
	QBOHealth qbo.TokenHealth
	local     jobs.LocalLocker // this process's locks on the embedded database
}

// Now reads the Deployment's clock.
func (d *Deployment) Now() time.Time {
	if d.Clock != nil {
		return d.Clock()
	}
	return time.Now()
}

// OpenStore opens the database (DATABASE_URL, or the embedded one in
// BILLBOT_DATA_DIR) on the Deployment's clock. It neither migrates nor
// checks the schema.
func (d *Deployment) OpenStore(ctx context.Context) (*store.Store, error) {
	var opts []store.Option
	if d.Env.DatabaseMaxConns > 0 {
		opts = append(opts, store.MaxConns(d.Env.DatabaseMaxConns))
	}
	st, err := store.Open(ctx, d.Env.DatabaseURL.Reveal(), d.Env.DataDir, d.Logger, opts...)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if d.Clock != nil {
		st = st.WithClock(d.Clock)
	}
	return st, nil
}

// Billbot assembles billbot over st with whichever vendors the environment
// configures.
func (d *Deployment) Billbot(ctx context.Context, st *store.Store) (*Billbot, error) {
	p := Parts{
		Store: st, Now: d.Now, Logger: d.Logger, Location: d.Env.Location(), Locker: d.Locker(st),
		FailPoint: d.FailPoint, DetailLinks: d.DetailSigner(),
	}
	if d.Env.QBOClientID != "" {
		if _, err := d.QBOTokenStore(ctx, st); err != nil {
			return nil, err // a bad key or bootstrap setting is said at once
		}
		p.Ledger = d.LazyQBO(st)
	}
	if d.Env.XeroClientID != "" {
		if _, err := d.XeroTokenStore(ctx, st); err != nil {
			return nil, err // a bad key is said at once
		}
		p.Ledger = d.Ledgers(st, p.Ledger)
	}
	if m := d.Messenger(); m != nil {
		p.Slack = m
	}
	p.TimeSource = d.TimeSource
	return Assemble(p), nil
}

// LazyQBO is the QBO of the workflows: built once a company is connected,
// rebuilt whenever the stored connection's generation moves on.
func (d *Deployment) LazyQBO(st *store.Store) *qbobooks.Lazy {
	return qbobooks.NewLazy(func(ctx context.Context, gen int64) (*qbobooks.Books, error) { return d.qboBooks(ctx, st, gen) }, st.QBOConnectionGeneration)
}

// Ledgers is the ledger of a deployment that configures Xero (and maybe
// QuickBooks, qbo; nil when not): each call goes to the one the stored
// firm's firm.ledger names then.
func (d *Deployment) Ledgers(st *store.Store, qbo workflow.Ledger) *LedgerChooser {
	ledgers := map[config.Ledger]workflow.Ledger{config.LedgerXero: d.LazyXero(st)}
	if qbo != nil {
		ledgers[config.LedgerQuickBooks] = qbo
	}
	return NewLedgerChooser(ledgers, func(ctx context.Context) (config.Ledger, error) { return FirmLedger(ctx, st) }, st.ConfigVersion)
}

// Locker returns the cross-process lock: Postgres advisory locks when
// replicas share a database, an in-process lock on the embedded one.
func (d *Deployment) Locker(st *store.Store) jobs.Locker {
	if st.Dialect() == store.DialectPostgres {
		return jobs.NewPGLocker(st.DB())
	}
	return &d.local
}

// HarvestClient builds the Harvest client from the environment.
func (d *Deployment) HarvestClient() (*harvest.Client, error) {
	if d.Env.HarvestAccountID == "" || !d.Env.HarvestAccessToken.IsSet() {
		return nil, fmt.Errorf("harvest is not configured: set HARVEST_ACCOUNT_ID and HARVEST_ACCESS_TOKEN (a personal access token from id.getharvest.com/developers)")
	}
	return harvest.NewClient(d.Env.HarvestAPIURL, d.Env.HarvestAccountID, d.Env.HarvestAccessToken.Reveal(), harvest.WithLogger(d.Logger))
}

// SlackAPI returns the Slack Web API client, nil when no bot token is set.
func (d *Deployment) SlackAPI() *slack.Client {
	if !d.Env.SlackBotToken.IsSet() {
		return nil
	}
	opts := []slack.Option{slack.OptionAPIURL(d.Env.SlackAPIURL)}
	if d.Env.SlackAppToken.IsSet() {
		opts = append(opts, slack.OptionAppLevelToken(d.Env.SlackAppToken.Reveal()))
	}
	return slack.New(d.Env.SlackBotToken.Reveal(), opts...)
}

// Messenger posts through SlackAPI; nil when no bot token is set.
func (d *Deployment) Messenger() *bot.Messenger {
	api := d.SlackAPI()
	if api == nil {
		return nil
	}
	return bot.NewMessenger(api, bot.MessengerConfig{Logger: d.Logger})
}

// DetailSigner signs links to the invoice detail page with a key derived
// from BILLBOT_ENCRYPTION_KEY, under BILLBOT_PUBLIC_URL; nil (no links, no
// page) when the encryption key is not set.
func (d *Deployment) DetailSigner() *invoicedetail.Signer {
	key, ok := d.Env.EncryptionKeyBytes()
	if !ok {
		return nil
	}
	s, err := invoicedetail.NewSigner(key, d.Env.PublicURL, d.Now)
	if err != nil {
		d.Logger.Warn("invoice detail links off", "error", err)
		return nil
	}
	return s
}

// SecretBox returns the encryption box for secrets at rest.
func (d *Deployment) SecretBox() (*secrets.Box, error) {
	if !d.Env.EncryptionKey.IsSet() {
		return nil, fmt.Errorf("BILLBOT_ENCRYPTION_KEY is not set: generate one with 'openssl rand -base64 32'; it encrypts the QuickBooks tokens at rest")
	}
	return secrets.NewBox(d.Env.EncryptionKey.Reveal())
}

// QBOOAuth returns the Intuit OAuth2 configuration.
func (d *Deployment) QBOOAuth() *oauth2.Config {
	return qbo.NewOAuthConfig(d.Env.QBOClientID, d.Env.QBOClientSecret.Reveal(), d.Env.QBORedirectURL, d.Env.QBOAuthURL, d.Env.QBOTokenURL)
}

// ErrWrongKey says BILLBOT_ENCRYPTION_KEY is not the key the stored
// secrets were sealed with.
var ErrWrongKey = errors.New("BILLBOT_ENCRYPTION_KEY is not the key this database's secrets were encrypted with (its fingerprint differs); nothing was changed: set BILLBOT_ENCRYPTION_KEY back to that key, or re-encrypt with 'billbot secrets rotate-key'")

// CheckKey binds the database to the encryption key, or refuses a key the
// stored secrets were not sealed with (store.CheckKey), before anything is
// read or written with it.
func CheckKey(ctx context.Context, st *store.Store, box *secrets.Box) error {
	err := st.CheckKey(ctx, box.Fingerprint(), func(name string, ct []byte) bool {
		_, err := box.Open(ct, name)
		return err == nil
	})
	if errors.Is(err, store.ErrKeyMismatch) {
		return ErrWrongKey
	}
	return err
}

// QBOTokenStore returns the encrypted token store, seeded from
// QBO_REFRESH_TOKEN for a headless install that has no stored token yet.
// The bootstrap token is stored only when none is: a stored token is newer
// (Intuit rotates refresh tokens), and one that cannot be read stops here
// rather than being overwritten.
func (d *Deployment) QBOTokenStore(ctx context.Context, st *store.Store) (*qbo.EncryptedTokenStore, error) {
	box, err := d.SecretBox()
	if err != nil {
		return nil, err
	}
	if err := CheckKey(ctx, st, box); err != nil {
		return nil, err
	}
	ts := qbo.NewEncryptedTokenStore(st, box, qbo.WithNotFound(func(err error) bool { return errors.Is(err, store.ErrNotFound) }))
	if !d.Env.QBORefreshToken.IsSet() {
		return ts, nil
	}
	if d.Env.QBORealmID == "" {
		return nil, fmt.Errorf("QBO_REFRESH_TOKEN is set without QBO_REALM_ID: set the company id too")
	}
	err = ts.Update(ctx, func(stored *oauth2.Token, realm string) (*oauth2.Token, string, error) {
		if stored != nil {
			return nil, "", nil // connected already: the stored token is the current one
		}
		return &oauth2.Token{RefreshToken: d.Env.QBORefreshToken.Reveal(), Expiry: time.Unix(1, 0)}, d.Env.QBORealmID, nil
	})
	if errors.Is(err, secrets.ErrOpen) {
		return nil, fmt.Errorf("the stored QuickBooks token cannot be decrypted with BILLBOT_ENCRYPTION_KEY; nothing was changed: %w", err)
	}
	if err != nil {
		return nil, fmt.Errorf("store bootstrap QBO token: %w", err)
	}
	return ts, nil
}

// qboBooks returns the QBO adapter, nil when QBO is not configured.
func (d *Deployment) qboBooks(ctx context.Context, st *store.Store, gen int64) (*qbobooks.Books, error) {
	client, _, err := d.qboClientAt(ctx, st, 2*time.Minute, gen)
	if err != nil || client == nil {
		return nil, err
	}
	home := money.Currency("USD")
	if raw, err := st.ConfigYAML(ctx); err == nil {
		if f, err := config.ParseFirm("stored configuration", raw); err == nil {
			home = f.HomeCurrency
		}
	}
	appURL := "https://app.qbo.intuit.com"
	if d.Env.QBOEnvironment == config.QBOSandbox {
		appURL = "https://app.sandbox.qbo.intuit.com"
	}
	return qbobooks.New(client, home, appURL).WithDetailLinks(d.DetailSigner()), nil
}

// QBOClient returns the QBO API client over the stored (and refreshed)
// token, and that token; nil, nil when QBO is not configured or no company
// is connected yet.
func (d *Deployment) QBOClient(ctx context.Context, st *store.Store, timeout time.Duration) (*qbo.Client, *oauth2.Token, error) {
	gen, err := st.QBOConnectionGeneration(ctx)
	if err != nil {
		return nil, nil, err
	}
	return d.qboClientAt(ctx, st, timeout, gen)
}

// qboClientAt is QBOClient over the token of connection generation gen:
// refreshed tokens are saved only while the connection is still at gen, so
// a client built before a reconnect never writes over the new company's
// token.
func (d *Deployment) qboClientAt(ctx context.Context, st *store.Store, timeout time.Duration, gen int64) (*qbo.Client, *oauth2.Token, error) {
	if d.Env.QBOClientID == "" {
		return nil, nil, nil
	}
	if _, err := d.QBOTokenStore(ctx, st); err != nil {
		return nil, nil, err // seeds QBO_REFRESH_TOKEN on an empty store
	}
	box, err := d.SecretBox()
	if err != nil {
		return nil, nil, err
	}
	ts := qbo.NewEncryptedTokenStore(generationSecrets{st: st, gen: gen}, box, qbo.WithNotFound(func(err error) bool { return errors.Is(err, store.ErrNotFound) }))
	tok, _, err := ts.Load(ctx)
	if errors.Is(err, qbo.ErrNoToken) {
		return nil, nil, nil // not connected yet
	}
	if err != nil {
		return nil, nil, fmt.Errorf("QuickBooks token: %w", err)
	}
	hc, realm, err := qbo.NewHTTPClient(context.WithoutCancel(ctx), d.QBOOAuth(), ts, timeout, d.Logger, qbo.WithTokenHealth(&d.QBOHealth))
	if err != nil {
		return nil, nil, fmt.Errorf("QuickBooks client: %w", err)
	}
	client, err := qbo.NewClient(d.Env.QBOAPIURL, realm, hc, qbo.WithLogger(d.Logger))
	if err != nil {
		return nil, nil, err
	}
	return client, tok, nil
}

// generationSecrets writes secrets only while the QuickBooks connection is
// at gen (see store.PutSecretAtGeneration).
type generationSecrets struct {
	st  *store.Store
	gen int64
}

func (s generationSecrets) Secret(ctx context.Context, name string) ([]byte, error) {
	return s.st.Secret(ctx, name)
}

func (s generationSecrets) PutSecret(ctx context.Context, name string, ct []byte) error {
	return s.st.PutSecretAtGeneration(ctx, name, ct, s.gen)
}

// UpdateSecret makes the token source's locked refresh (qbo.SecretUpdater)
// respect the connection's generation too.
func (s generationSecrets) UpdateSecret(ctx context.Context, name string, fn func(ct []byte) ([]byte, error)) error {
	return s.st.UpdateSecretAtGeneration(ctx, name, s.gen, fn)
}
