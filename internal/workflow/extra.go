package workflow

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"billbot/internal/billing"
	"billbot/store"
)

// CanAct returns a UserError unless user may act on the invoice.
func (w *Workflow) CanAct(ctx context.Context, invoiceID int64, user, verb string) error {
	_, _, err := w.authorize(ctx, invoiceID, user, verb)
	return err
}

// Snooze holds back escalations of an invoice for billing.SnoozeDays, after which
// Collect asks the manager once more; the audit event it records (who, when)
// is what Collect reads.
func (w *Workflow) Snooze(ctx context.Context, invoiceID int64, user string) error {
	if err := w.CanActOrManager(ctx, invoiceID, user); err != nil {
		return err
	}
	return w.store.Audit(ctx, store.AuditEvent{At: w.now(), Actor: user, Action: "snoozed", SubjectType: "invoice", SubjectID: strconv.FormatInt(invoiceID, 10)})
}

// CanActOrManager lets partners, approvers and the invoice's managers act on
// collections.
func (w *Workflow) CanActOrManager(ctx context.Context, invoiceID int64, user string) error {
	inv, err := w.store.Invoice(ctx, invoiceID)
	if err != nil {
		return err
	}
	for _, m := range inv.Managers {
		if m == user {
			return nil
		}
	}
	return w.CanAct(ctx, invoiceID, user, "change")
}

// DraftSupplemental drafts a supplemental invoice for the entries of a
// late-approval exception at a partner's request, instead of waiting for
// the next cycle.
func (w *Workflow) DraftSupplemental(ctx context.Context, exceptionID int64, user string) (store.Invoice, error) {
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return store.Invoice{}, err
	}
	exs, err := w.store.Exceptions(ctx, store.ExceptionFilter{OpenOnly: true, Codes: []billing.ExceptionCode{billing.ExLateApproval}})
	if err != nil {
		return store.Invoice{}, err
	}
	var ex *store.Exception
	for i := range exs {
		if exs[i].ID == exceptionID {
			ex = &exs[i]
		}
	}
	if ex == nil {
		return store.Invoice{}, userErrorf("That late approval is no longer open: it was billed or resolved.")
	}
	var partners []string
	if eng, ok := firm.Engagement(ex.Engagement); ok {
		partners = []string{eng.Partner}
	}
	if !firm.IsApprover(user, partners) {
		return store.Invoice{}, userErrorf("Only the engagement's partner or a firm approver can ask for a supplemental invoice.")
	}
	items, _, err := w.prepareQBO(ctx, firm, billing.ModeLive, false)
	if err != nil {
		return store.Invoice{}, err
	}
	entries, err := w.store.UnallocatedEntries(ctx)
	if err != nil {
		return store.Invoice{}, err
	}
	today := firm.Today(w.now())
	in, err := w.billingInput(ctx, firm, items, entries, today, today.AddDays(-1))
	if err != nil {
		return store.Invoice{}, err
	}
	res := billing.Supplemental(in, ex.EntryIDs)
	if len(res.Invoices) == 0 {
		return store.Invoice{}, userErrorf("Nothing to bill: the entries of that exception are already billed or no longer approved.")
	}
	// The invoice first, then the exception: a crash between the two leaves
	// the exception open over billed entries (the next assessment resolves
	// it), never a resolved exception whose invoice was not made.
	inv, _, err := w.store.SaveDraft(ctx, res.Invoices[0], user)
	if err != nil {
		return inv, fmt.Errorf("save supplemental invoice: %w", err)
	}
	if err := w.store.ResolveException(ctx, ex.ID, user, "supplemental invoice", w.now()); err != nil {
		return inv, err
	}
	if err := w.Advance(ctx); err != nil {
		w.logger.Warn("advance supplemental invoice", "invoice_id", inv.ID, "error", err)
	}
	return w.store.Invoice(ctx, inv.ID)
}

// assessCodes are the exception kinds Detect owns: it opens and resolves
// them from the current state of the time entries.
var assessCodes = []billing.ExceptionCode{
	billing.ExOrphaned, billing.ExOutsideDates, billing.ExRateMismatch, billing.ExNoRate,
	billing.ExUnapproved, billing.ExLateApproval, billing.ExClientUnmapped, billing.ExItemUnmapped,
	billing.ExCurrencyMismatch, billing.ExFixedFeeTime, billing.ExRetainerThreshold, billing.ExRetainerExhausted,
}

// Detect re-assesses every entry not yet on an invoice — including those
// held by open exceptions, which a fixed configuration may now free — and
// brings the open exceptions in line: new problems open, solved ones
// resolve and release their entries.
func (w *Workflow) Detect(ctx context.Context) (opened, resolved int, err error) {
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return 0, 0, err
	}
	items, matchProblems, err := w.prepareQBO(ctx, firm, billing.ModeLive, false)
	if err != nil {
		return 0, 0, err
	}
	return w.detect(ctx, firm, items, matchProblems, assessCodes)
}

// detect is Detect over a loaded firm and QBO's items and customer-match
// problems, reconciling the exceptions of codes only.
func (w *Workflow) detect(ctx context.Context, firm *Firm, items map[string]string, matchProblems []billing.Problem, codes []billing.ExceptionCode) (opened, resolved int, err error) {
	held, err := w.heldEntries(ctx)
	if err != nil {
		return 0, 0, err
	}
	res, err := w.assessWith(ctx, firm, items, firm.Today(w.now()), billing.Date{}, held)
	if err != nil {
		return 0, 0, err
	}
	var problems []billing.Problem
	for _, p := range append(append([]billing.Problem(nil), matchProblems...), res.Problems...) {
		if slices.Contains(codes, p.Code) {
			problems = append(problems, p)
		}
	}
	opened, resolved, err = w.store.ReconcileExceptions(ctx, codes, problems, w.now())
	if err != nil {
		return opened, resolved, fmt.Errorf("reconcile exceptions: %w", err)
	}
	return opened, resolved, nil
}

// DetectClients is Detect for the named clients only, as an import that
// changed their entries needs: it re-assesses their unallocated entries and
// the entries their open exceptions hold, and opens and resolves only
// their exceptions; other clients' exceptions stay as they are. Names match
// as the billing engine matches CSV rows to engagements, case and
// surrounding spaces aside. No clients, nothing to do: an unchanged
// re-import re-assesses nothing.
//
// Every exception the engine raises concerns one client, so the clients
// are assessed a few at a time (about detectBatch entries), which bounds
// the memory of a re-check after a million-row import.
func (w *Workflow) DetectClients(ctx context.Context, clients []string) (opened, resolved int, err error) {
	if len(clients) == 0 {
		return 0, 0, nil
	}
	scope := make(map[string]bool, len(clients))
	for _, c := range clients {
		scope[clientMatchKey(c)] = true
	}
	inScope := func(client string) bool { return scope[clientMatchKey(client)] }
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return 0, 0, err
	}
	items, matchProblems, err := w.prepareQBO(ctx, firm, billing.ModeLive, false)
	if err != nil {
		return 0, 0, err
	}
	var problems []billing.Problem
	keep := func(ps []billing.Problem, in map[string]bool) {
		for _, p := range ps {
			if slices.Contains(assessCodes, p.Code) && in[clientMatchKey(p.Client)] {
				problems = append(problems, p)
			}
		}
	}
	keep(matchProblems, scope)

	open, err := w.store.Exceptions(ctx, store.ExceptionFilter{OpenOnly: true, Codes: assessCodes})
	if err != nil {
		return 0, 0, err
	}
	held := map[string][]int64{} // by client key
	for _, ex := range open {
		if ex.Holds && inScope(ex.Client) {
			k := clientMatchKey(ex.Client)
			held[k] = append(held[k], ex.EntryIDs...)
		}
	}
	counts, err := w.store.UnallocatedClients(ctx)
	if err != nil {
		return 0, 0, err
	}
	spellings := map[string][]string{} // client key → names as stored
	size := map[string]int{}
	for name, n := range counts {
		if k := clientMatchKey(name); scope[k] {
			spellings[k] = append(spellings[k], name)
			size[k] += n
		}
	}
	keys := make([]string, 0, len(scope))
	for k := range scope {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	today := firm.Today(w.now())
	for len(keys) > 0 {
		// The problems of a batch are kept for its own clients only: the
		// engine also reports on engagements whose entries are in another
		// batch (retainer usage, fixed fees), without those entries.
		var names []string
		var ids []int64
		batch := map[string]bool{}
		n := 0
		for len(keys) > 0 && (n == 0 || n+size[keys[0]] <= detectBatch) {
			k := keys[0]
			keys = keys[1:]
			batch[k] = true
			names = append(names, spellings[k]...)
			ids = append(ids, held[k]...)
			n += size[k] + 1
		}
		entries, err := w.store.UnallocatedEntriesOf(ctx, names, n+len(ids))
		if err != nil {
			return 0, 0, fmt.Errorf("load entries: %w", err)
		}
		if len(ids) > 0 {
			more, err := w.store.Entries(ctx, ids)
			if err != nil {
				return 0, 0, fmt.Errorf("load held entries: %w", err)
			}
			entries = append(entries, more...)
		}
		in, err := w.billingInput(ctx, firm, items, entries, today, billing.Date{})
		if err != nil {
			return 0, 0, err
		}
		keep(billing.Assess(in).Problems, batch)
	}
	opened, resolved, err = w.store.ReconcileExceptionsOf(ctx, assessCodes, inScope, problems, w.now())
	if err != nil {
		return opened, resolved, fmt.Errorf("reconcile exceptions: %w", err)
	}
	return opened, resolved, nil
}

// detectBatch is about how many entries DetectClients assesses at once.
const detectBatch = 100_000

// clientMatchKey is a client name as the billing engine compares the names
// of CSV rows and engagement letters.
func clientMatchKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// heldEntries lists the entries held by open exceptions that Detect owns.
func (w *Workflow) heldEntries(ctx context.Context) ([]int64, error) {
	open, err := w.store.Exceptions(ctx, store.ExceptionFilter{OpenOnly: true, Codes: assessCodes})
	if err != nil {
		return nil, err
	}
	var held []int64
	for _, ex := range open {
		if ex.Holds {
			held = append(held, ex.EntryIDs...)
		}
	}
	return held, nil
}
