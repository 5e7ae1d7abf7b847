package qbtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/timesync"
)

// UpsertStats is what storing one batch of entries changed.
type UpsertStats = timesync.UpsertStats

// RemoveStats is what removing entries deleted at the source changed.
type RemoveStats = timesync.RemoveStats

// Store is what the Syncer needs from billbot's database.
type Store = timesync.Store

// Cursor names in the Store.
const (
	// CursorName holds the latest last_modified of a timesheet synced.
	CursorName = "quickbooks_time.timesheets.last_modified"
	// ApprovalCursorName holds each user's approved_to as last applied,
	// as a JSON object of user id to date.
	ApprovalCursorName = "quickbooks_time.users.approved_to"
)

// CursorOverlap is subtracted from the stored cursor before it is used as
// modified_since: timesheets saved in the same second as the last one
// seen, or committed late, are fetched again rather than missed. Upserts
// are idempotent, so the overlap costs only a few "unchanged" rows.
const CursorOverlap = 5 * time.Minute

// FullSyncStart is the start_date of a full sync: the timesheets endpoint
// needs a start_date, modified_since or ids (tsheetsteam.github.io/api_docs/
// "Retrieve Timesheets"), and no firm bills time older than this.
var FullSyncStart = billing.MustDate("2000-01-01")

// SyncerConfig holds a Syncer's optional settings.
type SyncerConfig struct {
	// CurrencyOf gives a customer jobcode's billing currency; nil means USD.
	CurrencyOf func(customerID int64) money.Currency
	// Now is the clock; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Syncer copies QuickBooks Time timesheets into a Store.
type Syncer struct {
	client *Client
	store  Store
	cfg    SyncerConfig
}

// NewSyncer returns a Syncer reading through client and writing to store.
func NewSyncer(client *Client, store Store, cfg SyncerConfig) *Syncer {
	if cfg.CurrencyOf == nil {
		cfg.CurrencyOf = func(int64) money.Currency { return "USD" }
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Syncer{client: client, store: store, cfg: cfg}
}

// SyncOptions steers one Run.
type SyncOptions struct {
	// Since forces modified_since instead of the stored cursor; zero uses
	// the cursor, and no cursor means a full sync.
	Since time.Time
	// Window is the open billing window re-read to notice deletions the
	// deleted-timesheets feed no longer holds. Zero skips it.
	Window billing.Period
	// Progress, if set, is called after each stored page with the entries
	// done so far; QuickBooks Time announces no total, so total is done
	// plus one page while "more" is true, and done at the end.
	Progress func(done, total int)
	// Limit overrides the page size of 200 (tests use small pages).
	Limit int
}

// SyncReport counts what one Run did. It is workflow's
// SourceReport: UpdatedSince is the modified_since used (zero for a
// full sync), Flagged the timesheets gone from QuickBooks Time but already
// invoiced, WindowSeen the timesheets seen while re-reading Window.
type SyncReport = timesync.Report

// Run performs one incremental sync:
//
//  1. every user, for approved_to;
//  2. every timesheet modified since the cursor (minus CursorOverlap), with
//     the jobcodes of its supplemental_data (and any ancestor missing from
//     it), upserted page by page;
//  3. the timesheets of each user whose approved_to moved since the last
//     run, between the old and the new date: approving time changes the
//     user, not the timesheets, so modified_since does not return them;
//  4. the timesheets deleted since the cursor: each day they were on is
//     re-read and the store's entries of that day missing from it removed;
//  5. Window re-read the same way, as harvest does.
//
// Running it twice in a row changes nothing the second time.
func (s *Syncer) Run(ctx context.Context, opts SyncOptions) (SyncReport, error) {
	return timesync.Run(ctx, s.cfg.Logger, "quickbooks time sync done", s.client.core.Counts, func(rep *SyncReport) error {
		return s.run(ctx, opts, rep)
	})
}

type syncRun struct {
	*Syncer
	opts  SyncOptions
	rep   *SyncReport
	users map[int64]User
	jobs  Jobcodes
	// moved are the users whose approved_to moved since the last run:
	// time of theirs approved now was approved between the two runs.
	moved map[int64]bool
}

func (s *Syncer) run(ctx context.Context, opts SyncOptions, rep *SyncReport) error {
	users, err := s.client.ListUsers(ctx)
	if err != nil {
		return fmt.Errorf("quickbooks time sync: %w", err)
	}
	r := &syncRun{Syncer: s, opts: opts, rep: rep, users: map[int64]User{}, jobs: Jobcodes{}}
	for _, u := range users {
		r.users[u.ID] = u
	}
	if r.moved, err = r.movedApprovals(ctx); err != nil {
		return err
	}
	since, latest, err := s.since(ctx, opts.Since)
	if err != nil {
		return err
	}
	rep.UpdatedSince = since
	rep.Cursor = timesync.FormatCursor(latest)

	q := TimesheetListOptions{ModifiedSince: since, Limit: opts.Limit}
	if since.IsZero() {
		q.StartDate = FullSyncStart
	}
	if err := r.pull(ctx, q, &latest); err != nil {
		return err
	}
	// The cursor moves only once every page is stored: the API documents
	// no order, so a later page can hold an older change than one already
	// seen. A crash means the next run re-reads from the old cursor, which
	// the upserts absorb.
	if c := timesync.FormatCursor(latest); c != "" && c != rep.Cursor {
		if err := s.store.SetCursor(ctx, CursorName, c); err != nil {
			return fmt.Errorf("quickbooks time sync: save cursor: %w", err)
		}
		rep.Cursor = c
	}
	if err := r.approvals(ctx, &latest); err != nil {
		return err
	}
	if !since.IsZero() {
		if err := r.deletions(ctx, since); err != nil {
			return err
		}
	}
	if opts.Window.Start.IsZero() || opts.Window.End.IsZero() {
		return nil
	}
	seen, err := r.ids(ctx, opts.Window)
	if err != nil {
		return fmt.Errorf("quickbooks time sync: re-read window %s: %w", opts.Window, err)
	}
	rep.WindowSeen = len(seen)
	return r.remove(ctx, opts.Window, seen)
}

// pull upserts every timesheet q selects, page by page.
func (r *syncRun) pull(ctx context.Context, q TimesheetListOptions, latest *time.Time) error {
	err := r.client.ListTimesheets(ctx, q, func(p TimesheetPage) error {
		for id, jc := range p.Supplemental.Jobcodes {
			r.jobs[id] = jc
		}
		for id, u := range p.Supplemental.Users {
			if _, ok := r.users[id]; !ok {
				r.users[id] = u
			}
		}
		if err := r.fillJobcodes(ctx, p.Timesheets); err != nil {
			return err
		}
		batch := make([]billing.TimeEntry, 0, len(p.Timesheets))
		for _, t := range p.Timesheets {
			customer, _, _, _ := r.jobs.Place(t.JobcodeID)
			te, err := t.Billing(r.jobs, r.users[t.UserID], r.cfg.CurrencyOf(customer.ID))
			if err != nil {
				return err
			}
			if te.Approved && !r.moved[t.UserID] {
				// Approved before this run saw it — before billbot's first
				// sync, or already at the last one: QuickBooks Time keeps
				// no approval time, and the timesheet's last change is the
				// latest it can have been approved without billbot seeing
				// it. Time approved since the last run keeps a zero
				// ApprovedAt: the store stamps now, which is when it was.
				te.ApprovedAt = t.LastModified
			}
			batch = append(batch, te)
			*latest = later(*latest, t.LastModified)
		}
		if len(batch) == 0 {
			return nil
		}
		st, err := r.store.UpsertEntries(ctx, batch, r.cfg.Now())
		if err != nil {
			return fmt.Errorf("store %d entries: %w", len(batch), err)
		}
		r.rep.Stored(len(batch), st)
		if r.opts.Progress != nil {
			total := r.rep.Fetched
			if p.More {
				total += len(batch)
			}
			r.opts.Progress(r.rep.Fetched, total)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("quickbooks time sync: %w", err)
	}
	return nil
}

// fillJobcodes fetches the jobcodes (and their ancestors) that the
// timesheets need and supplemental_data left out. The docs do not say
// whether supplemental_data holds a jobcode's parents; billbot asks for
// any it lacks.
func (r *syncRun) fillJobcodes(ctx context.Context, ts []Timesheet) error {
	for range 64 {
		var missing []int64
		for _, t := range ts {
			if _, _, _, m := r.jobs.Place(t.JobcodeID); m != 0 && !slices.Contains(missing, m) {
				missing = append(missing, m)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		got, err := r.client.ListJobcodes(ctx, JobcodeListOptions{IDs: missing})
		if err != nil {
			return err
		}
		if len(got) == 0 {
			return fmt.Errorf("jobcodes %v do not exist", missing)
		}
		for _, jc := range got {
			r.jobs[jc.ID] = jc
		}
	}
	return errors.New("jobcode tree deeper than 64 levels")
}

// movedApprovals lists the users whose approved_to differs from the one
// the approvals cursor holds; none on the first run.
func (r *syncRun) movedApprovals(ctx context.Context) (map[int64]bool, error) {
	raw, err := r.store.Cursor(ctx, ApprovalCursorName)
	if err != nil || raw == "" {
		return nil, err
	}
	old := map[string]string{}
	if err := json.Unmarshal([]byte(raw), &old); err != nil {
		return nil, fmt.Errorf("quickbooks time sync: approvals cursor: %w", err)
	}
	moved := map[int64]bool{}
	for id, u := range r.users {
		if was, ok := old[strconv.FormatInt(id, 10)]; ok && was != u.ApprovedThrough().String() {
			moved[id] = true
		}
	}
	return moved, nil
}

// approvals re-reads the timesheets of each user whose approved_to moved
// since the last run, over the dates between the two, and stores the new
// approved_to dates.
func (r *syncRun) approvals(ctx context.Context, latest *time.Time) error {
	raw, err := r.store.Cursor(ctx, ApprovalCursorName)
	if err != nil {
		return fmt.Errorf("quickbooks time sync: read approvals cursor: %w", err)
	}
	old := map[string]string{}
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &old); err != nil {
			return fmt.Errorf("quickbooks time sync: approvals cursor: %w", err)
		}
	}
	now := map[string]string{}
	for id, u := range r.users {
		now[strconv.FormatInt(id, 10)] = u.ApprovedThrough().String()
	}
	ids := make([]int64, 0, len(r.users))
	for id := range r.users {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		key := strconv.FormatInt(id, 10)
		was, known := old[key]
		if !known || was == now[key] {
			continue // a user new to billbot: their time was read with today's date
		}
		from, to := dateOr(was), dateOr(now[key])
		if to.Before(from) {
			from, to = to, from
		}
		start := FullSyncStart
		if !from.IsZero() {
			start = from.AddDays(1)
		}
		if to.IsZero() || to.Before(start) {
			continue
		}
		q := TimesheetListOptions{StartDate: start, EndDate: to, UserIDs: []int64{id}, Limit: r.opts.Limit}
		if err := r.pull(ctx, q, latest); err != nil {
			return err
		}
	}
	b, err := json.Marshal(now)
	if err != nil {
		return err
	}
	if string(b) != raw {
		if err := r.store.SetCursor(ctx, ApprovalCursorName, string(b)); err != nil {
			return fmt.Errorf("quickbooks time sync: save approvals cursor: %w", err)
		}
	}
	return nil
}

func dateOr(s string) billing.Date {
	d, err := billing.ParseDate(s)
	if err != nil {
		return billing.Date{}
	}
	return d
}

// deletions removes what the deleted-timesheets feed reports deleted since
// the cursor: each day a deleted timesheet was on (outside Window, which
// is re-read anyway) is re-read and reconciled, so that a timesheet moved
// to another jobcode or re-created is not lost.
func (r *syncRun) deletions(ctx context.Context, since time.Time) error {
	deleted, err := r.client.ListDeletedTimesheets(ctx, since)
	if err != nil {
		return fmt.Errorf("quickbooks time sync: %w", err)
	}
	var days []billing.Date
	for _, d := range deleted {
		day, err := billing.ParseDate(d.Date)
		if err != nil {
			return fmt.Errorf("quickbooks time sync: deleted timesheet %d: date: %w", d.ID, err)
		}
		w := r.opts.Window
		if !w.Start.IsZero() && !day.Before(w.Start) && !day.After(w.End) {
			continue
		}
		if !slices.Contains(days, day) {
			days = append(days, day)
		}
	}
	slices.SortFunc(days, billing.Date.Compare)
	for _, day := range days {
		p := billing.Period{Start: day, End: day}
		seen, err := r.ids(ctx, p)
		if err != nil {
			return fmt.Errorf("quickbooks time sync: re-read %s: %w", day, err)
		}
		if err := r.remove(ctx, p, seen); err != nil {
			return err
		}
	}
	return nil
}

// ids lists the ids of the timesheets dated within p.
func (r *syncRun) ids(ctx context.Context, p billing.Period) ([]string, error) {
	var seen []string
	err := r.client.ListTimesheets(ctx, TimesheetListOptions{StartDate: p.Start, EndDate: p.End, NoSupplemental: true, Limit: r.opts.Limit}, func(pg TimesheetPage) error {
		for _, t := range pg.Timesheets {
			seen = append(seen, strconv.FormatInt(t.ID, 10))
		}
		return nil
	})
	return seen, err
}

func (r *syncRun) remove(ctx context.Context, p billing.Period, seen []string) error {
	rs, err := r.store.RemoveMissing(ctx, Source, p, seen, r.cfg.Now())
	if err != nil {
		return fmt.Errorf("quickbooks time sync: remove entries deleted in QuickBooks Time: %w", err)
	}
	r.rep.Removed += rs.Removed
	r.rep.Flagged = append(r.rep.Flagged, rs.Flagged...)
	return nil
}

// since decides modified_since: the forced value, else the stored cursor
// minus the overlap, else zero (full sync). It also returns the cursor's
// own instant, the floor for the next one.
func (s *Syncer) since(ctx context.Context, forced time.Time) (since, cursor time.Time, err error) {
	c := timesync.Cursor{Name: CursorName, Overlap: CursorOverlap, What: "quickbooks time sync", ErrBad: errBadCursor}
	return c.Since(ctx, s.store, forced)
}

var errBadCursor = errors.New("stored QuickBooks Time cursor is not an RFC 3339 time; clear it to resync")
