package loadtest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"billbot/internal/billing"
	"billbot/store"
)

// AgingWindowMonths is the first window of sales workflow.Aging reads for
// DSO: the as-of month and the two before it. It is enough whenever the
// receivables are less than those months' sales, as in the seeded firm
// (TestSeededFirm checks).
const AgingWindowMonths = 3

// AgingSince is the first day of AgingWindowMonths ending with asOf's month.
func AgingSince(asOf billing.Date) billing.Date {
	return billing.DateOf(time.Date(asOf.Year, asOf.Month-(AgingWindowMonths-1), 1, 0, 0, 0, 0, time.UTC))
}

// RawAging runs the SQL /ar aging needs — store.OpenBalancesQuery and
// store.MonthlySalesQuery with filter f — straight on conn and reads every
// row: the floor a report handler is measured against. It returns the
// number of rows read.
func RawAging(ctx context.Context, conn *pgx.Conn, f store.ReportFilter, asOf billing.Date) (int, error) {
	n := 0
	for _, q := range []store.Query{
		store.OpenBalancesQuery(store.DialectPostgres, f),
		store.MonthlySalesQuery(store.DialectPostgres, f, AgingSince(asOf), asOf),
	} {
		rows, err := conn.Query(ctx, rebind(q.SQL), q.Args...)
		if err != nil {
			return n, fmt.Errorf("loadtest: raw aging query: %w", err)
		}
		for rows.Next() {
			if _, err := rows.Values(); err != nil {
				rows.Close()
				return n, fmt.Errorf("loadtest: raw aging row: %w", err)
			}
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, fmt.Errorf("loadtest: raw aging query: %w", err)
		}
	}
	return n, nil
}

// rebind turns the store's "?" placeholders into PostgreSQL's $1, $2, …
// (the report queries hold no other question mark).
func rebind(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
