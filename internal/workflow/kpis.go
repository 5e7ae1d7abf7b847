package workflow

import (
	"context"
	"fmt"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/store"
)

// leakageGraceDays is how long after a cycle closes its approved time may
// stay off a sent invoice before it counts as leaked.
const leakageGraceDays = 15

// KPIReport is the firm's billing figures over a period (docs/kpis.md).
type KPIReport struct {
	From, To    billing.Date
	ByPartner   []billing.RealizationRow
	ByClient    []billing.RealizationRow
	WriteDowns  []store.WriteDownReason
	Utilization []billing.UtilizationRow
	Leakage     billing.Leakage
	// LeakageThrough is the last day of time leakage counts (time whose
	// cycle closed less than leakageGraceDays ago is not judged yet); zero
	// when no day of the period qualifies.
	LeakageThrough billing.Date
	Collections    billing.Collections
	DSO            []billing.DSO // as of To
}

// KPIs computes the firm's billing figures from..to (inclusive). Every sum
// over time entries runs in the database; only invoices sent in the period
// (a few thousand a year) are read row by row.
func (w *Workflow) KPIs(ctx context.Context, from, to billing.Date) (KPIReport, error) {
	rep := KPIReport{From: from, To: to}
	if to.Before(from) {
		return rep, userErrorf("The period ends (%s) before it starts (%s).", to, from)
	}
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return rep, err
	}
	if rep.ByPartner, err = w.store.Realization(ctx, store.ByPartner, from, to); err != nil {
		return rep, err
	}
	if rep.ByClient, err = w.store.Realization(ctx, store.ByClient, from, to); err != nil {
		return rep, err
	}
	if rep.WriteDowns, err = w.store.WriteDownReasons(ctx, from, to); err != nil {
		return rep, err
	}
	hours, err := w.store.StaffHours(ctx, from, to)
	if err != nil {
		return rep, err
	}
	weekly := firm.File.CapacityHoursPerWeek
	if weekly == 0 {
		weekly = config.DefaultCapacityHoursPerWeek
	}
	capacity := billing.Capacity(weekly, from.DaysUntil(to)+1)
	for _, h := range hours {
		rep.Utilization = append(rep.Utilization, billing.UtilizationRow{Staff: h.Staff, Billable: h.Billable, Capacity: capacity})
	}
	through := billing.LeakageThrough(firm.Today(w.now()), leakageGraceDays)
	if through.After(to) {
		through = to
	}
	if !through.Before(from) {
		rep.LeakageThrough = through
		if rep.Leakage, err = w.store.Leakage(ctx, from, through); err != nil {
			return rep, err
		}
	}
	loc := firm.Location()
	sent, err := w.store.SentInvoices(ctx, from, to)
	if err != nil {
		return rep, err
	}
	facts := make([]billing.SentFacts, len(sent))
	for i, s := range sent {
		facts[i] = billing.SentFacts{
			Voided: s.State == store.StateVoided, PeriodEnd: s.PeriodEnd, InvoiceDate: s.InvoiceDate, DueDate: s.DueDate,
			SentAt: s.SentAt, PaidAt: s.PaidAt, PostedAt: s.PostedAt, ApprovedAt: s.ApprovedAt,
		}
	}
	rep.Collections = billing.CollectionsOf(facts, loc)
	aging, err := w.Aging(ctx, to, "", "")
	if err != nil {
		return rep, fmt.Errorf("DSO as of %s: %w", to, err)
	}
	rep.DSO = aging.DSO
	return rep, nil
}
