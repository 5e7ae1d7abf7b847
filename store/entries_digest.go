package store

import (
	"crypto/md5"
	"strconv"
	"strings"

	"billbot/internal/billing"
)

// An entry digest is the MD5 of the stored fields an import compares
// (importChanged's columns, with the key), written as text both in SQL
// and in Go: a re-import on PostgreSQL reads the digests of the source's
// live rows once and sends on only the rows whose digest it does not
// find, so an unchanged row never reaches the server. Text fields carry
// their length in bytes, so that no two different rows write the same
// text. MD5 serves as a checksum here, not against an adversary: the file
// is the operator's own.
type digestCol struct {
	name string
	kind byte // 't' text, 'i' bigint, 'b' boolean, 'd' date
}

var digestCols = []digestCol{
	{"source", 't'}, {"external_id", 't'}, {"project_id", 'i'}, {"project", 't'}, {"harvest_client_id", 'i'},
	{"client", 't'}, {"task", 't'}, {"user_name", 't'}, {"spent_date", 'd'}, {"hours", 'i'}, {"rate", 'i'},
	{"currency", 't'}, {"notes", 't'}, {"billable", 'b'}, {"running", 'b'}, {"approved", 'b'},
	{"billed_elsewhere", 'b'}, {"user_id", 'i'},
}

// digestEpoch is day 0 of a digest's spent_date.
var digestEpoch = billing.Date{Year: 2000, Month: 1, Day: 1}

// digestSQL is the digest of a row of time_entries, as 16 bytes.
var digestSQL = func() string {
	parts := make([]string, len(digestCols))
	for i, c := range digestCols {
		switch c.kind {
		case 't':
			parts[i] = "octet_length(" + c.name + ")::text || ':' || " + c.name
		case 'i':
			parts[i] = c.name + "::text"
		case 'b':
			parts[i] = "CASE WHEN " + c.name + " THEN '1' ELSE '0' END"
		case 'd':
			parts[i] = "(" + c.name + " - DATE '" + digestEpoch.String() + "')::text"
		}
	}
	return "decode(md5(" + strings.Join(parts, " || ';' || ") + "), 'hex')"
}()

// entryDigest is digestSQL of e as stored; buf is scratch space, returned
// grown for the next call.
func entryDigest(e billing.TimeEntry, buf []byte) ([md5.Size]byte, []byte) {
	b := buf[:0]
	text := func(s string) {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
	}
	flag := func(v bool) {
		if v {
			b = append(b, '1')
		} else {
			b = append(b, '0')
		}
	}
	sep := func() { b = append(b, ';') }
	// In digestCols' order.
	text(e.Source)
	sep()
	text(e.ExternalID)
	sep()
	b = strconv.AppendInt(b, e.ProjectID, 10)
	sep()
	text(e.Project)
	sep()
	b = strconv.AppendInt(b, e.ClientID, 10)
	sep()
	text(e.Client)
	sep()
	text(e.Task)
	sep()
	text(e.User)
	sep()
	b = strconv.AppendInt(b, int64(digestEpoch.DaysUntil(e.SpentDate)), 10)
	sep()
	b = strconv.AppendInt(b, int64(e.Hours), 10)
	sep()
	b = strconv.AppendInt(b, int64(e.Rate), 10)
	sep()
	text(string(e.Currency))
	sep()
	text(e.Notes)
	sep()
	flag(e.Billable)
	sep()
	flag(e.Running)
	sep()
	flag(e.Approved)
	sep()
	flag(e.BilledElsewhere)
	sep()
	b = strconv.AppendInt(b, e.UserID, 10)
	return md5.Sum(b), b
}
