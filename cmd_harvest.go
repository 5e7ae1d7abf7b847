package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"billbot/internal/billing"
	"billbot/internal/harvest"
	"billbot/internal/harvest/csvimport"
	"billbot/internal/workflow"
)

func syncHarvestCommand() command {
	var since string
	var quiet bool
	return command{
		name:    "sync harvest",
		summary: "Pull time entries from Harvest now (incremental from the last sync), then re-check exceptions.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&since, "since", "", "re-read entries updated since this day (YYYY-MM-DD) instead of the stored cursor")
			fs.BoolVar(&quiet, "quiet", false, "no progress output")
		},
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if fs.NArg() > 0 {
				return usagef("sync harvest takes no arguments, only flags")
			}
			var opts workflow.SyncOptions
			if since != "" {
				d, err := billing.ParseDate(since)
				if err != nil {
					return usagef("--since: %v", err)
				}
				opts.Since = d.Time(time.UTC)
			}
			if !quiet && isTerminal(c.stderr) {
				opts.Progress = func(done, total int) { fmt.Fprintf(c.stderr, "\rsynced %d of %d entries", done, total) }
			}
			st, err := c.migrated(ctx)
			if err != nil {
				return err
			}
			client, err := c.harvestClient()
			if err != nil {
				return err
			}
			wf, err := c.workflow(ctx, st)
			if err != nil {
				return err
			}
			syncer, err := wf.NewHarvestSyncer(ctx, client)
			if err != nil {
				return err
			}
			rep, err := wf.Sync(ctx, syncer, opts)
			if opts.Progress != nil {
				fmt.Fprintln(c.stderr)
			}
			if err != nil {
				return err
			}
			h := rep.Harvest
			fmt.Fprintf(c.stdout, "harvest: %d fetched, %d new, %d updated, %d unchanged, %d removed, %d changed after billing; %d requests, %d throttled waits\n",
				h.Fetched, h.Inserted, h.Updated, h.Unchanged, h.Removed, len(h.ChangedAfterBilling)+len(h.Flagged), h.Requests, h.ThrottledWaits)
			fmt.Fprintf(c.stdout, "exceptions: %d opened, %d resolved\n", rep.Opened, rep.Resolved)
			return nil
		},
	}
}

// harvestClient builds the Harvest client from the environment.
func (c *cli) harvestClient() (*harvest.Client, error) {
	if c.env.HarvestAccountID == "" || !c.env.HarvestAccessToken.IsSet() {
		return nil, fmt.Errorf("harvest is not configured: set HARVEST_ACCOUNT_ID and HARVEST_ACCESS_TOKEN (a personal access token from id.getharvest.com/developers)")
	}
	return harvest.NewClient(c.env.HarvestAPIURL, c.env.HarvestAccountID, c.env.HarvestAccessToken.Reveal(), harvest.WithLogger(c.logger))
}

func importHarvestCSVCommand() command {
	var skipBad, assumeApproved bool
	return command{
		name:    "import harvest-csv",
		args:    "FILE",
		summary: "Import a Harvest detailed-time CSV export. A bad row is reported with its line number and nothing is imported, unless --skip-bad-rows.",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&skipBad, "skip-bad-rows", false, "import the good rows and report the bad ones")
			fs.BoolVar(&assumeApproved, "assume-approved", false, "treat every row as approved (for exports without an Approved? column)")
		},
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if fs.NArg() != 1 {
				return usagef("import harvest-csv takes one FILE")
			}
			f, err := os.Open(fs.Arg(0))
			if err != nil {
				return fmt.Errorf("open CSV export: %w", err)
			}
			defer f.Close()
			res, err := csvimport.Parse(f, csvimport.Options{SkipBadRows: skipBad, AssumeApproved: assumeApproved})
			if err != nil {
				return fmt.Errorf("%s: %w", fs.Arg(0), err)
			}
			for _, re := range res.Errors {
				fmt.Fprintf(c.stderr, "%s:%d: skipped: %s\n", fs.Arg(0), re.Line, re.Reason)
			}
			st, err := c.migrated(ctx)
			if err != nil {
				return err
			}
			stats, err := st.UpsertEntries(ctx, res.Entries, c.now())
			if err != nil {
				return fmt.Errorf("store entries: %w", err)
			}
			fmt.Fprintf(c.stdout, "imported %s: %d rows, %d new, %d updated, %d unchanged\n", fs.Arg(0), len(res.Entries), stats.Inserted, stats.Updated, stats.Unchanged)
			wf, err := c.workflow(ctx, st)
			if err != nil {
				return err
			}
			if opened, resolved, err := wf.Detect(ctx); err == nil {
				fmt.Fprintf(c.stdout, "exceptions: %d opened, %d resolved\n", opened, resolved)
			} else if err != workflow.ErrNoConfig {
				return err
			}
			return nil
		},
	}
}
