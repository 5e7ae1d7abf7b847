package reliability

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/oauth2"

	"billbot/bot"
	"billbot/internal/app"
	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/internal/harvest"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/notify"
	"billbot/internal/qbo"
	"billbot/internal/qbo/qbosandbox"
	"billbot/internal/secrets"
	"billbot/internal/slacksandbox"
	"billbot/internal/timesource/harvesttime"
	"billbot/internal/workflow"
	"billbot/internal/xero"
	"billbot/store"
)

// Sandbox credentials of the simulated world; never real ones.
const (
	SlackToken   = "xoxb-reliability-token"
	HarvestToken = "reliability-harvest-token"
	HarvestAcct  = "7654321"
	QBORealm     = "9341453000000077"
	QBOClientID  = "reliability-client-id"
	QBOSecret    = "reliability-client-secret"
)

// Faults are the injected vendor failure rates of a world.
type Faults struct {
	Seed    uint64
	Harvest float64 // share of Harvest requests answered 5xx
	// QBO are the ledger's fault rates: QuickBooks', or the same shares of
	// Xero's calls on a world whose ledger is Xero.
	QBO   qbosandbox.Faults
	Slack float64 // share of Slack Web API calls answered 503 or 429
}

// World is everything outside billbot's process that survives a restart:
// the database and the three vendors' sandboxes, on one simulated clock.
type World struct {
	Clock   *Clock
	Store   *store.Store
	Harvest *harvestsandbox.Server
	// Ledger is the firm's ledger sandbox; QBO is the same server when the
	// ledger is QuickBooks, nil otherwise.
	Ledger LedgerSandbox
	QBO    *qbosandbox.Server
	Slack  *slacksandbox.Server
	Firm   *Firm
	Logger *slog.Logger
	// PlainSlack hands billbot a Messenger without notify.PostFinder:
	// drafts are posted without metadata and never searched for, as
	// before posts were tagged.
	PlainSlack bool
	// EncryptionKey is the BILLBOT_ENCRYPTION_KEY the stored QuickBooks
	// tokens are sealed with (base64, made up for this world).
	EncryptionKey string

	ledger config.Ledger
	tokens *qbo.EncryptedTokenStore
}

// NewWorld is NewWorldOn QuickBooks.
func NewWorld(ctx context.Context, st *store.Store, firm *Firm, clock *Clock, faults Faults) (*World, error) {
	return NewWorldOn(ctx, st, firm, clock, faults, config.LedgerQuickBooks)
}

// NewWorldOn seeds the sandboxes with firm, its books in ledger, imports
// the configuration known on the clock's date into st (a migrated store),
// and stores QuickBooks tokens as the connect flow would.
func NewWorldOn(ctx context.Context, st *store.Store, firm *Firm, clock *Clock, faults Faults, ledger config.Ledger) (*World, error) {
	w := &World{Clock: clock, Firm: firm, Logger: slog.New(slog.DiscardHandler), ledger: ledger.Effective()}
	w.Store = st.WithClock(clock.Now)
	w.Harvest = harvestsandbox.New(harvestsandbox.Options{
		AccountID: HarvestAcct, Token: HarvestToken, Now: clock.Now, Sleep: clock.Sleep, Limit: -1,
		Seed: faults.Seed, Faults: harvestsandbox.Faults{ErrorRate: faults.Harvest},
	})
	w.Harvest.Seed(firm.Harvest)
	w.Harvest.Start()
	if w.ledger == config.LedgerXero {
		w.Ledger = newXeroLedger(firm, clock, faults)
	} else {
		qf := faults.QBO
		qf.Seed = faults.Seed
		w.QBO = qbosandbox.New(qbosandbox.Options{
			RealmID: QBORealm, ClientID: QBOClientID, ClientSecret: QBOSecret, HomeCurrency: "USD", Now: clock.Now,
			// Throttling comes from the injected faults only; QBO's per-minute
			// windows run on real time, which a simulated year does not have.
			MaxConcurrent: -1, PerWindow: -1, BatchPerWindow: -1,
			RetryAfter: "1", TimeoutHold: 20 * time.Millisecond, Faults: qf,
		})
		for _, c := range firm.Customers {
			w.QBO.SeedCustomer(c)
		}
		for _, it := range firm.Items {
			w.QBO.SeedItem(it)
		}
		w.Ledger = qboLedger{srv: w.QBO}
	}
	w.Slack = slacksandbox.New(slacksandbox.Options{Token: SlackToken, Now: clock.Now, FaultRate: faults.Slack, FaultSeed: faults.Seed})

	if err := w.ImportConfig(ctx); err != nil {
		w.Close()
		return nil, err
	}
	w.EncryptionKey = secrets.NewKey()
	box, err := secrets.NewBox(w.EncryptionKey)
	if err != nil {
		w.Close()
		return nil, err
	}
	if w.QBO == nil {
		// The organisation connected, as 'billbot xero connect' leaves it:
		// the sandbox's always-valid token, sealed, for a billbot process
		// of this world (the in-process workflows use it directly).
		xt := xero.NewEncryptedTokenStore(w.Store, box)
		tok := &oauth2.Token{AccessToken: XeroToken, RefreshToken: "reliability-xero-refresh", TokenType: "Bearer", Expiry: time.Now().Add(24 * time.Hour)}
		if err := xt.Save(ctx, tok, w.Ledger.(xeroLedger).srv.TenantID()); err != nil {
			w.Close()
			return nil, fmt.Errorf("store the Xero token: %w", err)
		}
		return w, nil
	}
	w.tokens = qbo.NewEncryptedTokenStore(w.Store, box)
	access, refresh := w.QBO.MintTokens()
	if err := w.tokens.Save(ctx, &oauth2.Token{AccessToken: access, RefreshToken: refresh, TokenType: "bearer", Expiry: clock.Now().Add(time.Hour)}, QBORealm); err != nil {
		w.Close()
		return nil, fmt.Errorf("store QBO tokens: %w", err)
	}
	return w, nil
}

// Today is the firm's date on the simulated clock.
func (w *World) Today() billing.Date {
	loc, _ := time.LoadLocation("America/New_York")
	return billing.DateIn(w.Clock.Now(), loc)
}

// ImportConfig imports the firm configuration known today, as
// 'billbot config import' does.
func (w *World) ImportConfig(ctx context.Context) error {
	raw := w.Firm.ConfigYAML(w.Today())
	if w.ledger == config.LedgerXero {
		if !strings.Contains(string(raw), "\n  home_currency: ") {
			return fmt.Errorf("simulated firm configuration: no firm.home_currency to put firm.ledger before")
		}
		raw = []byte(strings.Replace(string(raw), "\n  home_currency: ", "\n  ledger: xero\n  home_currency: ", 1))
	}
	parsed, err := config.ParseFirm("simulated firm", raw)
	if err != nil {
		return fmt.Errorf("simulated firm configuration: %w", err)
	}
	_, clients, engs := parsed.Billing()
	return w.Store.SaveConfig(ctx, raw, clients, engs, "reliability")
}

// Close stops the sandboxes (the store belongs to the caller).
func (w *World) Close() {
	w.Harvest.Close()
	w.Ledger.close()
	w.Slack.Close()
}

// Billbot is one billbot process: its workflows and clients, built afresh
// by Boot over the world's database and sandboxes.
type Billbot struct {
	WF        *workflow.Workflow
	Store     *store.Store
	Syncer    workflow.TimeSource
	Messenger *bot.Messenger
}

var _ notify.PostFinder = (*bot.Messenger)(nil)

// Boot starts a billbot process. failPoint, when set, is called at each of
// workflow.FailPoints.
func (w *World) Boot(ctx context.Context, failPoint func(string)) (*Billbot, error) {
	ledger, err := w.Ledger.books(ctx, w)
	if err != nil {
		return nil, err
	}
	api := slacksandbox.SlackClient(w.Slack, SlackToken)
	m := bot.NewMessenger(api, bot.MessengerConfig{Now: w.Clock.Now, Sleep: w.Clock.Sleep, Logger: w.Logger})
	var msgr notify.Messenger = m
	if w.PlainSlack {
		msgr = plainMessenger{m}
	}
	wf := app.Assemble(app.Parts{
		Store: w.Store, Ledger: ledger, Slack: msgr,
		Now: w.Clock.Now, Logger: w.Logger, FailPoint: failPoint,
	}).Workflow
	hcl, err := harvest.NewClient(w.Harvest.URL(), HarvestAcct, HarvestToken, harvest.WithLogger(w.Logger), harvest.WithSleep(w.Clock.Sleep), harvest.WithClock(w.Clock.Now))
	if err != nil {
		return nil, err
	}
	syncer, err := harvesttime.New(ctx, wf, hcl)
	if err != nil {
		return nil, err
	}
	return &Billbot{WF: wf, Store: w.Store, Syncer: syncer, Messenger: m}, nil
}

// plainMessenger offers only notify.Messenger's methods.
type plainMessenger struct{ m *bot.Messenger }

func (p plainMessenger) Post(ctx context.Context, channel, text string, blocks []slack.Block) (string, error) {
	return p.m.Post(ctx, channel, text, blocks)
}

func (p plainMessenger) Update(ctx context.Context, channel, ts, text string, blocks []slack.Block) error {
	return p.m.Update(ctx, channel, ts, text, blocks)
}

func (p plainMessenger) DM(ctx context.Context, user, text string, blocks []slack.Block) (string, string, error) {
	return p.m.DM(ctx, user, text, blocks)
}
