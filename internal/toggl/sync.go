package toggl

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/timesync"
)

// Source is the billing.TimeEntry.Source of entries read from Toggl Track's
// API. ExternalID is Toggl's time entry id: (Source, ExternalID) never
// collides with Harvest's ("harvest", id) in the same store.
const Source = "toggl"

// Approval modes: what makes a Toggl entry approved for billing.
const (
	// ApprovalTimesheets: an entry is approved when it lies in an approved
	// timesheet of its member (Toggl's timesheet approvals, a paid
	// feature).
	ApprovalTimesheets = "approvals"
	// ApprovalAll: every stopped entry counts as approved (the firm
	// reviews time elsewhere, or not at all).
	ApprovalAll = "all"
	// ApprovalLockedPeriods: an entry started on or before the workspace's
	// lock date counts as approved.
	ApprovalLockedPeriods = "locked_periods"
)

// UpsertStats is what storing one batch of entries changed.
type UpsertStats = timesync.UpsertStats

// RemoveStats is what removing entries deleted at the source changed.
type RemoveStats = timesync.RemoveStats

// Store is what the Syncer needs from billbot's database.
type Store = timesync.Store

// CursorName is the Store cursor holding when the last sync read Toggl.
const CursorName = "toggl.time_entries.synced_at"

// DefaultLookback is how far before the cursor a sync re-reads. The
// detailed search filters on the day an entry started and has no
// "modified since" filter (engineering.toggl.com/docs/reports/detailed_reports),
// so an edit is seen only when the entry's day is read again: every run
// re-reads the days since the cursor minus the lookback, and the open
// billing window.
const DefaultLookback = 35 * 24 * time.Hour

// maxRange is the longest date range billbot asks of one search. The
// reference states no limit; a year per search keeps each one bounded.
const maxRange = 366 * 24 * time.Hour

// SyncerConfig holds a Syncer's settings.
type SyncerConfig struct {
	// Approval is one of the Approval constants; empty means
	// ApprovalTimesheets.
	Approval string
	// CurrencyOf gives a Toggl client's currency when a search row names
	// none; nil means USD.
	CurrencyOf func(clientID int64) money.Currency
	// Lookback overrides DefaultLookback.
	Lookback time.Duration
	// FullFrom is the first day a sync without a cursor reads; zero means
	// one year before now.
	FullFrom time.Time
	Now      func() time.Time
	Logger   *slog.Logger
}

// Syncer copies a Toggl workspace's time entries into a Store.
type Syncer struct {
	client *Client
	store  Store
	cfg    SyncerConfig
}

// NewSyncer returns a Syncer reading through client and writing to store.
func NewSyncer(client *Client, store Store, cfg SyncerConfig) (*Syncer, error) {
	switch cfg.Approval {
	case "":
		cfg.Approval = ApprovalTimesheets
	case ApprovalTimesheets, ApprovalAll, ApprovalLockedPeriods:
	default:
		return nil, fmt.Errorf("toggl: approval %q: want %q, %q or %q", cfg.Approval, ApprovalTimesheets, ApprovalAll, ApprovalLockedPeriods)
	}
	if cfg.CurrencyOf == nil {
		cfg.CurrencyOf = func(int64) money.Currency { return "USD" }
	}
	if cfg.Lookback <= 0 {
		cfg.Lookback = DefaultLookback
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Syncer{client: client, store: store, cfg: cfg}, nil
}

// SyncOptions steers one Run.
type SyncOptions struct {
	// Since forces the first day read; zero uses the cursor minus the
	// lookback, and no cursor means FullFrom.
	Since time.Time
	// Window is the open billing window: always read, and entries of it
	// Toggl no longer lists are removed (or flagged when invoiced).
	Window billing.Period
	// Progress is called after each stored page with the entries done so
	// far; the total is 0, as the detailed search announces none.
	Progress func(done, total int)
	// PageSize overrides DefaultPageSize.
	PageSize int
}

// SyncReport counts what one Run did. It is workflow.SourceReport;
// UpdatedSince is the first day read.
type SyncReport = timesync.Report

// Run reads the workspace's entries of the days from the cursor (minus the
// lookback) or the window, whichever is earlier, through today, upserts
// them page by page, and removes the window's entries Toggl no longer
// lists. Running it twice in a row changes nothing the second time.
func (s *Syncer) Run(ctx context.Context, opts SyncOptions) (SyncReport, error) {
	return timesync.Run(ctx, s.cfg.Logger, "toggl sync done", s.client.core.Counts, func(rep *SyncReport) error {
		return s.run(ctx, opts, rep)
	})
}

func (s *Syncer) run(ctx context.Context, opts SyncOptions, rep *SyncReport) error {
	started := s.cfg.Now()
	from, err := s.from(ctx, opts.Since, started)
	if err != nil {
		return err
	}
	hasWindow := !opts.Window.Start.IsZero() && !opts.Window.End.IsZero()
	if hasWindow {
		if ws := opts.Window.Start.Time(time.UTC); ws.Before(from) {
			from = ws
		}
	}
	rep.UpdatedSince = from
	to := started.UTC().AddDate(0, 0, 1) // a member east of UTC is already tomorrow
	if hasWindow {
		if we := opts.Window.End.Time(time.UTC); we.After(to) {
			to = we
		}
	}
	cat, err := s.readCatalog(ctx, from, to)
	if err != nil {
		return err
	}
	var seen []string
	for lo := from; !lo.After(to); lo = lo.Add(maxRange) {
		hi := lo.Add(maxRange - 24*time.Hour)
		if hi.After(to) {
			hi = to
		}
		err := s.client.SearchTimeEntries(ctx, lo, hi, opts.PageSize, func(rows []SearchRow) error {
			var batch []billing.TimeEntry
			for _, r := range rows {
				for _, it := range r.TimeEntries {
					e := cat.entry(r, it, s.cfg)
					batch = append(batch, e)
					if hasWindow && opts.Window.Contains(e.SpentDate) {
						seen = append(seen, e.ExternalID)
					}
				}
			}
			st, err := s.store.UpsertEntries(ctx, batch, s.cfg.Now())
			if err != nil {
				return fmt.Errorf("toggl sync: store %d entries: %w", len(batch), err)
			}
			rep.Stored(len(batch), st)
			if opts.Progress != nil {
				opts.Progress(rep.Fetched, 0)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("toggl sync: %w", err)
		}
	}
	// The cursor moves only once every page is stored: a crash means the
	// next run reads the same days again, which the upserts absorb.
	rep.Cursor = started.UTC().Format(time.RFC3339Nano)
	if err := s.store.SetCursor(ctx, CursorName, rep.Cursor); err != nil {
		return fmt.Errorf("toggl sync: save cursor: %w", err)
	}
	if !hasWindow {
		return nil
	}
	rep.WindowSeen = len(seen)
	rs, err := s.store.RemoveMissing(ctx, Source, opts.Window, seen, s.cfg.Now())
	if err != nil {
		return fmt.Errorf("toggl sync: remove entries deleted in Toggl: %w", err)
	}
	rep.Removed, rep.Flagged = rs.Removed, rs.Flagged
	return nil
}

var errBadCursor = errors.New("stored toggl cursor is not an RFC 3339 time; clear it to resync")

// from decides the first day read.
func (s *Syncer) from(ctx context.Context, forced, now time.Time) (time.Time, error) {
	day := func(t time.Time) time.Time { return billing.DateOf(t.UTC()).Time(time.UTC) }
	if !forced.IsZero() {
		return day(forced), nil
	}
	raw, err := s.store.Cursor(ctx, CursorName)
	if err != nil {
		return time.Time{}, fmt.Errorf("toggl sync: read cursor: %w", err)
	}
	if raw != "" {
		c, err := time.Parse(time.RFC3339Nano, raw)
		if err != nil {
			return time.Time{}, fmt.Errorf("toggl sync: cursor %q: %w", raw, errors.Join(err, errBadCursor))
		}
		return day(c.Add(-s.cfg.Lookback)), nil
	}
	if !s.cfg.FullFrom.IsZero() {
		return day(s.cfg.FullFrom), nil
	}
	return day(now.AddDate(-1, 0, 0)), nil
}

// catalog is what the mapping needs besides a search row: names, the
// project → client link, and what approves an entry.
type catalog struct {
	clients  map[int64]string
	projects map[int64]Project
	tasks    map[int64]string
	users    map[int64]string
	approved []Timesheet // approved timesheets (ApprovalTimesheets)
	lockedTo billing.Date
}

func (s *Syncer) readCatalog(ctx context.Context, from, to time.Time) (*catalog, error) {
	cat := &catalog{clients: map[int64]string{}, projects: map[int64]Project{}, tasks: map[int64]string{}, users: map[int64]string{}}
	cs, err := s.client.ListClients(ctx)
	if err != nil {
		return nil, fmt.Errorf("toggl sync: %w", err)
	}
	for _, c := range cs {
		cat.clients[c.ID] = c.Name
	}
	ps, err := s.client.ListProjects(ctx)
	if err != nil {
		return nil, fmt.Errorf("toggl sync: %w", err)
	}
	for _, p := range ps {
		cat.projects[p.ID] = p
	}
	ts, err := s.client.ListTasks(ctx)
	if err != nil {
		return nil, fmt.Errorf("toggl sync: %w", err)
	}
	for _, t := range ts {
		cat.tasks[t.ID] = t.Name
	}
	us, err := s.client.ListWorkspaceUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("toggl sync: %w", err)
	}
	for _, u := range us {
		cat.users[u.UserID] = u.Name
	}
	switch s.cfg.Approval {
	case ApprovalTimesheets:
		sheets, err := s.client.ListTimesheets(ctx, from, to)
		if err != nil {
			return nil, fmt.Errorf("toggl sync: timesheet approvals (set approval to %q or %q for a workspace without them): %w", ApprovalAll, ApprovalLockedPeriods, err)
		}
		for _, t := range sheets {
			if t.Status == TimesheetApproved {
				cat.approved = append(cat.approved, t)
			}
		}
	case ApprovalLockedPeriods:
		p, err := s.client.GetPreferences(ctx)
		if err != nil {
			return nil, fmt.Errorf("toggl sync: %w", err)
		}
		if p.ReportLockedAt != "" {
			t, err := time.Parse(time.RFC3339, p.ReportLockedAt)
			if err != nil {
				if t, err = time.Parse(time.DateOnly, p.ReportLockedAt); err != nil {
					return nil, fmt.Errorf("toggl sync: lock date %q: %w", p.ReportLockedAt, err)
				}
			}
			cat.lockedTo = billing.DateOf(t)
		}
	}
	return cat, nil
}

// Hours converts Toggl's seconds to billbot hours (1/10000 h), rounding
// half up: one second is 2.77… ten-thousandths, so the result is exact to
// 0.36 s.
func Hours(seconds int64) money.Hours {
	if seconds <= 0 {
		return 0
	}
	return money.Hours((seconds*10000 + 1800) / 3600)
}

// RateOf converts a rate in cents of cur into cur's minor units (a JPY
// rate of 150000 cents is 1500 yen).
func RateOf(cents int64, cur money.Currency) money.Amount {
	per := cur.MinorPerMajor()
	if per == 100 {
		return money.Amount(cents)
	}
	return money.Amount((cents*per + 50) / 100)
}

// entry maps one search item into billbot's terms.
func (c *catalog) entry(r SearchRow, it SearchItem, cfg SyncerConfig) billing.TimeEntry {
	e := billing.TimeEntry{
		Source:     Source,
		ExternalID: FormatID(it.ID),
		UserID:     r.UserID,
		User:       r.Username,
		SpentDate:  billing.DateOf(it.Start),
		Notes:      r.Description,
		Billable:   r.Billable,
		Running:    it.Stop == nil || it.Seconds < 0,
	}
	if n, ok := c.users[r.UserID]; ok && n != "" {
		e.User = n
	}
	if r.ProjectID != nil {
		e.ProjectID = *r.ProjectID
		if p, ok := c.projects[e.ProjectID]; ok {
			e.Project = p.Name
			if p.ClientID != nil {
				e.ClientID = *p.ClientID
				e.Client = c.clients[e.ClientID]
			}
		}
	}
	if r.TaskID != nil {
		e.Task = c.tasks[*r.TaskID]
	}
	if !e.Running {
		e.Hours = Hours(it.Seconds)
	}
	e.Currency = money.Currency(r.Currency)
	if e.Currency == "" {
		e.Currency = cfg.CurrencyOf(e.ClientID)
	}
	if r.HourlyRateInCents != nil {
		e.Rate = RateOf(*r.HourlyRateInCents, e.Currency)
	}
	if e.Running {
		return e
	}
	switch cfg.Approval {
	case ApprovalAll:
		e.Approved = true
		e.ApprovedAt = *it.Stop
	case ApprovalLockedPeriods:
		e.Approved = !c.lockedTo.IsZero() && !e.SpentDate.After(c.lockedTo)
	default:
		for _, t := range c.approved {
			if t.MemberID == r.UserID && t.StartDate <= e.SpentDate.String() && e.SpentDate.String() <= t.EndDate {
				e.Approved = true
				if t.ApprovedOrRejectedAt != nil {
					e.ApprovedAt = *t.ApprovedOrRejectedAt
				}
				break
			}
		}
	}
	return e
}

// FormatID is the ExternalID billbot gives Toggl's time entry id.
func FormatID(id int64) string { return strconv.FormatInt(id, 10) }
