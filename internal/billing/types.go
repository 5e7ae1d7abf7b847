// Package billing is billbot's pure domain: billing cycles, entry
// eligibility, validation into exceptions, invoice drafting, retainers and AR
// aging. Functions take plain structs and a clock value and return plain
// structs; nothing here does I/O, logs, or reads the time of day.
package billing

import (
	"time"

	"billbot/internal/money"
)

// Kind is an engagement's billing arrangement.
type Kind string

// Engagement kinds, as named in the firm configuration.
const (
	Hourly   Kind = "hourly"
	FixedFee Kind = "fixed_fee"
	Retainer Kind = "retainer"
	Mixed    Kind = "mixed"
)

// CycleKind is how often an engagement is invoiced.
type CycleKind string

// Cycle kinds, as named in the firm configuration.
const (
	Weekly      CycleKind = "weekly"
	Biweekly    CycleKind = "biweekly"
	Semimonthly CycleKind = "semimonthly"
	Monthly     CycleKind = "monthly"
)

// DefaultRateKey is the rate-card key that applies to any task without a
// rate of its own.
const DefaultRateKey = "*"

// Firm holds the firm-wide rules that billing needs.
type Firm struct {
	Name                string
	Location            *time.Location // the firm's time zone: cycles close at its midnight
	HomeCurrency        money.Currency
	DefaultItem         string // QBO item for tasks with no mapping; empty means none
	UnapprovedAlertDays int
	Approvers           []string // Slack user ids that may approve any invoice
	// GoLive is the firm's cut-over day: time spent before it is never
	// billed, held or flagged. Zero: no cut-over.
	GoLive Date
	Mode   Mode // the default of Client.Mode; empty means ModeLive
	// TimeSource names where the firm's time is kept, for the texts people
	// read ("Harvest", "Toggl Track", "QuickBooks Time"); empty: Harvest.
	// ProjectKey is the firm file's key of an engagement's project there
	// (harvest_project_id, source_project_id); empty: harvest_project_id.
	TimeSource string
	ProjectKey string
	// Ledger names the firm's books for the texts people read
	// ("QuickBooks", "Xero"; see LedgerNamed); empty: QuickBooks.
	Ledger string
	Staff  []Staff // the time source's people with their level, for level rates
}

// Client is a customer of the firm.
type Client struct {
	Name string
	// SourceClientID is the client's id in the firm's time source (Harvest
	// client, Toggl client, QuickBooks Time customer jobcode); zero: match
	// by name.
	SourceClientID   int64
	LedgerCustomerID string // empty until matched
	Currency         money.Currency
	Email            string
	Mode             Mode // empty means ModeLive
}

// RetainerTerms is a prepaid block of hours from an engagement letter.
type RetainerTerms struct {
	Hours  money.Hours
	Amount money.Amount
	// UsedHours are the hours of the first block already used before
	// billbot took over (at onboarding); they count toward the 80 % alert
	// and exhaustion like hours billbot drew itself.
	UsedHours money.Hours
}

// Engagement is one engagement letter: who is billed, how, at which rates,
// between which dates.
type Engagement struct {
	Key    string
	Client string // Client.Name
	// SourceProjectID is the project the engagement bills in the firm's time
	// source (Harvest or Toggl project, QuickBooks Time project jobcode).
	SourceProjectID int64
	Kind            Kind
	StartsOn        Date
	EndsOn          Date // zero: open-ended
	Partner         string
	Manager         string
	Cycle           CycleKind
	TermsDays       int
	// BillFrom is the engagement's own cut-over day: time spent before the
	// later of it and Firm.GoLive is never billed, held or flagged.
	BillFrom Date
	Rates    map[string]money.Amount // task name in the time source → rate; DefaultRateKey for the rest
	// PersonRates maps a user id in the time source (decimal text) or user name to a
	// rate; LevelRates maps a staff level (Staff.Level) to a rate. See
	// RateFor for the precedence.
	PersonRates     map[string]money.Amount
	LevelRates      map[string]money.Amount
	DiscountPercent money.Percent
	FixedFee        money.Amount // per cycle, for FixedFee and Mixed
	Retainer        *RetainerTerms
	TaskItems       map[string]string // task name → ledger item name
}

// TimeEntry is one time entry as billbot knows it, whatever its source.
type TimeEntry struct {
	ID         int64  // billbot's id
	Source     string // "harvest", "harvest-csv", "toggl", "quickbooks_time", …: with ExternalID, unique
	ExternalID string // the source's id
	// ProjectID is the project's id in the time source; zero when the source does not
	// carry one (a CSV export names projects but not their ids).
	ProjectID int64
	Project   string // project name in the time source
	ClientID  int64  // client id in the time source; zero when unknown
	Client    string // client name in the time source
	Task      string
	// UserID is the person's id in the time source; zero when the source does not carry
	// one (a CSV export names people but not their ids).
	UserID    int64
	User      string // the person's name in the time source
	SpentDate Date
	Hours     money.Hours  // billable hours (Harvest rounded_hours; Toggl and QuickBooks Time seconds, exact)
	Rate      money.Amount // the source's billable rate, minor units of Currency; zero: none (the letter's rate is billed)
	Currency  money.Currency
	Notes     string
	Billable  bool
	Running   bool
	Approved  bool // approved at the source (Harvest is_closed; see each time source's adapter)
	// ApprovedAt is when billbot first saw the entry approved; zero when not
	// approved. It decides late approvals.
	ApprovedAt time.Time
	// BilledElsewhere is Harvest's is_billed: invoiced outside billbot.
	BilledElsewhere bool
}
