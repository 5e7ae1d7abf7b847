package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// InvoiceState is where an invoice is in its life: billing's states, whose
// table of legal transitions (billing.Transitions) Transition enforces.
type InvoiceState = billing.InvoiceState

// Invoice states (see billing.InvoiceState).
const (
	StateDraft    = billing.StateDraft
	StatePending  = billing.StatePending
	StateApproved = billing.StateApproved
	StateSent     = billing.StateSent
	StatePaid     = billing.StatePaid
	StateHeld     = billing.StateHeld
	StateFlagged  = billing.StateFlagged
	StateVoided   = billing.StateVoided
)

// InvoiceStates lists every state, in lifecycle order.
var InvoiceStates = billing.InvoiceStates

// Invoice is a stored invoice: billbot's draft (the billing fields) plus its
// state, its QBO and Slack references and its collection facts.
type Invoice struct {
	ID    int64
	State InvoiceState

	Key          string
	Client       string
	Currency     money.Currency
	Period       billing.Period
	InvoiceDate  billing.Date
	DueDate      billing.Date
	Engagements  []string
	Partners     []string
	Managers     []string
	Lines        []billing.Line // with their EntryIDs
	Subtotal     money.Amount
	Discount     money.Amount
	Credit       money.Amount
	Total        money.Amount
	Hours        money.Hours
	Supplemental bool
	Replenish    bool
	Notes        []string

	// WriteDowns lists the lines an edit lowered below their drafted amount.
	WriteDowns []WriteDown

	LedgerID, SyncToken, DocNumber string
	LedgerTotal, Balance           money.Amount
	EmailStatus                    string
	SentAt, ViewedAt               time.Time
	PaidAt, LastRemindedAt         time.Time
	SlackChannel, SlackTS          string
	HoldReason, ActedBy            string
	ActedAt                        time.Time
	CreatedAt, UpdatedAt           time.Time
	Version                        int64
}

// WriteDown is an invoice line billed below the amount first drafted.
type WriteDown struct {
	Line     int // index into Invoice.Lines
	Original money.Amount
	Amount   money.Amount
	Reason   string
}

// Billing returns the invoice's billing fields.
func (inv Invoice) Billing() billing.Invoice {
	return billing.Invoice{
		Key: inv.Key, Client: inv.Client, Currency: inv.Currency, Period: inv.Period,
		InvoiceDate: inv.InvoiceDate, DueDate: inv.DueDate, Engagements: inv.Engagements,
		Partners: inv.Partners, Managers: inv.Managers, Lines: inv.Lines,
		Subtotal: inv.Subtotal, Discount: inv.Discount, Credit: inv.Credit, Total: inv.Total,
		Hours: inv.Hours, Supplemental: inv.Supplemental, Replenish: inv.Replenish, Notes: inv.Notes,
	}
}

// summary is the invoice without lines, for audit records of changes that
// leave the lines alone.
func (inv Invoice) summary() Invoice {
	inv.Lines, inv.WriteDowns = nil, nil
	return inv
}

// errKeyTaken reports a concurrent SaveDraft of the same key.
var errKeyTaken = errors.New("invoice key taken")

// SaveDraft stores a new draft invoice with its lines and one allocation
// per (line, entry), in one transaction. When an invoice with the same Key
// exists, it is returned with created=false and nothing changes. When any
// entry is already allocated (billed, or held by an open exception) the
// database's unique index refuses it and SaveDraft returns ErrAlreadyBilled.
func (s *Store) SaveDraft(ctx context.Context, inv billing.Invoice, actor string) (Invoice, bool, error) {
	now := s.clock()
	var out Invoice
	created := false
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var id int64
		found, err := scanRow(tx.Raw("SELECT id FROM invoices WHERE key = ?", inv.Key).Row(), &id)
		if err != nil {
			return err
		}
		if !found {
			if id, err = s.insertInvoice(tx, inv, now); err != nil {
				return err
			}
			if err := s.insertLines(tx, id, inv.Lines, nil, "", now); err != nil {
				return err
			}
			created = true
		}
		if out, err = s.loadInvoice(tx, "id = ?", id); err != nil {
			return err
		}
		if !created {
			return nil
		}
		if err := s.auditChange(tx, actor, "invoice.draft", "invoice", idStr(id), "", nil, out); err != nil {
			return err
		}
		return bumpLedger(tx) // last: see ledgerTx
	})
	if errors.Is(err, errKeyTaken) {
		out, err = s.InvoiceByKey(ctx, inv.Key)
		return out, false, err
	}
	if err != nil {
		return Invoice{}, false, fmt.Errorf("store: save draft %s: %w", inv.Key, err)
	}
	return out, created, nil
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

func (s *Store) insertInvoice(tx *gorm.DB, inv billing.Invoice, now time.Time) (int64, error) {
	var js [4]string
	for i, v := range [][]string{inv.Engagements, inv.Partners, inv.Managers, inv.Notes} {
		var err error
		if js[i], err = jsonText(strs(v)); err != nil {
			return 0, err
		}
	}
	var id int64
	err := tx.Raw(`INSERT INTO invoices (key, state, client, currency, period_start, period_end, invoice_date, due_date,
			engagements_json, partners_json, managers_json, notes_json, subtotal, discount, credit, total, hours,
			supplemental, replenish, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
		inv.Key, string(StateDraft), inv.Client, string(inv.Currency), date(inv.Period.Start), date(inv.Period.End),
		date(inv.InvoiceDate), date(inv.DueDate), js[0], js[1], js[2], js[3], int64(inv.Subtotal), int64(inv.Discount),
		int64(inv.Credit), int64(inv.Total), int64(inv.Hours), inv.Supplemental, inv.Replenish, s.ts(now), s.ts(now),
	).Row().Scan(&id)
	if isUniqueViolation(s.dialect, err) {
		return 0, errKeyTaken
	}
	if err != nil {
		return 0, fmt.Errorf("insert invoice: %w", err)
	}
	return id, nil
}

// Invoice returns the invoice with that id.
func (s *Store) Invoice(ctx context.Context, id int64) (Invoice, error) {
	inv, err := s.loadInvoice(s.q(ctx), "id = ?", id)
	if err != nil {
		return Invoice{}, fmt.Errorf("store: invoice %d: %w", id, err)
	}
	return inv, nil
}

// InvoiceByKey returns the invoice with that draft key.
func (s *Store) InvoiceByKey(ctx context.Context, key string) (Invoice, error) {
	inv, err := s.loadInvoice(s.q(ctx), "key = ?", key)
	if err != nil {
		return Invoice{}, fmt.Errorf("store: invoice %s: %w", key, err)
	}
	return inv, nil
}

// InvoiceByQBOID returns the invoice QBO knows by that id.
func (s *Store) InvoiceByQBOID(ctx context.Context, qboID string) (Invoice, error) {
	if qboID == "" {
		return Invoice{}, fmt.Errorf("store: invoice with empty QBO id: %w", ErrNotFound)
	}
	inv, err := s.loadInvoice(s.q(ctx), "qbo_id = ?", qboID)
	if err != nil {
		return Invoice{}, fmt.Errorf("store: invoice with QBO id %s: %w", qboID, err)
	}
	return inv, nil
}

// InvoiceFilter selects invoices; zero fields select everything.
type InvoiceFilter struct {
	States  []InvoiceState
	Client  string // exact name, case-insensitive
	Manager string // Slack user id among the invoice's managers
	Limit   int
}

// Invoices returns the invoices matching f, oldest first.
func (s *Store) Invoices(ctx context.Context, f InvoiceFilter) ([]Invoice, error) {
	var (
		where []string
		args  []any
	)
	if len(f.States) > 0 {
		states := make([]string, len(f.States))
		for i, st := range f.States {
			states[i] = string(st)
		}
		where, args = append(where, "state IN ?"), append(args, states)
	}
	if f.Client != "" {
		where, args = append(where, "LOWER(client) = LOWER(?)"), append(args, f.Client)
	}
	if f.Manager != "" {
		// managers_json is a JSON array of ids: match the quoted element.
		where, args = append(where, `managers_json LIKE ? ESCAPE '\'`), append(args, `%"`+likeEscape(f.Manager)+`"%`)
	}
	cond := "1 = 1"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
	limit := ""
	if f.Limit > 0 {
		limit = " LIMIT " + strconv.Itoa(f.Limit)
	}
	invs, err := s.loadInvoices(s.q(ctx), cond+" ORDER BY id"+limit, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list invoices: %w", err)
	}
	return invs, nil
}

// likeEscape makes s match itself in a LIKE pattern with ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
