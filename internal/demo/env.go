package demo

import (
	"billbot/internal/timesource/harvesttime"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/oauth2"

	"billbot/bot"
	"billbot/internal/app"
	"billbot/internal/clock"
	"billbot/internal/config"
	"billbot/internal/harvest"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/ledger/qbobooks"
	"billbot/internal/qbo"
	"billbot/internal/qbo/qbosandbox"
	"billbot/internal/secrets"
	"billbot/internal/slacksandbox"
	"billbot/internal/workflow"
	"billbot/store"
)

// Demo secrets: sandbox credentials, never real ones.
const (
	slackToken    = "xoxb-demo-bot-token"
	signingSecret = "demo-signing-secret"
	harvestToken  = "demo-harvest-token"
	harvestAcct   = "1234567"
	qboRealm      = "9341453000000001"
	qboClientID   = "demo-client-id"
	qboSecret     = "demo-client-secret"
	qboVerifier   = "demo-webhook-verifier"
)

// env is everything the demo runs: the sandboxes, billbot's store and
// workflows, and billbot's HTTP endpoints on a loopback test server.
type env struct {
	clock   *clock.Fake
	loc     *time.Location
	store   *store.Store
	harvest *harvestsandbox.Server
	qbo     *qbosandbox.Server
	slack   *slacksandbox.Server
	wf      *workflow.Workflow
	bot     *bot.HTTP
	srv     *httptest.Server
	signer  slacksandbox.Signer
	syncer  workflow.TimeSource
	hcl     *harvest.Client // billbot's Harvest client (setup reads with it)
	qc      *qbo.Client     // billbot's QuickBooks client
	api     *slack.Client   // billbot's Slack client
	firm    Firm
	hooks   chan struct{} // one value per webhook delivery handled
}

func newEnv(ctx context.Context, dir string, firm Firm, clock *clock.Fake, logger *slog.Logger) (*env, error) {
	e := &env{clock: clock, firm: firm, hooks: make(chan struct{}, 16)}
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		return nil, err
	}
	e.loc = loc
	if e.store, err = store.Open(ctx, "", dir, logger); err != nil {
		return nil, err
	}
	if _, err := e.store.Migrate(ctx); err != nil {
		return nil, err
	}
	e.store = e.store.WithClock(clock.Now)
	parsed, err := config.ParseFirm("demo firm", firm.ConfigYAML)
	if err != nil {
		return nil, fmt.Errorf("demo firm configuration: %w", err)
	}
	_, clients, engs := parsed.Billing()
	if err := e.store.SaveConfig(ctx, firm.ConfigYAML, clients, engs, "demo"); err != nil {
		return nil, err
	}

	e.harvest = harvestsandbox.New(harvestsandbox.Options{AccountID: harvestAcct, Token: harvestToken, Now: clock.Now})
	e.harvest.Seed(firm.Harvest)
	e.harvest.Start()
	e.qbo = qbosandbox.New(qbosandbox.Options{RealmID: qboRealm, ClientID: qboClientID, ClientSecret: qboSecret, HomeCurrency: "USD", CompanyName: "Hartwell & Moss CPAs", Now: clock.Now})
	for _, c := range firm.Customers {
		e.qbo.SeedCustomer(c)
	}
	for _, it := range firm.Items {
		e.qbo.SeedItem(it)
	}
	e.slack = slacksandbox.New(slacksandbox.Options{Token: slackToken, Now: clock.Now})

	// QuickBooks: tokens from the sandbox's OAuth server, stored encrypted
	// under a fresh key, refreshed (and rotated) by the persisting source.
	box, err := secrets.NewBox(secrets.NewKey())
	if err != nil {
		return nil, err
	}
	ts := qbo.NewEncryptedTokenStore(e.store, box)
	access, refresh := e.qbo.MintTokens()
	if err := ts.Save(ctx, &oauth2.Token{AccessToken: access, RefreshToken: refresh, TokenType: "bearer", Expiry: time.Now().Add(time.Hour)}, qboRealm); err != nil {
		return nil, err
	}
	oauthCfg := qbo.NewOAuthConfig(qboClientID, qboSecret, "http://127.0.0.1/oauth/qbo/callback", e.qbo.AuthURL(), e.qbo.TokenURL())
	hc, realm, err := qbo.NewHTTPClient(context.WithoutCancel(ctx), oauthCfg, ts, time.Minute, logger)
	if err != nil {
		return nil, err
	}
	qc, err := qbo.NewClient(e.qbo.URL(), realm, hc, qbo.WithLogger(logger), qbo.WithSleep(clock.Sleep),
		// QBO's 500 requests and 40 batches a minute, scaled to a second: the
		// sandbox runs in-process and the story moves its clock by days.
		qbo.WithLimits(qbo.Limits{MaxConcurrent: 10, Requests: 500, BatchRequests: 40, Per: time.Second}))
	if err != nil {
		return nil, err
	}
	api := slacksandbox.SlackClient(e.slack, slackToken)
	e.qc, e.api = qc, api
	messenger := bot.NewMessenger(api, bot.MessengerConfig{Now: clock.Now, Sleep: clock.Sleep, Logger: logger})
	billbot := app.Assemble(app.Parts{
		Store: e.store, Ledger: qbobooks.New(qc, "USD", ""), Slack: messenger,
		Now: clock.Now, Logger: logger,
	})
	e.wf = billbot.Workflow

	hcl, err := harvest.NewClient(e.harvest.URL(), harvestAcct, harvestToken, harvest.WithLogger(logger), harvest.WithSleep(clock.Sleep), harvest.WithClock(clock.Now))
	if err != nil {
		return nil, err
	}
	e.hcl = hcl
	if e.syncer, err = harvesttime.New(ctx, e.wf, hcl); err != nil {
		return nil, err
	}

	slk := billbot.Slack(messenger)
	e.bot, err = bot.NewHTTP(bot.HTTPConfig{
		SigningSecret: signingSecret,
		Identity:      bot.Identity{TeamID: slacksandbox.TeamID, AppID: slacksandbox.AppID},
		Commands:      slk.Commands,
		Interactions:  slk.Interactions,
		Events:        slk.Events,
		Deduper:       e.store,
		Responder:     bot.NewResponder(api, nil, logger, bot.ResponderClock(clock.Now)),
		Logger:        logger,
		Now:           clock.Now,
		AckBudget:     30 * time.Second, // the demo waits for every answer in line
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/slack/", e.bot.Handler())
	mux.Handle("POST /webhooks/qbo", qbo.WebhookHandler(qboVerifier, qboRealm, func(ctx context.Context, d qbo.Delivery) error {
		var ids []string
		for _, ev := range d.Events {
			if ev.Entity == "Invoice" {
				ids = append(ids, ev.ID)
			}
		}
		if _, _, err := e.wf.RefreshPayments(ctx); err != nil {
			logger.Warn("webhook refresh", "error", err)
		}
		if _, _, err := e.wf.RefreshInvoices(ctx, ids); err != nil {
			logger.Warn("webhook refresh", "error", err)
		}
		e.hooks <- struct{}{}
		return nil
	}, logger))
	e.srv = httptest.NewServer(mux)
	e.signer = slacksandbox.Signer{Secret: signingSecret, Now: clock.Now}
	return e, nil
}

func (e *env) close() {
	if e.srv != nil {
		e.srv.Close()
	}
	if e.bot != nil {
		e.bot.Wait()
	}
	if e.harvest != nil {
		e.harvest.Close()
	}
	if e.qbo != nil {
		e.qbo.Close()
	}
	if e.slack != nil {
		e.slack.Close()
	}
	if e.store != nil {
		_ = e.store.Close()
	}
}

// do sends a signed request to billbot and returns the response body after
// every piece of work it started has finished.
func (e *env) do(req *http.Request) (int, []byte, error) {
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	e.bot.Wait()
	return resp.StatusCode, body, err
}
