package billing

import "billbot/internal/money"

// LineKind says what an invoice line bills.
type LineKind string

// Line kinds.
const (
	LineHourly LineKind = "hourly" // time at a rate: Qty hours × UnitPrice
	LineFixed  LineKind = "fixed"  // a fixed fee for the cycle: Qty 1
	// LineDiscount is a discount; its Amount is negative.
	LineDiscount LineKind = "discount"
	// LineRetainerCredit draws time already billed on the invoice from the
	// client's prepaid block; its Amount is negative.
	LineRetainerCredit LineKind = "retainer_credit"
	// LineRetainerBlock bills the next prepaid block of a retainer.
	LineRetainerBlock LineKind = "retainer_block"
)

// Line is one invoice line. For every kind, Amount == money.LineAmount(Qty,
// UnitPrice), as QBO requires.
type Line struct {
	Kind        LineKind
	Engagement  string // Engagement.Key
	Task        string // Harvest task name, for hourly lines
	Item        string // QBO item name; empty when unmapped (an exception says so)
	Description string
	ServiceDate Date
	Qty         money.Hours
	UnitPrice   money.Amount
	Amount      money.Amount
	EntryIDs    []int64 // the time entries billed on this line, ascending
	Late        bool    // carries entries approved after their own cycle closed
}

// Invoice is a draft invoice for one client: billbot's proposal before QBO
// and the partner see it.
type Invoice struct {
	// Key identifies the draft deterministically: the same client and cycle
	// always give the same key, so re-running a draft finds what it made.
	Key          string
	Client       string
	Currency     money.Currency
	Period       Period
	InvoiceDate  Date
	DueDate      Date
	Engagements  []string // keys, ascending
	Partners     []string // who may approve, besides the firm's approvers
	Managers     []string
	Lines        []Line
	Subtotal     money.Amount // hourly + fixed + retainer block lines
	Discount     money.Amount // negative or zero
	Credit       money.Amount // retainer credits: negative or zero
	Total        money.Amount // Subtotal + Discount + Credit
	Hours        money.Hours  // hours on hourly lines
	Supplemental bool         // bills late approvals outside the regular cycle
	Replenish    bool         // bills the next retainer block
	Notes        []string     // for the approver: rate adjustments, late entries, credits
}

// ExceptionCode names a kind of billing exception.
type ExceptionCode string

// Exception codes. Every code has a suggested fix in Fix.
const (
	ExOrphaned          ExceptionCode = "orphaned_entry"     // no engagement for the project
	ExOutsideDates      ExceptionCode = "outside_engagement" // spent outside the engagement's dates
	ExRateMismatch      ExceptionCode = "rate_mismatch"      // Harvest rate differs from the letter
	ExNoRate            ExceptionCode = "no_rate"            // letter has no rate for the task and no "*"
	ExUnapproved        ExceptionCode = "unapproved"         // unapproved longer than the alert days
	ExLateApproval      ExceptionCode = "late_approval"      // approved after its cycle closed
	ExClientUnmapped    ExceptionCode = "client_unmapped"    // no QBO customer for the client
	ExItemUnmapped      ExceptionCode = "item_unmapped"      // no QBO item for the task, no default
	ExCurrencyMismatch  ExceptionCode = "currency_mismatch"  // entry or customer currency ≠ client's
	ExFixedFeeTime      ExceptionCode = "fixed_fee_time"     // time on a fixed-fee engagement: not billed
	ExRetainerThreshold ExceptionCode = "retainer_80"        // 80 % of a prepaid block used
	ExRetainerExhausted ExceptionCode = "retainer_exhausted" // block used up: entries held
	ExChangedAfterBill  ExceptionCode = "changed_after_billing"
	ExTotalMismatch     ExceptionCode = "total_mismatch"      // QBO's TotalAmt differs from billbot's
	ExAmountRange       ExceptionCode = "amount_out_of_range" // a line or invoice beyond money.MaxAmount
)

// Problem is a billing exception as a value: what is wrong, with which
// records, and how to fix it.
type Problem struct {
	Code       ExceptionCode
	Message    string
	Engagement string  // key, when known
	Client     string  // name, when known
	EntryIDs   []int64 // entries held by this problem, ascending
	Fix        string
	// Holds reports whether the problem keeps its entries off every invoice
	// until resolved. Informational problems (retainer at 80 %, fixed-fee time
	// kept for utilisation) hold nothing billable.
	Holds bool
}

// RetainerUsage is how much of an engagement's prepaid hours are used.
type RetainerUsage struct {
	Engagement string
	// BlockHours is every prepaid hour on file: the engagement letter's
	// block plus each replenishment block approved since.
	BlockHours money.Hours
	// UsedHours is the hours already billed against the blocks.
	UsedHours money.Hours
	// Blocks is the number of blocks on file.
	Blocks int
}
