package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"runtime/debug"
	"time"

	"golang.org/x/sync/errgroup"

	"billbot/bot"
	"billbot/internal/ledger/qbobooks"
	"billbot/internal/ledger/xerobooks"
	"billbot/internal/metrics"
	"billbot/internal/qbo"
	"billbot/internal/secrets"
	"billbot/internal/server"
	"billbot/internal/workflow"
	"billbot/internal/xero"
	"billbot/store"
)

func serveCommand() command {
	return command{
		name:    "serve",
		summary: "Serve Slack (HTTP endpoints, or Socket Mode when SLACK_APP_TOKEN is set), QuickBooks and Xero OAuth and webhooks, health and metrics, and run the scheduled jobs. Migrates the schema on start.",
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if fs.NArg() > 0 {
				return usagef("serve takes no arguments")
			}
			return c.serve(ctx)
		},
	}
}

func (c *cli) serve(ctx context.Context) error {
	log := c.logger
	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	if _, err := st.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var qboTokens *qbo.EncryptedTokenStore
	if c.env.QBOClientID != "" {
		// A wrong BILLBOT_ENCRYPTION_KEY stops here, before anything is written.
		if qboTokens, err = c.qboTokenStore(ctx, st); err != nil {
			return err
		}
	}
	var xeroTokens *xero.EncryptedTokenStore
	if c.env.XeroClientID != "" {
		if xeroTokens, err = c.app.XeroTokenStore(ctx, st); err != nil {
			return err
		}
	}
	if err := c.importConfigFile(ctx, st); err != nil {
		return err
	}
	billbot, err := c.app.Billbot(ctx, st)
	if err != nil {
		return err
	}
	wf := billbot.Workflow
	reg := metrics.NewRegistry()
	pool := st.NewPoolMetrics(reg)
	cfg := server.Config{Addr: c.env.ListenAddr, Logger: log, Metrics: reg, Ready: func(ctx context.Context) error {
		if err := st.Ping(ctx); err != nil {
			return &server.NotReadyError{Reason: "database unreachable", Err: err}
		}
		if qboTokens != nil {
			if err := c.ledgerReady(ctx, qboTokens); err != nil {
				return err
			}
		}
		if xeroTokens != nil {
			if _, _, err := xeroTokens.Load(ctx); err != nil && !errors.Is(err, xero.ErrNoToken) {
				return &server.NotReadyError{Reason: "Xero token unreadable (is BILLBOT_ENCRYPTION_KEY the one it was sealed with?)", Err: err}
			}
		}
		return nil
	}}

	cfg.SlackHint = server.SlackHint(c.env.SlackBotToken.IsSet(), c.env.SlackSigningSecret.IsSet(), c.env.SocketMode())
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return pool.Run(gctx, store.PoolMetricsInterval) })
	var httpBot *bot.HTTP
	if api := c.slackAPI(); api != nil {
		// Whose requests to serve: the bot token's workspace and app,
		// asked of Slack once at start (SLACK_TEAM_ID / SLACK_APP_ID pin
		// them). Every other workspace's requests are refused.
		idCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		identity, err := bot.LearnIdentity(idCtx, api, c.env.SlackTeamID, c.env.SlackAppID)
		cancel()
		if err != nil {
			return err
		}
		log.Info("slack: serving one workspace", "team_id", identity.TeamID, "enterprise_id", identity.EnterpriseID, "app_id", identity.AppID)
		messenger := c.messenger()
		slk := billbot.Slack(messenger)
		cmds, inter := slk.Commands, slk.Interactions
		events, resp := slk.Events.WithConnectLinks(c.homeConnectLinks(st, wf)), bot.NewResponder(api, nil, log)
		if c.env.SocketMode() {
			sock, err := bot.NewSocket(bot.SocketConfig{API: api, Identity: identity, Commands: cmds, Interactions: inter, Events: events, Deduper: st, Responder: resp, Logger: log})
			if err != nil {
				return err
			}
			g.Go(func() error { return sock.Run(gctx) })
			log.Info("slack: socket mode")
		} else if !c.env.SlackSigningSecret.IsSet() {
			log.Warn("slack: SLACK_SIGNING_SECRET is not set; /slack/ answers 404 until it is (drafts are still posted)")
		} else {
			httpBot, err = bot.NewHTTP(bot.HTTPConfig{SigningSecret: c.env.SlackSigningSecret.Reveal(), Identity: identity, Commands: cmds, Interactions: inter, Events: events, Deduper: st, Responder: resp, Logger: log,
				Limits: slackLimits(st), Metrics: reg})
			if err != nil {
				return err
			}
			cfg.Slack = httpBot.Handler()
			log.Info("slack: request URLs under /slack/")
		}
	} else {
		log.Warn("slack: SLACK_BOT_TOKEN is not set; drafts are stored but not posted")
	}

	var hooks *workflow.WebhookQueue // one queue for every ledger's deliveries
	webhookQueue := func() *workflow.WebhookQueue {
		if hooks == nil {
			// Deliveries are queued in the store before the 200; one worker
			// refreshes what they name.
			hooks = wf.NewWebhookQueue()
			g.Go(func() error { return hooks.Run(gctx) })
		}
		return hooks
	}
	if qboTokens != nil {
		ts := qboTokens
		flow, err := c.qboConnectFlow(st, ts, wf)
		if err != nil {
			return err
		}
		cfg.QBOConnect, cfg.QBOCallback = flow.ConnectHandler(), flow.CallbackHandler()
		if c.env.QBOWebhookVerifierToken.IsSet() {
			cfg.QBOWebhook = qbo.WebhookHandler(c.env.QBOWebhookVerifierToken.Reveal(), c.env.QBORealmID, qbobooks.WebhookSink(webhookQueue().Take), log)
		}
	}
	if xeroTokens != nil {
		flow := c.xeroConnectFlow(st, xeroTokens, wf)
		cfg.XeroConnect, cfg.XeroCallback = flow.ConnectHandler(), flow.CallbackHandler()
		if c.env.XeroWebhookKey.IsSet() {
			cfg.XeroWebhook = xero.WebhookHandler(c.env.XeroWebhookKey.Reveal(), "", c.xeroTenantEvents(xeroTokens, xerobooks.WebhookSink(webhookQueue().Take)), log)
		}
	}

	cfg.InvoiceDetail = detailHandler(wf, c.detailSigner(), log)
	srv := server.New(cfg)
	g.Go(func() error { return srv.Run(gctx) })

	watcher := billbot.Scheduler(billbot.Jobs())
	if _, err := watcher.Check(ctx); err != nil && ctx.Err() == nil {
		return err
	} // else: stopped while starting; the check failed because of it, and g.Wait ends the serve

	g.Go(func() error { return watcher.Run(gctx, configPoll, 30*time.Second) })
	// Start-up is over: the firm configuration was parsed (for a firm of
	// 1,500 clients about 16 MB of YAML nodes and decoded values, garbage
	// once the firm is built) and the schema checked. The runtime keeps
	// freed pages for reuse and returns them to the system only slowly; hand
	// them back now, once, so that an idle serve holds what it uses.
	debug.FreeOSMemory()
	log.Info("billbot serving", "addr", c.env.ListenAddr, "database", st.Dialect())
	err = g.Wait()
	if httpBot != nil {
		httpBot.Wait()
	}
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// slackLimits bounds the Slack requests handled at once to twice the
// database pool's size (handlers also spend time rendering and calling
// Slack or QuickBooks, holding no connection): a request past that waits
// up to bot.DefaultBusyWait for a slot and for a free connection, then gets
// the plain busy reply. Errors that mean the database refused one more
// session get it too.
func slackLimits(st *store.Store) bot.Limits {
	return bot.Limits{MaxInFlight: 2 * st.MaxConns(), Ready: st.Available, Busy: store.IsBusy}
}

// ledgerReady fails readiness when QuickBooks is connected but its token cannot
// be used: it does not decrypt, its refresh token has expired, or Intuit
// refused it (as this process's token sources last saw). It reads the
// store only: no call to Intuit per probe. Not connected yet is ready (the
// connect flow is served here).
func (c *cli) ledgerReady(ctx context.Context, ts *qbo.EncryptedTokenStore) error {
	err := qbo.CheckToken(ctx, ts, &c.app.QBOHealth, c.now())
	switch {
	case err == nil, errors.Is(err, qbo.ErrNoToken):
		return nil
	case errors.Is(err, secrets.ErrOpen):
		return &server.NotReadyError{Reason: "QuickBooks token cannot be decrypted with BILLBOT_ENCRYPTION_KEY", Err: err}
	case errors.Is(err, qbo.ErrRefreshExpired):
		return &server.NotReadyError{Reason: "QuickBooks refresh token expired: reconnect with 'billbot qbo connect'", Err: err}
	case errors.Is(err, qbo.ErrRefreshRefused):
		return &server.NotReadyError{Reason: "QuickBooks refused the refresh token (invalid_grant): reconnect with 'billbot qbo connect'", Err: err}
	default:
		return &server.NotReadyError{Reason: "QuickBooks token unreadable", Err: err}
	}
}

// importConfigFile loads BILLBOT_CONFIG at start when set.
func (c *cli) importConfigFile(ctx context.Context, st *store.Store) error {
	if c.env.ConfigPath == "" {
		return nil
	}
	raw, f, err := readFirmFile(c.env.ConfigPath)
	if err != nil {
		return fmt.Errorf("BILLBOT_CONFIG: %w", err)
	}
	_, _, err = c.saveFirm(ctx, st, raw, f, "BILLBOT_CONFIG", false)
	return err
}

// xeroTenantEvents passes on the events of the connected organisation only
// (none before one is connected): Xero sends one app's events for every
// organisation connected to it.
func (c *cli) xeroTenantEvents(ts *xero.EncryptedTokenStore, sink xero.WebhookSink) xero.WebhookSink {
	return func(ctx context.Context, d xero.Delivery) error {
		_, tenant, err := ts.Load(ctx)
		if errors.Is(err, xero.ErrNoToken) {
			return nil
		}
		if err != nil {
			return err
		}
		kept := d.Events[:0:0]
		for _, e := range d.Events {
			if e.TenantID == tenant {
				kept = append(kept, e)
			}
		}
		if len(kept) == 0 {
			return nil
		}
		d.Events = kept
		return sink(ctx, d)
	}
}
