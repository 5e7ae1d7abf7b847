// Package syncstore adapts billbot's store to what the time trackers'
// syncers write to (timesync.Store): Harvest's, Toggl Track's and
// QuickBooks Time's adapters all hand their syncer the same Store.
package syncstore

import (
	"context"
	"time"

	"billbot/internal/billing"
	"billbot/internal/timesync"
	"billbot/store"
)

// Store adapts the store to a time tracker's syncer.
type Store struct{ S *store.Store }

var _ timesync.Store = Store{}

// UpsertEntries implements timesync.Store.
func (h Store) UpsertEntries(ctx context.Context, entries []billing.TimeEntry, now time.Time) (timesync.UpsertStats, error) {
	st, err := h.S.UpsertEntries(ctx, entries, now)
	return timesync.UpsertStats{Inserted: st.Inserted, Updated: st.Updated, Unchanged: st.Unchanged, ChangedAfterBilling: st.ChangedAfterBilling}, err
}

// RemoveMissing implements timesync.Store.
func (h Store) RemoveMissing(ctx context.Context, source string, window billing.Period, seen []string, now time.Time) (timesync.RemoveStats, error) {
	st, err := h.S.RemoveMissing(ctx, source, window, seen, now)
	return timesync.RemoveStats{Removed: st.Removed, Flagged: st.Flagged}, err
}

// Cursor implements timesync.Store.
func (h Store) Cursor(ctx context.Context, name string) (string, error) {
	return h.S.Cursor(ctx, name)
}

// SetCursor implements timesync.Store.
func (h Store) SetCursor(ctx context.Context, name, value string) error {
	return h.S.SetCursor(ctx, name, value)
}
