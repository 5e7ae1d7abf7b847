package store

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"billbot/internal/metrics"
)

// PoolMetricsInterval is how often serve copies the pool's statistics into
// its metrics: a few times per Prometheus scrape interval.
const PoolMetricsInterval = 5 * time.Second

// PoolMetrics publishes the connection pool's statistics (sql.DBStats) as
// Prometheus metrics. Update copies the current figures; Run does so on a
// ticker.
type PoolMetrics struct {
	stats func() sql.DBStats

	maxOpen, open, inUse, idle *metrics.Gauge
	waitSeconds                *metrics.Gauge
	waits, closed              *metrics.Counter

	mu   sync.Mutex
	last sql.DBStats
}

// NewPoolMetrics registers the pool's metrics on reg and fills them once.
func (s *Store) NewPoolMetrics(reg *metrics.Registry) *PoolMetrics {
	return newPoolMetrics(reg, s.sqlDB.Stats)
}

func newPoolMetrics(reg *metrics.Registry, stats func() sql.DBStats) *PoolMetrics {
	m := &PoolMetrics{
		stats:   stats,
		maxOpen: reg.NewGauge("billbot_db_pool_max_open_connections", "Cap on open database connections (DATABASE_MAX_CONNS)."),
		open:    reg.NewGauge("billbot_db_pool_open_connections", "Open database connections, in use and idle."),
		inUse:   reg.NewGauge("billbot_db_pool_in_use_connections", "Database connections running a query or transaction."),
		idle:    reg.NewGauge("billbot_db_pool_idle_connections", "Open database connections waiting for work."),
		waits:   reg.NewCounter("billbot_db_pool_waits_total", "Times a query waited for a connection because the pool was at its cap."),
		// A gauge because the registry's counters count whole events;
		// it only grows while the process runs.
		waitSeconds: reg.NewGauge("billbot_db_pool_wait_seconds", "Total time queries have waited for a connection since start."),
		closed: reg.NewCounter("billbot_db_pool_closed_connections_total",
			"Database connections closed by the pool, by reason: max_idle (more idle than the cap), idle_time, lifetime.", "reason"),
	}
	m.Update()
	return m
}

// Update copies the pool's current statistics into the metrics.
func (m *PoolMetrics) Update() {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.stats()
	m.maxOpen.Set(float64(st.MaxOpenConnections))
	m.open.Set(float64(st.OpenConnections))
	m.inUse.Set(float64(st.InUse))
	m.idle.Set(float64(st.Idle))
	m.waitSeconds.Set(st.WaitDuration.Seconds())
	m.waits.Add(grown(st.WaitCount, m.last.WaitCount))
	m.closed.Add(grown(st.MaxIdleClosed, m.last.MaxIdleClosed), "max_idle")
	m.closed.Add(grown(st.MaxIdleTimeClosed, m.last.MaxIdleTimeClosed), "idle_time")
	m.closed.Add(grown(st.MaxLifetimeClosed, m.last.MaxLifetimeClosed), "lifetime")
	m.last = st
}

// grown is how much a cumulative count rose since the last update.
func grown(now, before int64) uint64 {
	if now <= before {
		return 0
	}
	return uint64(now - before)
}

// Run updates the metrics every interval until ctx ends; it returns nil.
func (m *PoolMetrics) Run(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			m.Update()
		}
	}
}
