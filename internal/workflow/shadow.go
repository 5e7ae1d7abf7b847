package workflow

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"billbot/internal/billing"
	"billbot/internal/shadow"
	"billbot/store"
)

// LedgerWindowDays is how long after a cycle's last day the firm's own
// invoices for it are looked for: invoices dated from the cycle's end
// through six days later count, so a weekly cycle's next invoice does not.
const LedgerWindowDays = 6

// IssuedLedger reads the invoices the firm issued itself; the QBO adapter
// implements it.
type IssuedLedger interface {
	// IssuedInvoices returns the invoices of the given customers dated
	// from through to; items maps item names to ids, as Items returns.
	IssuedInvoices(ctx context.Context, customerIDs []string, from, to billing.Date, items map[string]string) ([]Issued, error)
}

// Issued is an invoice of a customer as the ledger holds it.
type Issued struct {
	CustomerID string
	Invoice    shadow.LedgerInvoice
}

// ShadowOptions selects the cycle Shadow compares.
type ShadowOptions struct {
	// PeriodEnd compares the cycle ending that day; zero compares every
	// engagement's last closed cycle.
	PeriodEnd billing.Date
	Actor     string // who asked: a Slack user id, "cli" or "scheduler"
}

// ShadowReport is a shadow run: the comparison, the exceptions billbot
// would have raised, and the agreement of past shadow cycles.
type ShadowReport struct {
	shadow.Report
	PeriodEnds []billing.Date
	// Mode is the clients compared: those in shadow mode or, when no
	// client is, every live client (a preview before any is switched).
	Mode     billing.Mode
	From, To billing.Date // the invoice dates read from the ledger
	Problems []billing.Problem
	History  []store.ShadowRun // latest cycle first, this one included
}

// Shadow drafts the cycle as a dry run — nothing stored, nothing written
// to QuickBooks, nothing posted — for the clients in shadow mode (every
// live client when none is; clients that are off never), reads the invoices the firm issued in
// QuickBooks for the same clients and invoice dates, compares them line by
// line (shadow.Compare), and keeps the run's summary for the cycle.
func (w *Workflow) Shadow(ctx context.Context, opts ShadowOptions) (ShadowReport, error) {
	var rep ShadowReport
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return rep, err
	}
	ledger, ok := w.ledger.(IssuedLedger)
	if !ok || !w.ledgerReady(ctx) {
		return rep, userErrorf("shadow mode compares with %s, which is not connected: run '%s'", w.LedgerName(), w.connectCommand())
	}
	today := firm.Today(w.now())
	if rep.PeriodEnds, err = cycleEnds(firm, today, opts.PeriodEnd); err != nil {
		return rep, err
	}
	if len(rep.PeriodEnds) == 0 {
		return rep, userErrorf("no engagement has a closed cycle to compare yet")
	}
	// The clients compared are matched to QBO customers by name like live
	// ones (a file need not carry qbo_customer_id); nothing is stored.
	rep.Mode = firm.shadowMode()
	items, matchProblems, err := w.prepareQBO(ctx, firm, rep.Mode, true)
	if err != nil {
		return rep, err
	}
	rep.Problems = append(rep.Problems, matchProblems...)
	rep.From = rep.PeriodEnds[0]
	rep.To = rep.PeriodEnds[len(rep.PeriodEnds)-1].AddDays(LedgerWindowDays)
	// The ledger is read while billbot drafts: neither needs the other.
	var issued []shadow.LedgerInvoice
	var g errgroup.Group
	g.Go(func() error {
		var err error
		issued, err = w.issued(ctx, ledger, firm, rep.Mode, items, rep.From, rep.To)
		return err
	})
	drafts, entries, problems, err := w.shadowDrafts(ctx, firm, items, today, rep.PeriodEnds, rep.Mode)
	if gerr := g.Wait(); err == nil {
		err = gerr
	}
	if err != nil {
		return rep, err
	}
	rep.Problems = append(rep.Problems, problems...)
	rep.Report = shadow.Compare(shadow.Input{
		PeriodEnd:    rep.PeriodEnds[len(rep.PeriodEnds)-1],
		HomeCurrency: firm.Rules.HomeCurrency,
		Billbot:      drafts,
		Ledger:       issued,
		Entries:      entries,
	})
	if err := w.store.SaveShadowRun(ctx, rep.Summary, opts.Actor, w.now()); err != nil {
		return rep, err
	}
	if rep.History, err = w.store.ShadowRuns(ctx, 12); err != nil {
		return rep, err
	}
	return rep, nil
}

// cycleEnds is the cycle ends a run covers: periodEnd, which must have
// closed, or else every engagement's last closed cycle.
func cycleEnds(firm *Firm, today, periodEnd billing.Date) ([]billing.Date, error) {
	if periodEnd.IsZero() {
		return closedCycleEnds(firm.Engagements, today), nil
	}
	if !periodEnd.Before(today) {
		return nil, userErrorf("the cycle ending %s has not closed yet (today is %s in %s)", periodEnd, today, firm.Location())
	}
	return []billing.Date{periodEnd}, nil
}

// ledgerItems names each line's item as QBO would receive it: retainer
// lines without an item of their own go to the RetainerItem item (the
// QuickBooks adapter's qbo.InvoiceFromDraft).
func ledgerItems(inv *billing.Invoice, items map[string]string) {
	for i := range inv.Lines {
		l := &inv.Lines[i]
		if (l.Kind == billing.LineRetainerCredit || l.Kind == billing.LineRetainerBlock) && items[l.Item] == "" {
			l.Item = RetainerItem
		}
	}
}

// issued reads the ledger's invoices of the firm's matched clients and names
// each by its client.
func (w *Workflow) issued(ctx context.Context, ledger IssuedLedger, firm *Firm, mode billing.Mode, items map[string]string, from, to billing.Date) ([]shadow.LedgerInvoice, error) {
	byCustomer := map[string]string{}
	var ids []string
	for _, c := range firm.Clients {
		if firm.ClientMode(c) != mode {
			continue
		}
		if c.LedgerCustomerID != "" && byCustomer[c.LedgerCustomerID] == "" {
			byCustomer[c.LedgerCustomerID] = c.Name
			ids = append(ids, c.LedgerCustomerID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	got, err := ledger.IssuedInvoices(ctx, ids, from, to, items)
	if err != nil {
		return nil, fmt.Errorf("read the firm's invoices from %s: %w", w.LedgerName(), err)
	}
	out := make([]shadow.LedgerInvoice, 0, len(got))
	for _, is := range got {
		inv := is.Invoice
		inv.Client = byCustomer[is.CustomerID]
		if inv.Client == "" {
			continue // another customer's: QBO answered more than asked
		}
		out = append(out, inv)
	}
	return out, nil
}

// shadowDrafts drafts the cycles ending on ends as a dry run for the
// clients of mode, naming items as QBO would receive them, and returns the
// entries the drafts bill, by id.
func (w *Workflow) shadowDrafts(ctx context.Context, firm *Firm, items map[string]string, today billing.Date, ends []billing.Date, mode billing.Mode) ([]billing.Invoice, map[int64]billing.TimeEntry, []billing.Problem, error) {
	all, err := w.store.UnallocatedEntries(ctx)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("load entries: %w", err)
	}
	var drafts []billing.Invoice
	var problems []billing.Problem
	for _, end := range ends {
		in, err := w.billingInput(ctx, firm, items, all, today, end)
		if err != nil {
			return nil, nil, nil, err
		}
		in.Mode = mode
		res := billing.Assess(in)
		problems = append(problems, res.Problems...)
		drafts = append(drafts, res.Invoices...)
	}
	byID := make(map[int64]int, len(all))
	for i, e := range all {
		byID[e.ID] = i
	}
	entries := map[int64]billing.TimeEntry{}
	for i := range drafts {
		ledgerItems(&drafts[i], items)
		for _, l := range drafts[i].Lines {
			for _, id := range l.EntryIDs {
				if j, ok := byID[id]; ok {
					entries[id] = all[j]
				}
			}
		}
	}
	return drafts, entries, problems, nil
}

// ShadowHistory returns the stored shadow cycles, latest first (at most
// limit; <= 0 for all).
func (w *Workflow) ShadowHistory(ctx context.Context, limit int) ([]shadow.Summary, error) {
	runs, err := w.store.ShadowRuns(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]shadow.Summary, len(runs))
	for i, r := range runs {
		out[i] = r.Summary
	}
	return out, nil
}

// ClientMode is c's mode: its own, else the firm's (live when unset).
func (f *Firm) ClientMode(c billing.Client) billing.Mode {
	if c.Mode != "" {
		return c.Mode
	}
	return f.Rules.Mode.Effective()
}

// hasMode reports whether some client is in mode.
func (f *Firm) hasMode(mode billing.Mode) bool {
	for _, c := range f.Clients {
		if f.ClientMode(c) == mode {
			return true
		}
	}
	return false
}

// shadowMode is the mode a shadow run covers: shadow when any client is in
// it, else live.
func (f *Firm) shadowMode() billing.Mode {
	if f.hasMode(billing.ModeShadow) {
		return billing.ModeShadow
	}
	return billing.ModeLive
}
