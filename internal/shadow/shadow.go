// Package shadow compares the invoices billbot would draft for a cycle with
// the invoices the firm actually issued in its ledger for the same clients
// and dates, line by line. It is pure: plain structs in, a report out; it
// depends only on billing and money.
package shadow

import (
	"sort"
	"strconv"
	"strings"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// LedgerLine is one line of an invoice the firm issued.
type LedgerLine struct {
	Item        string // item name; empty on a discount line
	Description string
	Qty         money.Hours
	UnitPrice   money.Amount
	Amount      money.Amount // signed: a discount line is negative
	Discount    bool
}

// LedgerInvoice is an invoice the firm issued, as the ledger holds it.
type LedgerInvoice struct {
	ID        string
	DocNumber string
	Client    string // billbot's client name
	TxnDate   billing.Date
	Currency  money.Currency
	Lines     []LedgerLine
}

// Status is how one line compares.
type Status string

// Line statuses.
const (
	Same        Status = "same"
	Differs     Status = "differs"
	OnlyBillbot Status = "only_billbot" // likely unbilled time
	OnlyLedger  Status = "only_ledger"
)

// Field names a part of a line that differs.
type Field string

// Fields that make two paired lines differ. Descriptions are shown but do
// not count: firms word them in their own way.
const (
	FieldHours  Field = "hours"
	FieldRate   Field = "rate"
	FieldAmount Field = "amount"
	FieldItem   Field = "item"
)

// LineResult is one compared line: billbot's, the ledger's, or a pair.
type LineResult struct {
	Status  Status
	Diffs   []Field
	Billbot *billing.Line
	Invoice string // billbot's invoice key, with Billbot
	Ledger  *LedgerLine
	Doc     string // the ledger invoice's DocNumber, with Ledger
	// Entries are the time entries behind billbot's line.
	Entries []billing.TimeEntry
}

// Weight is what the line counts for in the agreement by amount: the larger
// of the two amounts in absolute value.
func (r LineResult) Weight() money.Amount {
	var w money.Amount
	if r.Billbot != nil {
		w = absAmount(r.Billbot.Amount)
	}
	if r.Ledger != nil {
		w = max(w, absAmount(r.Ledger.Amount))
	}
	return w
}

// ClientResult compares one client's invoices.
type ClientResult struct {
	Client       string
	Currency     money.Currency
	Invoices     []string // billbot's invoice keys
	Docs         []string // the ledger's DocNumbers
	BillbotTotal money.Amount
	LedgerTotal  money.Amount
	Lines        []LineResult
	Agrees       bool // every line the same
}

// Summary is what a shadow run keeps: the agreement by amount (in one
// currency) and by invoice, and the line counts.
type Summary struct {
	PeriodEnd        billing.Date
	Currency         money.Currency
	AmountAgreed     money.Amount // on lines that are the same
	AmountCompared   money.Amount // on every compared line
	InvoicesAgreed   int          // clients whose invoices agree line for line
	InvoicesCompared int          // clients with an invoice on either side
	Same             int
	Differs          int
	OnlyBillbot      int
	OnlyLedger       int
}

// ByAmount is the share of the amount compared that agrees.
func (s Summary) ByAmount() money.Percent {
	return money.Ratio(int64(s.AmountAgreed), int64(s.AmountCompared))
}

// ByInvoice is the share of clients' invoices that agree.
func (s Summary) ByInvoice() money.Percent {
	return money.Ratio(int64(s.InvoicesAgreed), int64(s.InvoicesCompared))
}

// Percent shows p to one decimal, rounded half-up: "97.5 %".
func Percent(p money.Percent) string {
	tenths := (int64(p)*10 + money.PercentScale/2) / money.PercentScale
	return strconv.FormatInt(tenths/10, 10) + "." + strconv.FormatInt(tenths%10, 10) + " %"
}

// CurrencyAmounts is the agreement by amount in one currency.
type CurrencyAmounts struct {
	Currency money.Currency
	Agreed   money.Amount
	Compared money.Amount
}

// Report is a whole comparison.
type Report struct {
	Summary
	Clients []ClientResult
	// Amounts is the agreement by amount per currency; Summary carries the
	// home currency's.
	Amounts []CurrencyAmounts
}

// Input is what Compare compares.
type Input struct {
	PeriodEnd    billing.Date
	HomeCurrency money.Currency
	Billbot      []billing.Invoice
	Ledger       []LedgerInvoice
	// Entries are the time entries billbot's lines bill, by id.
	Entries map[int64]billing.TimeEntry
}

// Compare pairs billbot's lines with the ledger's, client by client: first
// by item, rate and description, then by item and description, by item and
// rate, and last by amount. A pair whose hours, rate, amount or item differ
// is Differs; an unpaired line is OnlyBillbot or OnlyLedger.
func Compare(in Input) Report {
	type side struct {
		billbot []billing.Invoice
		ledger  []LedgerInvoice
	}
	byClient := map[string]*side{}
	get := func(name string) *side {
		s := byClient[name]
		if s == nil {
			s = &side{}
			byClient[name] = s
		}
		return s
	}
	for _, inv := range in.Billbot {
		s := get(inv.Client)
		s.billbot = append(s.billbot, inv)
	}
	for _, inv := range in.Ledger {
		s := get(inv.Client)
		s.ledger = append(s.ledger, inv)
	}
	names := make([]string, 0, len(byClient))
	for n := range byClient {
		names = append(names, n)
	}
	sort.Strings(names)
	rep := Report{Summary: Summary{PeriodEnd: in.PeriodEnd, Currency: in.HomeCurrency}}
	amounts := map[money.Currency]*CurrencyAmounts{}
	for _, name := range names {
		s := byClient[name]
		cr := compareClient(name, s.billbot, s.ledger, in.Entries)
		rep.Clients = append(rep.Clients, cr)
		if len(cr.Lines) == 0 {
			continue
		}
		rep.InvoicesCompared++
		if cr.Agrees {
			rep.InvoicesAgreed++
		}
		ca := amounts[cr.Currency]
		if ca == nil {
			ca = &CurrencyAmounts{Currency: cr.Currency}
			amounts[cr.Currency] = ca
		}
		for _, l := range cr.Lines {
			w := l.Weight()
			ca.Compared += w
			switch l.Status {
			case Same:
				ca.Agreed += w
				rep.Same++
			case Differs:
				rep.Differs++
			case OnlyBillbot:
				rep.OnlyBillbot++
			case OnlyLedger:
				rep.OnlyLedger++
			}
		}
	}
	for _, ca := range amounts {
		rep.Amounts = append(rep.Amounts, *ca)
	}
	sort.Slice(rep.Amounts, func(i, j int) bool { return rep.Amounts[i].Currency < rep.Amounts[j].Currency })
	if ca := amounts[in.HomeCurrency]; ca != nil {
		rep.AmountAgreed, rep.AmountCompared = ca.Agreed, ca.Compared
	}
	return rep
}

// bLine and lLine are lines waiting for a partner.
type bLine struct {
	line    *billing.Line
	invoice string
	paired  bool
}

type lLine struct {
	line   *LedgerLine
	doc    string
	paired bool
}

// passes are the pairing keys, strictest first.
var passes = []func(item, desc string, rate, amount money.Amount) string{
	func(item, desc string, rate, _ money.Amount) string {
		return item + "\x00" + desc + "\x00" + rateKey(rate)
	},
	func(item, desc string, _, _ money.Amount) string { return item + "\x00" + desc },
	func(item, _ string, rate, _ money.Amount) string { return item + "\x00" + rateKey(rate) },
	func(_, _ string, _, amount money.Amount) string { return rateKey(amount) },
}

func compareClient(name string, billbot []billing.Invoice, ledger []LedgerInvoice, entries map[int64]billing.TimeEntry) ClientResult {
	cr := ClientResult{Client: name}
	var bs []*bLine
	for i := range billbot {
		inv := &billbot[i]
		cr.Currency = inv.Currency
		cr.Invoices = append(cr.Invoices, inv.Key)
		cr.BillbotTotal += inv.Total
		for j := range inv.Lines {
			bs = append(bs, &bLine{line: &inv.Lines[j], invoice: inv.Key})
		}
	}
	var ls []*lLine
	for i := range ledger {
		inv := &ledger[i]
		if cr.Currency == "" {
			cr.Currency = inv.Currency
		}
		cr.Docs = append(cr.Docs, inv.DocNumber)
		for j := range inv.Lines {
			cr.LedgerTotal += inv.Lines[j].Amount
			ls = append(ls, &lLine{line: &inv.Lines[j], doc: inv.DocNumber})
		}
	}
	pairs := map[*bLine]*lLine{}
	for _, key := range passes {
		waiting := map[string][]*lLine{}
		for _, l := range ls {
			if !l.paired {
				k := key(norm(l.line.Item), norm(l.line.Description), l.line.UnitPrice, l.line.Amount)
				waiting[k] = append(waiting[k], l)
			}
		}
		for _, b := range bs {
			if b.paired {
				continue
			}
			k := key(norm(b.line.Item), norm(b.line.Description), b.line.UnitPrice, b.line.Amount)
			if q := waiting[k]; len(q) > 0 {
				l := q[0]
				waiting[k] = q[1:]
				b.paired, l.paired = true, true
				pairs[b] = l
			}
		}
	}
	cr.Agrees = len(bs)+len(ls) > 0
	for _, b := range bs {
		r := LineResult{Billbot: b.line, Invoice: b.invoice, Status: OnlyBillbot}
		for _, id := range b.line.EntryIDs {
			if e, ok := entries[id]; ok {
				r.Entries = append(r.Entries, e)
			}
		}
		if l := pairs[b]; l != nil {
			r.Ledger, r.Doc = l.line, l.doc
			r.Diffs = diffs(b.line, l.line)
			r.Status = Same
			if len(r.Diffs) > 0 {
				r.Status = Differs
			}
		}
		cr.Agrees = cr.Agrees && r.Status == Same
		cr.Lines = append(cr.Lines, r)
	}
	for _, l := range ls {
		if !l.paired {
			cr.Lines = append(cr.Lines, LineResult{Status: OnlyLedger, Ledger: l.line, Doc: l.doc})
			cr.Agrees = false
		}
	}
	return cr
}

// diffs lists what differs between a paired billbot and ledger line. A
// discount is compared by amount only: the ledger keeps no quantity for it.
func diffs(b *billing.Line, l *LedgerLine) []Field {
	var out []Field
	discount := b.Kind == billing.LineDiscount || l.Discount
	if !discount && b.Qty != l.Qty {
		out = append(out, FieldHours)
	}
	if !discount && b.UnitPrice != l.UnitPrice {
		out = append(out, FieldRate)
	}
	if b.Amount != l.Amount {
		out = append(out, FieldAmount)
	}
	if !discount && norm(b.Item) != norm(l.Item) {
		out = append(out, FieldItem)
	}
	return out
}

// norm folds case and runs of spaces, so "Tax  prep" pairs with "tax prep".
func norm(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func rateKey(a money.Amount) string { return strconv.FormatInt(int64(a), 10) }

func absAmount(a money.Amount) money.Amount {
	if a < 0 {
		return -a
	}
	return a
}
