package workflow

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"billbot/internal/billing"
	"billbot/internal/view"
)

func pct(bp billing.BasisPoints, ok bool) string {
	if !ok {
		return "—"
	}
	return bp.String()
}

func lagText(d billing.Durations, unit string) string {
	med, ok := d.Median()
	if !ok {
		return "—"
	}
	p90, _ := d.P90()
	return fmt.Sprintf("median %d %s, p90 %d %s", med, unit, p90, unit)
}

// MonthTitle names a month for people: "October 2026".
func MonthTitle(from billing.Date) string {
	return time.Month(from.Month).String() + " " + fmt.Sprint(from.Year)
}

// StaffName is how a staff member's realization row is labelled: their
// name, or that the value was on lines without time.
func StaffName(key string) string {
	if key == billing.NoStaff {
		return "(lines without time)"
	}
	return key
}

func monthShort(first billing.Date) string {
	return time.Month(first.Month).String()[:3] + " " + fmt.Sprint(first.Year)
}

// KPISections writes rep for Slack. A reader limited to some clients (a
// manager who is not an approver) sees only those clients' realization:
// the firm-wide figures and the partners' and staff's rows are left out.
func KPISections(rep KPIReport, rd Reader) []view.KPISection {
	var real view.KPISection
	real.Title = "Realization (billed ÷ standard value)"
	if rd.All {
		for _, r := range rep.ByPartner {
			real.Lines = append(real.Lines, fmt.Sprintf("Partner <@%s>: %s (%s of %s)", r.Key, pct(r.Realization()), r.Billed.Display(r.Currency), r.Standard.Display(r.Currency)))
		}
	}
	for _, r := range rep.ByClient {
		if rd.All || slices.Contains(rd.Clients, r.Key) {
			real.Lines = append(real.Lines, fmt.Sprintf("%s: %s (%s of %s)", r.Key, pct(r.Realization()), r.Billed.Display(r.Currency), r.Standard.Display(r.Currency)))
		}
	}
	if !rd.All {
		return []view.KPISection{real}
	}
	for _, r := range rep.ByStaff {
		real.Lines = append(real.Lines, fmt.Sprintf("Staff %s: %s (%s of %s)", StaffName(r.Key), pct(r.Realization()), r.Billed.Display(r.Currency), r.Standard.Display(r.Currency)))
	}
	for _, w := range rep.WriteDowns {
		reason := w.Reason
		if reason == "" {
			reason = "no reason given"
		}
		real.Lines = append(real.Lines, fmt.Sprintf("Written down for “%s”: %s on %d line(s)", reason, w.Amount.Display(w.Currency), w.Lines))
	}
	util := view.KPISection{Title: "Utilization (billable ÷ capacity hours)"}
	for _, u := range rep.Utilization {
		util.Lines = append(util.Lines, fmt.Sprintf("%s: %s (%s of %s h)", u.Staff, pct(u.Utilization()), u.Billable, u.Capacity))
	}
	leak := view.KPISection{Title: "Leakage (approved time on no sent invoice)"}
	if !rep.LeakageThrough.IsZero() {
		leak.Lines = append(leak.Lines, fmt.Sprintf("%s: %s of %s h logged through %s", pct(rep.Leakage.Share()), rep.Leakage.Unbilled, rep.Leakage.Logged, rep.LeakageThrough))
	}
	c := rep.Collections
	coll := view.KPISection{Title: "Collections", Lines: []string{
		fmt.Sprintf("Invoices sent: %d · error rate %s (%d voided after sending)", c.Sent, pct(c.ErrorRate()), c.Corrected),
		fmt.Sprintf("Paid within terms: %s (%d of %d paid)", pct(c.PaidWithinTerms()), c.PaidInTerms, c.Paid),
		"Billing lag (cycle close → sent): " + lagText(c.BillingLag, "days"),
		"Approval latency (posted → approved): " + lagText(c.ApprovalDelay, "h"),
	}}
	for _, d := range rep.DSO {
		coll.Lines = append(coll.Lines, fmt.Sprintf("DSO %s: %d.%d days", d.Currency, d.Tenths/10, d.Tenths%10))
	}
	if n := len(rep.DSOTrend); n > 0 {
		span := monthShort(rep.DSOTrend[0].Month) + " → " + monthShort(rep.DSOTrend[n-1].Month)
		for _, r := range DSOTrendRows(rep.DSOTrend) {
			coll.Lines = append(coll.Lines, fmt.Sprintf("DSO trend %s, month ends %s: %s", r.Currency, span, strings.Join(r.Figures, " · ")))
		}
	}
	return []view.KPISection{real, util, leak, coll}
}

// FirmHealthOf is App Home's headline of rep: firm-wide realization and
// utilization (summed across rows of the home currency), leakage and
// collections.
func FirmHealthOf(rep KPIReport, home string) view.FirmHealth {
	h := view.FirmHealth{Period: MonthTitle(rep.From)}
	var std, billed int64
	for _, r := range rep.ByClient {
		if string(r.Currency) == home {
			std, billed = std+int64(r.Standard), billed+int64(r.Billed)
		}
	}
	if bp, ok := billing.Ratio(billed, std); ok {
		h.Lines = append(h.Lines, fmt.Sprintf("Realization %s (%s)", bp, home))
	}
	var billable, capacity int64
	for _, u := range rep.Utilization {
		billable, capacity = billable+int64(u.Billable), capacity+int64(u.Capacity)
	}
	if bp, ok := billing.Ratio(billable, capacity); ok {
		h.Lines = append(h.Lines, "Utilization "+bp.String())
	}
	if bp, ok := rep.Leakage.Share(); ok && !rep.LeakageThrough.IsZero() {
		h.Lines = append(h.Lines, "Leakage "+bp.String())
	}
	if c := rep.Collections; c.Sent > 0 {
		h.Lines = append(h.Lines, fmt.Sprintf("Paid within terms %s · error rate %s", pct(c.PaidWithinTerms()), pct(c.ErrorRate())))
		h.Lines = append(h.Lines, "Billing lag "+lagText(c.BillingLag, "days"))
	}
	return h
}

// MonthlyKPIs DMs the billing manager last month's figures, once per month
// across runs and replicas (an idempotency key per month), on the first run
// from the 15th on, when last month's leakage can be judged. It reports
// whether it sent the DM.
func (w *Workflow) MonthlyKPIs(ctx context.Context) (bool, error) {
	if w.notify == nil {
		return false, nil
	}
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return false, err
	}
	manager := firm.File.BillingManager
	today := firm.Today(w.now())
	if manager == "" || today.Day < leakageGraceDays {
		return false, nil
	}
	first := billing.Date{Year: today.Year, Month: today.Month, Day: 1}
	to := first.AddDays(-1)
	from := billing.Date{Year: to.Year, Month: to.Month, Day: 1}
	claimed, err := w.store.ClaimOnce(ctx, "kpis-dm:"+from.String()[:7], w.now())
	if err != nil || !claimed {
		return false, err
	}
	rep, err := w.KPIs(ctx, from, to)
	if err != nil {
		return false, err
	}
	if err := w.notify.KPIs(ctx, manager, "Billing figures · "+MonthTitle(from), KPISections(rep, Reader{All: true})); err != nil {
		return false, fmt.Errorf("monthly figures DM to %s: %w", manager, err)
	}
	return true, nil
}

// LastMonthHealth is App Home's Firm health block: last month's headline
// figures.
func (w *Workflow) LastMonthHealth(ctx context.Context) (view.FirmHealth, error) {
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return view.FirmHealth{}, err
	}
	today := firm.Today(w.now())
	to := billing.Date{Year: today.Year, Month: today.Month, Day: 1}.AddDays(-1)
	rep, err := w.KPIs(ctx, billing.Date{Year: to.Year, Month: to.Month, Day: 1}, to)
	if err != nil {
		return view.FirmHealth{}, err
	}
	return FirmHealthOf(rep, string(firm.Rules.HomeCurrency)), nil
}
