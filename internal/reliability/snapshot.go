package reliability

import (
	"context"
	"sort"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
)

// Outcome is what a run produced, free of ids and timestamps that differ
// between equivalent runs, so two runs compare with cmp.Diff.
type Outcome struct {
	Invoices map[string]InvoiceOutcome // by invoice key
	Open     map[string]int            // open exceptions by code and client
}

// InvoiceOutcome is one invoice as it ended.
type InvoiceOutcome struct {
	Client       string
	State        store.InvoiceState
	Currency     money.Currency
	Total        money.Amount
	LedgerTotal  money.Amount
	Balance      money.Amount
	Sent         bool
	Supplemental bool
	Lines        []LineOutcome
}

// LineOutcome is one invoice line, its entries named by Harvest id.
type LineOutcome struct {
	Kind        billing.LineKind
	Description string
	Qty         money.Hours
	UnitPrice   money.Amount
	Amount      money.Amount
	Entries     []string
}

// Snapshot reads the outcome from the store.
func Snapshot(ctx context.Context, st *store.Store) (Outcome, error) {
	out := Outcome{Invoices: map[string]InvoiceOutcome{}, Open: map[string]int{}}
	invs, err := st.Invoices(ctx, store.InvoiceFilter{})
	if err != nil {
		return out, err
	}
	var ids []int64
	for _, inv := range invs {
		for _, l := range inv.Lines {
			ids = append(ids, l.EntryIDs...)
		}
	}
	entries, err := st.Entries(ctx, ids)
	if err != nil {
		return out, err
	}
	external := make(map[int64]string, len(entries))
	for _, e := range entries {
		external[e.ID] = e.ExternalID
	}
	for _, inv := range invs {
		io := InvoiceOutcome{
			Client: inv.Client, State: inv.State, Currency: inv.Currency, Total: inv.Total, LedgerTotal: inv.LedgerTotal,
			Balance: inv.Balance, Sent: !inv.SentAt.IsZero(), Supplemental: inv.Supplemental,
		}
		for _, l := range inv.Lines {
			lo := LineOutcome{Kind: l.Kind, Description: l.Description, Qty: l.Qty, UnitPrice: l.UnitPrice, Amount: l.Amount}
			for _, id := range l.EntryIDs {
				lo.Entries = append(lo.Entries, external[id])
			}
			sort.Strings(lo.Entries)
			io.Lines = append(io.Lines, lo)
		}
		out.Invoices[inv.Key] = io
	}
	exs, err := st.Exceptions(ctx, store.ExceptionFilter{OpenOnly: true})
	if err != nil {
		return out, err
	}
	for _, ex := range exs {
		out.Open[string(ex.Code)+" "+ex.Client]++
	}
	return out, nil
}
