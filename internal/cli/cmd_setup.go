package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"billbot/internal/config"
	"billbot/internal/ledger/xerobooks"
	"billbot/internal/setup"
	"billbot/internal/workflow"
)

func setupCommand() command {
	var out, goLive, source, ledgerFlag string
	var quiet bool
	return command{
		name:    "setup",
		summary: "Read the time source (Harvest, Toggl Track or QuickBooks Time), the ledger (QuickBooks or Xero) and Slack and write a firm configuration (YAML) that config import accepts, with every decision a person must make listed in it as a comment. With --out naming an existing file, keep what is in it, add what is new, and print what changed.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&out, "out", "", "write the YAML to this file (default: standard output); an existing file is merged, never overwritten blindly")
			fs.StringVar(&goLive, "go-live", "", "the cut-over day YYYY-MM-DD (firm.go_live): count the unbilled hours Harvest holds before it; the existing file's go_live wins")
			fs.StringVar(&source, "source", "", "the time source to read: harvest, toggl or quickbooks-time (default: the stored configuration's firm.time_source, else harvest)")
			fs.StringVar(&ledgerFlag, "ledger", "", "the ledger to read: quickbooks or xero (default: the stored configuration's firm.ledger, else quickbooks)")
			fs.BoolVar(&quiet, "quiet", false, "no progress output")
		},
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if fs.NArg() > 0 {
				return usagef("setup takes no arguments, only flags (--out FILE)")
			}
			var existing []byte
			if out != "" {
				b, err := os.ReadFile(out)
				if err != nil && !errors.Is(err, os.ErrNotExist) {
					return fmt.Errorf("setup: read %s: %w", out, err)
				}
				existing = b
			}
			ts, led, err := c.setupChoices(ctx, source, ledgerFlag)
			if err != nil {
				return err
			}
			src, err := c.setupSources(ctx, ts, led)
			if err != nil {
				return err
			}
			if err := dayFlag("go-live", goLive, &src.GoLive); err != nil {
				return err
			}
			if d := setup.GoLiveOf(existing); !d.IsZero() {
				src.GoLive = d
			}
			if !quiet && isTerminal(c.stderr) {
				src.Progress = func(done, total int) { fmt.Fprintf(c.stderr, "\rread assignments of %d of %d projects", done, total) }
			}
			start := time.Now()
			in, calls, err := setup.Gather(ctx, src)
			if src.Progress != nil {
				fmt.Fprintln(c.stderr)
			}
			if err != nil {
				return err
			}
			plan := setup.Build(in)
			res, err := setup.Render(plan, existing)
			if err != nil {
				return fmt.Errorf("%w (fix or move %s, then run setup again)", err, out)
			}
			report := c.stderr
			if out == "" {
				if _, err := c.stdout.Write(res.YAML); err != nil {
					return err
				}
			} else {
				if err := writeFileAtomic(out, res.YAML); err != nil {
					return err
				}
				report = c.stdout
			}
			for _, line := range res.Changes {
				fmt.Fprintln(report, line)
			}
			fmt.Fprintf(report, "setup: %d clients, %d engagements, %d to finish by hand; %d decisions listed; %d kept from the existing file\n",
				len(plan.Clients), len(plan.Engagements), len(plan.Pending), res.Decisions, res.Kept)
			fmt.Fprintf(report, "setup: read %d %s clients, %d projects, %d users (%d calls); %d %s customers, %d items, %d terms; %d Slack lookups, %d found; in %s\n",
				len(in.Clients), ts.Label(), len(in.Projects), len(in.Users), calls.HarvestLists+calls.Assignments+calls.EntryPages+calls.SourceRequests,
				len(in.Customers), led.Label(), len(in.Items), len(in.Terms), calls.SlackLookups, len(in.Slack), time.Since(start).Round(time.Millisecond))
			if !in.GoLive.IsZero() {
				fmt.Fprintf(report, "setup: go_live %s leaves out %s unbilled billable hours (%d %s entries) before it\n", in.GoLive, in.History.Hours, in.History.Entries, ts.Label())
			}
			if out != "" {
				fmt.Fprintf(report, "setup: wrote %s; check every DECIDE line, then run: billbot config import %s\n", out, out)
			}
			return nil
		},
	}
}

// sourceFlag reads a --source flag: a time source by its command-line
// name (quickbooks-time) or its configuration name (quickbooks_time).
func sourceFlag(v string) (config.TimeSource, error) {
	for _, s := range config.TimeSources {
		if v == syncName(s) || v == string(s) {
			return s, nil
		}
	}
	return "", usagef("--source %q: want harvest, toggl or quickbooks-time", v)
}

// setupChoices are the time source and the ledger setup reads: the
// --source and --ledger flags, else the stored configuration's (read once),
// else Harvest and QuickBooks.
func (c *cli) setupChoices(ctx context.Context, sourceValue, ledgerValue string) (config.TimeSource, config.Ledger, error) {
	ts, led := config.DefaultTimeSource, config.DefaultLedger
	if sourceValue != "" {
		s, err := sourceFlag(sourceValue)
		if err != nil {
			return "", "", err
		}
		ts = s
	}
	switch l := config.Ledger(ledgerValue); l {
	case config.LedgerQuickBooks, config.LedgerXero:
		led = l
	case "":
	default:
		return "", "", usagef("--ledger %q: want quickbooks or xero", ledgerValue)
	}
	if sourceValue != "" && ledgerValue != "" {
		return ts, led, nil
	}
	if c.env.DatabaseURL.Reveal() == "" {
		if _, err := os.Stat(c.env.SQLitePath()); err != nil {
			return ts, led, nil // no database yet: nothing stored
		}
	}
	_, wf, err := c.migratedWorkflow(ctx)
	if err != nil {
		return "", "", err
	}
	firm, err := wf.LoadFirm(ctx)
	if errors.Is(err, workflow.ErrNoConfig) {
		return ts, led, nil
	}
	if err != nil {
		return "", "", err
	}
	if sourceValue == "" {
		ts = firm.File.TimeSource.Effective()
	}
	if ledgerValue == "" {
		led = firm.File.Ledger.Effective()
	}
	return ts, led, nil
}

// setupSources builds the vendors setup reads. The time source is
// required; QuickBooks and Slack are used when configured and connected.
func (c *cli) setupSources(ctx context.Context, ts config.TimeSource, ledger config.Ledger) (setup.Sources, error) {
	var src setup.Sources
	if ts.Effective() == config.SourceHarvest {
		h, err := c.harvestClient()
		if err != nil {
			return setup.Sources{}, err
		}
		src.Harvest = h
	} else {
		cat, err := c.app.Catalog(ts)
		if err != nil {
			return setup.Sources{}, err
		}
		src.Catalog, src.Source = cat, ts
	}
	if ledger.Effective() == config.LedgerXero {
		src.LedgerKind = config.LedgerXero
		if c.env.XeroClientID != "" {
			st, err := c.migrated(ctx)
			if err != nil {
				return src, err
			}
			xc, err := c.app.XeroClient(ctx, st, 2*time.Minute)
			if err != nil {
				return src, err
			}
			if xc != nil {
				src.Ledger = xerobooks.New(xc, "", "")
			}
		}
		if src.Ledger == nil {
			fmt.Fprintln(c.stderr, "setup: Xero is not connected (set XERO_* and run billbot xero connect): customers and items are left as decisions")
		}
	} else if c.env.QBOClientID != "" {
		st, err := c.migrated(ctx)
		if err != nil {
			return src, err
		}
		qc, _, err := c.qboClient(ctx, st, 2*time.Minute)
		if err != nil {
			return src, err
		}
		if qc != nil {
			src.Books = qc
		}
	}
	if src.Books == nil && src.LedgerKind != config.LedgerXero {
		fmt.Fprintln(c.stderr, "setup: QuickBooks is not connected (set QBO_* and connect with serve's /oauth/qbo/connect): customers and items are left as decisions")
	}
	if api := c.slackAPI(); api != nil {
		src.Directory = setup.NewSlackDirectory(api, setup.SlackTier3PerWindow, setup.SlackTier3Window)
	} else {
		fmt.Fprintln(c.stderr, "setup: SLACK_BOT_TOKEN is not set: partners and approvers are left as decisions")
	}
	return src, nil
}

// writeFileAtomic writes data to path through a temporary file in the same
// folder, so a failure leaves the old file whole.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".setup-*.yml")
	if err != nil {
		return fmt.Errorf("setup: write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("setup: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("setup: write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), fs.FileMode(0o600)); err != nil {
		return fmt.Errorf("setup: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("setup: write %s: %w", path, err)
	}
	return nil
}
