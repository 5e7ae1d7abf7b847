package xerosandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Rules in this file follow developer.xero.com/documentation/api/accounting/invoices
// (types, statuses, LineAmountTypes, which updates are allowed),
// developer.xero.com/documentation/api-guides/rounding-in-xero (4-decimal
// Quantity and UnitAmount with unitdp=4, 2-decimal LineAmount and tax, tax
// per line) and help.xero.com "Edit, delete or void an invoice" (no edits
// or voiding once a payment is allocated). Validation messages are this
// sandbox's wording of Xero's rules, not Xero's exact text.

type lineIn struct {
	LineItemID  string      `json:"LineItemID"`
	Description string      `json:"Description"`
	Quantity    json.Number `json:"Quantity"`
	UnitAmount  json.Number `json:"UnitAmount"`
	ItemCode    string      `json:"ItemCode"`
	AccountCode string      `json:"AccountCode"`
	TaxType     string      `json:"TaxType"`
	LineAmount  json.Number `json:"LineAmount"`
}

type contactIn struct {
	ContactID string `json:"ContactID"`
	Name      string `json:"Name"`
}

type invoiceIn struct {
	Type            string     `json:"Type"`
	InvoiceID       string     `json:"InvoiceID"`
	InvoiceNumber   string     `json:"InvoiceNumber"`
	Reference       *string    `json:"Reference"`
	Contact         *contactIn `json:"Contact"`
	Date            string     `json:"Date"`
	DueDate         string     `json:"DueDate"`
	Status          string     `json:"Status"`
	LineAmountTypes string     `json:"LineAmountTypes"`
	CurrencyCode    string     `json:"CurrencyCode"`
	LineItems       *[]lineIn  `json:"LineItems"`
	SentToContact   *bool      `json:"SentToContact"`
}

func decode(body []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	return d.Decode(v)
}

func badBody(err error) result {
	return result{status: http.StatusBadRequest, body: map[string]any{"ErrorNumber": 14, "Type": "PostDataInvalidException", "Message": err.Error()}}
}

// putInvoices is PUT /Invoices (create) and POST /Invoices (create, or
// update when InvoiceID is given). Every invoice is checked before any is
// written.
func (s *Server) putInvoices(body []byte, unitdp4 bool, key string, post bool) result {
	var env struct{ Invoices []invoiceIn }
	if err := decode(body, &env); err != nil || len(env.Invoices) == 0 {
		return badBody(fmt.Errorf("no Invoices in the body"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []any
	for _, in := range env.Invoices {
		if post && in.InvoiceID != "" {
			inv := s.byID[in.InvoiceID]
			if inv == nil {
				return notFound()
			}
			if r, ok := s.update(inv, in, unitdp4); !ok {
				return r
			}
			out = append(out, s.invoiceJSON(inv, unitdp4))
			continue
		}
		inv, r, ok := s.create(in, unitdp4)
		if !ok {
			return r
		}
		if key != "" {
			s.created[key]++
		}
		out = append(out, s.invoiceJSON(inv, unitdp4))
	}
	return ok(s.envelope("Invoices", out))
}

// postInvoice is POST /Invoices/{id}: an update of the fields given.
func (s *Server) postInvoice(id string, body []byte, unitdp4 bool) result {
	var env struct{ Invoices []invoiceIn }
	if err := decode(body, &env); err != nil || len(env.Invoices) != 1 {
		return badBody(fmt.Errorf("want one invoice in Invoices"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	inv := s.byID[id]
	if inv == nil {
		return notFound()
	}
	if r, ok := s.update(inv, env.Invoices[0], unitdp4); !ok {
		return r
	}
	return ok(s.envelope("Invoices", []any{s.invoiceJSON(inv, unitdp4)}))
}

func (s *Server) envelope(name string, v []any) map[string]any {
	return map[string]any{"Id": s.nextID(), "Status": "OK", "ProviderName": "billbot sandbox",
		"DateTimeUTC": msDate(s.opts.Now()), name: v}
}

// create checks and stores a new invoice; callers hold s.mu.
func (s *Server) create(in invoiceIn, unitdp4 bool) (*invoice, result, bool) {
	elem := map[string]any{"Type": in.Type}
	if in.Type != "ACCREC" && in.Type != "ACCPAY" {
		return nil, validation(elem, "Invoice Type must be ACCREC or ACCPAY"), false
	}
	status := in.Status
	if status == "" {
		status = "DRAFT"
	}
	// A new invoice may be DRAFT, SUBMITTED or AUTHORISED; PAID, VOIDED
	// and DELETED are reached from there.
	if !slices.Contains([]string{"DRAFT", "SUBMITTED", "AUTHORISED"}, status) {
		return nil, validation(elem, fmt.Sprintf("Invoice Status %q cannot be set on a new invoice", status)), false
	}
	inv := &invoice{typ: in.Type, status: "DRAFT", lat: "Exclusive", currency: s.opts.BaseCurrency}
	if in.Contact == nil || (in.Contact.ContactID == "" && in.Contact.Name == "") {
		return nil, validation(elem, "A Contact must be specified for this type of transaction"), false
	}
	if msgs := s.apply(inv, in, unitdp4, true); len(msgs) > 0 {
		return nil, validation(elem, msgs...), false
	}
	if msgs := s.transition(inv, status); len(msgs) > 0 {
		return nil, validation(elem, msgs...), false
	}
	inv.id = s.nextID()
	if in.InvoiceNumber != "" {
		inv.number = in.InvoiceNumber
	} else {
		inv.number = fmt.Sprintf("INV-%04d", len(s.invoices)+1)
	}
	inv.updated = s.tick()
	s.invoices = append(s.invoices, inv)
	s.byID[inv.id] = inv
	s.event(inv.id, "CREATE")
	return inv, result{}, true
}

// update applies the fields given to inv under Xero's rules; callers hold
// s.mu.
func (s *Server) update(inv *invoice, in invoiceIn, unitdp4 bool) (result, bool) {
	elem := map[string]any{"InvoiceID": inv.id, "InvoiceNumber": inv.number, "Status": inv.status}
	editsContent := in.LineItems != nil || in.Contact != nil || in.Date != "" || in.DueDate != "" ||
		in.CurrencyCode != "" || in.LineAmountTypes != "" || in.Reference != nil
	if editsContent {
		switch {
		case inv.status == "VOIDED" || inv.status == "DELETED":
			return validation(elem, "Invoice not of valid status for modification"), false
		case inv.status == "PAID" || inv.paid > 0 || inv.credited > 0:
			// help.xero.com: an approved invoice can be edited only while no
			// payment or credit note is allocated to it.
			return validation(elem, "This document cannot be edited as it has a payment or credit note allocated to it."), false
		}
	}
	next := *inv
	next.lines = slices.Clone(inv.lines)
	if msgs := s.apply(&next, in, unitdp4, false); len(msgs) > 0 {
		return validation(elem, msgs...), false
	}
	if in.Status != "" && in.Status != next.status {
		if msgs := s.transition(&next, in.Status); len(msgs) > 0 {
			return validation(elem, msgs...), false
		}
	}
	if in.SentToContact != nil {
		if *in.SentToContact && next.status != "AUTHORISED" && next.status != "PAID" {
			return validation(elem, "SentToContact can be set only on approved invoices"), false
		}
		next.sent = *in.SentToContact
	}
	next.updated = s.tick()
	*inv = next
	s.event(inv.id, "UPDATE")
	return result{}, true
}

// transition moves inv to status if Xero allows it.
func (s *Server) transition(inv *invoice, status string) []string {
	allowed := map[string][]string{
		"DRAFT":      {"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"},
		"SUBMITTED":  {"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"},
		"AUTHORISED": {"AUTHORISED", "VOIDED"},
	}
	if !slices.Contains(allowed[inv.status], status) {
		switch {
		case status == "DELETED":
			return []string{"Only DRAFT or SUBMITTED invoices can be deleted; void an approved one"}
		case status == "VOIDED":
			return []string{"Only AUTHORISED invoices without payments can be voided"}
		}
		return []string{fmt.Sprintf("Invoice cannot move from %s to %s", inv.status, status)}
	}
	if status == "VOIDED" && (inv.paid > 0 || inv.credited > 0) {
		return []string{"This document cannot be voided as it has payments or credit notes allocated; remove them first"}
	}
	if status == "AUTHORISED" {
		if len(inv.lines) == 0 {
			return []string{"An approved invoice needs at least one line item"}
		}
		for i, l := range inv.lines {
			if l.account == "" {
				return []string{fmt.Sprintf("Line %d: an Account code must be specified to approve the invoice", i+1)}
			}
		}
	}
	inv.status = status
	return nil
}

// apply sets the fields in gives on inv and recomputes its totals.
func (s *Server) apply(inv *invoice, in invoiceIn, unitdp4, creating bool) []string {
	var msgs []string
	if in.Contact != nil {
		switch {
		case in.Contact.ContactID != "":
			c := s.contactByID(in.Contact.ContactID)
			if c == nil {
				msgs = append(msgs, "The contact with ContactID "+in.Contact.ContactID+" could not be found")
			} else {
				inv.contactID = c.id
			}
		default:
			// Xero finds the contact by name or creates it.
			for _, c := range s.contacts {
				if strings.EqualFold(c.name, in.Contact.Name) {
					inv.contactID = c.id
				}
			}
			if inv.contactID == "" {
				c := &contact{id: s.nextID(), name: in.Contact.Name, updated: s.opts.Now()}
				s.contacts = append(s.contacts, c)
				inv.contactID = c.id
			}
		}
	}
	if in.Reference != nil {
		inv.reference = *in.Reference
	}
	for _, d := range []struct {
		v   string
		dst *string
	}{{in.Date, &inv.date}, {in.DueDate, &inv.due}} {
		if d.v == "" {
			continue
		}
		if _, err := time.Parse("2006-01-02", d.v[:min(10, len(d.v))]); err != nil {
			msgs = append(msgs, fmt.Sprintf("%q is not a valid date", d.v))
			continue
		}
		*d.dst = d.v[:10]
	}
	if creating && inv.date == "" {
		inv.date = s.opts.Now().UTC().Format("2006-01-02")
	}
	if in.CurrencyCode != "" {
		if !s.currencyEnabled(in.CurrencyCode) {
			msgs = append(msgs, "The currency "+in.CurrencyCode+" is not enabled for this organisation")
		} else {
			inv.currency = in.CurrencyCode
		}
	}
	if in.LineAmountTypes != "" {
		if !slices.Contains([]string{"Exclusive", "Inclusive", "NoTax"}, in.LineAmountTypes) {
			msgs = append(msgs, "LineAmountTypes must be Exclusive, Inclusive or NoTax")
		} else {
			inv.lat = in.LineAmountTypes
		}
	}
	if in.LineItems != nil {
		lines, lm := s.parseLines(*in.LineItems, unitdp4, inv.lat)
		msgs = append(msgs, lm...)
		inv.lines = lines
	}
	if len(msgs) > 0 {
		return msgs
	}
	s.totals(inv)
	if inv.total < 0 {
		return []string{"The document total must not be negative"}
	}
	return nil
}

// parseLines checks each line: Quantity and UnitAmount to 4 decimals (2
// without unitdp=4, where Xero rounds UnitAmount), LineAmount to 2 and
// equal to Quantity × UnitAmount rounded to the cent, item codes, account
// codes and tax types that exist.
func (s *Server) parseLines(in []lineIn, unitdp4 bool, lat string) ([]line, []string) {
	var out []line
	var msgs []string
	for i, li := range in {
		n := i + 1
		l := line{id: li.LineItemID, desc: li.Description, itemCode: li.ItemCode, account: li.AccountCode, taxType: li.TaxType, qty: 10000}
		if l.id == "" {
			l.id = s.nextID()
		}
		if li.Quantity != "" {
			q, fine, ok := parseScaled(li.Quantity, 4)
			switch {
			case !ok:
				msgs = append(msgs, fmt.Sprintf("Line %d: Quantity is not a number", n))
			case fine:
				msgs = append(msgs, fmt.Sprintf("Line %d: Quantity has more than 4 decimal places", n))
			}
			l.qty = q
		}
		if li.UnitAmount != "" {
			u, fine, ok := parseScaled(li.UnitAmount, 4)
			switch {
			case !ok:
				msgs = append(msgs, fmt.Sprintf("Line %d: UnitAmount is not a number", n))
			case fine:
				msgs = append(msgs, fmt.Sprintf("Line %d: UnitAmount has more than 4 decimal places", n))
			}
			if !unitdp4 {
				u = roundScaled(u, 4, 2) * 100 // "1.795" is taken as 1.80 without unitdp=4
			}
			l.unit = u
		}
		want := lineAmount(l.qty, l.unit)
		if li.LineAmount != "" {
			a, fine, ok := parseScaled(li.LineAmount, 2)
			switch {
			case !ok || fine:
				msgs = append(msgs, fmt.Sprintf("Line %d: LineAmount must be a number with at most 2 decimal places", n))
			case li.UnitAmount == "" && l.qty == 10000:
				l.unit, want = a*100, a
			case a != want:
				msgs = append(msgs, fmt.Sprintf("Line %d: LineAmount %s does not equal Quantity × UnitAmount rounded to 2 decimal places (%s)", n, num(a, 2), num(want, 2)))
			}
		}
		l.amount = want
		if l.itemCode != "" {
			it := s.itemByCode(l.itemCode)
			if it == nil {
				msgs = append(msgs, fmt.Sprintf("Line %d: Item code '%s' is not valid", n, l.itemCode))
			} else if l.account == "" {
				l.account = it.account
			}
		}
		if li.AccountCode != "" {
			a := s.accountByCode(li.AccountCode)
			if a == nil || a.typ == "BANK" {
				msgs = append(msgs, fmt.Sprintf("Line %d: Account code '%s' is not a valid code for this document", n, li.AccountCode))
			}
		}
		if lat == "NoTax" {
			l.taxType = "NONE"
		} else if l.taxType != "" && s.taxByType(l.taxType) == nil {
			msgs = append(msgs, fmt.Sprintf("Line %d: The TaxType code '%s' does not exist or cannot be used", n, l.taxType))
		}
		out = append(out, l)
	}
	return out, msgs
}

// totals computes tax per line and the document totals as Xero does:
// per-line tax rounded to the cent and summed; Total = SubTotal + TotalTax
// (Exclusive) or the sum of the tax-inclusive lines (Inclusive).
func (s *Server) totals(inv *invoice) {
	var sum, taxSum int64
	for i := range inv.lines {
		l := &inv.lines[i]
		l.tax = 0
		if inv.lat != "NoTax" && l.taxType != "" {
			if r := s.taxByType(l.taxType); r != nil {
				l.tax = tax(l.amount, r.rate, inv.lat == "Inclusive")
			}
		}
		sum += l.amount
		taxSum += l.tax
	}
	inv.totalTax = taxSum
	if inv.lat == "Inclusive" {
		inv.total, inv.subTotal = sum, sum-taxSum
	} else {
		inv.subTotal, inv.total = sum, sum+taxSum
	}
}

// tick is the time of a change: the sandbox clock, strictly after the last
// change so If-Modified-Since is exact.
func (s *Server) tick() time.Time {
	t := s.opts.Now().UTC().Truncate(time.Millisecond)
	for _, inv := range s.invoices {
		if !inv.updated.Before(t) {
			t = inv.updated.Add(time.Millisecond)
		}
	}
	return t
}

func msDate(t time.Time) string { return fmt.Sprintf("/Date(%d+0000)/", t.UnixMilli()) }

func dayDate(d string) (string, string) {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return "", ""
	}
	return msDate(t), t.Format("2006-01-02T15:04:05")
}

func (s *Server) invoiceJSON(inv *invoice, unitdp4 bool) map[string]any {
	udp := 2
	if unitdp4 {
		udp = 4
	}
	var lines []any
	for _, l := range inv.lines {
		unit := l.unit
		if !unitdp4 {
			unit = roundScaled(l.unit, 4, 2)
		}
		m := map[string]any{"LineItemID": l.id, "Description": l.desc, "Quantity": num(l.qty, 4), "UnitAmount": num(unit, udp),
			"LineAmount": num(l.amount, 2), "TaxAmount": num(l.tax, 2), "AccountCode": l.account, "TaxType": l.taxType}
		if l.itemCode != "" {
			m["ItemCode"] = l.itemCode
		}
		lines = append(lines, m)
	}
	name := ""
	if c := s.contactByID(inv.contactID); c != nil {
		name = c.name
	}
	var pays []any
	for _, p := range inv.payments {
		pd, _ := dayDate(p.date)
		pays = append(pays, map[string]any{"PaymentID": p.id, "Date": pd, "Amount": num(p.amount, 2)})
	}
	m := map[string]any{
		"Type": inv.typ, "InvoiceID": inv.id, "InvoiceNumber": inv.number, "Reference": inv.reference,
		"Contact": map[string]any{"ContactID": inv.contactID, "Name": name}, "Status": inv.status,
		"LineAmountTypes": inv.lat, "LineItems": lines, "SubTotal": num(inv.subTotal, 2), "TotalTax": num(inv.totalTax, 2),
		"Total": num(inv.total, 2), "AmountDue": num(inv.total-inv.paid-inv.credited, 2), "AmountPaid": num(inv.paid, 2),
		"AmountCredited": num(inv.credited, 2), "CurrencyCode": inv.currency, "CurrencyRate": json.Number("1.0000000000"),
		"SentToContact": inv.sent, "UpdatedDateUTC": msDate(inv.updated), "HasErrors": false, "Payments": pays,
	}
	if inv.status == "VOIDED" || inv.status == "DELETED" {
		m["AmountDue"] = num(0, 2)
	}
	m["Date"], m["DateString"] = dayDate(inv.date)
	if inv.due != "" {
		m["DueDate"], m["DueDateString"] = dayDate(inv.due)
	}
	return m
}

func (s *Server) getInvoice(id string) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	inv := s.byID[id]
	if inv == nil {
		return notFound()
	}
	return ok(s.envelope("Invoices", []any{s.invoiceJSON(inv, true)}))
}

// listInvoices is GET /Invoices: If-Modified-Since (UTC, to the second)
// keeps invoices changed at or after it; ContactIDs, Statuses and where
// narrow the list (filter.go); page=N returns 100 per page with line items (developer.xero.com/documentation/api/accounting/invoices).
func (s *Server) listInvoices(r *http.Request) result {
	var since time.Time
	if h := r.Header.Get("If-Modified-Since"); h != "" {
		t, err := time.Parse("2006-01-02T15:04:05", h)
		if err != nil {
			if t, err = http.ParseTime(h); err != nil {
				return badBody(fmt.Errorf("If-Modified-Since %q is not a date", h))
			}
		}
		since = t.UTC()
	}
	filter, err := parseFilter(r.URL.Query())
	if err != nil {
		return badBody(err)
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	unitdp4 := r.URL.Query().Get("unitdp") == "4"
	s.mu.Lock()
	defer s.mu.Unlock()
	var keep []*invoice
	for _, inv := range s.invoices {
		if (since.IsZero() || !inv.updated.Before(since)) && filter.keeps(inv) {
			keep = append(keep, inv)
		}
	}
	slices.SortStableFunc(keep, func(a, b *invoice) int { return a.updated.Compare(b.updated) })
	if page > 0 {
		from := min((page-1)*100, len(keep))
		keep = keep[from:min(from+100, len(keep))]
	}
	out := []any{}
	for _, inv := range keep {
		out = append(out, s.invoiceJSON(inv, unitdp4))
	}
	return ok(s.envelope("Invoices", out))
}

// email is POST /Invoices/{id}/Email: Xero emails a sales invoice that is
// SUBMITTED, AUTHORISED or PAID to its contact and marks it sent; it
// answers 204 No Content
// (developer.xero.com/documentation/api/accounting/invoices#emailing-an-invoice).
func (s *Server) email(id string) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	inv := s.byID[id]
	if inv == nil {
		return notFound()
	}
	elem := map[string]any{"InvoiceID": inv.id, "Status": inv.status}
	if inv.typ != "ACCREC" || !slices.Contains([]string{"SUBMITTED", "AUTHORISED", "PAID"}, inv.status) {
		return validation(elem, "Only sales invoices that are SUBMITTED, AUTHORISED or PAID can be emailed")
	}
	c := s.contactByID(inv.contactID)
	if c == nil || c.email == "" {
		return validation(elem, "The contact has no email address")
	}
	s.emails[id] = append(s.emails[id], c.email)
	inv.sent = true
	inv.updated = s.tick()
	s.event(id, "UPDATE")
	return result{status: http.StatusNoContent}
}

// applyPayment applies cents to inv; callers hold s.mu. A payment needs an
// AUTHORISED invoice, a bank account (or one with payments enabled) and at
// most the amount due; paid in full the invoice becomes PAID
// (developer.xero.com/documentation/api/accounting/payments).
func (s *Server) applyPayment(inv *invoice, cents int64, acct, date string) string {
	if inv.status != "AUTHORISED" {
		return "Payments can only be made against AUTHORISED invoices"
	}
	a := s.accountByCode(acct)
	if a == nil || !(a.typ == "BANK" || a.payments) {
		return "Account code '" + acct + "' is not a bank account or has payments disabled"
	}
	due := inv.total - inv.paid - inv.credited
	if cents <= 0 || cents > due {
		return "Payment amount exceeds the amount outstanding on this document"
	}
	inv.paid += cents
	inv.payments = append(inv.payments, payment{id: s.nextID(), date: date, amount: cents, account: acct})
	s.payments++
	if inv.paid+inv.credited == inv.total {
		inv.status = "PAID"
	}
	inv.updated = s.tick()
	s.event(inv.id, "UPDATE")
	return ""
}

func (s *Server) putPayments(body []byte) result {
	var env struct {
		Payments []struct {
			Invoice *struct{ InvoiceID string } `json:"Invoice"`
			Account *struct {
				Code      string
				AccountID string
			} `json:"Account"`
			Date      string      `json:"Date"`
			Amount    json.Number `json:"Amount"`
			Reference string      `json:"Reference"`
		} `json:"Payments"`
	}
	if err := decode(body, &env); err != nil || len(env.Payments) != 1 {
		return badBody(fmt.Errorf("want one payment in Payments"))
	}
	p := env.Payments[0]
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.Invoice == nil || s.byID[p.Invoice.InvoiceID] == nil {
		return validation(nil, "Invoice could not be found")
	}
	inv := s.byID[p.Invoice.InvoiceID]
	amt, fine, okN := parseScaled(p.Amount, 2)
	if !okN || fine {
		return validation(nil, "Amount must be a number with at most 2 decimal places")
	}
	acct := ""
	if p.Account != nil {
		acct = p.Account.Code
		for _, a := range s.accounts {
			if p.Account.AccountID != "" && a.id == p.Account.AccountID {
				acct = a.code
			}
		}
	}
	date := p.Date
	if date == "" {
		date = s.opts.Now().UTC().Format("2006-01-02")
	}
	if msg := s.applyPayment(inv, amt, acct, date[:min(10, len(date))]); msg != "" {
		return validation(map[string]any{"Invoice": map[string]any{"InvoiceID": inv.id}}, msg)
	}
	last := inv.payments[len(inv.payments)-1]
	pd, _ := dayDate(last.date)
	return ok(s.envelope("Payments", []any{map[string]any{"PaymentID": last.id, "Date": pd, "Amount": num(last.amount, 2),
		"Status": "AUTHORISED", "Invoice": map[string]any{"InvoiceID": inv.id, "InvoiceNumber": inv.number}}}))
}

// putCreditNotes is PUT /CreditNotes: sales credit notes (ACCRECCREDIT)
// with the same line rules as invoices
// (developer.xero.com/documentation/api/accounting/creditnotes).
func (s *Server) putCreditNotes(body []byte, unitdp4 bool) result {
	var env struct{ CreditNotes []invoiceIn }
	if err := decode(body, &env); err != nil || len(env.CreditNotes) != 1 {
		return badBody(fmt.Errorf("want one credit note in CreditNotes"))
	}
	in := env.CreditNotes[0]
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.Type != "ACCRECCREDIT" && in.Type != "ACCPAYCREDIT" {
		return validation(nil, "CreditNote Type must be ACCRECCREDIT or ACCPAYCREDIT")
	}
	tmp := &invoice{lat: "Exclusive", currency: s.opts.BaseCurrency, status: "DRAFT"}
	if in.Contact == nil {
		return validation(nil, "A Contact must be specified for this type of transaction")
	}
	in.Status, in.Type = "", ""
	if msgs := s.apply(tmp, in, unitdp4, true); len(msgs) > 0 {
		return validation(nil, msgs...)
	}
	status := env.CreditNotes[0].Status
	if status == "" {
		status = "DRAFT"
	}
	cn := &creditNote{id: s.nextID(), number: fmt.Sprintf("CN-%04d", len(s.credits)+1), contactID: tmp.contactID, date: tmp.date,
		status: status, lat: tmp.lat, currency: tmp.currency, lines: tmp.lines, subTotal: tmp.subTotal, totalTax: tmp.totalTax,
		total: tmp.total, updated: s.tick()}
	s.credits = append(s.credits, cn)
	remaining := int64(0)
	if status == "AUTHORISED" {
		remaining = cn.total
	}
	d, _ := dayDate(cn.date)
	return ok(s.envelope("CreditNotes", []any{map[string]any{"Type": "ACCRECCREDIT", "CreditNoteID": cn.id, "CreditNoteNumber": cn.number,
		"Contact": map[string]any{"ContactID": cn.contactID}, "Date": d, "Status": cn.status, "LineAmountTypes": cn.lat,
		"SubTotal": num(cn.subTotal, 2), "TotalTax": num(cn.totalTax, 2), "Total": num(cn.total, 2),
		"RemainingCredit": num(remaining, 2), "CurrencyCode": cn.currency, "UpdatedDateUTC": msDate(cn.updated)}}))
}

func (s *Server) listContacts(r *http.Request) result {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.contacts
	if page > 0 {
		from := min((page-1)*100, len(cs))
		cs = cs[from:min(from+100, len(cs))]
	}
	out := []any{}
	for _, c := range cs {
		m := map[string]any{"ContactID": c.id, "Name": c.name, "EmailAddress": c.email, "ContactStatus": "ACTIVE",
			"IsCustomer": true, "UpdatedDateUTC": msDate(c.updated)}
		if c.currency != "" {
			m["DefaultCurrency"] = c.currency
		}
		if c.termType != "" {
			m["PaymentTerms"] = map[string]any{"Sales": map[string]any{"Day": c.termDay, "Type": c.termType}}
		}
		out = append(out, m)
	}
	return ok(s.envelope("Contacts", out))
}

func (s *Server) listItems() result {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []any{}
	for _, it := range s.items {
		m := map[string]any{"ItemID": it.id, "Code": it.code, "Name": it.name, "IsSold": true}
		if it.account != "" {
			m["SalesDetails"] = map[string]any{"AccountCode": it.account}
		}
		out = append(out, m)
	}
	return ok(s.envelope("Items", out))
}

func (s *Server) accountsJSON() []any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []any
	for _, a := range s.accounts {
		out = append(out, map[string]any{"AccountID": a.id, "Code": a.code, "Name": a.name, "Type": a.typ, "Status": "ACTIVE",
			"EnablePaymentsToAccount": a.payments})
	}
	return out
}

func (s *Server) taxRatesJSON() []any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []any
	for _, t := range s.taxRates {
		out = append(out, map[string]any{"Name": t.name, "TaxType": t.typ, "Status": "ACTIVE", "EffectiveRate": num(t.rate, 4)})
	}
	return out
}
