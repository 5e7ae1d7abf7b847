package loadtest

import (
	"sort"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/slackui"
	"billbot/store"
)

// slowAging computes the aging report from whole invoices, as the
// workflow did before the report queries: the reference they must match.
func slowAging(t *testing.T, st *store.Store, client, manager string, asOf billing.Date) billing.Aging {
	t.Helper()
	invs, err := st.Invoices(t.Context(), store.InvoiceFilter{States: []store.InvoiceState{store.StateSent, store.StatePaid}, Client: client, Manager: manager})
	if err != nil {
		t.Fatal(err)
	}
	var (
		open  []billing.OpenInvoice
		sales []billing.Sale
	)
	for _, inv := range invs {
		manager := ""
		if len(inv.Managers) > 0 {
			manager = inv.Managers[0]
		}
		sales = append(sales, billing.Sale{Client: inv.Client, Manager: manager, Currency: inv.Currency, InvoiceDate: inv.InvoiceDate, Total: inv.Total})
		if inv.State == store.StateSent && inv.Balance > 0 {
			open = append(open, billing.OpenInvoice{
				ID: inv.ID, Key: inv.Key, DocNumber: inv.DocNumber, Client: inv.Client, Manager: manager, Currency: inv.Currency,
				InvoiceDate: inv.InvoiceDate, DueDate: inv.DueDate, Total: inv.Total, Balance: inv.Balance,
			})
		}
	}
	return billing.Age(open, sales, asOf)
}

// slowStatus computes /billing status from whole invoices, as the
// workflow did before StatusCounts.
func slowStatus(t *testing.T, st *store.Store, client string, today billing.Date) slackui.Status {
	t.Helper()
	invs, err := st.Invoices(t.Context(), store.InvoiceFilter{
		States: []store.InvoiceState{store.StatePending, store.StateFlagged, store.StateHeld, store.StateApproved, store.StateSent},
		Client: client,
	})
	if err != nil {
		t.Fatal(err)
	}
	s := slackui.Status{Client: client, AsOf: today}
	add := func(c *slackui.StatusCount, cur money.Currency, a money.Amount) {
		c.Count++
		for i := range c.Totals {
			if c.Totals[i].Currency == cur {
				c.Totals[i].Amount += a
				return
			}
		}
		c.Totals = append(c.Totals, slackui.CurrencyAmount{Currency: cur, Amount: a})
		sort.Slice(c.Totals, func(i, j int) bool { return c.Totals[i].Currency < c.Totals[j].Currency })
	}
	for _, inv := range invs {
		switch inv.State {
		case store.StatePending, store.StateFlagged:
			add(&s.Pending, inv.Currency, inv.Total)
		case store.StateHeld:
			add(&s.Held, inv.Currency, inv.Total)
		case store.StateApproved, store.StateSent:
			add(&s.Sent, inv.Currency, inv.Balance)
			if inv.Balance > 0 && inv.DueDate.Before(today) {
				add(&s.Overdue, inv.Currency, inv.Balance)
			}
		}
	}
	return s
}
