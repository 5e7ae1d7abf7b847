package cli

import (
	"context"
	"flag"
	"log/slog"

	"billbot/internal/config"
	"billbot/internal/demo"
)

func demoCommand() command {
	var keep, chartDir, source, ledger string
	var seed uint64
	return command{
		name:    "demo",
		summary: "Run one whole billing cycle of a 48-client firm on the embedded database against the built-in time source (Harvest by default), ledger (QuickBooks by default) and Slack sandboxes, and print it as a transcript. Needs no settings and no network.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&keep, "keep", "", "keep the demo's database in this folder (explore it with BILLBOT_DATA_DIR=DIR billbot exceptions)")
			fs.Uint64Var(&seed, "seed", 42, "seed of the generated firm")
			fs.StringVar(&source, "source", "harvest", "the firm's time source: harvest, toggl or quickbooks-time (the same story, the same invoices)")
			fs.StringVar(&ledger, "ledger", "quickbooks", "the firm's ledger: quickbooks or xero (the same story, the same invoices)")
			fs.StringVar(&chartDir, "chart-dir", ".", "save the chart of the closing /billing kpis reply in this folder, as "+demo.ChartFile+" (empty: not saved)")
		},
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if fs.NArg() > 0 {
				return usagef("demo takes no arguments, only flags")
			}
			ts, err := sourceFlag(source)
			if err != nil {
				return err
			}
			l, err := demoLedger(ledger)
			if err != nil {
				return err
			}
			logger := slog.New(slog.DiscardHandler)
			if c.env.LogLevel <= slog.LevelDebug {
				logger = c.logger
			}
			_, err = demo.Run(ctx, demo.Options{Out: c.stdout, Dir: keep, ChartDir: chartDir, Seed: seed, Logger: logger, Source: ts, Ledger: l})
			return err
		},
	}
}

// demoLedger reads demo's --ledger.
func demoLedger(v string) (config.Ledger, error) {
	for _, l := range []config.Ledger{config.LedgerQuickBooks, config.LedgerXero} {
		if v == string(l) {
			return l, nil
		}
	}
	return "", usagef("--ledger %q: want quickbooks or xero", v)
}
