package toggl_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/toggl"
	"billbot/internal/toggl/togglsandbox"
)

// memStore keeps entries by external id and counts what changed.
type memStore struct {
	entries map[string]billing.TimeEntry
	cursor  string
}

func (s *memStore) UpsertEntries(_ context.Context, es []billing.TimeEntry, _ time.Time) (toggl.UpsertStats, error) {
	var st toggl.UpsertStats
	for _, e := range es {
		old, ok := s.entries[e.ExternalID]
		switch {
		case !ok:
			st.Inserted++
		case reflect.DeepEqual(old, e):
			st.Unchanged++
		default:
			st.Updated++
		}
		s.entries[e.ExternalID] = e
	}
	return st, nil
}

func (s *memStore) RemoveMissing(_ context.Context, _ string, w billing.Period, seen []string, _ time.Time) (toggl.RemoveStats, error) {
	keep := map[string]bool{}
	for _, id := range seen {
		keep[id] = true
	}
	var st toggl.RemoveStats
	for id, e := range s.entries {
		if w.Contains(e.SpentDate) && !keep[id] {
			delete(s.entries, id)
			st.Removed++
		}
	}
	return st, nil
}

func (s *memStore) Cursor(context.Context, string) (string, error) { return s.cursor, nil }
func (s *memStore) SetCursor(_ context.Context, _, v string) error {
	s.cursor = v
	return nil
}

// TestSyncRereadsFromCursorMinusLookback: the first sync reads from
// FullFrom; the next from the cursor minus the lookback, so an edit within
// the lookback is seen and one before it (outside the window) is not —
// the documented price of a search that filters on start days.
func TestSyncRereadsFromCursorMinusLookback(t *testing.T) {
	clk := newFakeClock()
	firm := togglsandbox.Generate(4, togglsandbox.GenerateOptions{Entries: 200, Clients: 2, Users: 2,
		From: billing.MustDate("2026-08-01"), To: billing.MustDate("2026-10-31")})
	srv, c := setup(t, clk, firm, togglsandbox.Options{})
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	st := &memStore{entries: map[string]billing.TimeEntry{}}
	sy, err := toggl.NewSyncer(c, st, toggl.SyncerConfig{Approval: toggl.ApprovalAll, FullFrom: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC),
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := sy.Run(t.Context(), toggl.SyncOptions{})
	if err != nil || rep.Inserted != 200 || !rep.UpdatedSince.Equal(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("first sync %+v, err %v", rep, err)
	}
	var old, recent togglsandbox.Entry
	for _, e := range firm.Entries {
		d := billing.DateOf(e.Start)
		if d.Before(billing.MustDate("2026-09-01")) && old.ID == 0 && !e.Running() {
			old = e
		}
		if d.After(billing.MustDate("2026-10-10")) && recent.ID == 0 && !e.Running() {
			recent = e
		}
	}
	old.Description, recent.Description = "edited long ago", "edited lately"
	srv.Update(old)
	srv.Update(recent)
	rep, err = sy.Run(t.Context(), toggl.SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 9, 28, 0, 0, 0, 0, time.UTC); !rep.UpdatedSince.Equal(want) {
		t.Errorf("second sync from %s, want the cursor minus 35 days, %s", rep.UpdatedSince, want)
	}
	if rep.Updated != 1 || rep.Inserted != 0 {
		t.Errorf("second sync %+v: want the recent edit only", rep)
	}
	if st.entries[itoa(recent.ID)].Notes != "edited lately" || st.entries[itoa(old.ID)].Notes == "edited long ago" {
		t.Error("the wrong edit was seen")
	}
	// The open window is always read, so the old edit arrives once its
	// month is the window.
	rep, err = sy.Run(t.Context(), toggl.SyncOptions{Window: billing.Period{Start: billing.MustDate("2026-08-01"), End: billing.MustDate("2026-08-31")}})
	if err != nil || rep.Updated != 1 || st.entries[itoa(old.ID)].Notes != "edited long ago" {
		t.Errorf("window sync %+v, err %v", rep, err)
	}
}

func itoa(id int64) string { return toggl.FormatID(id) }
