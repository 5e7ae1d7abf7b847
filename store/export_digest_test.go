package store

import "billbot/internal/billing"

// EntryDigest and DigestSQL expose the import's row digest to the tests.
var DigestSQL = digestSQL

func EntryDigest(e billing.TimeEntry) []byte {
	d, _ := entryDigest(e, nil)
	return d[:]
}
