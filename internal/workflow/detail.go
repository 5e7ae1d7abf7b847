package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"billbot/internal/billing"
	"billbot/internal/invoicedetail"
	"billbot/internal/money"
	"billbot/store"
)

// ReadsClient reports whether user may read the named client's invoices,
// by the one rule of Reader: approvers, partners, the billing manager and
// firm.viewers read every client; a manager who is none of these reads only
// the clients of the engagements they manage; anyone else reads nothing.
func (f *Firm) ReadsClient(user, client string) bool {
	return f.Reader(user).Sees(client)
}

// InvoiceNumber is how people name an invoice: its QBO DocNumber, else "#"
// and billbot's id.
func InvoiceNumber(inv store.Invoice) string {
	if inv.DocNumber != "" {
		return inv.DocNumber
	}
	return "#" + strconv.FormatInt(inv.ID, 10)
}

// InvoiceDetail returns the detail of the invoice with that number (QBO
// DocNumber or billbot's id); an error wrapping invoicedetail.ErrNotFound
// when there is none. It checks no reader: callers do (ReadableDetail).
func (w *Workflow) InvoiceDetail(ctx context.Context, number string) (invoicedetail.Detail, error) {
	inv, err := w.store.InvoiceByNumber(ctx, number)
	if errors.Is(err, store.ErrNotFound) {
		return invoicedetail.Detail{}, fmt.Errorf("invoice %q: %w", number, invoicedetail.ErrNotFound)
	}
	if err != nil {
		return invoicedetail.Detail{}, err
	}
	return w.detailOf(ctx, inv)
}

// ReadableDetail is InvoiceDetail for a person: a UserError when there is
// no such invoice or user may not read its client.
func (w *Workflow) ReadableDetail(ctx context.Context, user, number string) (invoicedetail.Detail, error) {
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return invoicedetail.Detail{}, err
	}
	d, err := w.InvoiceDetail(ctx, number)
	if errors.Is(err, invoicedetail.ErrNotFound) || (err == nil && !firm.ReadsClient(user, d.Client)) {
		// The same answer either way: a manager learns nothing of other clients.
		return invoicedetail.Detail{}, userErrorf("No invoice %q that you can see.", number)
	}
	return d, err
}

func (w *Workflow) detailOf(ctx context.Context, inv store.Invoice) (invoicedetail.Detail, error) {
	d := invoicedetail.Detail{
		Number: InvoiceNumber(inv), InvoiceID: inv.ID, Client: inv.Client, State: string(inv.State),
		Currency: inv.Currency, Period: inv.Period, InvoiceDate: inv.InvoiceDate, DueDate: inv.DueDate,
		Subtotal: inv.Subtotal, Discount: inv.Discount, Credit: inv.Credit, Total: inv.Total,
		Balance: inv.Balance, Hours: inv.Hours,
	}
	if firm, err := w.LoadFirm(ctx); err == nil {
		d.Location = firm.Location()
	}
	var ids []int64
	for _, l := range inv.Lines {
		ids = append(ids, l.EntryIDs...)
	}
	entries, err := w.store.Entries(ctx, ids)
	if err != nil {
		return d, fmt.Errorf("entries of invoice %d: %w", inv.ID, err)
	}
	byID := make(map[int64]invoicedetail.Entry, len(entries))
	for _, e := range entries {
		byID[e.ID] = invoicedetail.Entry{Date: e.SpentDate, Staff: e.User, Task: e.Task, Hours: e.Hours, Rate: e.Rate, Notes: e.Notes, SourceID: e.ExternalID, Source: billing.SourceLabel(e.Source)}
	}
	writeDowns := map[int]store.WriteDown{}
	for _, wd := range inv.WriteDowns {
		writeDowns[wd.Line] = wd
	}
	for i, l := range inv.Lines {
		dl := invoicedetail.Line{
			No: i + 1, Kind: string(l.Kind), Engagement: l.Engagement, Task: l.Task, Description: l.Description,
			ServiceDate: l.ServiceDate, Qty: l.Qty, UnitPrice: l.UnitPrice, Amount: l.Amount, Original: l.Amount,
		}
		if wd, ok := writeDowns[i]; ok {
			dl.Original, dl.WriteDownReason = wd.Original, wd.Reason
		}
		for _, id := range l.EntryIDs {
			e := byID[id]
			if e.Rate == 0 && l.Kind == billing.LineHourly {
				e.Rate = l.UnitPrice // the source gives no rate: the letter's was billed
			}
			dl.Entries = append(dl.Entries, e)
		}
		slices.SortStableFunc(dl.Entries, func(a, b invoicedetail.Entry) int { return a.Date.Compare(b.Date) })
		d.Lines = append(d.Lines, dl)
	}
	evs, err := w.store.AuditTrail(ctx, store.AuditFilter{InvoiceID: inv.ID})
	if err != nil {
		return d, err
	}
	for _, ev := range evs {
		if ev.Action != "invoice.edit" {
			continue
		}
		e := invoicedetail.Edit{At: ev.At, Actor: ev.Actor, Reason: ev.Note}
		e.TotalBefore, e.TotalAfter = totalOf(ev.Before), totalOf(ev.After)
		d.Edits = append(d.Edits, e)
	}
	ds, err := w.store.Disputes(ctx, inv.ID)
	if err != nil {
		return d, err
	}
	for _, x := range ds {
		d.Disputes = append(d.Disputes, invoicedetail.Dispute{
			Reason: x.Reason, OpenedBy: x.OpenedBy, OpenedAt: x.OpenedAt, Outcome: string(x.Outcome),
			Resolution: x.Resolution, ResolvedBy: x.ResolvedBy, ResolvedAt: x.ResolvedAt,
		})
	}
	return d, nil
}

// totalOf reads the Total of an invoice recorded in an audit event.
func totalOf(raw json.RawMessage) money.Amount {
	var v struct{ Total money.Amount }
	_ = json.Unmarshal(raw, &v) // an older record without Total shows 0
	return v.Total
}

// WithDetailLinks lets the workflows hand out signed links to the invoice
// detail page (Slack replies, `billbot invoice show`). It returns w.
func (w *Workflow) WithDetailLinks(s *invoicedetail.Signer) *Workflow {
	w.detail = s
	return w
}

// DetailLink returns a fresh signed link to the invoice's detail page and
// its expiry; "" when links are not configured. The link names the invoice
// by its draft key, like the one in QuickBooks' PrivateNote.
func (w *Workflow) DetailLink(key string) (string, time.Time) {
	if w.detail == nil {
		return "", time.Time{}
	}
	return w.detail.Link(key)
}
