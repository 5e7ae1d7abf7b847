package harvest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// UpsertStats is what storing one batch of entries changed.
type UpsertStats struct {
	Inserted, Updated, Unchanged int
	// ChangedAfterBilling lists billbot ids of entries that changed although
	// they are already on an invoice.
	ChangedAfterBilling []int64
}

// RemoveStats is what removing entries deleted at the source changed.
type RemoveStats struct {
	Removed int
	// Flagged lists billbot ids of vanished entries that are already on an
	// invoice: kept, and flagged for a person to look at.
	Flagged []int64
}

// Store is what the Syncer needs from billbot's database.
type Store interface {
	// UpsertEntries inserts or updates entries by (Source, ExternalID).
	UpsertEntries(ctx context.Context, entries []billing.TimeEntry, now time.Time) (UpsertStats, error)
	// RemoveMissing removes the entries of source spent within window whose
	// external ids are not in seen.
	RemoveMissing(ctx context.Context, source string, window billing.Period, seen []string, now time.Time) (RemoveStats, error)
	// Cursor returns the value stored under name, "" when none.
	Cursor(ctx context.Context, name string) (string, error)
	// SetCursor stores value under name.
	SetCursor(ctx context.Context, name, value string) error
}

// CursorName is the Store cursor holding the latest updated_at synced.
const CursorName = "harvest.time_entries.updated_at"

// CursorOverlap is subtracted from the stored cursor before it is used as
// updated_since: entries saved in the same second as the last one seen, or
// committed late by Harvest, are fetched again rather than missed. Upserts
// are idempotent, so the overlap costs only a few "unchanged" rows.
const CursorOverlap = 5 * time.Minute

// SyncerConfig holds a Syncer's optional settings.
type SyncerConfig struct {
	// CurrencyOf gives a Harvest client's billing currency; nil means USD
	// for every client.
	CurrencyOf func(clientID int64) money.Currency
	// Now is the clock; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Syncer copies Harvest time entries into a Store.
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
	// Since forces updated_since instead of the stored cursor; zero uses the
	// cursor, and no cursor means a full sync.
	Since time.Time
	// Window is the open billing window re-read to notice entries deleted in
	// Harvest (the updated_since feed cannot show deletions). Zero skips it.
	Window billing.Period
	// Progress, if set, is called after each stored page with the entries
	// done so far and Harvest's total_entries for the query.
	Progress func(done, total int)
	// PerPage overrides Harvest's page size of 2000 (tests use small pages).
	PerPage int
}

// SyncReport counts what one Run did.
type SyncReport struct {
	Fetched             int
	Inserted            int
	Updated             int
	Unchanged           int
	Removed             int
	Flagged             []int64 // vanished from Harvest but already invoiced
	ChangedAfterBilling []int64
	WindowSeen          int // entries seen while re-reading Window
	Requests            int64
	Retries             int64
	ThrottledWaits      int64
	UpdatedSince        time.Time // the updated_since used; zero for a full sync
	Cursor              string    // the cursor stored at the end
}

// Run performs one incremental sync: every entry updated since the cursor
// (minus CursorOverlap) is upserted page by page, then Window is re-read and
// entries missing from it are removed. Running it twice in a row changes
// nothing the second time.
func (s *Syncer) Run(ctx context.Context, opts SyncOptions) (SyncReport, error) {
	before := s.client.Stats()
	var rep SyncReport
	err := s.run(ctx, opts, &rep)
	after := s.client.Stats()
	rep.Requests = after.Requests - before.Requests
	rep.Retries = after.Retries - before.Retries
	rep.ThrottledWaits = after.ThrottledWaits - before.ThrottledWaits
	if err != nil {
		return rep, err
	}
	s.cfg.Logger.InfoContext(ctx, "harvest sync done",
		slog.Int("fetched", rep.Fetched), slog.Int("inserted", rep.Inserted), slog.Int("updated", rep.Updated),
		slog.Int("unchanged", rep.Unchanged), slog.Int("removed", rep.Removed), slog.Int64("requests", rep.Requests))
	return rep, nil
}

func (s *Syncer) run(ctx context.Context, opts SyncOptions, rep *SyncReport) error {
	since, latest, err := s.since(ctx, opts.Since)
	if err != nil {
		return err
	}
	rep.UpdatedSince = since
	rep.Cursor = formatCursor(latest)

	err = s.client.listTimeEntries(ctx, TimeEntryListOptions{UpdatedSince: since, PerPage: opts.PerPage}, func(p *TimeEntriesPage) error {
		batch := make([]billing.TimeEntry, 0, len(p.TimeEntries))
		for _, e := range p.TimeEntries {
			te, err := e.Billing(s.cfg.CurrencyOf(e.Client.ID))
			if err != nil {
				return err
			}
			batch = append(batch, te)
			if e.UpdatedAt.After(latest) {
				latest = e.UpdatedAt
			}
		}
		st, err := s.store.UpsertEntries(ctx, batch, s.cfg.Now())
		if err != nil {
			return fmt.Errorf("harvest sync: store %d entries: %w", len(batch), err)
		}
		rep.Fetched += len(batch)
		rep.Inserted += st.Inserted
		rep.Updated += st.Updated
		rep.Unchanged += st.Unchanged
		rep.ChangedAfterBilling = append(rep.ChangedAfterBilling, st.ChangedAfterBilling...)
		if opts.Progress != nil {
			opts.Progress(rep.Fetched, p.TotalEntries)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("harvest sync: %w", err)
	}
	// The cursor moves only once every page is stored. Harvest sorts time
	// entries by spent_date, not updated_at, so a later page can hold an
	// older update than one already seen: saving the running maximum after
	// each page could skip those after a crash. A crash instead means the
	// next run re-reads from the old cursor, which the upserts absorb.
	if c := formatCursor(latest); c != "" && c != rep.Cursor {
		if err := s.store.SetCursor(ctx, CursorName, c); err != nil {
			return fmt.Errorf("harvest sync: save cursor: %w", err)
		}
		rep.Cursor = c
	}

	if opts.Window.Start.IsZero() || opts.Window.End.IsZero() {
		return nil
	}
	var seen []string
	err = s.client.listTimeEntries(ctx, TimeEntryListOptions{From: opts.Window.Start, To: opts.Window.End, PerPage: opts.PerPage}, func(p *TimeEntriesPage) error {
		for _, e := range p.TimeEntries {
			seen = append(seen, strconv.FormatInt(e.ID, 10))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("harvest sync: re-read window %s: %w", opts.Window, err)
	}
	rep.WindowSeen = len(seen)
	rs, err := s.store.RemoveMissing(ctx, Source, opts.Window, seen, s.cfg.Now())
	if err != nil {
		return fmt.Errorf("harvest sync: remove entries deleted in Harvest: %w", err)
	}
	rep.Removed = rs.Removed
	rep.Flagged = rs.Flagged
	return nil
}

// since decides updated_since: the forced value, else the stored cursor
// minus the overlap, else zero (full sync). It also returns the cursor's own
// instant, the floor for the next one.
func (s *Syncer) since(ctx context.Context, forced time.Time) (since, cursor time.Time, err error) {
	raw, err := s.store.Cursor(ctx, CursorName)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("harvest sync: read cursor: %w", err)
	}
	if raw != "" {
		cursor, err = time.Parse(time.RFC3339Nano, raw)
		if err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("harvest sync: cursor %q: %w", raw, errors.Join(err, errBadCursor))
		}
	}
	switch {
	case !forced.IsZero():
		return forced, cursor, nil
	case !cursor.IsZero():
		return cursor.Add(-CursorOverlap), cursor, nil
	}
	return time.Time{}, cursor, nil
}

var errBadCursor = errors.New("stored harvest cursor is not an RFC 3339 time; clear it to resync")

func formatCursor(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
