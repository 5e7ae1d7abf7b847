package store

import (
	"database/sql"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// invoiceCols is what scanInvoice reads, in order.
const invoiceCols = `id, key, state, client, currency, period_start, period_end, invoice_date, due_date,
	engagements_json, partners_json, managers_json, notes_json, subtotal, discount, credit, total, hours,
	supplemental, replenish, qbo_id, sync_token, doc_number, qbo_total, balance, email_status,
	sent_at, viewed_at, paid_at, last_reminded_at, slack_channel, slack_ts, hold_reason, acted_by, acted_at,
	created_at, updated_at, version`

func scanInvoice(rows *sql.Rows) (Invoice, error) {
	var (
		inv                                    Invoice
		state, cur                             string
		pStart, pEnd, invDate, due             dateCol
		engs, partners, managers, notes        string
		subtotal, discount, credit, total, hrs int64
		qboTotal, balance                      int64
		sent, viewed, paid, reminded, acted    timeCol
		created, updated                       timeCol
	)
	err := rows.Scan(&inv.ID, &inv.Key, &state, &inv.Client, &cur, &pStart, &pEnd, &invDate, &due,
		&engs, &partners, &managers, &notes, &subtotal, &discount, &credit, &total, &hrs,
		&inv.Supplemental, &inv.Replenish, &inv.LedgerID, &inv.SyncToken, &inv.DocNumber, &qboTotal, &balance, &inv.EmailStatus,
		&sent, &viewed, &paid, &reminded, &inv.SlackChannel, &inv.SlackTS, &inv.HoldReason, &inv.ActedBy, &acted,
		&created, &updated, &inv.Version)
	if err != nil {
		return Invoice{}, fmt.Errorf("scan invoice: %w", err)
	}
	inv.State, inv.Currency = InvoiceState(state), money.Currency(cur)
	inv.Period = billing.Period{Start: pStart.D, End: pEnd.D}
	inv.InvoiceDate, inv.DueDate = invDate.D, due.D
	for _, f := range []struct {
		src string
		dst *[]string
	}{{engs, &inv.Engagements}, {partners, &inv.Partners}, {managers, &inv.Managers}, {notes, &inv.Notes}} {
		if err := fromJSON(f.src, f.dst); err != nil {
			return Invoice{}, err
		}
		if len(*f.dst) == 0 {
			*f.dst = nil
		}
	}
	inv.Subtotal, inv.Discount, inv.Credit, inv.Total = money.Amount(subtotal), money.Amount(discount), money.Amount(credit), money.Amount(total)
	inv.Hours, inv.LedgerTotal, inv.Balance = money.Hours(hrs), money.Amount(qboTotal), money.Amount(balance)
	inv.SentAt, inv.ViewedAt, inv.PaidAt, inv.LastRemindedAt, inv.ActedAt = sent.T, viewed.T, paid.T, reminded.T, acted.T
	inv.CreatedAt, inv.UpdatedAt = created.T, updated.T
	return inv, nil
}

// loadInvoice loads the one invoice matching cond, with its lines;
// ErrNotFound when none. Inside a PostgreSQL transaction, lock makes it a
// SELECT … FOR UPDATE.
func (s *Store) loadInvoice(tx *gorm.DB, cond string, args ...any) (Invoice, error) {
	invs, err := s.loadInvoices(tx, cond, args...)
	if err != nil {
		return Invoice{}, err
	}
	if len(invs) == 0 {
		return Invoice{}, ErrNotFound
	}
	return invs[0], nil
}

// loadInvoices loads the invoices matching cond (a WHERE clause, possibly
// followed by ORDER BY / LIMIT / FOR UPDATE) with their lines.
func (s *Store) loadInvoices(tx *gorm.DB, cond string, args ...any) ([]Invoice, error) {
	rows, err := tx.Raw("SELECT "+invoiceCols+" FROM invoices WHERE "+cond, args...).Rows()
	if err != nil {
		return nil, err
	}
	var out []Invoice
	for rows.Next() {
		inv, err := scanInvoice(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, inv)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(out))
	for i, inv := range out {
		ids[i] = inv.ID
	}
	lines, err := s.loadLines(tx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		for j, l := range lines[out[i].ID] {
			out[i].Lines = append(out[i].Lines, l.Line)
			if l.reason != "" || l.Amount < l.original {
				out[i].WriteDowns = append(out[i].WriteDowns, WriteDown{Line: j, Original: l.original, Amount: l.Amount, Reason: l.reason})
			}
		}
	}
	return out, nil
}

// storedLine is an invoice line with its row id and write-down facts.
type storedLine struct {
	billing.Line
	id       int64
	original money.Amount
	reason   string
}

// loadLines returns each invoice's lines in order with their entry ids
// (every allocation, released ones included, so a voided invoice still
// shows what it billed).
func (s *Store) loadLines(tx *gorm.DB, invoiceIDs []int64) (map[int64][]storedLine, error) {
	out := map[int64][]storedLine{}
	byLine := map[int64]*storedLine{}
	for chunk := range slices.Chunk(invoiceIDs, 500) {
		rows, err := tx.Raw(`SELECT id, invoice_id, kind, engagement, task, item, description, service_date,
				qty, unit_price, amount, late, original_amount, writedown_reason
			FROM invoice_lines WHERE invoice_id IN ? ORDER BY invoice_id, line_no`, chunk).Rows()
		if err != nil {
			return nil, fmt.Errorf("load lines: %w", err)
		}
		for rows.Next() {
			var (
				l                            storedLine
				invID, qty, price, amt, orig int64
				kind                         string
				svc                          dateCol
			)
			if err := rows.Scan(&l.id, &invID, &kind, &l.Engagement, &l.Task, &l.Item, &l.Description, &svc,
				&qty, &price, &amt, &l.Late, &orig, &l.reason); err != nil {
				rows.Close()
				return nil, fmt.Errorf("scan line: %w", err)
			}
			l.Kind, l.ServiceDate = billing.LineKind(kind), svc.D
			l.Qty, l.UnitPrice, l.Amount, l.original = money.Hours(qty), money.Amount(price), money.Amount(amt), money.Amount(orig)
			out[invID] = append(out[invID], l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("load lines: %w", err)
		}
	}
	for invID := range out {
		for i := range out[invID] {
			byLine[out[invID][i].id] = &out[invID][i]
		}
	}
	for chunk := range slices.Chunk(invoiceIDs, 500) {
		rows, err := tx.Raw(`SELECT a.invoice_line_id, a.entry_id FROM allocations a
			JOIN invoice_lines l ON l.id = a.invoice_line_id
			WHERE l.invoice_id IN ? ORDER BY a.invoice_line_id, a.entry_id`, chunk).Rows()
		if err != nil {
			return nil, fmt.Errorf("load allocations: %w", err)
		}
		for rows.Next() {
			var lineID, entryID int64
			if err := rows.Scan(&lineID, &entryID); err != nil {
				rows.Close()
				return nil, fmt.Errorf("scan allocation: %w", err)
			}
			if l := byLine[lineID]; l != nil && !slices.Contains(l.EntryIDs, entryID) {
				l.EntryIDs = append(l.EntryIDs, entryID)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("load allocations: %w", err)
		}
	}
	return out, nil
}

// insertLines writes lines in order and allocates each line's entries. prev
// are the lines an edit replaces: a line matching one of them (same kind,
// engagement, task and service date) keeps its drafted amount, and the
// edit's reason is recorded on a line it lowers below that amount. A unique
// violation on allocations means an entry is already allocated.
func (s *Store) insertLines(tx *gorm.DB, invoiceID int64, lines []billing.Line, prev []storedLine, reason string, now time.Time) error {
	used := make([]bool, len(prev))
	type alloc struct{ entry, line int64 }
	var allocs []alloc
	for i, l := range lines {
		original, why := l.Amount, ""
		for j, p := range prev {
			if used[j] || p.Kind != l.Kind || p.Engagement != l.Engagement || p.Task != l.Task || p.ServiceDate != l.ServiceDate {
				continue
			}
			used[j] = true
			original = p.original
			switch {
			case l.Amount == p.Amount:
				why = p.reason
			case l.Amount < original:
				why = reason
			}
			break
		}
		var lineID int64
		err := tx.Raw(`INSERT INTO invoice_lines (invoice_id, line_no, kind, engagement, task, item, description, service_date,
				qty, unit_price, amount, late, original_amount, writedown_reason)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			invoiceID, i, string(l.Kind), l.Engagement, l.Task, l.Item, l.Description, date(l.ServiceDate),
			int64(l.Qty), int64(l.UnitPrice), int64(l.Amount), l.Late, int64(original), why).Row().Scan(&lineID)
		if err != nil {
			return fmt.Errorf("insert line %d: %w", i, err)
		}
		for _, e := range l.EntryIDs {
			allocs = append(allocs, alloc{e, lineID})
		}
	}
	for chunk := range slices.Chunk(allocs, 500) {
		q := "INSERT INTO allocations (entry_id, invoice_line_id, exception_id, active, created_at) VALUES "
		args := make([]any, 0, 3*len(chunk))
		for i, a := range chunk {
			if i > 0 {
				q += ","
			}
			q += "(?, ?, NULL, TRUE, ?)"
			args = append(args, a.entry, a.line, s.ts(now))
		}
		if err := tx.Exec(q, args...).Error; err != nil {
			return fmt.Errorf("allocate entries: %w", s.uniqueAs(err, ErrAlreadyBilled))
		}
	}
	return nil
}
