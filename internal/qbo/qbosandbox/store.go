package qbosandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"billbot/internal/money"
)

// doc is an entity as QBO returns it, kept as raw JSON fields so that
// sparse updates merge field by field.
type doc map[string]json.RawMessage

// record is one stored entity.
type record struct {
	id      int
	doc     doc
	updated time.Time
	deleted bool
	// invoice bookkeeping
	cur  money.Currency
	paid money.Amount
}

type table struct {
	rows map[string]*record
}

// change is one entry of the change log that feeds CDC and webhooks.
type change struct {
	entity, id, op string
	at             time.Time
}

func raw(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func (d doc) str(key string) string {
	var s string
	json.Unmarshal(d[key], &s)
	return s
}

func (d doc) ref(key string) string {
	var r struct {
		Value string `json:"value"`
	}
	json.Unmarshal(d[key], &r)
	return r.Value
}

func (s *Server) tbl(entity string) *table {
	t := s.ent[entity]
	if t == nil {
		t = &table{rows: map[string]*record{}}
		s.ent[entity] = t
	}
	return t
}

// sorted returns live records ordered by id, as QBO lists them.
func (t *table) sorted(withDeleted bool) []*record {
	out := make([]*record, 0, len(t.rows))
	for _, r := range t.rows {
		if withDeleted || !r.deleted {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (s *Server) newID() int {
	id := s.nextID
	s.nextID++
	return id
}

func (s *Server) stamp(d doc, created bool) time.Time {
	now := s.opts.Now()
	ts := now.Format(time.RFC3339)
	var md struct {
		CreateTime      string
		LastUpdatedTime string
	}
	json.Unmarshal(d["MetaData"], &md)
	if created || md.CreateTime == "" {
		md.CreateTime = ts
	}
	md.LastUpdatedTime = ts
	d["MetaData"] = raw(md)
	return now
}

func (s *Server) logChange(entity, id, op string, at time.Time) {
	s.changes = append(s.changes, change{entity: entity, id: id, op: op, at: at})
}

// Customer is a customer to seed. Currency empty means the home currency.
type Customer struct {
	DisplayName string
	CompanyName string
	Currency    string
	Email       string
	TermID      string // SalesTermRef, a seeded Term's id
	Inactive    bool
}

// SeedCustomer adds a customer and returns its id.
func (s *Server) SeedCustomer(c Customer) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := c.Currency
	if cur == "" {
		cur = s.opts.HomeCurrency
	}
	id := s.newID()
	d := doc{
		"Id": raw(strconv.Itoa(id)), "SyncToken": raw("0"), "DisplayName": raw(c.DisplayName),
		"Active": raw(!c.Inactive), "Balance": json.RawMessage("0"), "domain": raw("QBO"),
		"CurrencyRef": raw(map[string]string{"value": cur}),
	}
	if c.CompanyName != "" {
		d["CompanyName"] = raw(c.CompanyName)
	}
	if c.TermID != "" {
		d["SalesTermRef"] = raw(map[string]string{"value": c.TermID})
	}
	if c.Email != "" {
		d["PrimaryEmailAddr"] = raw(map[string]string{"Address": c.Email})
	}
	return s.insert("Customer", &record{id: id, doc: d, cur: money.Currency(cur)})
}

// Item is a service item to seed.
type Item struct {
	Name      string
	UnitPrice string // decimal, optional
	Inactive  bool
}

// SeedItem adds a service item and returns its id.
func (s *Server) SeedItem(it Item) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newID()
	d := doc{
		"Id": raw(strconv.Itoa(id)), "SyncToken": raw("0"), "Name": raw(it.Name), "Type": raw("Service"),
		"Active": raw(!it.Inactive), "domain": raw("QBO"),
	}
	if it.UnitPrice != "" {
		d["UnitPrice"] = json.RawMessage(it.UnitPrice)
	}
	return s.insert("Item", &record{id: id, doc: d})
}

// Term is a sales term to seed: "Net 30" with DueDays 30.
type Term struct {
	Name     string
	DueDays  int
	Inactive bool
}

// SeedTerm adds a standard sales term and returns its id. Fields as the
// Term entity documents them (developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/term):
// Name, Active, Type ("STANDARD" for days-after-invoice terms), DueDays.
func (s *Server) SeedTerm(t Term) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newID()
	d := doc{
		"Id": raw(strconv.Itoa(id)), "SyncToken": raw("0"), "Name": raw(t.Name), "Type": raw("STANDARD"),
		"DueDays": raw(t.DueDays), "Active": raw(!t.Inactive), "domain": raw("QBO"),
	}
	return s.insert("Term", &record{id: id, doc: d})
}

// entityName maps a URL segment ("invoice") to the entity ("Invoice").
func entityName(seg string) string {
	switch strings.ToLower(seg) {
	case "invoice":
		return "Invoice"
	case "customer":
		return "Customer"
	case "item":
		return "Item"
	case "term":
		return "Term"
	case "payment":
		return "Payment"
	}
	return seg
}

func notFound(entity, id string) result {
	return faultResult(http.StatusBadRequest, "ValidationFault", "610", "Object Not Found",
		fmt.Sprintf("Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees. (%s %s)", entity, id))
}

// read is GET /{entity}/{id}.
func (s *Server) read(entity, id string) result {
	t := s.ent[entity]
	if t == nil || t.rows[id] == nil || t.rows[id].deleted {
		return notFound(entity, id)
	}
	return result{status: http.StatusOK, body: map[string]any{entity: t.rows[id].doc}}
}

func (s *Server) companyInfo() result {
	return result{status: http.StatusOK, body: map[string]any{"CompanyInfo": map[string]any{
		"Id": s.opts.RealmID, "CompanyName": s.opts.CompanyName, "LegalName": s.opts.CompanyName,
		"Country": "US", "SyncToken": "0",
	}}}
}

// InvoiceCount returns the number of invoices (voided included).
func (s *Server) InvoiceCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tbl("Invoice").sorted(false))
}

// Invoice returns a stored invoice's JSON, as a read would.
func (s *Server) Invoice(id string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.tbl("Invoice").rows[id]
	if r == nil {
		return nil, false
	}
	return raw(r.doc), true
}

// EditInvoice changes a stored invoice as someone in the QBO web app would:
// fn edits its fields, then SyncToken and MetaData move on. Tests use it to
// make a client's SyncToken stale.
func (s *Server) EditInvoice(id string, fn func(fields map[string]json.RawMessage)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.tbl("Invoice").rows[id]
	if r == nil {
		return fmt.Errorf("qbosandbox: no invoice %s", id)
	}
	fn(r.doc)
	s.touch("Invoice", id, "Update", r)
	return nil
}

// insert stores r, a new entity's record, stamps its MetaData as created
// now, logs the creation for CDC and webhooks, and returns its id.
func (s *Server) insert(entity string, r *record) string {
	id := strconv.Itoa(r.id)
	r.updated = s.stamp(r.doc, true)
	s.tbl(entity).rows[id] = r
	s.logChange(entity, id, "Create", r.updated)
	return id
}

// touch records a change (op) to r, entity id: the SyncToken moves on,
// MetaData.LastUpdatedTime becomes now, and the change is logged.
func (s *Server) touch(entity, id, op string, r *record) {
	s.bumpSync(r)
	r.updated = s.stamp(r.doc, false)
	s.logChange(entity, id, op, r.updated)
}

func (s *Server) bumpSync(r *record) {
	n, _ := strconv.Atoi(r.doc.str("SyncToken"))
	r.doc["SyncToken"] = raw(strconv.Itoa(n + 1))
}

// Pay records a customer payment of amount against an invoice: a Payment
// with a LinkedTxn to the invoice, and the invoice's Balance reduced.
func (s *Server) Pay(invoiceID string, amount money.Amount) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inv := s.tbl("Invoice").rows[invoiceID]
	if inv == nil || inv.deleted {
		return "", fmt.Errorf("qbosandbox: no invoice %s", invoiceID)
	}
	total, _ := money.Parse(string(inv.doc["TotalAmt"]), inv.cur)
	if amount <= 0 || inv.paid+amount > total {
		return "", fmt.Errorf("qbosandbox: payment %s exceeds the balance of invoice %s", amount.Format(inv.cur), invoiceID)
	}
	id := s.newID()
	pid := strconv.Itoa(id)
	now := s.opts.Now()
	p := doc{
		"Id": raw(pid), "SyncToken": raw("0"), "domain": raw("QBO"),
		"TxnDate":     raw(now.Format("2006-01-02")),
		"CustomerRef": inv.doc["CustomerRef"], "CurrencyRef": inv.doc["CurrencyRef"],
		"TotalAmt": json.RawMessage(amount.Format(inv.cur)), "UnappliedAmt": json.RawMessage("0"),
		"Line": raw([]map[string]any{{
			"Amount":    json.RawMessage(amount.Format(inv.cur)),
			"LinkedTxn": []map[string]string{{"TxnId": invoiceID, "TxnType": "Invoice"}},
		}}),
	}
	s.insert("Payment", &record{id: id, doc: p, cur: inv.cur})

	inv.paid += amount
	inv.doc["Balance"] = json.RawMessage((total - inv.paid).Format(inv.cur))
	var links []map[string]string
	json.Unmarshal(inv.doc["LinkedTxn"], &links)
	inv.doc["LinkedTxn"] = raw(append(links, map[string]string{"TxnId": pid, "TxnType": "Payment"}))
	s.touch("Invoice", invoiceID, "Update", inv)
	return pid, nil
}
