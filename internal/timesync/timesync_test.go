package timesync_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"billbot/internal/timesync"
)

type cursorStore struct {
	timesync.Store
	raw string
}

func (s cursorStore) Cursor(context.Context, string) (string, error) { return s.raw, nil }

var errBad = errors.New("bad cursor")

func TestCursorSince(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	forced := at.Add(-48 * time.Hour)
	c := timesync.Cursor{Name: "x", Overlap: 5 * time.Minute, What: "acme sync", ErrBad: errBad}
	tests := []struct {
		name, raw         string
		forced, wantSince time.Time
		wantCursor        time.Time
		wantErr           string
	}{
		{"no cursor: a full sync", "", time.Time{}, time.Time{}, time.Time{}, ""},
		{"cursor minus the overlap", timesync.FormatCursor(at), time.Time{}, at.Add(-5 * time.Minute), at, ""},
		{"forced wins", timesync.FormatCursor(at), forced, forced, at, ""},
		{"bad cursor", "yesterday", time.Time{}, time.Time{}, time.Time{}, `acme sync: cursor "yesterday": `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			since, cursor, err := c.Since(context.Background(), cursorStore{raw: tt.raw}, tt.forced)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) || !errors.Is(err, errBad) {
					t.Fatalf("error %v, want %q… matching ErrBad", err, tt.wantErr)
				}
				return
			}
			if err != nil || !since.Equal(tt.wantSince) || !cursor.Equal(tt.wantCursor) {
				t.Errorf("Since = %s, %s, %v; want %s, %s", since, cursor, err, tt.wantSince, tt.wantCursor)
			}
		})
	}
	if timesync.FormatCursor(time.Time{}) != "" {
		t.Error("the zero time is stored as a cursor")
	}
}

// TestRunCountsTheClient: a run's report holds what it stored and the
// requests, retries and throttled waits made during it only.
func TestRunCountsTheClient(t *testing.T) {
	var requests, retries, throttled int64 = 10, 2, 1
	counts := func() (int64, int64, int64) { return requests, retries, throttled }
	rep, err := timesync.Run(context.Background(), slog.New(slog.DiscardHandler), "acme sync done", counts, func(rep *timesync.Report) error {
		requests, retries, throttled = 13, 3, 1
		rep.Stored(2, timesync.UpsertStats{Inserted: 1, Unchanged: 1})
		rep.Stored(1, timesync.UpsertStats{Updated: 1, ChangedAfterBilling: []int64{7}})
		return nil
	})
	want := timesync.Report{Fetched: 3, Inserted: 1, Updated: 1, Unchanged: 1, ChangedAfterBilling: []int64{7}, Requests: 3, Retries: 1}
	if err != nil || rep.Fetched != want.Fetched || rep.Inserted != want.Inserted || rep.Updated != want.Updated ||
		rep.Unchanged != want.Unchanged || len(rep.ChangedAfterBilling) != 1 || rep.Requests != 3 || rep.Retries != 1 || rep.ThrottledWaits != 0 {
		t.Errorf("Run = %+v, %v; want %+v", rep, err, want)
	}
	boom := errors.New("boom")
	rep, err = timesync.Run(context.Background(), slog.New(slog.DiscardHandler), "acme sync done", counts, func(*timesync.Report) error {
		requests++
		return boom
	})
	if !errors.Is(err, boom) || rep.Requests != 1 {
		t.Errorf("failed Run = %+v, %v; want the error and its request counted", rep, err)
	}
}
