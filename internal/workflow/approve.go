package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"billbot/internal/config"
	"billbot/store"
)

// authorize loads an invoice and checks that user may act on it.
func (w *Workflow) authorize(ctx context.Context, invoiceID int64, user, verb string) (*Firm, store.Invoice, error) {
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return nil, store.Invoice{}, err
	}
	inv, err := w.store.Invoice(ctx, invoiceID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, store.Invoice{}, userErrorf("Invoice %d no longer exists.", invoiceID)
	}
	if err != nil {
		return nil, store.Invoice{}, err
	}
	if !firm.IsApprover(user, inv.Partners) {
		who := make([]string, 0, len(inv.Partners))
		for _, p := range inv.Partners {
			who = append(who, "<@"+p+">")
		}
		return nil, store.Invoice{}, userErrorf("Only the engagement's partner (%s) or a firm approver can %s the %s invoice.", strings.Join(who, ", "), verb, inv.Client)
	}
	return firm, inv, nil
}

// Approve approves a pending invoice and has QBO email it to the client.
// Fifty simultaneous clicks send it once: the guarded transition lets one
// through, and the others see the state it reached.
func (w *Workflow) Approve(ctx context.Context, invoiceID int64, user string) (store.Invoice, error) {
	return w.ApproveVersion(ctx, invoiceID, user, "")
}

// ApproveVersion is Approve of the version the partner saw (see Version;
// empty: whatever billbot holds). It sends only what was approved: a click
// on an out-of-date rendering, or a draft that QuickBooks holds differently
// from what billbot showed, sends nothing — the message is refreshed in
// place with the differences and the partner is asked again.
func (w *Workflow) ApproveVersion(ctx context.Context, invoiceID int64, user, version string) (store.Invoice, error) {
	defer w.locks.lock(invoiceID)()
	firm, inv, err := w.authorize(ctx, invoiceID, user, "approve")
	if err != nil {
		return inv, err
	}
	var read *Remote // QBO's copy, read and compared just now
	if inv.State == store.StatePending || inv.State == store.StateFlagged {
		if version != "" && version != Version(inv) {
			if err := w.refreshMessage(ctx, firm, inv); err != nil {
				w.logger.Warn("refresh draft message", "invoice_id", inv.ID, "error", err)
			}
			return inv, userErrorf("The %s invoice changed after the message you clicked was shown; nothing was sent. The message now shows the current version: review it and approve again.", inv.Client)
		}
		if inv.State == store.StatePending && inv.LedgerID == "" {
			// Not in QBO yet (firm.ledger_write: at_approval): create it now.
			if inv, read, err = w.createOnApproval(ctx, firm, inv); err != nil {
				return inv, err
			}
		} else if inv, read, err = w.checkQBOCopy(ctx, firm, inv); err != nil {
			return inv, err
		}
	}
	now := w.now()
	inv, err = w.store.Transition(ctx, invoiceID, []store.InvoiceState{store.StatePending}, store.StateApproved, user, "approved", func(i *store.Invoice) {
		i.ActedBy, i.ActedAt = user, now
	})
	if errors.Is(err, store.ErrConflict) {
		cur, rerr := w.store.Invoice(ctx, invoiceID)
		if rerr != nil {
			return cur, rerr
		}
		if cur.State == store.StateFlagged {
			return cur, userErrorf("The %s invoice is flagged: %s's total differs from billbot's. Edit it first.", cur.Client, w.ledgerShort())
		}
		return cur, nil // already approved, sent or held by someone else: show that
	}
	if err != nil {
		return inv, err
	}
	w.failPoint("approve:after_transition")
	inv, err = w.send(ctx, firm, inv, read)
	if rerr := w.refreshMessage(ctx, firm, inv); rerr != nil {
		w.logger.Warn("refresh draft message", "invoice_id", inv.ID, "error", rerr)
	}
	return inv, err
}

// send has QBO email an approved invoice and records it as sent. An
// approved invoice whose send failed stays approved; SendApproved retries.
// read, when set, is QBO's copy as Approve just read and compared it.
func (w *Workflow) send(ctx context.Context, firm *Firm, inv store.Invoice, read *Remote) (store.Invoice, error) {
	zero := inv.Total == 0 && firm.File != nil && firm.File.ZeroTotal.Effective() != config.ZeroTotalSend
	if zero && firm.File.ZeroTotal.Effective() == config.ZeroTotalSkip {
		return w.closeZero(ctx, inv, time.Time{}, "", "", "0.00 invoice recorded, not emailed (firm.zero_total: skip)")
	}
	if !w.ledgerReady(ctx) {
		return inv, errors.New(w.LedgerName() + " is not connected: the invoice is approved and will be sent once it is")
	}
	client, _ := firm.Client(inv.Client)
	// Read the invoice back first. A send that reached QBO before a crash
	// left EmailStatus EmailSent ("NotSet, NeedToSend, EmailSent", with
	// DeliveryInfo "returned when a request has been made to deliver email
	// with the send operation": developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice);
	// sending again would email the client twice, and the send's requestid
	// is not remembered for a documented time.
	var remote Remote
	var err error
	if read != nil {
		remote = *read
	} else if remote, err = w.ledger.Invoice(ctx, inv.LedgerID); err != nil {
		return inv, fmt.Errorf("read invoice %s back from %s before sending: %w", inv.Key, w.ledgerShort(), err)
	}
	if remote.EmailStatus == EmailSent {
		w.logger.Info("invoice already emailed by "+w.ledgerShort()+"; recording the send", "invoice_id", inv.ID)
	} else {
		if read == nil {
			// Approved, not emailed yet: send only the version approved.
			cur, changes, err := w.reconcileWithQBO(ctx, firm, inv, remote)
			if err != nil {
				return inv, err
			}
			if len(changes) > 0 {
				return cur, w.changedInQBO(cur)
			}
		}
		remote, err = w.ledger.Send(ctx, inv.LedgerID, client.Email, "send:"+inv.Key)
		if err != nil {
			return inv, fmt.Errorf("send invoice %s through %s: %w", inv.Key, w.ledgerShort(), err)
		}
	}
	w.failPoint("send:after_qbo")
	now := w.now()
	// The approver stays the actor of record: the message reads "Approved by
	// <partner> — sent to <client>".
	actor := inv.ActedBy
	if actor == "" {
		actor = "billbot"
	}
	if zero { // firm.zero_total: statement
		return w.closeZero(ctx, inv, now, remote.EmailStatus, remote.SyncToken, "0.00 invoice emailed by "+w.ledgerShort()+" to "+client.Email+" as a statement (firm.zero_total: statement)")
	}
	inv, err = w.store.Transition(ctx, inv.ID, []store.InvoiceState{store.StateApproved}, store.StateSent, actor, "emailed by "+w.ledgerShort()+" to "+client.Email, func(i *store.Invoice) {
		i.SentAt, i.EmailStatus, i.SyncToken = now, remote.EmailStatus, remote.SyncToken
	})
	if err != nil {
		return inv, ignoreConflict(err)
	}
	if inv.Replenish {
		for _, l := range inv.Lines {
			if l.Engagement == "" {
				continue
			}
			if eng, ok := firm.Engagement(l.Engagement); ok && eng.Retainer != nil {
				if err := w.store.AddRetainerBlock(ctx, eng.Key, eng.Retainer.Hours, eng.Retainer.Amount, inv.ID); err != nil {
					return inv, fmt.Errorf("add retainer block for %s: %w", eng.Key, err)
				}
			}
		}
	}
	return inv, nil
}

// closeZero closes an approved 0.00 invoice as paid (nothing is owed, so no
// reminder, escalation or aging counts it); sentAt is zero when it was not
// emailed.
func (w *Workflow) closeZero(ctx context.Context, inv store.Invoice, sentAt time.Time, emailStatus, syncToken, note string) (store.Invoice, error) {
	actor := inv.ActedBy
	if actor == "" {
		actor = "billbot"
	}
	now := w.now()
	out, err := w.store.Transition(ctx, inv.ID, []store.InvoiceState{store.StateApproved}, store.StatePaid, actor, note, func(i *store.Invoice) {
		i.PaidAt, i.Balance = now, 0
		if !sentAt.IsZero() {
			i.SentAt, i.EmailStatus, i.SyncToken = sentAt, emailStatus, syncToken
		}
	})
	if err != nil {
		return inv, ignoreConflict(err)
	}
	return out, nil
}

// SendApproved retries the QBO send of approved invoices whose send failed.
func (w *Workflow) SendApproved(ctx context.Context) (int, error) {
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return 0, err
	}
	approved, err := w.store.Invoices(ctx, store.InvoiceFilter{States: []store.InvoiceState{store.StateApproved}})
	if err != nil {
		return 0, err
	}
	sent := 0
	var errs []error
	for _, inv := range approved {
		inv, err := w.send(ctx, firm, inv, nil)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sent++
		if err := w.refreshMessage(ctx, firm, inv); err != nil {
			errs = append(errs, err)
		}
	}
	return sent, errors.Join(errs...)
}

// Hold puts a pending or flagged invoice on hold with a reason.
func (w *Workflow) Hold(ctx context.Context, invoiceID int64, user, reason string) (store.Invoice, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return store.Invoice{}, userErrorf("Say why the invoice is held.")
	}
	defer w.locks.lock(invoiceID)()
	firm, inv, err := w.authorize(ctx, invoiceID, user, "hold")
	if err != nil {
		return inv, err
	}
	now := w.now()
	inv, err = w.store.Transition(ctx, invoiceID, []store.InvoiceState{store.StatePending, store.StateFlagged}, store.StateHeld, user, reason, func(i *store.Invoice) {
		i.HoldReason, i.ActedBy, i.ActedAt = reason, user, now
	})
	if errors.Is(err, store.ErrConflict) {
		return w.store.Invoice(ctx, invoiceID)
	}
	if err != nil {
		return inv, err
	}
	return inv, w.refreshMessage(ctx, firm, inv)
}

// Release returns a held invoice to approval.
func (w *Workflow) Release(ctx context.Context, invoiceID int64, user string) (store.Invoice, error) {
	defer w.locks.lock(invoiceID)()
	firm, inv, err := w.authorize(ctx, invoiceID, user, "release")
	if err != nil {
		return inv, err
	}
	now := w.now()
	to := store.StatePending
	if inv.LedgerTotal != inv.Total && inv.LedgerID != "" { // not in QBO yet (at_approval): nothing to compare
		to = store.StateFlagged
	}
	inv, err = w.store.Transition(ctx, invoiceID, []store.InvoiceState{store.StateHeld}, to, user, "released", func(i *store.Invoice) {
		i.HoldReason, i.ActedBy, i.ActedAt = "", user, now
	})
	if errors.Is(err, store.ErrConflict) {
		return w.store.Invoice(ctx, invoiceID)
	}
	if err != nil {
		return inv, err
	}
	return inv, w.refreshMessage(ctx, firm, inv)
}

// checkQBOCopy reads a draft back from QBO before it is approved: when
// QuickBooks holds other lines or another total than the partner was shown,
// nothing is approved and the refreshed message asks again.
func (w *Workflow) checkQBOCopy(ctx context.Context, firm *Firm, inv store.Invoice) (store.Invoice, *Remote, error) {
	if inv.LedgerID == "" || !w.ledgerReady(ctx) {
		return inv, nil, nil
	}
	remote, err := w.ledger.Invoice(ctx, inv.LedgerID)
	if err != nil {
		return inv, nil, fmt.Errorf("read invoice %s back from %s before approval: %w", inv.Key, w.ledgerShort(), err)
	}
	cur, changes, err := w.reconcileWithQBO(ctx, firm, inv, remote)
	if err != nil {
		return inv, nil, err
	}
	if len(changes) > 0 {
		return cur, nil, w.changedInQBO(cur)
	}
	return inv, &remote, nil
}

func (w *Workflow) changedInQBO(inv store.Invoice) error {
	return userErrorf("The %s invoice was changed in %s since it was shown here; nothing was sent. The message now shows the differences: review it and approve again.", inv.Client, w.LedgerName())
}
