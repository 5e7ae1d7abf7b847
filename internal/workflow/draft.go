package workflow

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"billbot/internal/billing"
	"billbot/store"
)

// DraftOptions selects what Draft drafts.
type DraftOptions struct {
	// PeriodEnd drafts the engagements whose cycle ends that day; zero
	// drafts every engagement's last closed cycle.
	PeriodEnd billing.Date
	// DryRun computes the drafts and exceptions and stores nothing.
	DryRun bool
	Actor  string // who asked: a Slack user id, "cli" or "scheduler"
}

// DraftReport tells what Draft did.
type DraftReport struct {
	PeriodEnds []billing.Date
	Invoices   []billing.Invoice // drafted now (or, in a dry run, that would be)
	Existing   int               // invoices drafted for these cycles by earlier runs
	Problems   []billing.Problem
	Pending    int // eligible entries waiting for a later cycle
	// Resolved counts the open exceptions the re-check before drafting
	// closed (a fixed configuration solved them); their entries are billed
	// by this run. A dry run closes nothing and leaves it zero.
	Resolved int
}

// Draft drafts the invoices of every cycle that closed (or of the one
// ending opts.PeriodEnd), stores them with their exceptions, and — unless
// a dry run — pushes them to QBO and Slack. It first re-checks the open
// exceptions, as Detect does: an exception's fix reads "fix the
// configuration, then run the draft again", so whatever the new
// configuration solved is closed (with its audit event) and billed now
// rather than a cycle later. Re-running it for the same
// cycle drafts nothing new: invoice keys and the database's allocation
// index see to that.
func (w *Workflow) Draft(ctx context.Context, opts DraftOptions) (DraftReport, error) {
	var rep DraftReport
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return rep, err
	}
	today := firm.Today(w.now())
	if rep.PeriodEnds, err = cycleEnds(firm, today, opts.PeriodEnd); err != nil {
		return rep, err
	}
	// An earlier run's invoices hold their entries, so the assessment no
	// longer proposes them: count them from the store instead.
	if rep.Existing, err = w.countDrafted(ctx, rep.PeriodEnds); err != nil {
		return rep, err
	}
	items, matchProblems, err := w.prepareQBO(ctx, firm, billing.ModeLive, opts.DryRun)
	if err != nil {
		return rep, err
	}
	rep.Problems = append(rep.Problems, matchProblems...)
	// A dry run stores nothing: it assesses the held entries alongside, as
	// the re-check would free them.
	var held []int64
	var freed map[int64]bool
	if opts.DryRun {
		if held, err = w.heldEntries(ctx); err != nil {
			return rep, err
		}
	} else {
		if rep.Resolved, freed, err = w.recheck(ctx, firm, items, matchProblems); err != nil {
			return rep, err
		}
		if err := w.recordProblems(ctx, matchProblems); err != nil {
			return rep, err
		}
	}
	for _, end := range rep.PeriodEnds {
		res, err := w.assessWith(ctx, firm, items, today, end, held)
		if err != nil {
			return rep, err
		}
		rep.Pending = len(res.Pending)
		rep.Problems = append(rep.Problems, res.Problems...)
		if opts.DryRun {
			rep.Invoices = append(rep.Invoices, res.Invoices...)
			continue
		}
		if err := w.recordProblems(ctx, res.Problems); err != nil {
			return rep, err
		}
		for _, inv := range res.Invoices {
			if inv.Key, err = w.freeKey(ctx, inv.Key); err != nil {
				return rep, err
			}
			w.failPoint("draft:before_save")
			_, created, err := w.store.SaveDraft(ctx, inv, opts.Actor)
			w.failPoint("draft:after_save")
			if err != nil {
				return rep, fmt.Errorf("save draft %s: %w", inv.Key, err)
			}
			if created {
				rep.Invoices = append(rep.Invoices, inv)
				continue
			}
			sups, err := w.draftFreed(ctx, firm, items, today, end, inv, freed, opts.Actor)
			if err != nil {
				return rep, err
			}
			rep.Invoices = append(rep.Invoices, sups...)
		}
	}
	if opts.DryRun {
		return rep, nil
	}
	if err := w.Advance(ctx); err != nil {
		return rep, err
	}
	return rep, nil
}

// countDrafted counts the regular invoices (not voided, supplemental or
// replenishment) stored for cycles ending on one of ends.
func (w *Workflow) countDrafted(ctx context.Context, ends []billing.Date) (int, error) {
	states := make([]store.InvoiceState, 0, len(store.InvoiceStates))
	for _, st := range store.InvoiceStates {
		if st != store.StateVoided {
			states = append(states, st)
		}
	}
	invs, err := w.store.Invoices(ctx, store.InvoiceFilter{States: states})
	if err != nil {
		return 0, fmt.Errorf("list drafted invoices: %w", err)
	}
	n := 0
	for _, inv := range invs {
		if inv.Supplemental || inv.Replenish {
			continue
		}
		for _, end := range ends {
			if inv.Period.End == end {
				n++
				break
			}
		}
	}
	return n, nil
}

// closedCycleEnds returns the distinct last-closed cycle ends of the
// engagements active on them, ascending.
func closedCycleEnds(engs []billing.Engagement, today billing.Date) []billing.Date {
	seen := map[billing.Date]bool{}
	var ends []billing.Date
	for _, e := range engs {
		p := billing.LastClosedCycle(e.Cycle, e.StartsOn, today)
		if p.End.Before(e.StartsOn) || (!e.EndsOn.IsZero() && p.Start.After(e.EndsOn)) {
			continue
		}
		if !seen[p.End] {
			seen[p.End] = true
			ends = append(ends, p.End)
		}
	}
	sort.Slice(ends, func(i, j int) bool { return ends[i].Before(ends[j]) })
	return ends
}

// prepareQBO matches the clients of the run's mode to customers (problems
// name the candidates) and lists items: a live run matches the live
// clients, a shadow run the clients it compares; the others are no business
// of that run and raise nothing. Without QBO the stored mapping stands and
// items go unchecked.
func (w *Workflow) prepareQBO(ctx context.Context, firm *Firm, mode billing.Mode, dryRun bool) (map[string]string, []billing.Problem, error) {
	if !w.ledgerReady(ctx) {
		return nil, nil, nil
	}
	ids, problems, err := w.ledger.MatchCustomers(ctx, ClientsIn(mode, firm.Rules, firm.Clients))
	if err != nil {
		return nil, nil, fmt.Errorf("match clients to QBO customers: %w", err)
	}
	for i := range firm.Clients {
		c := &firm.Clients[i]
		if id := ids[c.Name]; id != "" && id != c.LedgerCustomerID {
			c.LedgerCustomerID = id
			if !dryRun {
				if err := w.store.SetClientQBOCustomer(ctx, c.Name, id); err != nil {
					return nil, nil, err
				}
			}
		}
	}
	items, err := w.ledger.Items(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("list QBO items: %w", err)
	}
	return items, problems, nil
}

// assess runs the billing engine over every unallocated entry.
func (w *Workflow) assess(ctx context.Context, firm *Firm, items map[string]string, today, end billing.Date) (billing.Result, error) {
	return w.assessWith(ctx, firm, items, today, end, nil)
}

// assessWith runs the billing engine over every unallocated entry and the
// entries extra (held by exceptions that are being re-assessed).
func (w *Workflow) assessWith(ctx context.Context, firm *Firm, items map[string]string, today, end billing.Date, extra []int64) (billing.Result, error) {
	entries, err := w.store.UnallocatedEntries(ctx)
	if err != nil {
		return billing.Result{}, fmt.Errorf("load entries: %w", err)
	}
	if len(extra) > 0 {
		more, err := w.store.Entries(ctx, extra)
		if err != nil {
			return billing.Result{}, fmt.Errorf("load held entries: %w", err)
		}
		entries = append(entries, more...)
	}
	in, err := w.billingInput(ctx, firm, items, entries, today, end)
	if err != nil {
		return billing.Result{}, err
	}
	return billing.Assess(in), nil
}

// billingInput is the engine's input over entries: the firm's rules, the
// known QBO items and every retainer's usage on file — without which a
// retainer engagement has no block to draw on and bills nothing.
func (w *Workflow) billingInput(ctx context.Context, firm *Firm, items map[string]string, entries []billing.TimeEntry, today, end billing.Date) (billing.Input, error) {
	in := billing.Input{
		Firm:        firm.Rules,
		Clients:     firm.Clients,
		Engagements: firm.Engagements,
		Entries:     entries,
		Retainers:   map[string]billing.RetainerUsage{},
		Today:       today,
		PeriodEnd:   end,
	}
	if items != nil {
		in.KnownItems = make(map[string]bool, len(items))
		for name := range items {
			in.KnownItems[name] = true
		}
	}
	for _, e := range firm.Engagements {
		if e.Kind != billing.Retainer {
			continue
		}
		u, err := w.store.RetainerUsage(ctx, e.Key)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return in, fmt.Errorf("retainer usage of %s: %w", e.Key, err)
		}
		in.Retainers[e.Key] = u
	}
	return in, nil
}

// recordProblems opens an exception per problem; holding ones allocate
// their entries so nothing bills them until resolved.
func (w *Workflow) recordProblems(ctx context.Context, problems []billing.Problem) error {
	for _, p := range problems {
		if _, _, err := w.store.OpenException(ctx, p, w.now()); err != nil {
			return fmt.Errorf("open %s exception: %w", p.Code, err)
		}
	}
	return nil
}

// freeKey returns key, or — when the invoice under key was voided, which
// released its entries to be billed again — the first reissue key not
// taken by a voided invoice ("…/reissue-2"). A draft of the same cycle
// re-run finds the live invoice under its key and creates nothing.
func (w *Workflow) freeKey(ctx context.Context, key string) (string, error) {
	candidate := key
	for n := 2; ; n++ {
		inv, err := w.store.InvoiceByKey(ctx, candidate)
		if errors.Is(err, store.ErrNotFound) || (err == nil && inv.State != store.StateVoided) {
			return candidate, nil
		}
		if err != nil {
			return "", fmt.Errorf("look up invoice %s: %w", candidate, err)
		}
		candidate = fmt.Sprintf("%s/reissue-%d", key, n)
	}
}

// LiveClients returns the clients a live run drafts: those whose mode (their
// own, else the firm's) is live. billing.Assess leaves the others out by
// itself; this is for the steps around it (QBO customer matching).
func LiveClients(f billing.Firm, clients []billing.Client) []billing.Client {
	return ClientsIn(billing.ModeLive, f, clients)
}

// ClientsIn returns the clients whose mode (their own, else the firm's) is
// mode.
func ClientsIn(mode billing.Mode, f billing.Firm, clients []billing.Client) []billing.Client {
	out := make([]billing.Client, 0, len(clients))
	for _, c := range clients {
		m := c.Mode
		if m == "" {
			m = f.Mode
		}
		if m.Effective() == mode.Effective() {
			out = append(out, c)
		}
	}
	return out
}
