package workflow

import (
	"context"
	"fmt"
	"slices"

	"billbot/internal/billing"
	"billbot/store"
)

// recheck re-assesses, before a draft (see Draft), the kinds of open
// exceptions that hold entries, and returns how many it resolved and the
// entries they released. Only those kinds: notices about billed time (a
// fixed fee's hours, a retainer's threshold) are a draft's own findings,
// which an assessment of unbilled time no longer sees — re-checking them
// would close them unread when a draft is re-run.
func (w *Workflow) recheck(ctx context.Context, firm *Firm, items map[string]string, matchProblems []billing.Problem) (int, map[int64]bool, error) {
	open, err := w.store.Exceptions(ctx, store.ExceptionFilter{OpenOnly: true, Codes: assessCodes})
	if err != nil {
		return 0, nil, err
	}
	var before []int64
	var codes []billing.ExceptionCode
	for _, ex := range open {
		if ex.Holds {
			before = append(before, ex.EntryIDs...)
			if !slices.Contains(codes, ex.Code) {
				codes = append(codes, ex.Code)
			}
		}
	}
	if len(codes) == 0 {
		return 0, nil, nil
	}
	_, resolved, err := w.detect(ctx, firm, items, matchProblems, codes)
	if err != nil {
		return 0, nil, fmt.Errorf("re-check exceptions before drafting: %w", err)
	}
	after, err := w.heldEntries(ctx)
	if err != nil {
		return resolved, nil, err
	}
	freed := make(map[int64]bool, len(before))
	for _, id := range before {
		freed[id] = true
	}
	for _, id := range after {
		delete(freed, id)
	}
	return resolved, freed, nil
}

// draftFreed bills, on a supplemental invoice of the cycle ending end, the
// entries of inv that a fixed configuration released when the cycle's
// regular invoice already exists: re-running the draft after the fix bills
// them now instead of a cycle later. billing.Supplemental bills no fixed
// fee twice, and its key (from the entry ids) makes a re-run a no-op.
func (w *Workflow) draftFreed(ctx context.Context, firm *Firm, items map[string]string, today, end billing.Date, inv billing.Invoice, freed map[int64]bool, actor string) ([]billing.Invoice, error) {
	var ids []int64
	for _, l := range inv.Lines {
		for _, id := range l.EntryIDs {
			if freed[id] {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	entries, err := w.store.UnallocatedEntries(ctx)
	if err != nil {
		return nil, fmt.Errorf("load entries: %w", err)
	}
	in, err := w.billingInput(ctx, firm, items, entries, today, end)
	if err != nil {
		return nil, err
	}
	var out []billing.Invoice
	for _, sup := range billing.Supplemental(in, ids).Invoices {
		_, created, err := w.store.SaveDraft(ctx, sup, actor)
		if err != nil {
			return out, fmt.Errorf("save supplemental draft %s: %w", sup.Key, err)
		}
		if created {
			out = append(out, sup)
		}
	}
	return out, nil
}
