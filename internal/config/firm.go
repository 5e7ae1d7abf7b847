package config

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// Defaults of the firm configuration, applied by ParseFirm to absent keys.
const (
	DefaultTimezone            = "UTC"
	DefaultHomeCurrency        = money.Currency("USD")
	DefaultUnapprovedAlertDays = 7
	DefaultCycle               = billing.Monthly
	DefaultTermsDays           = 30
	DefaultSyncSchedule        = "*/15 * * * *"
	DefaultDraftSchedule       = "0 6 * * *"
	DefaultCollectionsSchedule = "0 9 * * *"
	DefaultApprovalsSchedule   = "0 9 * * 1"
)

// DefaultReminderDays and DefaultEscalationDays return the default chase
// days of billing.DefaultCollectionSchedule: an email reminder at day 25, a
// manager DM at day 35 after sending.
func DefaultReminderDays() []int { return billing.DefaultCollectionSchedule().ReminderDays }

// DefaultEscalationDays returns the default escalation days, [35].
func DefaultEscalationDays() []int { return billing.DefaultCollectionSchedule().EscalationDays }

// Firm is the parsed firm configuration: the YAML of CONTRACT.md as typed
// values, with defaults applied. Clients and engagements are billing's own
// types; Firm adds what billing does not hold (Slack routing, schedules,
// chase days).
type Firm struct {
	Name                string
	Timezone            string // IANA zone name; see Location
	HomeCurrency        money.Currency
	GoLive              billing.Date  // cut-over: time spent before it is never billed, held or flagged; zero: none
	Mode                billing.Mode  // live or shadow; the default of each client's mode
	TimeSource          TimeSource    // where time is captured; DefaultTimeSource when read from a file
	TogglApproval       TogglApproval // which Toggl time counts as approved (TimeSource toggl)
	Ledger              Ledger        // where invoices are kept; DefaultLedger when read from a file
	BillingChannel      string        // Slack channel id for drafts; empty → partner DMs
	BillingManager      string        // Slack user id told when drafts are ready
	Approvers           []string      // Slack user ids that may approve any invoice
	Viewers             []string      // Slack user ids that may read everything (no actions)
	DefaultItem         string        // QBO item for tasks with no mapping
	UnapprovedAlertDays int
	ApprovalNudgeDays   int         // DM the partner about a draft waiting this many days; 0: never
	HoldNudgeDays       int         // tell the billing manager of a hold this old; 0: never
	ZeroTotal           ZeroTotal   // what becomes of an approved 0.00 invoice
	LedgerWrite         LedgerWrite // when a draft is written to QBO: at_draft or at_approval
	// CapacityHoursPerWeek is each staff member's weekly capacity, the
	// denominator of utilization.
	CapacityHoursPerWeek money.Hours
	ReminderDays         []int // days after sending: email reminder via QBO if unpaid
	EscalationDays       []int // days after sending: DM the engagement manager if unpaid
	Schedules            Schedules
	Staff                []billing.Staff // Harvest users: level and Slack person
	Clients              []billing.Client
	Engagements          []billing.Engagement
}

// Schedules holds the cron specs (robfig/cron/v3 standard syntax) of the
// scheduled jobs, read in the firm's time zone.
type Schedules struct {
	Sync        string // pull Harvest time
	Draft       string // draft every engagement whose cycle closed
	Collections string // reminders and escalations
	Approvals   string // nudge about unapproved time
}

// Job names, the keys of the schedules block and of Schedules.ByJob.
const (
	JobSync        = "sync"
	JobDraft       = "draft"
	JobCollections = "collections"
	JobApprovals   = "approvals"
)

// ByJob maps each job name to its cron spec.
func (s Schedules) ByJob() map[string]string {
	return map[string]string{
		JobSync:        s.Sync,
		JobDraft:       s.Draft,
		JobCollections: s.Collections,
		JobApprovals:   s.Approvals,
	}
}

// ReadFirm reads and parses the firm configuration file at path; errors
// name the path as given.
func ReadFirm(path string) (*Firm, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read firm configuration: %w", err)
	}
	return ParseFirm(path, data)
}

// Location returns the firm's time zone. A Firm from ParseFirm always has a
// loadable zone; a hand-built Firm with an empty or unknown zone gets UTC.
func (f *Firm) Location() *time.Location {
	if f.Timezone != "" && f.Timezone != "Local" {
		if loc, err := time.LoadLocation(f.Timezone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// EffectiveLocation is the zone billbot runs cycles, schedules and dates in:
// BILLBOT_TIMEZONE when set, else the firm's timezone, else UTC. f may be nil
// when no firm configuration is loaded.
func EffectiveLocation(env Env, f *Firm) *time.Location {
	if loc := env.Location(); loc != nil {
		return loc
	}
	if f != nil {
		return f.Location()
	}
	return time.UTC
}

// Client returns the client of that exact name.
func (f *Firm) Client(name string) (billing.Client, bool) {
	for _, c := range f.Clients {
		if c.Name == name {
			return c, true
		}
	}
	return billing.Client{}, false
}

// Billing converts f to billing's types: the firm with its Location loaded,
// and copies of the clients and engagements (maps and retainer terms are
// copied too, so callers may modify them freely).
func (f *Firm) Billing() (billing.Firm, []billing.Client, []billing.Engagement) {
	bf := billing.Firm{
		Name:                f.Name,
		Location:            f.Location(),
		HomeCurrency:        f.HomeCurrency,
		DefaultItem:         f.DefaultItem,
		UnapprovedAlertDays: f.UnapprovedAlertDays,
		Approvers:           slices.Clone(f.Approvers),
		GoLive:              f.GoLive,
		Mode:                f.Mode,
		Staff:               slices.Clone(f.Staff),
		TimeSource:          f.TimeSource.Label(),
		ProjectKey:          f.TimeSource.ProjectKey(),
		Ledger:              f.Ledger.Label(),
	}
	clients := slices.Clone(f.Clients)
	engs := make([]billing.Engagement, len(f.Engagements))
	for i, e := range f.Engagements {
		e.Rates = maps.Clone(e.Rates)
		e.TaskItems = maps.Clone(e.TaskItems)
		e.PersonRates = maps.Clone(e.PersonRates)
		e.LevelRates = maps.Clone(e.LevelRates)
		if e.Retainer != nil {
			r := *e.Retainer
			e.Retainer = &r
		}
		engs[i] = e
	}
	return bf, clients, engs
}
