package workflow

import (
	"context"
	"errors"
	"strings"

	"billbot/internal/view"
	"billbot/store"
)

// MarkDisputed records that the client disputes an invoice, with the
// reason: no reminder or escalation goes out for it until the dispute is
// resolved. Partners, approvers and the invoice's managers may mark it.
func (w *Workflow) MarkDisputed(ctx context.Context, invoiceID int64, user, reason string) (store.Dispute, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return store.Dispute{}, userErrorf("Say what the client disputes.")
	}
	if err := w.CanActOrManager(ctx, invoiceID, user); err != nil {
		return store.Dispute{}, err
	}
	d, err := w.store.OpenDispute(ctx, invoiceID, user, reason)
	switch {
	case errors.Is(err, store.ErrDisputeOpen):
		return d, userErrorf("This invoice is already disputed; resolve that dispute first.")
	case errors.Is(err, store.ErrConflict):
		return d, userErrorf("Only an invoice that went to the client can be disputed.")
	}
	return d, err
}

// ResolveDispute closes an invoice's open dispute with its outcome
// (upheld, credited, withdrawn) and a note; collections resume.
func (w *Workflow) ResolveDispute(ctx context.Context, invoiceID int64, user string, outcome store.DisputeOutcome, note string) (store.Dispute, error) {
	if err := w.CanActOrManager(ctx, invoiceID, user); err != nil {
		return store.Dispute{}, err
	}
	valid := false
	for _, o := range store.DisputeOutcomes {
		valid = valid || o == outcome
	}
	if !valid {
		return store.Dispute{}, userErrorf("Choose the outcome: upheld, credited or withdrawn.")
	}
	d, err := w.store.ResolveDispute(ctx, invoiceID, user, outcome, note)
	if errors.Is(err, store.ErrNoDispute) {
		return d, userErrorf("This invoice has no open dispute.")
	}
	return d, err
}

// Disputed lists the invoices with an open dispute that user may read,
// oldest dispute first. An empty client lists every readable client.
func (w *Workflow) Disputed(ctx context.Context, user, client string) ([]DisputedInvoice, error) {
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return nil, err
	}
	open, err := w.store.OpenDisputes(ctx)
	if err != nil {
		return nil, err
	}
	var out []DisputedInvoice
	for id, d := range open {
		inv, err := w.store.Invoice(ctx, id)
		if err != nil {
			return nil, err
		}
		if (client != "" && !strings.EqualFold(inv.Client, client)) || !firm.ReadsClient(user, inv.Client) {
			continue
		}
		out = append(out, DisputedInvoice{Invoice: inv, Number: InvoiceNumber(inv), Dispute: d})
	}
	sortDisputed(out)
	return out, nil
}

// DisputedInvoice is an invoice under an open dispute.
type DisputedInvoice struct {
	Invoice store.Invoice
	Number  string
	Dispute store.Dispute
}

func sortDisputed(ds []DisputedInvoice) {
	for i := 1; i < len(ds); i++ {
		for j := i; j > 0 && ds[j].Dispute.ID < ds[j-1].Dispute.ID; j-- {
			ds[j], ds[j-1] = ds[j-1], ds[j]
		}
	}
}

// OpenDispute returns the invoice's open dispute; a UserError when none.
func (w *Workflow) OpenDispute(ctx context.Context, invoiceID int64) (store.Dispute, error) {
	d, err := w.store.OpenDisputeOf(ctx, invoiceID)
	if errors.Is(err, store.ErrNotFound) {
		return d, userErrorf("This invoice has no open dispute.")
	}
	return d, err
}

// homeDisputed is App Home's list of disputed invoices user may read.
func (w *Workflow) homeDisputed(ctx context.Context, user string) ([]view.DisputedInvoice, error) {
	ds, err := w.Disputed(ctx, user, "")
	if err != nil {
		return nil, err
	}
	out := make([]view.DisputedInvoice, len(ds))
	for i, d := range ds {
		out[i] = view.DisputedInvoice{
			InvoiceID: d.Invoice.ID, Number: d.Number, Client: d.Invoice.Client, Currency: d.Invoice.Currency,
			Balance: d.Invoice.Balance, Reason: d.Dispute.Reason, OpenedBy: d.Dispute.OpenedBy, OpenedAt: d.Dispute.OpenedAt,
		}
	}
	return out, nil
}
