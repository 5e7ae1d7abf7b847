// Package timesync holds what the time trackers' syncers (Harvest, Toggl
// Track, QuickBooks Time) share: the store they write to, the report of
// one run with the client's requests counted in, and the stored cursor of
// an incremental read. Each vendor's syncer decides what it reads; this
// package keeps the books.
package timesync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"billbot/internal/billing"
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

// Store is what a syncer needs from billbot's database.
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

// Report counts what one run of a syncer did; the use cases know it as
// workflow.SourceReport.
type Report struct {
	Fetched             int
	Inserted            int
	Updated             int
	Unchanged           int
	Removed             int
	Flagged             []int64 // vanished from the source but already invoiced
	ChangedAfterBilling []int64
	WindowSeen          int // entries seen while re-reading the window
	Requests            int64
	Retries             int64
	ThrottledWaits      int64
	UpdatedSince        time.Time // where the incremental read began; zero for a full sync
	Cursor              string    // the cursor stored at the end
}

// Stored adds a stored batch of n entries to the report.
func (r *Report) Stored(n int, st UpsertStats) {
	r.Fetched += n
	r.Inserted += st.Inserted
	r.Updated += st.Updated
	r.Unchanged += st.Unchanged
	r.ChangedAfterBilling = append(r.ChangedAfterBilling, st.ChangedAfterBilling...)
}

// Run runs one sync, run, and counts into its report the requests,
// retries and throttled waits its client made meanwhile (counts reads the
// client's totals). A run that succeeds is logged as done under msg.
func Run(ctx context.Context, logger *slog.Logger, msg string, counts func() (requests, retries, throttled int64), run func(*Report) error) (Report, error) {
	r0, re0, th0 := counts()
	var rep Report
	err := run(&rep)
	r1, re1, th1 := counts()
	rep.Requests = r1 - r0
	rep.Retries = re1 - re0
	rep.ThrottledWaits = th1 - th0
	if err != nil {
		return rep, err
	}
	logger.InfoContext(ctx, msg,
		slog.Int("fetched", rep.Fetched), slog.Int("inserted", rep.Inserted), slog.Int("updated", rep.Updated),
		slog.Int("unchanged", rep.Unchanged), slog.Int("removed", rep.Removed), slog.Int64("requests", rep.Requests))
	return rep, nil
}

// Cursor is a stored cursor of an incremental read: the latest change
// time a sync stored, under Name in the Store.
type Cursor struct {
	Name string
	// Overlap is subtracted from the stored time before it is used: changes
	// saved in the same second as the last one seen, or committed late,
	// are read again rather than missed.
	Overlap time.Duration
	// What starts the errors' texts ("harvest sync").
	What string
	// ErrBad is joined to the error of a stored value that is not an RFC
	// 3339 time.
	ErrBad error
}

// Since decides where a sync reads from: forced when set, else the stored
// cursor minus the overlap, else zero (a full sync). It also returns the
// cursor's own instant, the floor for the next one.
func (c Cursor) Since(ctx context.Context, st Store, forced time.Time) (since, cursor time.Time, err error) {
	raw, err := st.Cursor(ctx, c.Name)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("%s: read cursor: %w", c.What, err)
	}
	if raw != "" {
		cursor, err = time.Parse(time.RFC3339Nano, raw)
		if err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("%s: cursor %q: %w", c.What, raw, errors.Join(err, c.ErrBad))
		}
	}
	switch {
	case !forced.IsZero():
		return forced, cursor, nil
	case !cursor.IsZero():
		return cursor.Add(-c.Overlap), cursor, nil
	}
	return time.Time{}, cursor, nil
}

// FormatCursor is how a cursor's time is stored; "" for the zero time.
func FormatCursor(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
