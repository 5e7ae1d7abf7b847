package store

import (
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"billbot/internal/billing"
)

// copyRows is the data of a COPY … FROM STDIN (FORMAT binary) of the rows
// next returns, until it returns a nil row. It encodes the few types an
// import sends itself, once per value, where pgx would look up an encode
// plan for every value of every row. Values: string (text), int64
// (bigint), bool, billing.Date (date), time.Time (timestamptz) and nil
// (NULL). See https://www.postgresql.org/docs/current/sql-copy.html
// ("Binary Format") for the layout.
type copyRows struct {
	next    func() ([]any, error)
	buf     []byte
	off     int
	started bool
	done    bool
}

// copyHeader is the signature, flags and header extension length of a
// binary COPY.
var copyHeader = []byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00")

// pgEpoch is day and instant 0 of PostgreSQL's binary dates and times.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func (r *copyRows) Read(p []byte) (int, error) {
	if !r.started {
		r.buf, r.started = append(r.buf[:0], copyHeader...), true
	}
	for len(r.buf)-r.off < len(p) && !r.done {
		row, err := r.next()
		if err != nil {
			return 0, err
		}
		if row == nil {
			r.buf = binary.BigEndian.AppendUint16(r.buf, 0xffff) // trailer: -1
			r.done = true
			break
		}
		if r.buf, err = appendCopyRow(r.buf, row); err != nil {
			return 0, err
		}
	}
	if r.off == len(r.buf) {
		return 0, io.EOF
	}
	n := copy(p, r.buf[r.off:])
	r.off += n
	if r.off == len(r.buf) && !r.done {
		r.buf, r.off = r.buf[:0], 0
	}
	return n, nil
}

func appendCopyRow(b []byte, row []any) ([]byte, error) {
	b = binary.BigEndian.AppendUint16(b, uint16(len(row)))
	for i, v := range row {
		switch x := v.(type) {
		case nil:
			b = binary.BigEndian.AppendUint32(b, 0xffffffff) // -1: NULL
		case string:
			b = binary.BigEndian.AppendUint32(b, uint32(len(x)))
			b = append(b, x...)
		case int64:
			b = binary.BigEndian.AppendUint32(b, 8)
			b = binary.BigEndian.AppendUint64(b, uint64(x))
		case bool:
			b = binary.BigEndian.AppendUint32(b, 1)
			if x {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		case billing.Date:
			b = binary.BigEndian.AppendUint32(b, 4)
			b = binary.BigEndian.AppendUint32(b, uint32(int32(billing.DateOf(pgEpoch).DaysUntil(x))))
		case time.Time:
			us := x.Unix()*1_000_000 + int64(x.Nanosecond()/1000) - pgEpoch.Unix()*1_000_000
			b = binary.BigEndian.AppendUint32(b, 8)
			b = binary.BigEndian.AppendUint64(b, uint64(us))
		default:
			return b, fmt.Errorf("copy: column %d: cannot send a %T", i, v)
		}
	}
	return b, nil
}
