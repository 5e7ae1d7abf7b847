package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"math"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/internal/harvest/csvimport"
	"billbot/internal/qbtime/qbtimecsv"
	"billbot/internal/toggl/togglcsv"
	"billbot/internal/workflow"
)

// syncCommand is `sync NAME`: one pull from the time source, then the
// exceptions re-checked. NAME is the source's name on the command line.
func syncCommand(source config.TimeSource, name string) command {
	var since string
	var quiet bool
	return command{
		name:    "sync " + name,
		summary: fmt.Sprintf("Pull time entries from %s now (incremental from the last sync), then re-check exceptions.", source.Label()),
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&since, "since", "", "re-read entries updated since this day (YYYY-MM-DD) instead of the stored cursor")
			fs.BoolVar(&quiet, "quiet", false, "no progress output")
		},
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if fs.NArg() > 0 {
				return usagef("sync %s takes no arguments, only flags", name)
			}
			var opts workflow.SyncOptions
			var day billing.Date
			if err := dayFlag("since", since, &day); err != nil {
				return err
			}
			if since != "" {
				opts.Since = day.Time(time.UTC)
			}
			var bar *syncBar
			if !quiet && isTerminal(c.stderr) {
				bar = newSyncBar(c.stderr)
				opts.Progress = bar.progress
			}
			st, err := c.migrated(ctx)
			if err != nil {
				return err
			}
			open, err := c.app.TimeSource(source)
			if err != nil {
				return err
			}
			wf, err := c.workflow(ctx, st)
			if err != nil {
				return err
			}
			if err := firmReads(ctx, wf, source, "sync "+name); err != nil {
				return err
			}
			syncer, err := open(ctx, wf)
			if err != nil {
				return err
			}
			rep, err := wf.Sync(ctx, syncer, opts)
			if bar != nil {
				bar.clear()
			}
			if err != nil {
				return err
			}
			h := rep.Source
			fmt.Fprintf(c.stdout, "%s: %d fetched, %d new, %d updated, %d unchanged, %d removed, %d changed after billing; %d requests, %d throttled waits\n",
				name, h.Fetched, h.Inserted, h.Updated, h.Unchanged, h.Removed, len(h.ChangedAfterBilling)+len(h.Flagged), h.Requests, h.ThrottledWaits)
			fmt.Fprintf(c.stdout, "exceptions: %d opened, %d resolved\n", rep.Opened, rep.Resolved)
			return nil
		},
	}
}

// firmReads refuses to bring in time (by command cmd) from a source other
// than the one the stored configuration names: its projects would match no
// engagement and every entry would become an exception.
func firmReads(ctx context.Context, wf *workflow.Workflow, source config.TimeSource, cmd string) error {
	firm, err := wf.LoadFirm(ctx)
	if errors.Is(err, workflow.ErrNoConfig) {
		return nil
	}
	if err != nil {
		return err
	}
	if have := firm.File.TimeSource.Effective(); have != source.Effective() {
		return fmt.Errorf("%s: the firm's time source is %s (firm.time_source: %s), not %s: run 'billbot sync %s', or change firm.time_source first", cmd, have.Label(), have, source.Label(), syncName(have))
	}
	return nil
}

// syncName is a source's name in `billbot sync NAME`.
func syncName(s config.TimeSource) string {
	return strings.ReplaceAll(string(s.Effective()), "_", "-")
}

// A csvFormat is one time source's detailed-time CSV export.
type csvFormat struct {
	source config.TimeSource
	name   string // the command's word: harvest-csv
	help   string
	// open reads the header of an export; its error says what is wrong
	// with the file.
	open func(r io.Reader, opts csvimport.Options) (entryReader, error)
}

// entryReader streams an export's entries (csvimport.Reader and its
// equivalents for the other sources).
type entryReader interface {
	All() iter.Seq2[billing.TimeEntry, error]
	Skipped() []csvimport.RowError
}

// harvestCSV is Harvest's detailed time report.
var harvestCSV = csvFormat{
	source: config.SourceHarvest,
	name:   "harvest-csv",
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
	open: func(r io.Reader, opts csvimport.Options) (entryReader, error) { return csvimport.NewReader(r, opts) },
}

// togglCSV is Toggl Track's detailed report export.
var togglCSV = csvFormat{
	source: config.SourceToggl,
	name:   "toggl-csv",
	help: `The export of Toggl Track's detailed report (Reports → Detailed →
Export → CSV). Rows are approved when the export says so; an export
without an approval column is refused unless --assume-approved.`,
	open: func(r io.Reader, opts csvimport.Options) (entryReader, error) { return togglcsv.NewReader(r, opts) },
}

// quickBooksTimeCSV is QuickBooks Time's timesheet details export.
var quickBooksTimeCSV = csvFormat{
	source: config.SourceQuickBooksTime,
	name:   "quickbooks-time-csv",
	help: `The export of QuickBooks Time's timesheet details report (Reports →
Timesheet Details → Export → CSV). Rows are approved when the export says
so; an export without an approval column is refused unless
--assume-approved.`,
	open: func(r io.Reader, opts csvimport.Options) (entryReader, error) { return qbtimecsv.NewReader(r, opts) },
}

// importCSVCommand is `import FORMAT FILE`: one export read as a stream
// into one transaction.
func importCSVCommand(format csvFormat) command {
	var skipBad, assumeApproved, atImport bool
	cmd := "import " + format.name
	return command{
		name:    cmd,
		args:    "FILE",
		summary: fmt.Sprintf("Import a %s detailed-time CSV export. A bad row is reported with its line number and nothing is imported, unless --skip-bad-rows.", format.source.Label()),
		help:    format.help,
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&skipBad, "skip-bad-rows", false, "import the good rows and report the bad ones")
			fs.BoolVar(&assumeApproved, "assume-approved", false, "treat every row as approved (for exports without an approval column)")
			fs.BoolVar(&atImport, "approved-at-import", false, "without an approval-time column, record approvals at the import time: rows of closed cycles count as approved late (for re-importing an export to track approvals as they happen)")
		},
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if fs.NArg() != 1 {
				return usagef("%s takes one FILE", cmd)
			}
			name := fs.Arg(0)
			opts := csvimport.Options{SkipBadRows: skipBad, AssumeApproved: assumeApproved, ApprovedAtImport: atImport, Location: c.env.Location()}
			f, err := os.Open(name)
			if err != nil {
				return fmt.Errorf("open CSV export: %w", err)
			}
			defer f.Close()
			// The header is checked before the database is touched; the
			// rows are then read once, as they are stored, in one
			// transaction that a bad row anywhere rolls back.
			if _, err := csvReader(format, name, f, opts); err != nil {
				return err
			}
			_, wf, err := c.migratedWorkflow(ctx)
			if err != nil {
				return err
			}
			if err := firmReads(ctx, wf, format.source, cmd); err != nil {
				return err
			}
			// Times without a zone are the firm's.
			if firm, err := wf.LoadFirm(ctx); err == nil && opts.Location == nil && firm.Location() != nil {
				opts.Location = firm.Location()
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			var (
				in       io.Reader = f
				progress func(int)
				bar      *progressbar.ProgressBar
			)
			if isTerminal(c.stderr) {
				bar = importBar(c.stderr, f)
				in = io.TeeReader(f, bar)
				progress = func(n int) { bar.Describe(fmt.Sprintf("%s: %d rows read", name, n)) }
			}
			rd, err := csvReader(format, name, in, opts)
			if err != nil {
				return err
			}
			// A soft memory limit makes the collector work for the bound
			// rather than let the heap double between cycles; GOMEMLIMIT,
			// when set, wins.
			if debug.SetMemoryLimit(-1) == math.MaxInt64 {
				defer debug.SetMemoryLimit(debug.SetMemoryLimit(importMemoryLimit))
			}
			rep, err := wf.ImportEntries(ctx, rd.All(), progress)
			if bar != nil {
				_ = bar.Clear()
			}
			if err != nil {
				var bad *csvimport.BadRowsError
				if errors.As(err, &bad) {
					return fmt.Errorf("%s: %w", name, err)
				}
				return fmt.Errorf("import %s: %w", name, err)
			}
			for _, re := range rd.Skipped() {
				fmt.Fprintf(c.stderr, "%s:%d: skipped: %s\n", name, re.Line, re.Reason)
			}
			fmt.Fprintf(c.stdout, "imported %s: %d rows, %d new, %d updated, %d unchanged\n", name, rep.Inserted+rep.Updated+rep.Unchanged, rep.Inserted, rep.Updated, rep.Unchanged)
			fmt.Fprintf(c.stdout, "exceptions: %d opened, %d resolved\n", rep.Opened, rep.Resolved)
			return nil
		},
	}
}

// importMemoryLimit is the soft memory limit of import harvest-csv.
const importMemoryLimit = 150 << 20

// importBar is a progress bar over the bytes of f read so far, for a
// person at a terminal.
func importBar(w io.Writer, f *os.File) *progressbar.ProgressBar {
	size := int64(-1)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	return newBar(w, size, true)
}

// newBar is the progress bar of import and sync: max units (-1: not known
// yet), bytes when they are bytes, redrawn at most ten times a second and
// cleared when done. It draws only when progress is reported: the
// library's timer that turns the spinner of a bar without a maximum runs
// in a goroutine of its own, which draws while Clear does and outlives
// the bar.
func newBar(w io.Writer, max int64, bytes bool) *progressbar.ProgressBar {
	return progressbar.NewOptions64(max,
		progressbar.OptionSetSpinnerChangeInterval(0),
		progressbar.OptionSetWriter(w),
		progressbar.OptionShowBytes(bytes),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionClearOnFinish(),
	)
}

// syncBar draws a sync's progress: a running count of entries while the
// source has announced no total, then a bar of done of total (a new bar:
// the counting one cannot become a bar).
type syncBar struct {
	w   io.Writer
	bar *progressbar.ProgressBar
}

func newSyncBar(w io.Writer) *syncBar {
	b := &syncBar{w: w, bar: newBar(w, -1, false)}
	b.bar.Describe("synced entries")
	return b
}

// progress is workflow.SyncOptions.Progress.
func (b *syncBar) progress(done, total int) {
	if total > 0 && int64(total) != b.bar.GetMax64() {
		_ = b.bar.Clear()
		b.bar = newBar(b.w, int64(total), false)
		b.bar.Describe("synced entries")
	}
	_ = b.bar.Set(done)
}

// clear takes the bar off the terminal.
func (b *syncBar) clear() { _ = b.bar.Clear() }

// csvReader reads the header of a CSV export; its errors name the file
// and the flags a person types.
func csvReader(format csvFormat, name string, r io.Reader, opts csvimport.Options) (entryReader, error) {
	rd, err := format.open(r, opts)
	if errors.Is(err, csvimport.ErrNoApprovalColumn) {
		return nil, fmt.Errorf("%s: %w; import it with --assume-approved to treat every row as approved", name, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return rd, nil
}
