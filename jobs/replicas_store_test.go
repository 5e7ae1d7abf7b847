package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"billbot/jobs"
	"billbot/store"
	"billbot/store/storetest"
)

// TestReplicasOverStoreRunEachTickOnce starts three replicas — each with its
// own connection pool to one Postgres schema, billbot's real store and an
// advisory-lock locker — and fires 20 ticks of two jobs at all three at
// once: every job runs exactly once per tick, and each run is recorded ok.
func TestReplicasOverStoreRunEachTickOnce(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	ctx := t.Context()
	var replicas []*jobs.Runner
	var stores []*store.Store
	for i := range 3 {
		st, err := store.Open(ctx, dsn, "", nil)
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
		t.Cleanup(func() { _ = st.Close() })
		if i == 0 {
			if _, err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
		}
		stores = append(stores, st)
		replicas = append(replicas, &jobs.Runner{
			Store: st, Locker: jobs.NewPGLocker(st.DB()),
			AlreadyRan: func(err error) bool { return errors.Is(err, store.ErrAlreadyRan) },
		})
	}
	var counts sync.Map // "job@tick" → *int64
	job := func(name string) jobs.Job {
		return jobs.Func(name, func(ctx context.Context, t jobs.Tick) (jobs.Outcome, error) {
			v, _ := counts.LoadOrStore(fmt.Sprintf("%s@%s", name, t.Scheduled.Format(time.RFC3339)), new(int64))
			atomic.AddInt64(v.(*int64), 1)
			time.Sleep(time.Millisecond) // hold the lock a moment, as real work does
			return jobs.Outcome{Counts: map[string]int{"n": 1}}, nil
		})
	}
	all := []jobs.Job{job("sync"), job("draft")}
	base := time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)
	for tick := range 20 {
		at := base.Add(time.Duration(tick) * 15 * time.Minute)
		var wg sync.WaitGroup
		for _, r := range replicas {
			for _, j := range all {
				wg.Go(func() {
					if _, err := r.RunOnce(ctx, j, at); err != nil {
						t.Errorf("tick %d %s: %v", tick, j.Name(), err)
					}
				})
			}
		}
		wg.Wait()
		for _, j := range all {
			key := fmt.Sprintf("%s@%s", j.Name(), at.Format(time.RFC3339))
			v, ok := counts.Load(key)
			if !ok || atomic.LoadInt64(v.(*int64)) != 1 {
				n := int64(0)
				if ok {
					n = atomic.LoadInt64(v.(*int64))
				}
				t.Errorf("%s ran %d times, want 1", key, n)
			}
		}
	}
	for _, name := range []string{"sync", "draft"} {
		runs, err := stores[0].Runs(ctx, name, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 20 {
			t.Errorf("%s: %d runs recorded, want 20", name, len(runs))
		}
		for _, r := range runs {
			if r.Status != jobs.StatusOK {
				t.Errorf("%s run at %s: status %q", name, r.ScheduledFor, r.Status)
			}
		}
	}
}
