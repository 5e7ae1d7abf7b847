package reliability

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"billbot/bot"
	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
)

// draftEventType is the metadata event type of draft messages (see
// notify.PostFinder).
const draftEventType = "billbot_invoice"

// Check verifies the world's invariants and returns every violation:
//   - QuickBooks holds one invoice per requestid, and as many invoices as
//     billbot recorded;
//   - each invoice's draft message was posted once (one tagged message per
//     invoice key in its channel, the one billbot recorded), and the
//     billing channel holds nothing else;
//   - billbot's total equals QuickBooks' TotalAmt to the cent;
//   - conservation: every eligible entry billbot stores is on exactly one
//     line of a live invoice, held by one open exception, or waiting
//     unallocated for the next draft — and none spent on or before
//     closedThrough (when set) is still waiting.
func Check(ctx context.Context, w *World, closedThrough billing.Date) ([]string, error) {
	var bad []string
	invs, err := w.Store.Invoices(ctx, store.InvoiceFilter{})
	if err != nil {
		return nil, err
	}
	// QuickBooks: no duplicates.
	for rid, n := range w.QBO.InvoicesByRequestID() {
		if n != 1 {
			bad = append(bad, fmt.Sprintf("QBO requestid %s created %d invoices", rid, n))
		}
	}
	withQBO := 0
	for _, inv := range invs {
		if inv.LedgerID != "" {
			withQBO++
		}
	}
	if n := w.QBO.InvoiceCount(); n != withQBO {
		bad = append(bad, fmt.Sprintf("QBO holds %d invoices, billbot recorded %d", n, withQBO))
	}
	bad = append(bad, checkCents(w, invs)...)
	bad = append(bad, checkSlack(w, invs)...)
	more, err := checkConservation(ctx, w.Store, invs, closedThrough)
	return append(bad, more...), err
}

// checkCents compares each invoice with QuickBooks' own record.
func checkCents(w *World, invs []store.Invoice) []string {
	var bad []string
	for _, inv := range invs {
		if inv.LedgerID == "" || inv.State == store.StateVoided {
			continue
		}
		raw, ok := w.QBO.Invoice(inv.LedgerID)
		if !ok {
			bad = append(bad, fmt.Sprintf("%s: QBO invoice %s missing", inv.Key, inv.LedgerID))
			continue
		}
		var doc struct{ TotalAmt json.Number }
		if err := json.Unmarshal(raw, &doc); err != nil {
			bad = append(bad, fmt.Sprintf("%s: QBO invoice unreadable: %v", inv.Key, err))
			continue
		}
		total, err := money.Parse(doc.TotalAmt.String(), inv.Currency)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s: QBO TotalAmt %q: %v", inv.Key, doc.TotalAmt, err))
			continue
		}
		if total != inv.Total || inv.LedgerTotal != inv.Total {
			bad = append(bad, fmt.Sprintf("%s: billbot %s, QBO TotalAmt %s (recorded %s)", inv.Key, inv.Total.Format(inv.Currency), total.Format(inv.Currency), inv.LedgerTotal.Format(inv.Currency)))
		}
	}
	return bad
}

// checkSlack counts the tagged draft messages per invoice.
func checkSlack(w *World, invs []store.Invoice) []string {
	var bad []string
	field := bot.KeyField(draftEventType)
	byChannel := map[string]map[string][]string{} // channel → key → ts
	tagged := func(channel string) map[string][]string {
		if m, ok := byChannel[channel]; ok {
			return m
		}
		m := map[string][]string{}
		for _, msg := range w.Slack.Messages(channel) {
			var md struct {
				EventType    string         `json:"event_type"`
				EventPayload map[string]any `json:"event_payload"`
			}
			if len(msg.Metadata) == 0 || json.Unmarshal(msg.Metadata, &md) != nil || md.EventType != draftEventType {
				if channel == BillingChannel {
					bad = append(bad, fmt.Sprintf("untagged message %s in the billing channel: %.60q", msg.TS, msg.Text))
				}
				continue
			}
			key, _ := md.EventPayload[field].(string)
			m[key] = append(m[key], msg.TS)
		}
		byChannel[channel] = m
		return m
	}
	keys := map[string]bool{}
	for _, inv := range invs {
		keys[inv.Key] = true
		if inv.SlackTS == "" {
			if inv.State != store.StateDraft && inv.State != store.StateVoided {
				bad = append(bad, fmt.Sprintf("%s (%s) was never posted to Slack", inv.Key, inv.State))
			}
			continue
		}
		got := tagged(inv.SlackChannel)[inv.Key]
		if len(got) != 1 || got[0] != inv.SlackTS {
			bad = append(bad, fmt.Sprintf("%s: %d messages %v in %s, recorded %s", inv.Key, len(got), got, inv.SlackChannel, inv.SlackTS))
		}
	}
	for key := range tagged(BillingChannel) {
		if !keys[key] {
			bad = append(bad, fmt.Sprintf("message for unknown invoice %q in the billing channel", key))
		}
	}
	return bad
}

// checkConservation accounts for every eligible entry once: on one line of
// a live invoice, held by one open exception, or unallocated (waiting for
// the next draft) — and, when closedThrough is set, not waiting if it was
// spent on or before it.
func checkConservation(ctx context.Context, st *store.Store, invs []store.Invoice, closedThrough billing.Date) ([]string, error) {
	var bad []string
	onLine := map[int64]int{}
	for _, inv := range invs {
		if inv.State == store.StateVoided {
			continue
		}
		for _, l := range inv.Lines {
			for _, id := range l.EntryIDs {
				onLine[id]++
			}
		}
	}
	exs, err := st.Exceptions(ctx, store.ExceptionFilter{OpenOnly: true})
	if err != nil {
		return nil, err
	}
	held := map[int64]int{}
	for _, ex := range exs {
		if ex.Holds {
			for _, id := range ex.EntryIDs {
				held[id]++
			}
		}
	}
	pending, err := st.UnallocatedEntries(ctx)
	if err != nil {
		return nil, err
	}
	unallocated := map[int64]bool{}
	for _, e := range pending {
		unallocated[e.ID] = true
	}
	ids, err := entryIDs(ctx, st)
	if err != nil {
		return nil, err
	}
	all, err := st.Entries(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, e := range all {
		if !billing.Eligible(e) {
			continue
		}
		n := onLine[e.ID] + held[e.ID]
		switch {
		case n > 1 || (n == 1 && unallocated[e.ID]):
			bad = append(bad, fmt.Sprintf("entry %d is on %d lines and %d exceptions (unallocated: %v)", e.ID, onLine[e.ID], held[e.ID], unallocated[e.ID]))
		case n == 0 && !unallocated[e.ID]:
			bad = append(bad, fmt.Sprintf("approved entry %d of %s (%s) is allocated, but to no live invoice and no open exception", e.ID, e.SpentDate, e.Client))
		case n == 0 && !closedThrough.IsZero() && !e.SpentDate.After(closedThrough):
			bad = append(bad, fmt.Sprintf("approved entry %d of %s (%s) is on no invoice and no exception after its cycle was drafted", e.ID, e.SpentDate, e.Client))
		}
	}
	sort.Strings(bad)
	return bad, nil
}

// entryIDs lists every time entry billbot stores (read-only SQL: the store
// has no listing of all entries).
func entryIDs(ctx context.Context, st *store.Store) ([]int64, error) {
	rows, err := st.DB().QueryContext(ctx, "SELECT id FROM time_entries")
	if err != nil {
		return nil, fmt.Errorf("list time entries: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
