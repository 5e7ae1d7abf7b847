package workflow

import "sync"

// invoiceLocks serialises the person-driven actions on one invoice
// (Approve, Hold, Release, Edit) within this process. The database's
// guarded transitions already let only one of fifty simultaneous clicks
// through; the lock makes the other forty-nine wait for it to finish, so
// that each sees — and shows — the state the winner reached (sent), not
// the one it passed through (approved while QBO was still emailing), and
// an edit cannot rewrite the QBO invoice while an approval is sending it.
type invoiceLocks struct {
	mu    sync.Mutex
	locks map[int64]*invoiceLock
}

type invoiceLock struct {
	mu    sync.Mutex
	users int
}

// lock takes invoice id's lock and returns its release.
func (l *invoiceLocks) lock(id int64) (unlock func()) {
	l.mu.Lock()
	if l.locks == nil {
		l.locks = map[int64]*invoiceLock{}
	}
	k := l.locks[id]
	if k == nil {
		k = &invoiceLock{}
		l.locks[id] = k
	}
	k.users++
	l.mu.Unlock()
	k.mu.Lock()
	return func() {
		k.mu.Unlock()
		l.mu.Lock()
		if k.users--; k.users == 0 {
			delete(l.locks, id)
		}
		l.mu.Unlock()
	}
}
