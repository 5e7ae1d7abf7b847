package store

import (
	"encoding/binary"
	"hash/maphash"

	"billbot/internal/billing"
)

// An entry digest is a hash of the stored fields an import compares
// (importChanged's columns, with the key): a re-import on PostgreSQL reads
// the source's live rows once, keeps only their digests, and sends on only
// the rows whose digest it does not find, so an unchanged row never
// reaches the server. Both sides are hashed here, in Go, from the same
// bytes (see digester). Digests live only in the memory of one import,
// never stored or compared across processes, so the hash is seeded at
// random each run (hash/maphash, twice over for 128 bits): a collision — a
// changed row taken for unchanged — is about 1 in 10^26 for a million
// rows, and no file can be crafted to cause one without the run's seeds.

// digestCols are the columns digestRow reads, in entryDigest's order.
const digestCols = `source, external_id, project_id, project, harvest_client_id, client, task, user_name,
	spent_date, hours, rate, currency, notes, billable, running, approved, billed_elsewhere, user_id`

// digestEpoch is day 0 of a digest's spent_date.
var digestEpoch = billing.Date{Year: 2000, Month: 1, Day: 1}

type digest = [16]byte

// digester writes the bytes of a digest: each number as 8 bytes, each
// flag as 1, each text as its length in 8 bytes and then its bytes, so
// that no two different rows write the same bytes.
type digester struct{ b []byte }

func (d *digester) text(s []byte) { d.b = appendText(d.b, s) }

func (d *digester) str(s string) { d.b = appendText(d.b, s) }

// appendText appends s's length in 8 bytes, then s.
func appendText[T string | []byte](b []byte, s T) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(len(s)))
	return append(b, s...)
}

func (d *digester) int(v int64) {
	d.b = binary.LittleEndian.AppendUint64(d.b, uint64(v))
}

func (d *digester) flag(v bool) {
	if v {
		d.b = append(d.b, 1)
	} else {
		d.b = append(d.b, 0)
	}
}

// digestSeeds seed the two halves of a digest; random for each process.
var digestSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

// sum is the digest of the text written so far, which it then forgets: two
// 64-bit maphash sums of it under independent seeds (several times faster
// than SHA-256 over the million rows of a large re-import).
func (d *digester) sum() digest {
	var out digest
	lo, hi := maphash.Bytes(digestSeeds[0], d.b), maphash.Bytes(digestSeeds[1], d.b)
	for i := range 8 {
		out[i], out[8+i] = byte(lo>>(8*i)), byte(hi>>(8*i))
	}
	d.b = d.b[:0]
	return out
}

// entryDigest is the digest of e as it would be stored.
func (d *digester) entry(e billing.TimeEntry) digest {
	d.str(e.Source)
	d.str(e.ExternalID)
	d.int(e.ProjectID)
	d.str(e.Project)
	d.int(e.ClientID)
	d.str(e.Client)
	d.str(e.Task)
	d.str(e.User)
	d.int(int64(digestEpoch.DaysUntil(e.SpentDate)))
	d.int(int64(e.Hours))
	d.int(int64(e.Rate))
	d.str(string(e.Currency))
	d.str(e.Notes)
	d.flag(e.Billable)
	d.flag(e.Running)
	d.flag(e.Approved)
	d.flag(e.BilledElsewhere)
	d.int(e.UserID)
	return d.sum()
}
