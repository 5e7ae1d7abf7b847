package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"

	"billbot/bot"
	"billbot/commands"
	"billbot/interactions"
	"billbot/internal/metrics"
	"billbot/internal/qbo"
	"billbot/internal/server"
	"billbot/internal/workflow"
	"billbot/jobs"
	"billbot/store"
)

func serveCommand() command {
	return command{
		name:    "serve",
		summary: "Serve Slack (HTTP endpoints, or Socket Mode when SLACK_APP_TOKEN is set), QuickBooks OAuth and webhooks, health and metrics, and run the scheduled jobs. Migrates the schema on start.",
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
	if err := c.importConfigFile(ctx, st); err != nil {
		return err
	}
	wf, jobSet, err := c.jobSet(ctx, st)
	if err != nil {
		return err
	}
	reg := metrics.NewRegistry()
	cfg := server.Config{Addr: c.env.ListenAddr, Logger: log, Metrics: reg, Ready: func(ctx context.Context) error {
		if err := st.Ping(ctx); err != nil {
			return &server.NotReadyError{Reason: "database unreachable", Err: err}
		}
		return nil
	}}

	g, gctx := errgroup.WithContext(ctx)
	var httpBot *bot.HTTP
	if api := c.slackAPI(); api != nil {
		messenger := c.messenger()
		cmds, inter := commands.New(wf, c.now, log), interactions.New(wf, messenger, log)
		events, resp := interactions.NewEvents(wf, messenger).WithConnectLinks(c.homeConnectLinks(st, wf)), bot.NewResponder(api, nil, log)
		if c.env.SocketMode() {
			sock, err := bot.NewSocket(bot.SocketConfig{API: api, Commands: cmds, Interactions: inter, Events: events, Deduper: st, Responder: resp, Logger: log})
			if err != nil {
				return err
			}
			g.Go(func() error { return sock.Run(gctx) })
			log.Info("slack: socket mode")
		} else {
			httpBot, err = bot.NewHTTP(bot.HTTPConfig{SigningSecret: c.env.SlackSigningSecret.Reveal(), Commands: cmds, Interactions: inter, Events: events, Deduper: st, Responder: resp, Logger: log})
			if err != nil {
				return err
			}
			cfg.Slack = httpBot.Handler()
			log.Info("slack: request URLs under /slack/")
		}
	} else {
		log.Warn("slack: SLACK_BOT_TOKEN is not set; drafts are stored but not posted")
	}

	if c.env.QBOClientID != "" {
		ts, err := c.qboTokenStore(ctx, st)
		if err != nil {
			return err
		}
		flow, err := c.qboConnectFlow(st, ts, wf)
		if err != nil {
			return err
		}
		cfg.QBOConnect, cfg.QBOCallback = flow.ConnectHandler(), flow.CallbackHandler()
		if c.env.QBOWebhookVerifierToken.IsSet() {
			cfg.QBOWebhook = qbo.WebhookHandler(c.env.QBOWebhookVerifierToken.Reveal(), c.env.QBORealmID, webhookSink(wf, log), log)
		}
	}

	cfg.InvoiceDetail = detailHandler(wf, c.detailSigner(), log)
	srv := server.New(cfg)
	g.Go(func() error { return srv.Run(gctx) })

	if sched, err := c.scheduler(ctx, st, wf, jobSet); err != nil {
		return err
	} else if sched != nil {
		sched.Start()
		g.Go(func() error {
			<-gctx.Done()
			stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			return sched.Stop(stopCtx)
		})
	}
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

// webhookSink refreshes the invoices an Intuit webhook names, and polls
// changes for payments (a Payment names its invoices only when re-read).
func webhookSink(wf *workflow.Workflow, log *slog.Logger) func(context.Context, []qbo.Event) {
	return func(ctx context.Context, events []qbo.Event) {
		var ids []string
		payments := false
		for _, ev := range events {
			switch ev.Entity {
			case "Invoice":
				ids = append(ids, ev.ID)
			case "Payment":
				payments = true
			}
		}
		if len(ids) > 0 {
			if _, _, err := wf.RefreshInvoices(ctx, ids); err != nil {
				log.Warn("webhook: refresh invoices", "error", err)
			}
		}
		if payments {
			if _, _, err := wf.RefreshPayments(ctx); err != nil {
				log.Warn("webhook: refresh payments", "error", err)
			}
		}
	}
}

// scheduler builds the job scheduler from the firm's schedules; nil (and a
// warning) when no firm configuration is stored yet.
func (c *cli) scheduler(ctx context.Context, st *store.Store, wf *workflow.Workflow, set []jobs.Job) (*jobs.Scheduler, error) {
	firm, err := wf.LoadFirm(ctx)
	if errors.Is(err, workflow.ErrNoConfig) {
		c.logger.Warn("jobs: no firm configuration yet; scheduled jobs start after 'billbot config import' and a restart")
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r, err := c.runner(st)
	if err != nil {
		return nil, err
	}
	return jobs.New(firm.Location(), r, firm.File.Schedules.ByJob(), set, jobs.WithLogger(c.logger))
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
	_, _, err = saveFirm(ctx, st, raw, f, "BILLBOT_CONFIG")
	return err
}
