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
	Mode   Mode    // the default of Client.Mode; empty means ModeLive
	Staff  []Staff // Harvest users with their level, for level rates
}

// Client is a customer of the firm.
type Client struct {
	Name             string
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
	Key             string
	Client          string // Client.Name
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
	Rates    map[string]money.Amount // Harvest task name → rate; DefaultRateKey for the rest
	// PersonRates maps a Harvest user id (decimal text) or user name to a
	// rate; LevelRates maps a staff level (Staff.Level) to a rate. See
	// RateFor for the precedence.
	PersonRates     map[string]money.Amount
	LevelRates      map[string]money.Amount
	DiscountPercent money.Percent
	FixedFee        money.Amount // per cycle, for FixedFee and Mixed
	Retainer        *RetainerTerms
	TaskItems       map[string]string // Harvest task name → QBO item name
}

// TimeEntry is one time entry as billbot knows it, whatever its source.
type TimeEntry struct {
	ID         int64  // billbot's id
	Source     string // "harvest", "harvest-csv"
	ExternalID string // the source's id
	// ProjectID is the Harvest project id; zero when the source does not
	// carry one (a CSV export names projects but not their ids).
	ProjectID int64
	Project   string // Harvest project name
	ClientID  int64  // Harvest client id; zero when unknown
	Client    string // Harvest client name
	Task      string
	// UserID is the Harvest user id; zero when the source does not carry
	// one (a CSV export names people but not their ids).
	UserID    int64
	User      string // Harvest user name
	SpentDate Date
	Hours     money.Hours  // Harvest rounded_hours
	Rate      money.Amount // Harvest billable_rate, minor units of Currency
	Currency  money.Currency
	Notes     string
	Billable  bool
	Running   bool
	Approved  bool // Harvest is_closed: approved via timesheet approval
	// ApprovedAt is when billbot first saw the entry approved; zero when not
	// approved. It decides late approvals.
	ApprovedAt time.Time
	// BilledElsewhere is Harvest's is_billed: invoiced outside billbot.
	BilledElsewhere bool
}
