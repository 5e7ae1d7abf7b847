package jobs

import (
	"context"
	"sync"
)

// LocalLocker is a Locker for a single process (the embedded SQLite
// deployment, where only one billbot runs against the database file). Its
// zero value is ready to use; share one *LocalLocker among the process's
// Runners.
type LocalLocker struct {
	mu   sync.Mutex
	held map[string]bool
}

var _ Locker = (*LocalLocker)(nil)

// TryLock takes key if no one in this process holds it.
func (l *LocalLocker) TryLock(ctx context.Context, key string) (func(), bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held[key] {
		return nil, false, nil
	}
	if l.held == nil {
		l.held = make(map[string]bool)
	}
	l.held[key] = true
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			delete(l.held, key)
			l.mu.Unlock()
		})
	}, true, nil
}
