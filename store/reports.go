package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// The report queries below answer /ar aging and /billing status from the
// invoices table alone: no lines, no allocations, and sales summed per month
// in SQL, so a report over a hundred thousand invoices reads a few thousand
// rows. Their results equal what the same reports compute from Invoices
// (store/reports_test.go proves it on both dialects).

// ReportFilter narrows a report; zero fields select everything.
type ReportFilter struct {
	Client  string // exact name, case-insensitive (as InvoiceFilter.Client)
	Manager string // Slack user id among the invoice's managers (as InvoiceFilter.Manager)
}

// Query is one SQL statement of a report with its arguments, in the
// store's "?" placeholder style. It is exported so a benchmark can time the
// bare SQL a report needs.
type Query struct {
	SQL  string
	Args []any
}

// where returns the filter's conditions, each to be ANDed, and their
// arguments. The expressions match the ones indexed by migration 0002.
func (f ReportFilter) where() ([]string, []any) {
	var (
		conds []string
		args  []any
	)
	if f.Client != "" {
		conds, args = append(conds, "LOWER(client) = LOWER(?)"), append(args, f.Client)
	}
	if f.Manager != "" {
		// managers_json is a JSON array of ids: match the quoted element.
		conds, args = append(conds, `managers_json LIKE ? ESCAPE '\'`), append(args, `%"`+likeEscape(f.Manager)+`"%`)
	}
	return conds, args
}

// firstManager is the SQL expression of an invoice's first manager id, ""
// when it has none.
func firstManager(dialect string) string {
	if dialect == DialectPostgres {
		return "COALESCE((managers_json::jsonb) ->> 0, '')"
	}
	return "COALESCE(json_extract(managers_json, '$[0]'), '')"
}

// monthStart is the SQL expression of the first day of a DATE column's
// month, as a DATE on PostgreSQL (date_trunc on a timestamp without time
// zone, so the session's zone plays no part) and as 'YYYY-MM-01' text on
// SQLite, where dates are 'YYYY-MM-DD' text.
func monthStart(dialect, col string) string {
	if dialect == DialectPostgres {
		return "date_trunc('month', " + col + "::timestamp)::date"
	}
	return "substr(" + col + ", 1, 7) || '-01'"
}

// OpenBalancesQuery is the SQL of OpenBalances on dialect.
func OpenBalancesQuery(dialect string, f ReportFilter) Query {
	conds, args := f.where()
	conds = append([]string{"state = 'sent'", "balance > 0"}, conds...)
	return Query{
		SQL: "SELECT id, key, doc_number, client, " + firstManager(dialect) + `, currency, invoice_date, due_date, total, balance
			FROM invoices WHERE ` + strings.Join(conds, " AND ") + " ORDER BY id",
		Args: args,
	}
}

// MonthlySalesQuery is the SQL of MonthlySales on dialect.
func MonthlySalesQuery(dialect string, f ReportFilter, since, through billing.Date) Query {
	conds, args := f.where()
	conds = append([]string{"state IN ('sent', 'paid')", "invoice_date IS NOT NULL"}, conds...)
	if !since.IsZero() {
		conds, args = append(conds, "invoice_date >= ?"), append(args, date(since))
	}
	if !through.IsZero() {
		conds, args = append(conds, "invoice_date <= ?"), append(args, date(through))
	}
	month := monthStart(dialect, "invoice_date")
	sum := "SUM(total)"
	if dialect == DialectPostgres {
		sum = "SUM(total)::BIGINT" // SUM of BIGINT is NUMERIC on PostgreSQL
	}
	return Query{
		SQL: "SELECT currency, " + month + " AS month, " + sum + " FROM invoices WHERE " + strings.Join(conds, " AND ") +
			" GROUP BY currency, " + month + " ORDER BY currency, month",
		Args: args,
	}
}

// OpenBalances returns the sent invoices with a balance left, oldest
// first, without their lines: what AR aging needs. Manager is the
// invoice's first manager.
func (s *Store) OpenBalances(ctx context.Context, f ReportFilter) ([]billing.OpenInvoice, error) {
	q := OpenBalancesQuery(s.dialect, f)
	rows, err := s.q(ctx).Raw(q.SQL, q.Args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: open balances: %w", err)
	}
	defer rows.Close()
	var out []billing.OpenInvoice
	for rows.Next() {
		var (
			o              billing.OpenInvoice
			cur            string
			invDate, due   dateCol
			total, balance int64
		)
		if err := rows.Scan(&o.ID, &o.Key, &o.DocNumber, &o.Client, &o.Manager, &cur, &invDate, &due, &total, &balance); err != nil {
			return nil, fmt.Errorf("store: scan open balance: %w", err)
		}
		o.Currency, o.InvoiceDate, o.DueDate = money.Currency(cur), invDate.D, due.D
		o.Total, o.Balance = money.Amount(total), money.Amount(balance)
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: open balances: %w", err)
	}
	return out, nil
}

// MonthlySales returns the totals of the sent and paid invoices dated from
// since through through (zero: no bound), summed per currency and month:
// one Sale per (currency, month), dated the month's first day, with no
// client or manager. That is all DSO's countback reads of the sales
// history (billing.Age sums sales per month itself), so the DSO is the
// same as from every invoice, provided through is the as-of day: countback
// ignores sales after it, and a month's sum cannot tell them apart.
func (s *Store) MonthlySales(ctx context.Context, f ReportFilter, since, through billing.Date) ([]billing.Sale, error) {
	q := MonthlySalesQuery(s.dialect, f, since, through)
	rows, err := s.q(ctx).Raw(q.SQL, q.Args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: monthly sales: %w", err)
	}
	defer rows.Close()
	var out []billing.Sale
	for rows.Next() {
		var (
			cur   string
			month dateCol
			total sql.NullInt64
		)
		if err := rows.Scan(&cur, &month, &total); err != nil {
			return nil, fmt.Errorf("store: scan monthly sales: %w", err)
		}
		out = append(out, billing.Sale{Currency: money.Currency(cur), InvoiceDate: month.D, Total: money.Amount(total.Int64)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: monthly sales: %w", err)
	}
	return out, nil
}

// StatusCount is the number of invoices in one state and currency with
// their totals and open balances, and how many of them are overdue.
type StatusCount struct {
	State    InvoiceState
	Currency money.Currency
	Count    int
	Total    money.Amount
	Balance  money.Amount
	// Overdue counts the invoices that are overdue today by billing.Overdue
	// (a balance left, due — on the due date, else the invoice date —
	// before today), and OverdueBalance sums their balances.
	Overdue        int
	OverdueBalance money.Amount
}

// StatusCounts counts the invoices still in progress — every state but
// paid and voided, which only grow with history — of one client when client
// is set (matched as ReportFilter.Client), per state and currency, in SQL;
// rows come ordered by state and currency.
func (s *Store) StatusCounts(ctx context.Context, client string, today billing.Date) ([]StatusCount, error) {
	conds, args := ReportFilter{Client: client}.where()
	// Listed, not NOT IN, so the state index serves it.
	conds = append([]string{"state IN ('draft', 'pending', 'approved', 'sent', 'held', 'flagged')"}, conds...)
	cond := " WHERE " + strings.Join(conds, " AND ")
	// billing.Overdue in SQL: due on due_date, else invoice_date; no date
	// at all is before every day. TestStatusCountsLikeWholeInvoices holds
	// the two to the same answers.
	overdue := "balance > 0 AND (COALESCE(due_date, invoice_date) IS NULL OR COALESCE(due_date, invoice_date) < ?)"
	bigint := func(expr string) string {
		if s.dialect == DialectPostgres {
			return expr + "::BIGINT" // SUM and COUNT widen on PostgreSQL
		}
		return expr
	}
	q := "SELECT state, currency, " + bigint("COUNT(*)") + ", " + bigint("SUM(total)") + ", " + bigint("SUM(balance)") + ", " +
		bigint("SUM(CASE WHEN "+overdue+" THEN 1 ELSE 0 END)") + ", " +
		bigint("SUM(CASE WHEN "+overdue+" THEN balance ELSE 0 END)") +
		" FROM invoices" + cond + " GROUP BY state, currency ORDER BY state, currency"
	args = append([]any{date(today), date(today)}, args...)
	rows, err := s.q(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: status counts: %w", err)
	}
	defer rows.Close()
	var out []StatusCount
	for rows.Next() {
		var (
			c                                    StatusCount
			state, cur                           string
			count, total, balance, od, odBalance int64
		)
		if err := rows.Scan(&state, &cur, &count, &total, &balance, &od, &odBalance); err != nil {
			return nil, fmt.Errorf("store: scan status counts: %w", err)
		}
		c.State, c.Currency = InvoiceState(state), money.Currency(cur)
		c.Count, c.Total, c.Balance = int(count), money.Amount(total), money.Amount(balance)
		c.Overdue, c.OverdueBalance = int(od), money.Amount(odBalance)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: status counts: %w", err)
	}
	return out, nil
}
