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
	"billbot/internal/timesync"
)

// UpsertStats is what storing one batch of entries changed.
type UpsertStats = timesync.UpsertStats

// RemoveStats is what removing entries deleted at the source changed.
type RemoveStats = timesync.RemoveStats

// Store is what the Syncer needs from billbot's database.
type Store = timesync.Store

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

// SyncReport counts what one Run did: UpdatedSince is the updated_since
// used (zero for a full sync), Flagged the entries gone from Harvest but
// already invoiced, WindowSeen the entries seen while re-reading Window.
type SyncReport = timesync.Report

// Run performs one incremental sync: every entry updated since the cursor
// (minus CursorOverlap) is upserted page by page, then Window is re-read and
// entries missing from it are removed. Running it twice in a row changes
// nothing the second time.
func (s *Syncer) Run(ctx context.Context, opts SyncOptions) (SyncReport, error) {
	return timesync.Run(ctx, s.cfg.Logger, "harvest sync done", s.client.core.Counts, func(rep *SyncReport) error {
		return s.run(ctx, opts, rep)
	})
}

func (s *Syncer) run(ctx context.Context, opts SyncOptions, rep *SyncReport) error {
	since, latest, err := s.since(ctx, opts.Since)
	if err != nil {
		return err
	}
	rep.UpdatedSince = since
	rep.Cursor = timesync.FormatCursor(latest)

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
		rep.Stored(len(batch), st)
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
	if c := timesync.FormatCursor(latest); c != "" && c != rep.Cursor {
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
	c := timesync.Cursor{Name: CursorName, Overlap: CursorOverlap, What: "harvest sync", ErrBad: errBadCursor}
	return c.Since(ctx, s.store, forced)
}

var errBadCursor = errors.New("stored harvest cursor is not an RFC 3339 time; clear it to resync")
