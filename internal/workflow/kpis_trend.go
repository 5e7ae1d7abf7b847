package workflow

import (
	"context"
	"slices"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
)

// TrendMonths is how many months the KPI reports' trends show.
const TrendMonths = 12

// history is what DSO on past days reads: the invoices that may have been
// open on a day from the first month's end through through, and the sales
// by month up to through (countback walks back as far as it must).
func (w *Workflow) history(ctx context.Context, firm *Firm, through billing.Date, months int) ([]billing.Receivable, []billing.Sale, error) {
	_, asOf := billing.TrendMonths(through, months)
	if len(asOf) == 0 {
		return nil, nil, nil
	}
	recv, err := w.store.Receivables(ctx, asOf[0], through, firm.Location())
	if err != nil {
		return nil, nil, err
	}
	sales, err := w.store.MonthlySales(ctx, store.ReportFilter{}, billing.Date{}, through)
	if err != nil {
		return nil, nil, err
	}
	return recv, sales, nil
}

// KPITrend returns the firm's headline figures for each of the months
// months long run ending with through's month, oldest first, in the home
// currency: DSO on each month's last day (through for the last month),
// realization of the invoices dated in the month, leakage of the time spent
// in it (judged as KPIs judges it) and the share of its invoices paid within
// terms. The history is read once for the whole run, by a handful of
// queries that sum in the database.
func (w *Workflow) KPITrend(ctx context.Context, through billing.Date, months int) (billing.KPITrend, error) {
	if months <= 0 || months > 120 {
		return billing.KPITrend{}, userErrorf("A trend covers 1 to 120 months, not %d.", months)
	}
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return billing.KPITrend{}, err
	}
	firsts, _ := billing.TrendMonths(through, months)
	from := firsts[0]
	in := billing.TrendInput{Currency: firm.Rules.HomeCurrency, Through: through, Months: months}
	if in.Receivables, in.Sales, err = w.history(ctx, firm, through, months); err != nil {
		return billing.KPITrend{}, err
	}
	if in.Realization, err = w.store.Realization(ctx, store.ByMonth, from, through); err != nil {
		return billing.KPITrend{}, err
	}
	leakThrough := billing.LeakageThrough(firm.Today(w.now()), leakageGraceDays)
	if leakThrough.After(through) {
		leakThrough = through
	}
	if !leakThrough.Before(from) {
		in.LeakageThrough = leakThrough
		if in.Leakage, err = w.store.MonthlyLeakage(ctx, from, leakThrough); err != nil {
			return billing.KPITrend{}, err
		}
	}
	sent, err := w.store.SentInvoices(ctx, from, through)
	if err != nil {
		return billing.KPITrend{}, err
	}
	in.Sent = sentFacts(sent)
	return billing.BuildTrend(in, firm.Location()), nil
}

// sentFacts is what the collections figures read of sent invoices.
func sentFacts(sent []store.SentInvoice) []billing.SentFacts {
	facts := make([]billing.SentFacts, len(sent))
	for i, s := range sent {
		facts[i] = billing.SentFacts{
			Voided: s.State == store.StateVoided, InvoiceDate: s.InvoiceDate, PeriodEnd: s.PeriodEnd, DueDate: s.DueDate,
			SentAt: s.SentAt, PaidAt: s.PaidAt, PostedAt: s.PostedAt, ApprovedAt: s.ApprovedAt,
		}
	}
	return facts
}

// DSOTrendRow is one currency's DSO trend as text: one figure per month
// ("45.2"; "—" before the first month anything was owed in it), oldest
// first.
type DSOTrendRow struct {
	Currency money.Currency
	Figures  []string
}

// DSOTrendRows writes points per currency, by currency. A month with
// nothing owed after one with receivables is 0.0 days.
func DSOTrendRows(points []billing.DSOPoint) []DSOTrendRow {
	var curs []money.Currency
	for _, p := range points {
		for _, d := range p.DSO {
			if !slices.Contains(curs, d.Currency) {
				curs = append(curs, d.Currency)
			}
		}
	}
	slices.Sort(curs)
	out := make([]DSOTrendRow, len(curs))
	for i, c := range curs {
		out[i].Currency = c
		started := false
		for _, p := range points {
			d, ok := billing.DSOIn(p.DSO, c)
			started = started || ok
			switch {
			case ok:
				out[i].Figures = append(out[i].Figures, billing.FormatTenths(d.Tenths))
			case started:
				out[i].Figures = append(out[i].Figures, "0.0")
			default:
				out[i].Figures = append(out[i].Figures, "—")
			}
		}
	}
	return out
}
