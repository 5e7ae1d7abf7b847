package workflow

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/view"
	"billbot/store"
)

// NotifyDraftsReady DMs the billing manager what a draft run produced: how
// many drafts await review, their totals per currency, and the open
// exceptions that need them.
func (w *Workflow) NotifyDraftsReady(ctx context.Context, rep DraftReport) error {
	if w.notify == nil || len(rep.Invoices) == 0 {
		return nil
	}
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return err
	}
	if firm.File.BillingManager == "" {
		return nil
	}
	exs, err := w.OpenExceptions(ctx, "")
	if err != nil {
		return err
	}
	r := view.DraftsReady{ManagerID: firm.File.BillingManager, ChannelID: firm.File.BillingChannel, Count: len(rep.Invoices)}
	if len(rep.PeriodEnds) == 1 {
		r.PeriodEnd = rep.PeriodEnds[0]
	}
	r.Totals = InvoiceTotals(rep.Invoices)
	r.Exceptions = w.GroupExceptions(exs)
	return w.notify.DraftsReady(ctx, firm.File.BillingManager, r)
}

// InvoiceTotals sums invoices' totals per currency, in currency order:
// amounts of different currencies are never added.
func InvoiceTotals(invs []billing.Invoice) []view.CurrencyAmount {
	m := map[money.Currency]money.Amount{}
	for _, inv := range invs {
		m[inv.Currency] += inv.Total
	}
	return currencyAmounts(m)
}

func currencyAmounts(m map[money.Currency]money.Amount) []view.CurrencyAmount {
	out := make([]view.CurrencyAmount, 0, len(m))
	for cur, a := range m {
		out = append(out, view.CurrencyAmount{Currency: cur, Amount: a})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out
}

// exceptionTitle names an exception kind for people, in the words of the
// firm's ledger l.
func exceptionTitle(code billing.ExceptionCode, l billing.Ledger) string {
	switch code {
	case billing.ExOrphaned:
		return "Orphaned entries"
	case billing.ExOutsideDates:
		return "Time outside engagement dates"
	case billing.ExRateMismatch:
		return "Rate mismatches"
	case billing.ExNoRate:
		return "Tasks without a rate"
	case billing.ExUnapproved:
		return "Unapproved time"
	case billing.ExLateApproval:
		return "Late approvals"
	case billing.ExClientUnmapped:
		return "Clients not in " + l.Name
	case billing.ExItemUnmapped:
		return "Tasks without a " + l.Name + " item"
	case billing.ExCurrencyMismatch:
		return "Currency mismatches"
	case billing.ExFixedFeeTime:
		return "Fixed-fee time (not billed)"
	case billing.ExRetainerThreshold:
		return "Retainers at 80 %"
	case billing.ExRetainerExhausted:
		return "Retainers exhausted"
	case billing.ExChangedAfterBill:
		return "Changed after billing"
	case billing.ExTotalMismatch:
		return l.Name + " total mismatches"
	case billing.ExAmountRange:
		return "Amounts beyond the bound"
	}
	return string(code)
}

// GroupExceptions groups exceptions by kind for display, the largest kinds
// first, titled in the words of the firm's ledger.
func (w *Workflow) GroupExceptions(exs []store.Exception) []view.ExceptionGroup {
	l := w.ledgerTerms()
	byCode := map[billing.ExceptionCode]*view.ExceptionGroup{}
	for _, e := range exs {
		g := byCode[e.Code]
		if g == nil {
			g = &view.ExceptionGroup{Code: e.Code, Title: exceptionTitle(e.Code, l)}
			byCode[e.Code] = g
		}
		g.Count++
		g.Items = append(g.Items, view.ExceptionItem{
			ID: e.ID, Client: e.Client, Engagement: e.Engagement,
			Message: e.Message, Fix: e.Fix, EntryCount: len(e.EntryIDs),
		})
	}
	groups := make([]view.ExceptionGroup, 0, len(byCode))
	for _, g := range byCode {
		groups = append(groups, *g)
	}
	sort.Slice(groups, func(i, j int) bool {
		if groups[i].Count != groups[j].Count {
			return groups[i].Count > groups[j].Count
		}
		return groups[i].Code < groups[j].Code
	})
	return groups
}

// AlertRetainers DMs each retainer engagement's manager and partner once
// when its prepaid block crosses 80 % and once when it is exhausted; the
// store's once-only keys (per engagement, block count and level) keep a
// re-run silent.
func (w *Workflow) AlertRetainers(ctx context.Context) (int, error) {
	if w.notify == nil {
		return 0, nil
	}
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return 0, err
	}
	exs, err := w.store.Exceptions(ctx, store.ExceptionFilter{OpenOnly: true, Codes: []billing.ExceptionCode{billing.ExRetainerThreshold, billing.ExRetainerExhausted}})
	if err != nil {
		return 0, err
	}
	if len(exs) == 0 {
		return 0, nil
	}
	// The projection counts approved time not yet invoiced, as the
	// exception itself does.
	projected, err := w.assess(ctx, firm, nil, firm.Today(w.now()), billing.Date{})
	if err != nil {
		return 0, err
	}
	sent := 0
	var errs []error
	for _, ex := range exs {
		eng, ok := firm.Engagement(ex.Engagement)
		if !ok || eng.Retainer == nil {
			continue
		}
		usage, err := w.store.RetainerUsage(ctx, eng.Key)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if p, ok := projected.Retainers[eng.Key]; ok && p.UsedHours > usage.UsedHours {
			usage.UsedHours = p.UsedHours
		}
		exhausted := ex.Code == billing.ExRetainerExhausted
		key := fmt.Sprintf("retainer-alert:%s:%d:%t", eng.Key, usage.Blocks, exhausted)
		first, err := w.store.ClaimOnce(ctx, key, w.now())
		if err != nil || !first {
			if err != nil {
				errs = append(errs, err)
			}
			continue
		}
		alert := view.RetainerAlert{Client: eng.Client, Engagement: eng.Key, UsedHours: usage.UsedHours, BlockHours: usage.BlockHours, Exhausted: exhausted}
		if rep, err := w.replenishmentFor(ctx, eng.Key); err == nil {
			alert.Replenishment = rep
		}
		for _, u := range uniq(eng.Manager, eng.Partner) {
			if err := w.notify.RetainerAlert(ctx, u, alert); err != nil {
				errs = append(errs, fmt.Errorf("retainer alert to %s: %w", u, err))
			}
		}
		sent++
	}
	return sent, errors.Join(errs...)
}

// replenishmentFor finds the open replenishment invoice of an engagement.
func (w *Workflow) replenishmentFor(ctx context.Context, engagement string) (*view.Replenishment, error) {
	invs, err := w.store.Invoices(ctx, store.InvoiceFilter{States: []store.InvoiceState{store.StateDraft, store.StatePending, store.StateFlagged, store.StateHeld}})
	if err != nil {
		return nil, err
	}
	for _, inv := range invs {
		if !inv.Replenish {
			continue
		}
		for _, e := range inv.Engagements {
			if e == engagement {
				return &view.Replenishment{InvoiceID: inv.ID, DocNumber: inv.DocNumber, Currency: inv.Currency, Amount: inv.Total}, nil
			}
		}
	}
	return nil, store.ErrNotFound
}

func uniq(ss ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// ApprovalDigest DMs each firm approver the entries left unapproved longer
// than the firm's alert days, grouped by person and engagement.
func (w *Workflow) ApprovalDigest(ctx context.Context) (int, error) {
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return 0, err
	}
	entries, err := w.store.UnallocatedEntries(ctx)
	if err != nil {
		return 0, err
	}
	today := firm.Today(w.now())
	d := DigestOf(firm, entries, today)
	if w.notify == nil || len(d.People) == 0 {
		return 0, nil
	}
	sent := 0
	var errs []error
	for _, u := range firm.Rules.Approvers {
		if err := w.notify.ApprovalDigest(ctx, u, d); err != nil {
			errs = append(errs, err)
			continue
		}
		sent++
	}
	return sent, errors.Join(errs...)
}

// DigestOf groups the entries unapproved longer than the firm's alert days
// by person and engagement.
func DigestOf(firm *Firm, entries []billing.TimeEntry, today billing.Date) view.ApprovalDigest {
	d := view.ApprovalDigest{Days: firm.Rules.UnapprovedAlertDays, AsOf: today}
	engOf := map[int64]billing.Engagement{}
	for _, e := range firm.Engagements {
		engOf[e.SourceProjectID] = e
	}
	type key struct{ person, eng string }
	acc := map[key]*view.EngagementApprovals{}
	people := map[string][]key{}
	for _, e := range entries {
		if e.Approved || e.Running || !e.Billable || e.SpentDate.DaysUntil(today) <= firm.Rules.UnapprovedAlertDays {
			continue
		}
		eng := engOf[e.ProjectID]
		k := key{e.User, eng.Key}
		a := acc[k]
		if a == nil {
			a = &view.EngagementApprovals{Client: e.Client, Engagement: eng.Key, Oldest: e.SpentDate}
			acc[k] = a
			people[e.User] = append(people[e.User], k)
		}
		a.Hours += e.Hours
		a.Entries++
		if e.SpentDate.Before(a.Oldest) {
			a.Oldest = e.SpentDate
		}
	}
	names := make([]string, 0, len(people))
	for n := range people {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := view.PersonApprovals{Name: n}
		for _, k := range people[n] {
			p.Engagements = append(p.Engagements, *acc[k])
		}
		sort.Slice(p.Engagements, func(i, j int) bool { return p.Engagements[i].Engagement < p.Engagements[j].Engagement })
		d.People = append(d.People, p)
	}
	return d
}
