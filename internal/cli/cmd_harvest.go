package cli

import (
	"billbot/internal/timesource/harvesttime"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"billbot/internal/billing"
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
			var day billing.Date
			if err := dayFlag("since", since, &day); err != nil {
				return err
			}
			if since != "" {
				opts.Since = day.Time(time.UTC)
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
			syncer, err := harvesttime.New(ctx, wf, client)
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
			h := rep.Source
			fmt.Fprintf(c.stdout, "harvest: %d fetched, %d new, %d updated, %d unchanged, %d removed, %d changed after billing; %d requests, %d throttled waits\n",
				h.Fetched, h.Inserted, h.Updated, h.Unchanged, h.Removed, len(h.ChangedAfterBilling)+len(h.Flagged), h.Requests, h.ThrottledWaits)
			fmt.Fprintf(c.stdout, "exceptions: %d opened, %d resolved\n", rep.Opened, rep.Resolved)
			return nil
		},
	}
}

func importHarvestCSVCommand() command {
	var skipBad, assumeApproved, atImport bool
	return command{
		name:    "import harvest-csv",
		args:    "FILE",
		summary: "Import a Harvest detailed-time CSV export. A bad row is reported with its line number and nothing is imported, unless --skip-bad-rows.",
		help: `Approval times: taken from an "Approved At" column (also "Approved On",
"Approved Date", "Approval Date", "Date Approved") when the file has one,
read in the firm's time zone. Harvest's own export has none: then an
approved row counts as approved on the day it was spent, so importing an
export after its cycle closed does not flag every row as a late approval.
With --approved-at-import, the import time is the approval time instead
(rows of closed cycles are then late approvals): use it when you re-import
an export to track approvals as they happen.

An export without an "Approved?" column (timesheet approval off in
Harvest) is refused unless --assume-approved.`,
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&skipBad, "skip-bad-rows", false, "import the good rows and report the bad ones")
			fs.BoolVar(&assumeApproved, "assume-approved", false, "treat every row as approved (for exports without an Approved? column)")
			fs.BoolVar(&atImport, "approved-at-import", false, "without an approval-time column, record approvals at the import time: rows of closed cycles count as approved late (for re-importing an export to track approvals as they happen)")
		},
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if fs.NArg() != 1 {
				return usagef("import harvest-csv takes one FILE")
			}
			name := fs.Arg(0)
			opts := csvimport.Options{SkipBadRows: skipBad, AssumeApproved: assumeApproved, ApprovedAtImport: atImport, Location: c.env.Location()}
			// The file is read before the database is touched: a bad file
			// changes nothing.
			res, err := parseCSV(name, opts)
			if err != nil {
				return err
			}
			st, wf, err := c.migratedWorkflow(ctx)
			if err != nil {
				return err
			}
			// Times without a zone are the firm's: read again in its zone.
			if firm, err := wf.LoadFirm(ctx); err == nil && opts.Location == nil && firm.Location() != nil && firm.Location() != time.UTC {
				opts.Location = firm.Location()
				if res, err = parseCSV(name, opts); err != nil {
					return err
				}
			}
			for _, re := range res.Errors {
				fmt.Fprintf(c.stderr, "%s:%d: skipped: %s\n", name, re.Line, re.Reason)
			}
			stats, err := st.UpsertEntries(ctx, res.Entries, c.now())
			if err != nil {
				return fmt.Errorf("store entries: %w", err)
			}
			fmt.Fprintf(c.stdout, "imported %s: %d rows, %d new, %d updated, %d unchanged\n", name, len(res.Entries), stats.Inserted, stats.Updated, stats.Unchanged)
			if opened, resolved, err := wf.Detect(ctx); err == nil {
				fmt.Fprintf(c.stdout, "exceptions: %d opened, %d resolved\n", opened, resolved)
			} else if err != workflow.ErrNoConfig {
				return err
			}
			return nil
		},
	}
}

// parseCSV reads a Harvest CSV export; its errors name the file and the
// flags a person types.
func parseCSV(name string, opts csvimport.Options) (csvimport.Result, error) {
	f, err := os.Open(name)
	if err != nil {
		return csvimport.Result{}, fmt.Errorf("open CSV export: %w", err)
	}
	defer f.Close()
	res, err := csvimport.Parse(f, opts)
	if errors.Is(err, csvimport.ErrNoApprovalColumn) {
		return res, fmt.Errorf("%s: %w; import it with --assume-approved to treat every row as approved", name, err)
	}
	if err != nil {
		return res, fmt.Errorf("%s: %w", name, err)
	}
	return res, nil
}
