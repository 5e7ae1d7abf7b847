package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"billbot/internal/billing"
	"billbot/internal/clock"
	"billbot/internal/money"
	"billbot/store"
)

// Options steer a demo run.
type Options struct {
	Out io.Writer
	// Dir keeps the embedded database there (for `billbot exceptions` and
	// `billbot ar aging` afterwards); empty uses a temporary folder that is
	// removed at the end.
	Dir string
	// ChartDir is where the story saves the chart of its closing
	// /billing kpis reply, as ChartFile; empty: not saved.
	ChartDir string
	Seed     uint64
	Logger   *slog.Logger
}

// Summary is the demo's closing figures; they reconcile with each other.
type Summary struct {
	Entries         int
	HoursBilled     money.Hours
	Invoices        int
	ByState         map[store.InvoiceState]int
	Totals          map[money.Currency]money.Amount // invoiced
	Outstanding     map[money.Currency]money.Amount
	Collected       map[money.Currency]money.Amount
	OpenExceptions  map[billing.ExceptionCode]int
	HeldEntries     int
	QBOMismatches   int
	Aging           billing.Aging
	DuplicateQBO    int
	SlackMessages   int
	Reconciled      bool
	ReconcileErrors []string
}

// Run plays the whole story and prints it to opts.Out.
func Run(ctx context.Context, opts Options) (Summary, error) {
	var sum Summary
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Seed == 0 {
		opts.Seed = 42
	}
	dir := opts.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "billbot-demo-")
		if err != nil {
			return sum, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return sum, err
	}
	firm := NewFirm(october(), opts.Seed)
	// The story's clock: it starts the evening before the sync and moves by
	// days; every wait of billbot's passes at once.
	clock := clock.NewFake(time.Date(2026, 11, 1, 20, 0, 0, 0, time.UTC))
	e, err := newEnv(ctx, dir, firm, clock, opts.Logger)
	if e != nil {
		defer e.close()
	}
	if err != nil {
		return sum, fmt.Errorf("demo setup: %w", err)
	}
	fmt.Fprintf(opts.Out, "billbot demo — Hartwell & Moss CPAs: %d clients, %d staff, October 2026 billed in November.\n", len(clientNames), len(staff))
	fmt.Fprintln(opts.Out, "Harvest, QuickBooks Online and Slack are billbot's in-repo sandboxes; the database is the embedded SQLite.")
	if err := prologue(ctx, opts.Out, dir, opts.Seed, opts.Logger); err != nil {
		return sum, err
	}
	st := &story{e: e, out: opts.Out, chartDir: opts.ChartDir}
	if err := st.run(ctx); err != nil {
		return sum, err
	}
	sum, err = summarize(ctx, e)
	if err != nil {
		return sum, err
	}
	printSummary(opts.Out, sum)
	if opts.Dir != "" {
		fmt.Fprintf(opts.Out, "\nThe database is kept in %s: try BILLBOT_DATA_DIR=%s billbot exceptions, or billbot ar aging.\n", dir, dir)
	}
	if !sum.Reconciled {
		return sum, fmt.Errorf("demo figures do not reconcile: %s", strings.Join(sum.ReconcileErrors, "; "))
	}
	return sum, nil
}

// october is the cycle the demo bills.
func october() billing.Period {
	return billing.Period{Start: billing.MustDate("2026-10-01"), End: billing.MustDate("2026-10-31")}
}

// summarize computes the closing figures from the store and the sandboxes,
// and checks that they reconcile: every approved billable entry is on
// exactly one invoice line or one open exception, every invoice's total is
// QuickBooks' TotalAmt, and invoiced = collected + outstanding.
func summarize(ctx context.Context, e *env) (Summary, error) {
	sum := Summary{
		ByState: map[store.InvoiceState]int{}, Totals: map[money.Currency]money.Amount{},
		Outstanding: map[money.Currency]money.Amount{}, Collected: map[money.Currency]money.Amount{},
		OpenExceptions: map[billing.ExceptionCode]int{},
	}
	invs, err := e.store.Invoices(ctx, store.InvoiceFilter{})
	if err != nil {
		return sum, err
	}
	onLine := map[int64]int{}
	for _, inv := range invs {
		sum.Invoices++
		sum.ByState[inv.State]++
		if inv.State == store.StateVoided {
			continue
		}
		for _, l := range inv.Lines {
			for _, id := range l.EntryIDs {
				onLine[id]++
			}
		}
		if inv.LedgerTotal != inv.Total {
			sum.QBOMismatches++
			sum.ReconcileErrors = append(sum.ReconcileErrors, fmt.Sprintf("%s: billbot %s, QBO %s", inv.Key, inv.Total.Format(inv.Currency), inv.LedgerTotal.Format(inv.Currency)))
		}
		if inv.State == store.StateSent || inv.State == store.StatePaid {
			sum.HoursBilled += inv.Hours
			sum.Totals[inv.Currency] += inv.Total
			sum.Outstanding[inv.Currency] += inv.Balance
			sum.Collected[inv.Currency] += inv.Total - inv.Balance
		}
	}
	exs, err := e.store.Exceptions(ctx, store.ExceptionFilter{OpenOnly: true})
	if err != nil {
		return sum, err
	}
	held := map[int64]int{}
	for _, ex := range exs {
		sum.OpenExceptions[ex.Code]++
		if ex.Holds {
			for _, id := range ex.EntryIDs {
				held[id]++
				sum.HeldEntries++
			}
		}
	}
	// Conservation over every approved billable entry billbot knows.
	entries, err := e.store.UnallocatedEntries(ctx)
	if err != nil {
		return sum, err
	}
	pending := map[int64]bool{}
	for _, en := range entries {
		pending[en.ID] = true
	}
	ids := make([]int64, 0, len(onLine)+len(held)+len(pending))
	for id := range onLine {
		ids = append(ids, id)
	}
	for id := range held {
		ids = append(ids, id)
	}
	all, err := e.store.Entries(ctx, ids)
	if err != nil {
		return sum, err
	}
	for _, en := range append(all, entries...) {
		if !billing.Eligible(en) {
			continue
		}
		n := onLine[en.ID] + held[en.ID]
		if n != 1 && !(n == 0 && pending[en.ID]) {
			sum.ReconcileErrors = append(sum.ReconcileErrors, fmt.Sprintf("entry %d is on %d lines and %d exceptions", en.ID, onLine[en.ID], held[en.ID]))
		}
		if pending[en.ID] && n == 0 {
			sum.ReconcileErrors = append(sum.ReconcileErrors, fmt.Sprintf("approved entry %d (%s) is on no invoice and no exception", en.ID, en.SpentDate))
		}
	}
	sum.Entries = len(e.firm.Harvest.Entries)
	for rid, n := range e.qbo.InvoicesByRequestID() {
		if n > 1 {
			sum.DuplicateQBO += n - 1
			sum.ReconcileErrors = append(sum.ReconcileErrors, "requestid "+rid+" created several invoices")
		}
	}
	sum.SlackMessages = len(e.slack.Messages(BillingChannel))
	f, err := e.wf.LoadFirm(ctx)
	if err != nil {
		return sum, err
	}
	if sum.Aging, err = e.wf.Aging(ctx, f.Today(e.clock.Now()), "", ""); err != nil {
		return sum, err
	}
	for _, t := range sum.Aging.Totals {
		if t.Total != sum.Outstanding[t.Currency] {
			sum.ReconcileErrors = append(sum.ReconcileErrors, fmt.Sprintf("aging %s total %s ≠ outstanding %s", t.Currency, t.Total.Format(t.Currency), sum.Outstanding[t.Currency].Format(t.Currency)))
		}
	}
	sum.Reconciled = len(sum.ReconcileErrors) == 0
	return sum, nil
}

func printSummary(w io.Writer, s Summary) {
	fmt.Fprintln(w, "\n━━ Closing table")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "time entries in Harvest\t%d\n", s.Entries)
	fmt.Fprintf(tw, "hours on sent invoices\t%s\n", s.HoursBilled)
	states := make([]string, 0, len(s.ByState))
	for st, n := range s.ByState {
		states = append(states, fmt.Sprintf("%d %s", n, st))
	}
	sort.Strings(states)
	fmt.Fprintf(tw, "invoices\t%d (%s)\n", s.Invoices, strings.Join(states, ", "))
	for _, cur := range currencies(s.Totals) {
		fmt.Fprintf(tw, "invoiced %s\t%s = collected %s + outstanding %s\n", cur, s.Totals[cur].Display(cur), s.Collected[cur].Display(cur), s.Outstanding[cur].Display(cur))
	}
	codes := make([]string, 0, len(s.OpenExceptions))
	for c, n := range s.OpenExceptions {
		codes = append(codes, fmt.Sprintf("%s %d", c, n))
	}
	sort.Strings(codes)
	fmt.Fprintf(tw, "open exceptions\t%s (%d entries held)\n", strings.Join(codes, ", "), s.HeldEntries)
	fmt.Fprintf(tw, "QBO total mismatches\t%d\n", s.QBOMismatches)
	fmt.Fprintf(tw, "duplicate QBO invoices\t%d\n", s.DuplicateQBO)
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "AR\tCURRENT\t1–30\t31–60\t61–90\t90+\tTOTAL\tDSO\t")
	dso := map[money.Currency]int{}
	for _, d := range s.Aging.DSO {
		dso[d.Currency] = d.Tenths
	}
	for _, t := range s.Aging.Totals {
		c := t.Currency
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d.%d d\t\n", c, t.Buckets[0].Format(c), t.Buckets[1].Format(c), t.Buckets[2].Format(c), t.Buckets[3].Format(c), t.Buckets[4].Format(c), t.Total.Format(c), dso[c]/10, dso[c]%10)
	}
	tw.Flush()
	if s.Reconciled {
		fmt.Fprintln(w, "\n✓ reconciled: every approved billable entry is on exactly one invoice line or one open exception; every invoice equals QuickBooks' TotalAmt; invoiced = collected + outstanding = AR aging.")
	} else {
		fmt.Fprintln(w, "\n✗ NOT reconciled:")
		for _, e := range s.ReconcileErrors {
			fmt.Fprintln(w, "   - "+e)
		}
	}
}

func currencies(m map[money.Currency]money.Amount) []money.Currency {
	out := make([]money.Currency, 0, len(m))
	for c := range m {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
