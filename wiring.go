package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/oauth2"

	"billbot/bot"
	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/internal/money"
	"billbot/internal/notify"
	"billbot/internal/qbo"
	"billbot/internal/secrets"
	"billbot/internal/workflow"
	"billbot/jobs"
	"billbot/store"
)

// extraCommands are the commands that need the vendors' clients.
func extraCommands() []command {
	return append([]command{
		syncHarvestCommand(),
		importHarvestCSVCommand(),
		jobsListCommand(),
		jobsRunCommand(),
		demoCommand(),
		serveCommand(),
		doctorCommand(),
		setupCommand(),
		qboConnectCommand(),
		shadowCommand(),
		secretsRotateKeyCommand(),
		invoiceShowCommand(),
		auditCommand(),
	}, reportCommands()...)
}

func (c *cli) now() time.Time {
	if c.clock != nil {
		return c.clock()
	}
	return time.Now()
}

// workflow builds the workflows over the store and whichever vendors the
// environment configures.
func (c *cli) workflow(ctx context.Context, st *store.Store) (*workflow.Workflow, error) {
	deps := workflow.Deps{Store: st, Now: c.now, Logger: c.logger, Location: c.env.Location(), Locker: c.locker(st)}
	deps.FailPoint = failPointFromEnv(c.getenv)
	if c.env.QBOClientID != "" {
		if _, err := c.qboTokenStore(ctx, st); err != nil {
			return nil, err // a bad key or bootstrap setting is said at once
		}
		deps.QBO = c.lazyQBO(st)
	}
	if m := c.messenger(); m != nil {
		deps.Notifier = notify.New(m, c.logger)
	}
	return workflow.New(deps).WithDetailLinks(c.detailSigner()), nil
}

// lazyQBO is the QBO of the workflows: built once a company is connected,
// rebuilt whenever the stored connection's generation moves on.
func (c *cli) lazyQBO(st *store.Store) *lazyBooks {
	return &lazyBooks{
		build:      func(ctx context.Context, gen int64) (*workflow.QBOBooks, error) { return c.qboBooks(ctx, st, gen) },
		generation: st.QBOConnectionGeneration,
	}
}

// firm opens the store and the workflows and loads the firm configuration,
// for commands that read them.
func (c *cli) firm(ctx context.Context) (*store.Store, *workflow.Workflow, *workflow.Firm, error) {
	st, err := c.store(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	wf, err := c.workflow(ctx, st)
	if err != nil {
		return nil, nil, nil, err
	}
	firm, err := wf.LoadFirm(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	return st, wf, firm, nil
}

// locker returns the cross-process lock: Postgres advisory locks when
// replicas share a database, an in-process lock on the embedded one.
func (c *cli) locker(st *store.Store) interface {
	TryLock(ctx context.Context, key string) (func(), bool, error)
} {
	if st.Dialect() == store.DialectPostgres {
		return jobs.NewPGLocker(st.DB())
	}
	return &c.local
}

// slackAPI returns the Slack Web API client, nil when no bot token is set.
func (c *cli) slackAPI() *slack.Client {
	if !c.env.SlackBotToken.IsSet() {
		return nil
	}
	opts := []slack.Option{slack.OptionAPIURL(c.env.SlackAPIURL)}
	if c.env.SlackAppToken.IsSet() {
		opts = append(opts, slack.OptionAppLevelToken(c.env.SlackAppToken.Reveal()))
	}
	return slack.New(c.env.SlackBotToken.Reveal(), opts...)
}

func (c *cli) messenger() *bot.Messenger {
	api := c.slackAPI()
	if api == nil {
		return nil
	}
	return bot.NewMessenger(api, bot.MessengerConfig{Logger: c.logger})
}

// secretBox returns the encryption box for secrets at rest.
func (c *cli) secretBox() (*secrets.Box, error) {
	if !c.env.EncryptionKey.IsSet() {
		return nil, fmt.Errorf("BILLBOT_ENCRYPTION_KEY is not set: generate one with 'openssl rand -base64 32'; it encrypts the QuickBooks tokens at rest")
	}
	return secrets.NewBox(c.env.EncryptionKey.Reveal())
}

// qboOAuth returns the Intuit OAuth2 configuration.
func (c *cli) qboOAuth() *oauth2.Config {
	return qbo.NewOAuthConfig(c.env.QBOClientID, c.env.QBOClientSecret.Reveal(), c.env.QBORedirectURL, c.env.QBOAuthURL, c.env.QBOTokenURL)
}

// errWrongKey says BILLBOT_ENCRYPTION_KEY is not the key the stored
// secrets were sealed with.
var errWrongKey = errors.New("BILLBOT_ENCRYPTION_KEY is not the key this database's secrets were encrypted with (its fingerprint differs); nothing was changed: set BILLBOT_ENCRYPTION_KEY back to that key, or re-encrypt with 'billbot secrets rotate-key'")

// checkKey binds the database to the encryption key, or refuses a key the
// stored secrets were not sealed with (store.CheckKey), before anything is
// read or written with it.
func checkKey(ctx context.Context, st *store.Store, box *secrets.Box) error {
	err := st.CheckKey(ctx, box.Fingerprint(), func(name string, ct []byte) bool {
		_, err := box.Open(ct, name)
		return err == nil
	})
	if errors.Is(err, store.ErrKeyMismatch) {
		return errWrongKey
	}
	return err
}

// qboTokenStore returns the encrypted token store, seeded from
// QBO_REFRESH_TOKEN for a headless install that has no stored token yet.
// The bootstrap token is stored only when none is: a stored token is newer
// (Intuit rotates refresh tokens), and one that cannot be read stops here
// rather than being overwritten.
func (c *cli) qboTokenStore(ctx context.Context, st *store.Store) (*qbo.EncryptedTokenStore, error) {
	box, err := c.secretBox()
	if err != nil {
		return nil, err
	}
	if err := checkKey(ctx, st, box); err != nil {
		return nil, err
	}
	ts := qbo.NewEncryptedTokenStore(st, box, qbo.WithNotFound(func(err error) bool { return errors.Is(err, store.ErrNotFound) }))
	if !c.env.QBORefreshToken.IsSet() {
		return ts, nil
	}
	if c.env.QBORealmID == "" {
		return nil, fmt.Errorf("QBO_REFRESH_TOKEN is set without QBO_REALM_ID: set the company id too")
	}
	err = ts.Update(ctx, func(stored *oauth2.Token, realm string) (*oauth2.Token, string, error) {
		if stored != nil {
			return nil, "", nil // connected already: the stored token is the current one
		}
		return &oauth2.Token{RefreshToken: c.env.QBORefreshToken.Reveal(), Expiry: time.Unix(1, 0)}, c.env.QBORealmID, nil
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
func (c *cli) qboBooks(ctx context.Context, st *store.Store, gen int64) (*workflow.QBOBooks, error) {
	client, _, err := c.qboClientAt(ctx, st, 2*time.Minute, gen)
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
	if c.env.QBOEnvironment == config.QBOSandbox {
		appURL = "https://app.sandbox.qbo.intuit.com"
	}
	return workflow.NewQBOBooks(client, home, appURL).WithDetailLinks(c.detailSigner()), nil
}

// qboClient returns the QBO API client over the stored (and refreshed)
// token, and that token; nil, nil when QBO is not configured or no company
// is connected yet.
func (c *cli) qboClient(ctx context.Context, st *store.Store, timeout time.Duration) (*qbo.Client, *oauth2.Token, error) {
	gen, err := st.QBOConnectionGeneration(ctx)
	if err != nil {
		return nil, nil, err
	}
	return c.qboClientAt(ctx, st, timeout, gen)
}

// qboClientAt is qboClient over the token of connection generation gen:
// refreshed tokens are saved only while the connection is still at gen, so
// a client built before a reconnect never writes over the new company's
// token.
func (c *cli) qboClientAt(ctx context.Context, st *store.Store, timeout time.Duration, gen int64) (*qbo.Client, *oauth2.Token, error) {
	if c.env.QBOClientID == "" {
		return nil, nil, nil
	}
	if _, err := c.qboTokenStore(ctx, st); err != nil {
		return nil, nil, err // seeds QBO_REFRESH_TOKEN on an empty store
	}
	box, err := c.secretBox()
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
	hc, realm, err := qbo.NewHTTPClient(context.WithoutCancel(ctx), c.qboOAuth(), ts, timeout, c.logger, qbo.WithTokenHealth(&c.qboHealth))
	if err != nil {
		return nil, nil, fmt.Errorf("QuickBooks client: %w", err)
	}
	client, err := qbo.NewClient(c.env.QBOAPIURL, realm, hc, qbo.WithLogger(c.logger))
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

func printAging(w io.Writer, a billing.Aging, asOf billing.Date) {
	fmt.Fprintf(w, "AR aging as of %s\n\n", asOf)
	if len(a.Totals) == 0 {
		fmt.Fprintln(w, "no open invoices")
		return
	}
	dso := map[money.Currency]int64{}
	for _, d := range a.DSO {
		dso[d.Currency] = int64(d.Tenths)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "CURRENCY\tCURRENT\t1-30\t31-60\t61-90\t90+\tTOTAL\tINVOICES\tDSO (days)\t")
	for _, t := range a.Totals {
		cur := t.Currency
		d, ok := dso[cur]
		if !ok {
			d = -1
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t\n", cur,
			t.Buckets[0].Format(cur), t.Buckets[1].Format(cur), t.Buckets[2].Format(cur),
			t.Buckets[3].Format(cur), t.Buckets[4].Format(cur), t.Total.Format(cur), t.Invoices, tenths(d))
	}
	tw.Flush()
	if len(a.ByClient) > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CLIENT\tCURRENCY\tCURRENT\t1-30\t31-60\t61-90\t90+\tTOTAL")
		for _, r := range a.ByClient {
			cur := r.Currency
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, cur, r.Buckets[0].Format(cur), r.Buckets[1].Format(cur),
				r.Buckets[2].Format(cur), r.Buckets[3].Format(cur), r.Buckets[4].Format(cur), r.Total.Format(cur))
		}
		tw.Flush()
	}
}

func tenths(v int64) string {
	if v < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%d.%d", v/10, v%10)
}

// migratedWorkflow opens the store (migrating the embedded database as
// every command does) and builds the workflows over it.
func (c *cli) migratedWorkflow(ctx context.Context) (*store.Store, *workflow.Workflow, error) {
	st, err := c.migrated(ctx)
	if err != nil {
		return nil, nil, err
	}
	wf, err := c.workflow(ctx, st)
	if err != nil {
		return nil, nil, err
	}
	return st, wf, nil
}
