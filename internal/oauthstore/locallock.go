package oauthstore

import (
	"context"
	"errors"
	"sync"

	"golang.org/x/oauth2"
)

// TokenStore keeps a ledger's token and the id of the connected company
// (qbo.TokenStore, xero.TokenStore).
type TokenStore interface {
	Load(ctx context.Context) (*oauth2.Token, string, error)
	Save(ctx context.Context, tok *oauth2.Token, id string) error
}

// LocalLock makes a TokenStore lockable within one process, for a store
// that cannot lock across processes.
type LocalLock struct {
	TokenStore
	// NoToken is the error, wrapped by Load's, that means nothing is
	// stored.
	NoToken error

	mu sync.Mutex
}

// Update reads the stored token and id (nil, "" when none), calls fn and
// saves what it returns (nothing when it returns a nil token), all under
// this process's lock.
func (l *LocalLock) Update(ctx context.Context, fn func(*oauth2.Token, string) (*oauth2.Token, string, error)) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	tok, id, err := l.Load(ctx)
	if err != nil && !errors.Is(err, l.NoToken) {
		return err
	}
	next, nextID, err := fn(tok, id)
	if err != nil || next == nil {
		return err
	}
	return l.Save(ctx, next, nextID)
}
