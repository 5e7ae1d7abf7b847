package billing

import (
	"fmt"
	"strconv"

	"billbot/internal/money"
)

// This file holds the text of every exception billbot raises: describe for
// the problems a draft or an assessment finds, and the constructors below
// for those found while talking to the ledger or the time source.

// describe writes a problem's Message, naming the entries and engagement,
// and its Fix, which a manager can act on.
func (x *engine) describe(a *probAcc) (msg, fix string) {
	k := a.key
	src := x.in.Firm.SourceName()
	e := x.engagement(k.eng)
	switch k.code {
	case ExOrphaned:
		if k.projectID != 0 {
			return fmt.Sprintf("%s on %s project %q (id %d) of client %q %s no engagement letter, %s.",
					a.count(), src, a.project, k.projectID, k.client, a.v("matches", "match"), a.span()),
				fmt.Sprintf("Add an engagement with %s %d to the firm configuration, or move the time in %s to a project that has one.", x.in.Firm.projectKey(), k.projectID, src)
		}
		if k.tag == "ambiguous" {
			return fmt.Sprintf("%s of client %q from a CSV import %s within several engagements' dates, %s; a CSV row carries no project id to choose by.",
					a.count(), k.client, a.v("falls", "fall"), a.span()),
				fmt.Sprintf("Sync these entries through the %s API (it carries project ids), or make the dates of %q's engagements not overlap.", src, k.client)
		}
		return fmt.Sprintf("%s of client %q %s no engagement covering their dates, %s.", a.count(), k.client, a.v("matches", "match"), a.span()),
			fmt.Sprintf("Add an engagement for %q covering those dates, or correct the client name in %s.", k.client, src)
	case ExOutsideDates:
		return fmt.Sprintf("%s of engagement %s %s spent outside its dates (%s), %s.", a.count(), k.eng, a.v("was", "were"), letterDates(e), a.span()),
			fmt.Sprintf("Extend starts_on/ends_on of %s, add a new engagement letter for that period, or move the time in %s.", k.eng, src)
	case ExClientUnmapped:
		l := x.in.Firm.ledger()
		why := "has no " + l.Name + " " + l.Customer
		if x.clients[k.client] == nil {
			why = "is not in the firm's client list"
		}
		return fmt.Sprintf("Client %q %s; engagements %s cannot be invoiced: %s held.", k.client, why, quoteList(a.engs), a.count()),
			fmt.Sprintf("Add %q to clients with its %s (or create the %s %s with that exact name), then run the draft again.", k.client, l.CustomerKey, l.Name, l.Customer)
	case ExCurrencyMismatch:
		cur := ""
		if c := x.clients[k.client]; c != nil {
			cur = string(c.Currency)
		}
		return fmt.Sprintf("%s of engagement %s %s in %s but client %q is billed in %s, %s.", a.count(), k.eng, a.v("is", "are"), a.currency, k.client, cur, a.span()),
			fmt.Sprintf("Correct the currency of the %s project or of client %q in the firm configuration.", src, k.client)
	case ExNoRate:
		// RateFor's order: person, staff level, task, "*".
		return fmt.Sprintf("Engagement %s has no rate for task %q: no person rate, staff level rate, task rate or %q default applies; %s held.", k.eng, k.task, DefaultRateKey, a.count()),
			fmt.Sprintf("Add a rate to %s: for the person (person_rates, by %s user id or name), for their staff level (level_rates), or for the task %q or %q (rates).", k.eng, src, k.task, DefaultRateKey)
	case ExRateMismatch:
		cur := x.curOf(k.client)
		return fmt.Sprintf("Engagement %s task %q: %s rate %s differs from the engagement letter's %s on %s; billed at %s.",
				k.eng, k.task, src, k.rate.Format(cur), a.letterRate.Format(cur), a.count(), a.letterRate.Format(cur)),
			fmt.Sprintf("Nothing to do if the letter is right (the invoice notes say the rate was adjusted); otherwise correct the task rate in %s or the rates of %s.", src, k.eng)
	case ExItemUnmapped:
		l := x.in.Firm.ledger()
		return fmt.Sprintf("Engagement %s %q has no %s item: %s; %s held.", k.eng, k.task, l.Name, a.detail, a.count()),
			fmt.Sprintf("Map %q to a %s item in task_items of %s, create the item in %s, or set the firm's default_item.", k.task, l.Name, k.eng, l.Name)
	case ExUnapproved:
		days := x.in.Firm.UnapprovedAlertDays
		if k.eng == "" {
			return fmt.Sprintf("%s of client %q (no engagement) %s waited more than %d days for approval, oldest %s.", a.count(), k.client, a.v("has", "have"), days, a.first),
				"Ask the project manager to approve these timesheets in " + src + ", and add an engagement for the client."
		}
		who := "the engagement manager"
		if e != nil && e.Manager != "" {
			who = "<@" + e.Manager + ">"
		}
		return fmt.Sprintf("%s of engagement %s %s waited more than %d days for approval, oldest %s.", a.count(), k.eng, a.v("has", "have"), days, a.first),
			fmt.Sprintf("Ask %s to approve these timesheets in %s; approved time is billed with its cycle.", who, src)
	case ExLateApproval:
		return fmt.Sprintf("%s of engagement %s %s approved after the cycle closed, %s; %s the next cycle's invoice.", a.count(), k.eng, a.v("was", "were"), a.span(), a.v("it will join", "they will join")),
			"Nothing to do to bill them with the next cycle; a partner can ask for a supplemental invoice to bill them now."
	case ExFixedFeeTime:
		fee := ""
		if e != nil {
			fee = " of " + e.FixedFee.Format(x.curOf(k.client)) + " per cycle"
		}
		return fmt.Sprintf("%s on fixed-fee engagement %s %s covered by its fixed fee%s, not billed by the hour.", a.count(), k.eng, a.v("is", "are"), fee),
			"None needed: the time stays on record for utilisation. Review the fee with the partner if the time keeps exceeding it."
	case ExRetainerExhausted:
		return fmt.Sprintf("Retainer %s: %s %s not fit the prepaid block (%s), %s.", k.eng, a.count(), a.v("does", "do"), a.detail, a.span()),
			fmt.Sprintf("Ask the partner for a new engagement letter or a replenishment block for %s; the held time bills once prepaid hours are available.", k.eng)
	case ExAmountRange:
		return fmt.Sprintf("Engagement %s: %s would bill more than %s on one line or one invoice (%d minor units), %s.", k.eng, a.count(), money.MaxAmount.Format(x.in.Firm.HomeCurrency), money.MaxAmount, a.span()),
			"Correct the hours or the rate in " + src + " (or the engagement letter's rate); the time is held until the amount is sane."
	case ExRetainerThreshold:
		next := "the next block"
		if e != nil && e.Retainer != nil {
			next = "block " + strconv.Itoa(x.usage(e).Blocks+1)
		}
		return fmt.Sprintf("Retainer %s has used %s.", k.eng, a.detail),
			fmt.Sprintf("Approve the replenishment invoice for %s (drafted with the cycle), or agree a new engagement letter with the client.", next)
	}
	return fmt.Sprintf("%s: %s.", k.code, a.count()), "Review the entries."
}

// engagement returns the engagement with key k, or nil.
func (x *engine) engagement(k string) *Engagement {
	if k == "" {
		return nil
	}
	if x.byKey == nil {
		x.byKey = make(map[string]*Engagement, len(x.in.Engagements))
		for i := range x.in.Engagements {
			x.byKey[x.in.Engagements[i].Key] = &x.in.Engagements[i]
		}
	}
	return x.byKey[k]
}

// curOf returns the client's currency, else the firm's.
func (x *engine) curOf(client string) money.Currency {
	if c := x.clients[client]; c != nil && c.Currency != "" {
		return c.Currency
	}
	return x.in.Firm.HomeCurrency
}

func letterDates(e *Engagement) string {
	if e == nil {
		return "unknown"
	}
	start, end := e.StartsOn.String(), e.EndsOn.String()
	if start == "" {
		start = "open"
	}
	if end == "" {
		end = "open"
	}
	return start + " to " + end
}

// TotalMismatchNote says that the ledger's total of an invoice differs
// from billbot's.
func TotalMismatchNote(l Ledger, cur money.Currency, ledgerTotal, total money.Amount) string {
	return fmt.Sprintf("%s total %s differs from billbot's %s", l.Short, ledgerTotal.Display(cur), total.Display(cur))
}

// TotalMismatch is the exception of a draft whose total in the ledger
// differs from billbot's (note: TotalMismatchNote).
func TotalMismatch(l Ledger, key, client, note string) Problem {
	return Problem{
		Code:    ExTotalMismatch,
		Message: fmt.Sprintf("Invoice %s for %s: %s.", key, client, note),
		Client:  client,
		Fix:     fmt.Sprintf("Open the invoice with Edit and save it again, or correct it in %s; it is not posted for approval until the totals agree.", l.Short),
	}
}

// CustomerUnmatched is the exception of a client whose customer (contact)
// in the ledger cannot be told apart from others (why: the matcher's
// error).
func CustomerUnmatched(l Ledger, client string, why error) Problem {
	return Problem{
		Code: ExClientUnmapped, Client: client,
		Message: fmt.Sprintf("Client %q: %v.", client, why),
		Fix:     fmt.Sprintf("Create the %s in %s with this exact display name, or set %s for the client in the firm configuration.", l.Customer, l.Name, l.CustomerKey),
	}
}

// CustomerCurrency is the exception of a client whose customer (contact)
// in the ledger is in another currency (why: the check's error).
func CustomerCurrency(l Ledger, client string, why error) Problem {
	return Problem{
		Code: ExCurrencyMismatch, Client: client,
		Message: fmt.Sprintf("Client %q: %v.", client, why),
		Fix:     l.CurrencyFix,
	}
}

// ChangedAfterBilling is the exception of time entries changed or deleted
// in the firm's time source (source, as Firm.SourceName) after billbot
// billed them.
func ChangedAfterBilling(l Ledger, source string, entryIDs []int64) Problem {
	return Problem{
		Code:     ExChangedAfterBill,
		Message:  fmt.Sprintf("%d time entries were changed or deleted in %s after billbot billed them.", len(entryIDs), source),
		EntryIDs: entryIDs,
		Fix:      fmt.Sprintf("Compare the entries with their invoice; correct the invoice in %s (or issue a credit) if the change stands, then resolve.", l.Short),
	}
}

// SourceName is the firm's time source as people know it; Harvest when
// unset.
func (f Firm) SourceName() string { return SourceLabel(f.TimeSource) }

// projectKey is the firm file's key of an engagement's project.
func (f Firm) projectKey() string {
	if f.ProjectKey == "" {
		return "harvest_project_id"
	}
	return f.ProjectKey
}
