package harvest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// Source is the billing.TimeEntry.Source of entries read from the API.
const Source = "harvest"

// IDName is a reference to another record: {"id": …, "name": …}.
type IDName struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// ClientRef is the client object embedded in time entries and projects.
type ClientRef struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Currency string `json:"currency,omitempty"`
}

// ProjectRef is the project object embedded in time entries and assignments.
type ProjectRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Code string `json:"code,omitempty"`
}

// ExternalReference links a time entry to another service (Trello, Asana…).
type ExternalReference struct {
	ID             string `json:"id"`
	GroupID        string `json:"group_id"`
	AccountID      string `json:"account_id"`
	Permalink      string `json:"permalink"`
	Service        string `json:"service"`
	ServiceIconURL string `json:"service_icon_url"`
}

// InvoiceRef is the Harvest invoice a time entry was billed on.
type InvoiceRef struct {
	ID     int64  `json:"id"`
	Number string `json:"number"`
}

// TimeEntry is a time entry as GET /v2/time_entries returns it
// (help.getharvest.com/api-v2/timesheets-api/timesheets/time-entries/).
// Decimals stay json.Number so that "1.35" hours and "187.50" rates are
// parsed exactly, never through float64. Null strings decode as "".
type TimeEntry struct {
	ID                int64              `json:"id"`
	SpentDate         billing.Date       `json:"spent_date"`
	User              IDName             `json:"user"`
	UserAssignment    *UserAssignment    `json:"user_assignment"`
	Client            ClientRef          `json:"client"`
	Project           ProjectRef         `json:"project"`
	Task              IDName             `json:"task"`
	TaskAssignment    *TaskAssignment    `json:"task_assignment"`
	ExternalReference *ExternalReference `json:"external_reference"`
	Invoice           *InvoiceRef        `json:"invoice"`
	Hours             json.Number        `json:"hours"`
	HoursWithoutTimer json.Number        `json:"hours_without_timer"`
	RoundedHours      json.Number        `json:"rounded_hours"`
	Notes             string             `json:"notes"`
	IsLocked          bool               `json:"is_locked"`
	LockedReason      string             `json:"locked_reason"`
	IsClosed          bool               `json:"is_closed"`
	ApprovalStatus    string             `json:"approval_status,omitempty"`
	IsBilled          bool               `json:"is_billed"`
	TimerStartedAt    *time.Time         `json:"timer_started_at"`
	StartedTime       string             `json:"started_time"`
	EndedTime         string             `json:"ended_time"`
	IsRunning         bool               `json:"is_running"`
	Billable          bool               `json:"billable"`
	Budgeted          bool               `json:"budgeted"`
	BillableRate      json.Number        `json:"billable_rate"`
	CostRate          json.Number        `json:"cost_rate"`
	CreatedAt         time.Time          `json:"created_at"`
	UpdatedAt         time.Time          `json:"updated_at"`
}

// Billing maps e into billbot's time entry, with the rate in minor units of
// cur (the client's currency). This is the only place Harvest's fields get
// their billing meaning (docs/vendors.md §3.2, from Harvest's time-entries page):
// rounded_hours is what Harvest itself bills, is_closed means "approved via
// Timesheet Approval", is_billed means invoiced elsewhere.
func (e TimeEntry) Billing(cur money.Currency) (billing.TimeEntry, error) {
	hoursText := e.RoundedHours
	if hoursText == "" {
		// Entries written before time rounding existed may omit it.
		hoursText = e.Hours
	}
	var hours money.Hours
	if hoursText != "" {
		h, err := money.ParseHours(hoursText.String())
		if err != nil {
			return billing.TimeEntry{}, fmt.Errorf("harvest: time entry %d: rounded_hours: %w", e.ID, err)
		}
		hours = h
	}
	var rate money.Amount
	if e.BillableRate != "" {
		// Rates are null on non-billable entries.
		r, err := money.Parse(e.BillableRate.String(), cur)
		if err != nil {
			return billing.TimeEntry{}, fmt.Errorf("harvest: time entry %d: billable_rate: %w", e.ID, err)
		}
		rate = r
	}
	// Harvest has no approval timestamp. An approved entry is locked, so its
	// updated_at is when it was approved (or last changed before that): the
	// best hint of the approval time, which decides late approvals. The
	// store keeps the first approval time it records.
	var approvedAt time.Time
	if e.IsClosed {
		approvedAt = e.UpdatedAt
	}
	return billing.TimeEntry{
		Source:          Source,
		ApprovedAt:      approvedAt,
		ExternalID:      strconv.FormatInt(e.ID, 10),
		ProjectID:       e.Project.ID,
		Project:         e.Project.Name,
		ClientID:        e.Client.ID,
		Client:          e.Client.Name,
		Task:            e.Task.Name,
		UserID:          e.User.ID,
		User:            e.User.Name,
		SpentDate:       e.SpentDate,
		Hours:           hours,
		Rate:            rate,
		Currency:        cur,
		Notes:           e.Notes,
		Billable:        e.Billable,
		Running:         e.IsRunning,
		Approved:        e.IsClosed,
		BilledElsewhere: e.IsBilled,
	}, nil
}

// TimeEntryListOptions filters GET /v2/time_entries. Zero fields are not
// sent.
type TimeEntryListOptions struct {
	UpdatedSince time.Time    // only entries updated at or after this instant
	From, To     billing.Date // spent_date range, inclusive
	IsRunning    *bool
	ProjectID    int64
	ClientID     int64
	PerPage      int // 1..2000; zero means 2000, Harvest's maximum
}

func (o TimeEntryListOptions) query() url.Values {
	q := url.Values{}
	if !o.UpdatedSince.IsZero() {
		// ISO 8601 datetime, as the filter's docs ask.
		q.Set("updated_since", o.UpdatedSince.UTC().Format(time.RFC3339))
	}
	if !o.From.IsZero() {
		q.Set("from", o.From.String())
	}
	if !o.To.IsZero() {
		q.Set("to", o.To.String())
	}
	if o.IsRunning != nil {
		q.Set("is_running", strconv.FormatBool(*o.IsRunning))
	}
	if o.ProjectID != 0 {
		q.Set("project_id", strconv.FormatInt(o.ProjectID, 10))
	}
	if o.ClientID != 0 {
		q.Set("client_id", strconv.FormatInt(o.ClientID, 10))
	}
	per := o.PerPage
	if per <= 0 || per > MaxPerPage {
		per = MaxPerPage
	}
	q.Set("per_page", strconv.Itoa(per))
	return q
}

// TimeEntriesPage is one page of GET /v2/time_entries.
type TimeEntriesPage struct {
	TimeEntries []TimeEntry `json:"time_entries"`
	Pagination
}

// ListTimeEntries streams the time entries matching opts to fn, one page at
// a time, following links.next until it is null. It stops at fn's first
// error and returns it. fn is called from another goroutine, never
// concurrently: the next page is fetched while fn handles the current one.
//
// Harvest docs: help.getharvest.com/api-v2/timesheets-api/timesheets/time-entries/#list-all-time-entries
func (c *Client) ListTimeEntries(ctx context.Context, opts TimeEntryListOptions, fn func(page []TimeEntry) error) error {
	return c.listTimeEntries(ctx, opts, func(p *TimeEntriesPage) error { return fn(p.TimeEntries) })
}

// listTimeEntries is ListTimeEntries with the pagination metadata, for the
// Syncer's progress reports.
func (c *Client) listTimeEntries(ctx context.Context, opts TimeEntryListOptions, fn func(*TimeEntriesPage) error) error {
	if err := walkAhead(ctx, c, "time_entries", opts.query(), fn); err != nil {
		return fmt.Errorf("harvest: list time entries: %w", err)
	}
	return nil
}
