// Package view holds the plain view models of what billbot shows people —
// draft invoices, the App Home tab, replies and the direct messages its jobs
// send. The workflows compute them; internal/slackui renders them to Slack
// Block Kit and internal/notify sends them. The package knows nothing of
// Slack: a view model is data, not layout.
package view

import (
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// Status is the answer to /billing status: where this cycle's invoices are.
type Status struct {
	Client  string // empty for all clients
	AsOf    billing.Date
	Pending StatusCount // drafts awaiting approval
	Held    StatusCount
	Sent    StatusCount // sent and unpaid
	Overdue StatusCount // sent, unpaid and past due
}

// StatusCount is how many invoices are in one state and their totals per
// currency.
type StatusCount struct {
	Count  int
	Totals []CurrencyAmount
}

// DisputedInvoice is one invoice under an open dispute, for lists.
type DisputedInvoice struct {
	InvoiceID int64
	Number    string
	Client    string
	Currency  money.Currency
	Balance   money.Amount
	Reason    string
	OpenedBy  string
	OpenedAt  time.Time
}

// DraftsReady tells the billing manager that a run's drafts await review.
type DraftsReady struct {
	ManagerID  string // Slack user id of the billing manager
	PeriodEnd  billing.Date
	ChannelID  string // where the drafts were posted; empty: partners' DMs
	Count      int
	Totals     []CurrencyAmount
	Exceptions []ExceptionGroup // open exceptions needing the manager
}

// RetainerAlert tells an engagement's manager that a prepaid block is 80 %
// used or used up.
type RetainerAlert struct {
	Client     string
	Engagement string
	UsedHours  money.Hours
	BlockHours money.Hours
	Exhausted  bool
	// Replenishment is the drafted invoice for the next block; nil when
	// none was drafted.
	Replenishment *Replenishment
}

// Replenishment is a drafted invoice for the next retainer block.
type Replenishment struct {
	InvoiceID int64
	DocNumber string
	Currency  money.Currency
	Amount    money.Amount
}

// Escalation tells an engagement manager that an invoice is long unpaid.
type Escalation struct {
	InvoiceID       int64
	Client          string
	DocNumber       string
	ManagerID       string // Slack user id
	Currency        money.Currency
	AmountDue       money.Amount // this invoice's balance
	DueDate         billing.Date
	DaysOutstanding int // days since the invoice was sent
	// ClientOutstanding is the client's balance across all its open
	// invoices in Currency, this one included.
	ClientOutstanding  money.Amount
	ClientOpenInvoices int
	QBOURL             string
	Ledger             string // the ledger's name ("Xero"); "" is QuickBooks
}

// ApprovalDigest lists time entries left unapproved longer than the firm's
// alert days, by person and engagement.
type ApprovalDigest struct {
	Days   int // the firm's unapproved_alert_days
	AsOf   billing.Date
	People []PersonApprovals
}

// PersonApprovals is one person's unapproved time.
type PersonApprovals struct {
	Name        string // as in Harvest
	SlackID     string // empty when the person has no Slack account matched
	Engagements []EngagementApprovals
}

// EngagementApprovals is one person's unapproved time on one engagement.
type EngagementApprovals struct {
	Client     string
	Engagement string
	Hours      money.Hours
	Entries    int
	Oldest     billing.Date // the oldest entry's spent date
}

// Draft is a draft invoice as its Slack message shows it.
type Draft struct {
	InvoiceID       int64 // billbot's id: the value of every button
	Key             string
	Client          string
	Engagements     []string
	Period          billing.Period
	DocNumber       string // QBO invoice number; empty until QBO assigns one
	Currency        money.Currency
	Total           money.Amount
	Subtotal        money.Amount
	Discount        money.Amount // negative or zero
	Credit          money.Amount // retainer credits: negative or zero
	DiscountPercent money.Percent
	Hours           money.Hours
	InvoiceDate     billing.Date
	DueDate         billing.Date
	Memo            string
	Lines           []Line
	Notes           []string
	QBOURL          string
	Ledger          string // the ledger's name ("Xero"); "" is QuickBooks
	State           string // the invoice's state ("pending", "sent", …; slackui's State constants)
	ActedBy         string // Slack user id of whoever acted last
	ActedAt         time.Time
	HoldReason      string
	FlagReason      string // why the draft is flagged, e.g. "QBO total differs"
	SentTo          string // the email address QBO sent the invoice to
	Supplemental    bool
	Replenish       bool
	// Version fingerprints the lines and total shown; the Approve button
	// carries it ("<id>:<version>") so that a click on an out-of-date
	// rendering sends nothing. Empty: the button carries the id alone.
	Version string
	// Changes lists what changed in QuickBooks since the partner last saw
	// the draft, one "old → new" line each.
	Changes []string
}

// Line is one invoice line.
type Line struct {
	Kind        billing.LineKind // empty means hourly
	Description string
	Qty         money.Hours
	UnitPrice   money.Amount
	Amount      money.Amount
	Late        bool
}

// ExceptionGroup is every open exception of one kind.
type ExceptionGroup struct {
	Code  billing.ExceptionCode
	Title string // e.g. "Late approvals"
	Count int    // all open exceptions of the kind; Items may hold fewer
	Items []ExceptionItem
}

// ExceptionItem is one open exception.
type ExceptionItem struct {
	ID         int64 // billbot's exception id: the value of its buttons
	Client     string
	Engagement string
	Message    string
	Fix        string
	EntryCount int
}

// Home is what the App Home tab shows one user.
type Home struct {
	UserID         string
	AwaitingMe     []DraftSummary // drafts this user may approve
	AR             AgingSummary
	OpenExceptions []ExceptionGroup
	// Disputed are the invoices under an open dispute the user may read
	// (collections paused), times in DisputedIn.
	Disputed   []DisputedInvoice
	DisputedIn *time.Location
	// QBO is shown to firm approvers only: a fresh one-time link that
	// connects (or reconnects) the firm's QuickBooks company.
	QBO *QBOConnect
	// Health is last month's firm figures, for those who read the whole
	// firm; nil hides the block.
	Health *FirmHealth
}

// QBOConnect is App Home's QuickBooks section.
type QBOConnect struct {
	LinkURL     string // one-time connect link, valid a few minutes
	Minutes     int    // how long the link lasts
	RealmID     string // the connected company; "" when none
	CompanyName string
	// Ledger is "Xero" for a Xero organisation (RealmID its tenant id);
	// "" is QuickBooks.
	Ledger string
}

// DraftSummary is one draft invoice in a list.
type DraftSummary struct {
	InvoiceID int64
	Client    string
	DocNumber string
	Period    billing.Period
	Currency  money.Currency
	Total     money.Amount
	DueDate   billing.Date
	QBOURL    string
	Ledger    string // the ledger's name ("Xero"); "" is QuickBooks
}

// AgingSummary is the headline of accounts receivable.
type AgingSummary struct {
	AsOf         billing.Date
	Outstanding  []CurrencyAmount
	Overdue      []CurrencyAmount
	OverdueCount int
}

// KPISection is one titled group of figures, each line already written
// for people ("Realization · Acme Corp: 91.28% (USD 17,800.00 of …)").
type KPISection struct {
	Title string
	Lines []string
}

// FirmHealth is App Home's "Firm health" block: last month's headline
// figures, shown to those who read the whole firm.
type FirmHealth struct {
	Period string   // "October 2026"
	Lines  []string // "Realization 93.52%", …
}

// ShadowClient is a client whose invoices differ from the firm's own, for
// the report posted each shadow cycle.
type ShadowClient struct {
	Client      string
	Currency    money.Currency
	Billbot     money.Amount // billbot's total
	Ledger      money.Amount // the total the firm invoiced
	Differs     int          // lines paired but different
	OnlyBillbot int
	OnlyLedger  int
}

// CurrencyAmount is an amount in one currency: a per-currency total.
type CurrencyAmount struct {
	Currency money.Currency
	Amount   money.Amount
}
