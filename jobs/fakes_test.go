package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

var errDuplicate = errors.New("fake: duplicate (job, scheduled_for)")

func isDuplicate(err error) bool { return errors.Is(err, errDuplicate) }

// run is one record of memStore.
type run struct {
	ID           int64
	Job          string
	ScheduledFor time.Time
	StartedAt    time.Time
	FinishedAt   time.Time
	Status       string
	Detail       string
}

// memStore is a RunStore with a real unique (job, scheduled_for) key.
type memStore struct {
	mu        sync.Mutex
	runs      []run
	byKey     map[string]int
	startErr  error
	finishErr error
	starts    int
}

func newMemStore() *memStore { return &memStore{byKey: map[string]int{}} }

func runKey(job string, at time.Time) string { return job + "@" + at.UTC().Format(time.RFC3339Nano) }

func (m *memStore) StartRun(_ context.Context, job string, scheduledFor, now time.Time) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.starts++
	if m.startErr != nil {
		return 0, m.startErr
	}
	k := runKey(job, scheduledFor)
	if _, ok := m.byKey[k]; ok {
		return 0, fmt.Errorf("start %s: %w", k, errDuplicate)
	}
	m.runs = append(m.runs, run{ID: int64(len(m.runs) + 1), Job: job, ScheduledFor: scheduledFor, StartedAt: now, Status: StatusRunning})
	m.byKey[k] = len(m.runs) - 1
	return int64(len(m.runs)), nil
}

func (m *memStore) FinishRun(_ context.Context, id int64, now time.Time, status, detail string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.finishErr != nil {
		return m.finishErr
	}
	if id < 1 || int(id) > len(m.runs) {
		return fmt.Errorf("finish: no run %d", id)
	}
	r := &m.runs[id-1]
	r.FinishedAt, r.Status, r.Detail = now, status, detail
	return nil
}

func (m *memStore) all() []run {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]run(nil), m.runs...)
}

// busyLocker never grants a lock, like a replica that lost the race.
type busyLocker struct{}

func (busyLocker) TryLock(context.Context, string) (func(), bool, error) { return nil, false, nil }

// openLocker always grants, leaving exclusion to the store's unique key.
type openLocker struct{}

func (openLocker) TryLock(context.Context, string) (func(), bool, error) { return func() {}, true, nil }

// stepClock advances by step on every reading, so durations are
// deterministic.
type stepClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

func (c *stepClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// logBuffer captures JSON log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// records returns the captured lines at or above level.
func (b *logBuffer) records(t *testing.T, level slog.Level) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		var l slog.Level
		if err := l.UnmarshalText([]byte(m["level"].(string))); err != nil {
			t.Fatalf("log level: %v", err)
		}
		if l >= level {
			out = append(out, m)
		}
	}
	return out
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}
