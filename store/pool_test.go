package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"billbot/internal/metrics"
	"billbot/store"
	"billbot/store/storetest"
)

func TestOpenRefusesPoolWithoutConnections(t *testing.T) {
	for _, n := range []int{0, -3} {
		dir := filepath.Join(t.TempDir(), "data")
		_, err := store.Open(context.Background(), "", dir, nil, store.MaxConns(n))
		if err == nil || !strings.Contains(err.Error(), "want at least 1") {
			t.Errorf("Open with MaxConns(%d) = %v, want an error", n, err)
		}
		if _, statErr := os.Stat(dir); !errors.Is(statErr, os.ErrNotExist) {
			t.Errorf("Open with MaxConns(%d) created %s", n, dir)
		}
	}
}

func TestOpenDefaultPool(t *testing.T) {
	s, err := store.Open(context.Background(), "", t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.MaxConns() != store.DefaultMaxConns() || s.PoolStats().MaxOpenConnections != store.DefaultMaxConns() {
		t.Errorf("MaxConns = %d, pool cap = %d, want the default %d", s.MaxConns(), s.PoolStats().MaxOpenConnections, store.DefaultMaxConns())
	}
	if store.DefaultMaxConns() < 4 {
		t.Errorf("DefaultMaxConns = %d, want at least 4", store.DefaultMaxConns())
	}
}

// TestPoolBoundedAndObservable holds every connection of a pool of 2: one
// more is never opened, Available gives up when its context ends, and the
// metrics show the pool full and the wait.
func TestPoolBoundedAndObservable(t *testing.T) {
	for _, open := range []struct {
		name string
		fn   func(testing.TB, ...store.Option) *store.Store
	}{{store.DialectSQLite, storetest.SQLite}, {store.DialectPostgres, storetest.Postgres}} {
		t.Run(open.name, func(t *testing.T) {
			s := open.fn(t, store.MaxConns(2))
			ctx := context.Background()
			var held []*sql.Conn
			for range 2 {
				c, err := s.DB().Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				held = append(held, c)
			}
			// The deadline ends a wait that cannot succeed; no duration is asserted.
			short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
			err := s.Available(short)
			cancel()
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Available with the pool held = %v, want the deadline", err)
			}
			reg := metrics.NewRegistry()
			pm := s.NewPoolMetrics(reg)
			want := []string{
				"billbot_db_pool_max_open_connections 2",
				"billbot_db_pool_open_connections 2",
				"billbot_db_pool_in_use_connections 2",
				"billbot_db_pool_idle_connections 0",
				"billbot_db_pool_waits_total 1",
			}
			checkMetrics(t, reg, want...)
			if st := s.PoolStats(); st.OpenConnections != 2 || st.WaitDuration <= 0 {
				t.Errorf("stats = %+v, want 2 open and a wait recorded", st)
			}

			_ = held[0].Close()
			if err := s.Available(ctx); err != nil {
				t.Fatalf("Available with a connection given back = %v", err)
			}
			_ = held[1].Close()
			pm.Update()
			checkMetrics(t, reg, "billbot_db_pool_in_use_connections 0", "billbot_db_pool_idle_connections 2", "billbot_db_pool_waits_total 1")
		})
	}
}

func checkMetrics(t *testing.T, reg *metrics.Registry, lines ...string) {
	t.Helper()
	var b bytes.Buffer
	if _, err := reg.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if !strings.Contains("\n"+b.String(), "\n"+l+"\n") {
			t.Errorf("metrics lack %q:\n%s", l, b.String())
		}
	}
}

type codedErr int

func (e codedErr) Error() string { return fmt.Sprintf("sqlite code %d", int(e)) }
func (e codedErr) Code() int     { return int(e) }

func TestIsBusy(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("boom"), false},
		{fmt.Errorf("query: %w", &pgconn.PgError{Code: "53300", Message: "sorry, too many clients already"}), true},
		{&pgconn.PgError{Code: "23505"}, false},
		{codedErr(5), true},   // SQLITE_BUSY
		{codedErr(517), true}, // SQLITE_BUSY_SNAPSHOT
		{codedErr(2067), false},
		{context.DeadlineExceeded, false},
	} {
		if got := store.IsBusy(c.err); got != c.want {
			t.Errorf("IsBusy(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
