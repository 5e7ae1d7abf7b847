package store

import (
	"context"

	"billbot/internal/billing"
)

// EntryDigest and StoredDigests expose the import's row digests to the
// tests.
func EntryDigest(e billing.TimeEntry) [16]byte {
	var d digester
	return d.entry(e)
}

func StoredDigests(ctx context.Context, s *Store, source string) (map[[16]byte]struct{}, error) {
	conn, err := s.sqlDB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return importDigests(ctx, conn, source)
}
