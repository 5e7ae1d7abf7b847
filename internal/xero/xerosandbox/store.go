package xerosandbox

import (
	"fmt"
	"strings"
	"time"
)

type contact struct {
	id, name, email, currency string
	termDay                   int
	termType                  string // "" none
	updated                   time.Time
}

type item struct {
	id, code, name, account string
}

type account struct {
	id, code, name, typ string
	payments            bool
}

type taxRate struct {
	name, typ string
	rate      int64 // percent × 10^4
}

type line struct {
	id, desc, itemCode, account, taxType string
	qty, unit                            int64 // × 10^4
	amount, tax                          int64 // cents
}

type invoice struct {
	id, number, typ, reference, contactID string
	date, due                             string // YYYY-MM-DD
	status, lat, currency                 string
	lines                                 []line
	subTotal, totalTax, total             int64
	paid, credited                        int64
	sent                                  bool
	updated                               time.Time
	payments                              []payment
}

type payment struct {
	id, date string
	amount   int64
	account  string
}

type creditNote struct {
	id, number, contactID, date, status, lat, currency string
	lines                                              []line
	subTotal, totalTax, total                          int64
	updated                                            time.Time
}

// seed lays out the organisation: a chart of accounts with a revenue, a
// sales and a bank account, and tax rates NONE (0 %) and OUTPUT (15 %),
// names as in Xero's demo company.
func (s *Server) seed() {
	s.accounts = []account{
		{id: "acc-200", code: "200", name: "Sales", typ: "REVENUE"},
		{id: "acc-260", code: "260", name: "Other Revenue", typ: "REVENUE"},
		{id: "acc-090", code: "090", name: "Business Bank Account", typ: "BANK", payments: true},
	}
	s.taxRates = []taxRate{{name: "Tax Exempt", typ: "NONE", rate: 0}, {name: "Tax on Sales", typ: "OUTPUT", rate: 150000}}
}

// AddContact adds a customer contact and returns its ContactID. currency
// "" leaves DefaultCurrency unset.
func (s *Server) AddContact(name, email, currency string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &contact{id: s.nextID(), name: name, email: email, currency: currency, updated: s.opts.Now()}
	s.contacts = append(s.contacts, c)
	return c.id
}

// AddItem adds a sold item with Code code, Name name and sales account
// accountCode ("" none) and returns its ItemID.
func (s *Server) AddItem(code, name, accountCode string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := &item{id: s.nextID(), code: code, name: name, account: accountCode}
	s.items = append(s.items, it)
	return it.id
}

// SetSalesTerms gives contact id sales payment terms: due day days
// after (or on day of, by typ) the invoice date, as Xero's PaymentTerms.Sales
// (developer.xero.com/documentation/api/accounting/types#payment-terms).
func (s *Server) SetSalesTerms(id string, day int, typ string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.contactByID(id)
	if c == nil {
		return fmt.Errorf("no contact %s", id)
	}
	c.termDay, c.termType = day, typ
	return nil
}

func (s *Server) contactByID(id string) *contact {
	for _, c := range s.contacts {
		if strings.EqualFold(c.id, id) {
			return c
		}
	}
	return nil
}

func (s *Server) itemByCode(code string) *item {
	for _, it := range s.items {
		if it.code == code {
			return it
		}
	}
	return nil
}

func (s *Server) accountByCode(code string) *account {
	for i := range s.accounts {
		if s.accounts[i].code == code {
			return &s.accounts[i]
		}
	}
	return nil
}

func (s *Server) taxByType(t string) *taxRate {
	for i := range s.taxRates {
		if s.taxRates[i].typ == t {
			return &s.taxRates[i]
		}
	}
	return nil
}

func (s *Server) currencyEnabled(c string) bool {
	if c == s.opts.BaseCurrency {
		return true
	}
	for _, o := range s.opts.Currencies {
		if o == c {
			return true
		}
	}
	return false
}

// Invoice is what tests read of a stored invoice.
type Invoice struct {
	ID, Number, Status, Currency, Reference string
	Total, AmountDue                        int64 // cents
	Lines                                   int
	Sent                                    bool
}

// Invoice returns the stored invoice id.
func (s *Server) Invoice(id string) (Invoice, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inv := s.byID[id]
	if inv == nil {
		return Invoice{}, false
	}
	return Invoice{ID: inv.id, Number: inv.number, Status: inv.status, Currency: inv.currency, Reference: inv.reference,
		Total: inv.total, AmountDue: inv.total - inv.paid - inv.credited, Lines: len(inv.lines), Sent: inv.sent}, true
}

// Pay records a payment into the bank account, as someone reconciling in
// Xero would, and returns the invoice's status after it.
func (s *Server) Pay(id string, cents int64) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inv := s.byID[id]
	if inv == nil {
		return "", fmt.Errorf("no invoice %s", id)
	}
	if msg := s.applyPayment(inv, cents, "090", s.opts.Now().Format("2006-01-02")); msg != "" {
		return "", fmt.Errorf("%s", msg)
	}
	return inv.status, nil
}
