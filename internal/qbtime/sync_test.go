package qbtime_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/qbtime"
	"billbot/internal/qbtime/qbtimesandbox"
)

// memStore is an in-memory Store that keeps (source, external id) unique
// and treats the ids in billed as on an invoice.
type memStore struct {
	mu      sync.Mutex
	nextID  int64
	rows    map[string]billing.TimeEntry
	billed  map[int64]bool
	cursors map[string]string
}

func newMemStore() *memStore {
	return &memStore{rows: map[string]billing.TimeEntry{}, billed: map[int64]bool{}, cursors: map[string]string{}}
}

func (s *memStore) UpsertEntries(_ context.Context, entries []billing.TimeEntry, _ time.Time) (qbtime.UpsertStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st qbtime.UpsertStats
	for _, e := range entries {
		key := e.Source + "/" + e.ExternalID
		old, ok := s.rows[key]
		if !ok {
			s.nextID++
			e.ID = s.nextID
			s.rows[key] = e
			st.Inserted++
			continue
		}
		e.ID = old.ID
		if e == old {
			st.Unchanged++
			continue
		}
		s.rows[key] = e
		st.Updated++
		if s.billed[e.ID] {
			st.ChangedAfterBilling = append(st.ChangedAfterBilling, e.ID)
		}
	}
	return st, nil
}

func (s *memStore) RemoveMissing(_ context.Context, source string, window billing.Period, seen []string, _ time.Time) (qbtime.RemoveStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st qbtime.RemoveStats
	for key, e := range s.rows {
		if e.Source != source || !window.Contains(e.SpentDate) || slices.Contains(seen, e.ExternalID) {
			continue
		}
		if s.billed[e.ID] {
			st.Flagged = append(st.Flagged, e.ID)
			continue
		}
		delete(s.rows, key)
		st.Removed++
	}
	return st, nil
}

func (s *memStore) Cursor(_ context.Context, name string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cursors[name], nil
}

func (s *memStore) SetCursor(_ context.Context, name, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cursors[name] = value
	return nil
}

func (s *memStore) get(id int64) (billing.TimeEntry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.rows[qbtime.Source+"/"+fmt.Sprint(id)]
	return e, ok
}

func syncWorld(t *testing.T, opts qbtimesandbox.Options, firm qbtimesandbox.Firm) (*qbtimesandbox.Server, *qbtime.Syncer, *memStore, *fakeTime) {
	t.Helper()
	srv, c, ft := setup(t, opts, firm)
	st := newMemStore()
	return srv, qbtime.NewSyncer(c, st, qbtime.SyncerConfig{Now: ft.Now}), st, ft
}

// TestDeletedAfterBillingIsFlagged: a deleted timesheet already on an
// invoice is kept and flagged, an edited one reported as changed after
// billing; an unbilled deleted one is removed.
func TestDeletedAfterBillingIsFlagged(t *testing.T) {
	firm := small(40)
	srv, sy, st, ft := syncWorld(t, qbtimesandbox.Options{}, firm)
	ctx := t.Context()
	if _, err := sy.Run(ctx, qbtime.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	billed, plain, edited := firm.Timesheets[1], firm.Timesheets[2], firm.Timesheets[3]
	for _, ts := range []qbtimesandbox.Timesheet{billed, edited} {
		e, _ := st.get(ts.ID)
		st.billed[e.ID] = true
	}
	_ = ft.Sleep(ctx, time.Hour)
	for _, id := range []int64{billed.ID, plain.ID} {
		if err := srv.Delete(id); err != nil {
			t.Fatal(err)
		}
	}
	edited.Duration += 60
	if err := srv.Update(edited); err != nil {
		t.Fatal(err)
	}
	rep, err := sy.Run(ctx, qbtime.SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := st.get(billed.ID)
	e, _ := st.get(edited.ID)
	if rep.Removed != 1 || !slices.Equal(rep.Flagged, []int64{b.ID}) || !slices.Equal(rep.ChangedAfterBilling, []int64{e.ID}) {
		t.Errorf("report %+v; want 1 removed, %d flagged, %d changed after billing", rep, b.ID, e.ID)
	}
	if _, ok := st.get(plain.ID); ok {
		t.Error("unbilled deleted timesheet still stored")
	}
}

// TestMissingAncestorsAreFetched: when supplemental_data leaves out a
// timesheet's parent jobcodes, the syncer asks for them by id and still
// places every timesheet.
func TestMissingAncestorsAreFetched(t *testing.T) {
	firm := small(30)
	_, sy, st, _ := syncWorld(t, qbtimesandbox.Options{NoAncestors: true}, firm)
	rep, err := sy.Run(t.Context(), qbtime.SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Inserted != 30 || rep.Requests < 3 {
		t.Fatalf("report %+v, want 30 inserted after fetching ancestors", rep)
	}
	for _, ts := range firm.Timesheets {
		e, _ := st.get(ts.ID)
		if e.ClientID == 0 || e.ProjectID == 0 || e.ClientID == e.ProjectID || e.Task == "" {
			t.Fatalf("timesheet %d stored as %+v, want client, project and task", ts.ID, e)
		}
	}
}

// TestProgressAndForcedSince: Progress sees the running count; a forced
// Since is the modified_since used; a broken cursor is an error naming the
// fix.
func TestProgressAndForcedSince(t *testing.T) {
	_, sy, st, ft := syncWorld(t, qbtimesandbox.Options{}, small(450))
	var calls [][2]int
	rep, err := sy.Run(t.Context(), qbtime.SyncOptions{Progress: func(d, tot int) { calls = append(calls, [2]int{d, tot}) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 3 || calls[0] != [2]int{200, 400} || calls[2] != [2]int{450, 450} {
		t.Errorf("progress %v", calls)
	}
	since := ft.Now().Add(time.Hour)
	rep, err = sy.Run(t.Context(), qbtime.SyncOptions{Since: since})
	if err != nil || !rep.UpdatedSince.Equal(since) || rep.Fetched != 0 {
		t.Errorf("forced since: %+v, %v", rep, err)
	}
	st.cursors[qbtime.CursorName] = "yesterday"
	if _, err := sy.Run(t.Context(), qbtime.SyncOptions{}); err == nil || !strings.Contains(err.Error(), "clear it to resync") {
		t.Errorf("bad cursor: %v", err)
	}
}

// overlapStore stores the first page only once the sandbox has received
// the request for the second (the users, page 1, page 2): the fetch must
// run while a page is stored. With fail set, the second page fails.
type overlapStore struct {
	*memStore
	srv   *qbtimesandbox.Server
	calls int
	fail  error
}

func (s *overlapStore) UpsertEntries(ctx context.Context, entries []billing.TimeEntry, now time.Time) (qbtime.UpsertStats, error) {
	s.calls++
	if s.calls == 1 {
		// A guard, not a timing: a sequential sync never sends the request.
		for give := time.Now().Add(30 * time.Second); s.srv.Stats().Requests < 3; time.Sleep(time.Millisecond) {
			if time.Now().After(give) {
				return qbtime.UpsertStats{}, errors.New("page 2 was not requested while page 1 was stored")
			}
		}
	}
	if s.calls == 2 && s.fail != nil {
		return qbtime.UpsertStats{}, s.fail
	}
	return s.memStore.UpsertEntries(ctx, entries, now)
}

func TestSyncFetchesWhileStoring(t *testing.T) {
	srv, c, ft := setup(t, qbtimesandbox.Options{}, small(250))
	st := &overlapStore{memStore: newMemStore(), srv: srv}
	var progress []int
	rep, err := qbtime.NewSyncer(c, st, qbtime.SyncerConfig{Now: ft.Now}).Run(t.Context(),
		qbtime.SyncOptions{Limit: 25, Progress: func(done, _ int) { progress = append(progress, done) }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Fetched != 250 || rep.Inserted != 250 || len(progress) != 10 || progress[9] != 250 {
		t.Errorf("fetched %d, inserted %d, progress %v; want 250 in 10 pages", rep.Fetched, rep.Inserted, progress)
	}
	if cur, _ := st.Cursor(t.Context(), qbtime.CursorName); cur == "" || cur != rep.Cursor {
		t.Errorf("cursor %q, report %q", cur, rep.Cursor)
	}
}

func TestSyncStoreErrorStopsFetching(t *testing.T) {
	srv, c, ft := setup(t, qbtimesandbox.Options{}, small(250))
	boom := errors.New("disk full")
	st := &overlapStore{memStore: newMemStore(), srv: srv, fail: boom}
	_, err := qbtime.NewSyncer(c, st, qbtime.SyncerConfig{Now: ft.Now}).Run(t.Context(), qbtime.SyncOptions{Limit: 25})
	if !errors.Is(err, boom) {
		t.Fatalf("Run = %v, want %v", err, boom)
	}
	// The users, then page 2 failed: at most the pages read ahead of it were requested, not all 10.
	if n := srv.Stats().Requests; n > 1+2+qbtime.ReadAhead+1 {
		t.Errorf("%d requests after the store failed on page 2; fetching should stop", n)
	}
	if cur, _ := st.Cursor(t.Context(), qbtime.CursorName); cur != "" {
		t.Errorf("cursor moved to %q although a page was not stored", cur)
	}
}
