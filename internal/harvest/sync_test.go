package harvest_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/harvest"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/money"
)

// memStore is an in-memory Store that keeps (source, external_id) unique
// and records every call.
type memStore struct {
	mu      sync.Mutex
	nextID  int64
	rows    map[string]billing.TimeEntry // source + "/" + external id
	billed  map[int64]bool               // billbot ids already on an invoice
	cursors map[string]string
	calls   []string
}

func newMemStore() *memStore {
	return &memStore{rows: map[string]billing.TimeEntry{}, billed: map[int64]bool{}, cursors: map[string]string{}}
}

func (s *memStore) UpsertEntries(_ context.Context, entries []billing.TimeEntry, _ time.Time) (harvest.UpsertStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, fmt.Sprintf("upsert %d", len(entries)))
	var st harvest.UpsertStats
	for _, e := range entries {
		key := e.Source + "/" + e.ExternalID
		old, ok := s.rows[key]
		switch {
		case !ok:
			s.nextID++
			e.ID = s.nextID
			s.rows[key] = e
			st.Inserted++
		default:
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
	}
	return st, nil
}

func (s *memStore) RemoveMissing(_ context.Context, source string, window billing.Period, seen []string, _ time.Time) (harvest.RemoveStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, fmt.Sprintf("remove %s %s seen %d", source, window, len(seen)))
	keep := map[string]bool{}
	for _, id := range seen {
		keep[id] = true
	}
	var st harvest.RemoveStats
	for key, e := range s.rows {
		if e.Source != source || !window.Contains(e.SpentDate) || keep[e.ExternalID] {
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
	s.calls = append(s.calls, "cursor "+value)
	s.cursors[name] = value
	return nil
}

func (s *memStore) get(externalID int64) (billing.TimeEntry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.rows[harvest.Source+"/"+fmt.Sprint(externalID)]
	return e, ok
}

// world is a sandbox, a client and a store sharing one fake clock.
type world struct {
	clock  *fakeClock
	srv    *harvestsandbox.Server
	client *harvest.Client
	store  *memStore
	firm   harvestsandbox.GeneratedFirm
}

func newWorld(t *testing.T, entries int, sbOpts harvestsandbox.Options, clientOpts ...harvest.Option) *world {
	t.Helper()
	clock := newFakeClock()
	sbOpts.Now = clock.Now
	sbOpts.Sleep = clock.Sleep
	srv := harvestsandbox.New(sbOpts)
	firm := harvestsandbox.Generate(42, harvestsandbox.GenerateOptions{
		Entries: entries, Now: clock.Now(), Clients: 4, Currencies: []money.Currency{"USD", "CAD"},
	})
	srv.Seed(firm)
	srv.Start()
	t.Cleanup(srv.Close)
	opts := append([]harvest.Option{
		harvest.WithUserAgent("test@firm.example"), harvest.WithClock(clock.Now), harvest.WithSleep(clock.Sleep),
	}, clientOpts...)
	client, err := harvest.NewClient(srv.URL(), srv.AccountID(), srv.Token(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return &world{clock: clock, srv: srv, client: client, store: newMemStore(), firm: firm}
}

func (w *world) syncer() *harvest.Syncer {
	cur := map[int64]money.Currency{}
	for _, c := range w.firm.Clients {
		cur[c.ID] = c.Currency
	}
	return harvest.NewSyncer(w.client, w.store, harvest.SyncerConfig{
		CurrencyOf: func(id int64) money.Currency { return cur[id] },
		Now:        w.clock.Now,
	})
}

func (w *world) run(t *testing.T, opts harvest.SyncOptions) harvest.SyncReport {
	t.Helper()
	rep, err := w.syncer().Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rep
}

func TestSyncIncrementalByCursor(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 250, harvestsandbox.Options{})
	var progress [][2]int
	rep := w.run(t, harvest.SyncOptions{PerPage: 100, Progress: func(done, total int) {
		progress = append(progress, [2]int{done, total})
	}})
	if rep.Fetched != 250 || rep.Inserted != 250 || rep.Requests != 3 || !rep.UpdatedSince.IsZero() {
		t.Fatalf("first run = %+v, want a full sync of 250 entries in 3 pages", rep)
	}
	if !slices.Equal(progress, [][2]int{{100, 250}, {200, 250}, {250, 250}}) {
		t.Errorf("progress = %v", progress)
	}
	latest := time.Time{}
	for _, e := range w.firm.Entries {
		if e.UpdatedAt.After(latest) {
			latest = e.UpdatedAt
		}
	}
	if want := latest.UTC().Format(time.RFC3339Nano); rep.Cursor != want || w.store.cursors[harvest.CursorName] != want {
		t.Errorf("cursor = %q (stored %q), want %q", rep.Cursor, w.store.cursors[harvest.CursorName], want)
	}
	// The overlap re-reads entries updated in the last five minutes before
	// the cursor; every other unchanged entry stays unread.
	overlap := 0
	for _, e := range w.firm.Entries {
		if !e.UpdatedAt.Before(latest.Add(-harvest.CursorOverlap)) {
			overlap++
		}
	}

	w.clock.Advance(time.Hour)
	changed := []int64{w.firm.Entries[10].ID, w.firm.Entries[20].ID}
	for _, id := range changed {
		if err := w.srv.Update(id, func(e *harvestsandbox.Entry) { e.Notes = "revised"; e.IsClosed = true }); err != nil {
			t.Fatal(err)
		}
	}
	rep = w.run(t, harvest.SyncOptions{PerPage: 100})
	if rep.Fetched != overlap+2 || rep.Updated != 2 || rep.Inserted != 0 || rep.Unchanged != overlap {
		t.Errorf("second run = %+v, want %d fetched (2 updated, %d overlap)", rep, overlap+2, overlap)
	}
	if !rep.UpdatedSince.Equal(latest.Add(-harvest.CursorOverlap)) {
		t.Errorf("updated_since = %v, want cursor − 5 min = %v", rep.UpdatedSince, latest.Add(-harvest.CursorOverlap))
	}
	for _, id := range changed {
		if e, _ := w.store.get(id); e.Notes != "revised" || !e.Approved {
			t.Errorf("entry %d = %+v, want the revision", id, e)
		}
	}
	if want := w.clock.Now().UTC().Truncate(time.Second).Format(time.RFC3339Nano); rep.Cursor != want {
		t.Errorf("cursor = %s, want the update time %s", rep.Cursor, want)
	}
}

func TestSyncIsIdempotent(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 120, harvestsandbox.Options{})
	first := w.run(t, harvest.SyncOptions{PerPage: 50})
	again := w.run(t, harvest.SyncOptions{Since: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), PerPage: 50})
	if first.Inserted != 120 || again.Inserted != 0 || again.Updated != 0 || again.Unchanged != 120 {
		t.Errorf("first = %+v\nagain = %+v\nwant the second run to change nothing", first, again)
	}
	if len(w.store.rows) != 120 {
		t.Errorf("store holds %d rows, want 120", len(w.store.rows))
	}
}

func TestSyncNoticesDeletions(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 200, harvestsandbox.Options{})
	window := billing.Period{Start: mustDate("2026-03-01"), End: mustDate("2026-03-31")}
	w.run(t, harvest.SyncOptions{Window: window, PerPage: 100})

	var inWindow, outside []harvestsandbox.Entry
	for _, e := range w.firm.Entries {
		if window.Contains(e.SpentDate) {
			inWindow = append(inWindow, e)
		} else {
			outside = append(outside, e)
		}
	}
	deleted, billed, old := inWindow[0], inWindow[1], outside[0]
	billedRow, _ := w.store.get(billed.ID)
	w.store.billed[billedRow.ID] = true
	for _, id := range []int64{deleted.ID, billed.ID, old.ID} {
		if err := w.srv.Delete(id); err != nil {
			t.Fatal(err)
		}
	}
	rep := w.run(t, harvest.SyncOptions{Window: window, PerPage: 100})
	if rep.Removed != 1 || !slices.Equal(rep.Flagged, []int64{billedRow.ID}) || rep.WindowSeen != len(inWindow)-2 {
		t.Errorf("report = %+v, want 1 removed, the billed one flagged, %d seen", rep, len(inWindow)-2)
	}
	if _, ok := w.store.get(deleted.ID); ok {
		t.Error("entry deleted in Harvest is still stored")
	}
	if _, ok := w.store.get(old.ID); !ok {
		t.Error("entry outside the window was removed; only the open window is re-read")
	}
}

func TestSyncHonoursRateLimitWithoutFailures(t *testing.T) {
	t.Parallel()
	const limit, window = 5, 200 * time.Millisecond
	w := newWorld(t, 60, harvestsandbox.Options{Limit: limit, Window: window}, harvest.WithLimiter(limit, window))
	period := billing.Period{Start: mustDate("2026-01-01"), End: mustDate("2026-03-31")}
	rep := w.run(t, harvest.SyncOptions{PerPage: 5, Window: period})
	st := w.srv.Stats()
	if st.Throttled != 0 || rep.Retries != 0 {
		t.Errorf("sandbox throttled %d, client retried %d; want none", st.Throttled, rep.Retries)
	}
	if rep.Fetched != 60 || rep.Requests != 24 || rep.ThrottledWaits == 0 {
		t.Errorf("report = %+v, want 60 entries in 12+12 requests with limiter waits", rep)
	}
}

func TestSyncWaitsOutServerThrottling(t *testing.T) {
	t.Parallel()
	// The client believes Harvest's default limit; the server is stricter,
	// so it answers 429 and the client waits Retry-After.
	w := newWorld(t, 60, harvestsandbox.Options{Limit: 5, Window: 200 * time.Millisecond}, harvest.WithRetry(0, time.Second, time.Second))
	rep := w.run(t, harvest.SyncOptions{PerPage: 5})
	if st := w.srv.Stats(); st.Throttled == 0 {
		t.Fatal("sandbox never throttled; the test proves nothing")
	}
	if rep.Fetched != 60 || rep.Inserted != 60 || rep.ThrottledWaits == 0 {
		t.Errorf("report = %+v", rep)
	}
	for _, d := range w.clock.Sleeps() {
		if d != time.Second {
			t.Errorf("slept %v, want the Retry-After of 1 s (200 ms rounded up)", d)
		}
	}
}

func TestSyncRetriesServerErrors(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 100, harvestsandbox.Options{Seed: 7, Faults: harvestsandbox.Faults{ErrorRate: 0.3}},
		harvest.WithRetry(10, time.Second, 8*time.Second))
	rep := w.run(t, harvest.SyncOptions{PerPage: 10})
	st := w.srv.Stats()
	if st.Faults == 0 {
		t.Fatal("no faults injected; the test proves nothing")
	}
	if rep.Fetched != 100 || rep.Inserted != 100 || rep.Retries != int64(st.Faults) {
		t.Errorf("report = %+v, sandbox faults %d: want every fault retried and all entries stored", rep, st.Faults)
	}
}

func TestSyncCurrencies(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 80, harvestsandbox.Options{})
	w.run(t, harvest.SyncOptions{})
	cur := map[int64]money.Currency{}
	for _, c := range w.firm.Clients {
		cur[c.ID] = c.Currency
	}
	for _, e := range w.firm.Entries {
		got, ok := w.store.get(e.ID)
		if !ok {
			t.Fatalf("entry %d not stored", e.ID)
		}
		if got.Currency != cur[e.ClientID] {
			t.Errorf("entry %d currency %s, want %s", e.ID, got.Currency, cur[e.ClientID])
		}
		want := e.BillableRate
		if e.NoRate || !e.Billable {
			want = 0
		}
		if got.Rate != want || got.Hours != e.RoundedHours || got.Approved != e.IsClosed || got.Running != e.IsRunning {
			t.Errorf("entry %d stored as %+v from %+v", e.ID, got, e)
		}
	}
}

// overlapStore stores the first page only once the sandbox has received
// the request for the second: the fetch must run while a page is stored.
type overlapStore struct {
	*memStore
	srv   *harvestsandbox.Server
	calls int
	fail  error // returned by the second UpsertEntries when set
}

func (s *overlapStore) UpsertEntries(ctx context.Context, entries []billing.TimeEntry, now time.Time) (harvest.UpsertStats, error) {
	s.calls++
	if s.calls == 1 {
		// A guard, not a timing: a sequential sync never sends the request.
		for give := time.Now().Add(30 * time.Second); s.srv.Stats().Requests < 2; time.Sleep(time.Millisecond) {
			if time.Now().After(give) {
				return harvest.UpsertStats{}, errors.New("page 2 was not requested while page 1 was stored")
			}
		}
	}
	if s.calls == 2 && s.fail != nil {
		return harvest.UpsertStats{}, s.fail
	}
	return s.memStore.UpsertEntries(ctx, entries, now)
}

func TestSyncFetchesWhileStoring(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 250, harvestsandbox.Options{})
	st := &overlapStore{memStore: w.store, srv: w.srv}
	var progress []int
	rep, err := harvest.NewSyncer(w.client, st, harvest.SyncerConfig{Now: w.clock.Now}).Run(t.Context(),
		harvest.SyncOptions{PerPage: 25, Progress: func(done, _ int) { progress = append(progress, done) }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Fetched != 250 || rep.Inserted != 250 || len(progress) != 10 || progress[9] != 250 {
		t.Errorf("fetched %d, inserted %d, progress %v; want 250 in 10 pages", rep.Fetched, rep.Inserted, progress)
	}
	if c, _ := w.store.Cursor(t.Context(), harvest.CursorName); c == "" || c != rep.Cursor {
		t.Errorf("cursor %q, report %q", c, rep.Cursor)
	}
}

func TestSyncStoreErrorStopsFetching(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 250, harvestsandbox.Options{})
	boom := errors.New("disk full")
	st := &overlapStore{memStore: w.store, srv: w.srv, fail: boom}
	_, err := harvest.NewSyncer(w.client, st, harvest.SyncerConfig{Now: w.clock.Now}).Run(t.Context(), harvest.SyncOptions{PerPage: 25})
	if !errors.Is(err, boom) {
		t.Fatalf("Run = %v, want %v", err, boom)
	}
	// Page 2 failed: at most the pages read ahead of it were requested, not all 10.
	if n := w.srv.Stats().Requests; n > 2+harvest.ReadAhead+1 {
		t.Errorf("%d requests after the store failed on page 2; fetching should stop", n)
	}
	if c, _ := w.store.Cursor(t.Context(), harvest.CursorName); c != "" {
		t.Errorf("cursor moved to %q although a page was not stored", c)
	}
}
