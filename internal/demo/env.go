package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"billbot/bot"
	"billbot/internal/app"
	"billbot/internal/clock"
	"billbot/internal/config"
	"billbot/internal/slacksandbox"
	"billbot/internal/timeworld"
	"billbot/internal/workflow"
	"billbot/store"
)

// Demo secrets: sandbox credentials, never real ones.
const (
	slackToken    = "xoxb-demo-bot-token"
	signingSecret = "demo-signing-secret"
	qboRealm      = "9341453000000001"
	qboClientID   = "demo-client-id"
	qboSecret     = "demo-client-secret"
	qboVerifier   = "demo-webhook-verifier"
)

// env is everything the demo runs: the sandboxes (the ledger's as the
// firm's configuration says), billbot's store and
// workflows, and billbot's HTTP endpoints on a loopback test server.
type env struct {
	clock  *clock.Fake
	loc    *time.Location
	store  *store.Store
	time   timeworld.World
	books  books // the firm's ledger: QuickBooks or Xero
	slack  *slacksandbox.Server
	wf     *workflow.Workflow
	bot    *bot.HTTP
	srv    *httptest.Server
	signer slacksandbox.Signer
	syncer workflow.TimeSource
	api    *slack.Client // billbot's Slack client
	firm   Firm
	hooks  chan struct{}     // one value per webhook delivery handled
	words  *strings.Replacer // names the ledger in the story's sentences
}

func newEnv(ctx context.Context, dir string, firm Firm, clock *clock.Fake, logger *slog.Logger) (*env, error) {
	e := &env{clock: clock, firm: firm, hooks: make(chan struct{}, 16), words: ledgerWords(firm.Ledger)}
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

	if e.time, err = timeworld.New(firm.Source, firm.Harvest, timeworld.Options{Now: clock.Now, Sleep: clock.Sleep, Logger: logger}); err != nil {
		return nil, err
	}
	e.slack = slacksandbox.New(slacksandbox.Options{Token: slackToken, Now: clock.Now})
	if firm.Ledger.Effective() == config.LedgerXero {
		xb, err := newXeroBooks(ctx, e.store, firm, clock, logger)
		if xb != nil && xb.srv != nil {
			e.books = xb
		}
		if err != nil {
			return nil, err
		}
	} else {
		qb, err := newQBOBooks(ctx, e.store, firm, clock, logger)
		if qb != nil && qb.srv != nil {
			e.books = qb
		}
		if err != nil {
			return nil, err
		}
	}
	api := slacksandbox.SlackClient(e.slack, slackToken)
	e.api = api
	messenger := bot.NewMessenger(api, bot.MessengerConfig{Now: clock.Now, Sleep: clock.Sleep, Logger: logger})
	billbot := app.Assemble(app.Parts{
		Store: e.store, Ledger: e.books.ledger(), Slack: messenger,
		Now: clock.Now, Logger: logger,
	})
	e.wf = billbot.Workflow

	if e.syncer, err = e.time.Source(ctx, e.wf); err != nil {
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
	mux.Handle(e.books.webhook(func(ctx context.Context, ids []string) {
		if _, _, err := e.wf.RefreshPayments(ctx); err != nil {
			logger.Warn("webhook refresh", "error", err)
		}
		if _, _, err := e.wf.RefreshInvoices(ctx, ids); err != nil {
			logger.Warn("webhook refresh", "error", err)
		}
		e.hooks <- struct{}{}
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
	if e.time != nil {
		e.time.Close()
	}
	if e.books != nil {
		e.books.close()
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
