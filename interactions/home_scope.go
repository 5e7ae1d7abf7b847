package interactions

import (
	"context"
	"slices"

	"billbot/internal/billing"
	"billbot/internal/slackui"
	"billbot/internal/workflow"
	"billbot/store"
)

// scopeHome narrows the App Home of a manager who reads only their own
// clients (see workflow.Reader): the receivables headline of the
// engagements they manage, and the open exceptions of their clients.
func (e *Events) scopeHome(ctx context.Context, rd workflow.Reader, user string, h slackui.Home) (slackui.Home, error) {
	if rd.All {
		return h, nil
	}
	a, err := e.wf.Aging(ctx, h.AR.AsOf, "", user)
	if err != nil {
		return h, err
	}
	ar := slackui.AgingSummary{AsOf: h.AR.AsOf}
	for _, t := range a.Totals {
		ar.Outstanding = append(ar.Outstanding, slackui.CurrencyAmount{Currency: t.Currency, Amount: t.Total})
		if over := t.Total - t.Buckets[billing.Current]; over != 0 {
			ar.Overdue = append(ar.Overdue, slackui.CurrencyAmount{Currency: t.Currency, Amount: over})
		}
	}
	for _, inv := range a.Invoices {
		if inv.DaysPastDue > 0 {
			ar.OverdueCount++
		}
	}
	h.AR = ar
	exs, err := e.wf.OpenExceptions(ctx, "")
	if err != nil {
		return h, err
	}
	exs = slices.DeleteFunc(exs, func(ex store.Exception) bool { return !rd.Sees(ex.Client) })
	h.OpenExceptions = e.wf.GroupExceptions(exs)
	return h, nil
}
