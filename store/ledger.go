package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// LedgerVersion returns a number that changes, in the same transaction,
// with every change of an invoice — drafted, edited, moved to another
// state, paid or voided, disputed or resolved; nothing else changes it. It
// is one row: the cheap stamp for callers caching answers derived from the
// invoices (aging, status, App Home), in any process sharing the database.
func (s *Store) LedgerVersion(ctx context.Context) (int64, error) {
	var v int64
	found, err := scanRow(s.q(ctx).Raw("SELECT version FROM ledger_version WHERE id = 1").Row(), &v)
	if err != nil {
		return 0, fmt.Errorf("store: read ledger version: %w", err)
	}
	if !found {
		return 0, fmt.Errorf("store: read ledger version: %w", ErrNotFound)
	}
	return v, nil
}

// ledgerTx is tx for a change of the invoices: after fn succeeds it bumps
// the ledger version in the same transaction. The bump is the transaction's
// last statement, so the one row it locks is held only until the commit
// and never while waiting for an invoice row (no lock-order cycle).
func (s *Store) ledgerTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := fn(tx); err != nil {
			return err
		}
		return bumpLedger(tx)
	})
}

func bumpLedger(tx *gorm.DB) error {
	if err := tx.Exec("UPDATE ledger_version SET version = version + 1 WHERE id = 1").Error; err != nil {
		return fmt.Errorf("bump ledger version: %w", err)
	}
	return nil
}
