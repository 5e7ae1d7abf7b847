package workflow

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"billbot/internal/billing"
	"billbot/store"
)

// ImportReport is what ImportEntries did.
type ImportReport struct {
	store.ImportStats
	// Opened and Resolved count the exceptions of the touched clients
	// brought in line after the import; both zero without a firm
	// configuration.
	Opened, Resolved int
}

// ImportEntries stores a stream of entries (a CSV export read row by row)
// in one transaction — an error in the stream stores nothing — then
// re-checks the exceptions of the clients whose entries changed, and only
// theirs (see DetectClients). progress, when not nil, is called with the
// number of entries read so far.
func (w *Workflow) ImportEntries(ctx context.Context, entries iter.Seq2[billing.TimeEntry, error], progress func(n int)) (ImportReport, error) {
	st, err := w.store.ImportEntries(ctx, entries, w.now(), progress)
	if err != nil {
		return ImportReport{}, err
	}
	rep := ImportReport{ImportStats: st}
	rep.Opened, rep.Resolved, err = w.DetectClients(ctx, st.Clients)
	if errors.Is(err, ErrNoConfig) {
		err = nil
	}
	if err != nil {
		return rep, fmt.Errorf("re-check exceptions: %w", err)
	}
	return rep, nil
}
