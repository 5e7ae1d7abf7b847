package shadow

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/money"
)

const usd = money.Currency("USD")

func amt(s string) money.Amount { return money.MustParse(s, usd) }

func hourly(item, desc, hours, rate string, ids ...int64) billing.Line {
	q, p := money.MustHours(hours), amt(rate)
	return billing.Line{Kind: billing.LineHourly, Item: item, Description: desc, Qty: q, UnitPrice: p, Amount: money.LineAmount(q, p), EntryIDs: ids}
}

func credit(item, amount string) billing.Line {
	a := amt(amount)
	return billing.Line{Kind: billing.LineRetainerCredit, Item: item, Description: "Prepaid retainer hours applied", Qty: money.MustHours("1"), UnitPrice: a, Amount: a}
}

func ledger(item, desc, hours, rate string) LedgerLine {
	q, p := money.MustHours(hours), amt(rate)
	return LedgerLine{Item: item, Description: desc, Qty: q, UnitPrice: p, Amount: money.LineAmount(q, p)}
}

func inv(client string, lines ...billing.Line) billing.Invoice {
	i := billing.Invoice{Key: client + "/2026-10", Client: client, Currency: usd, Lines: lines}
	for _, l := range lines {
		i.Total += l.Amount
	}
	return i
}

func doc(client, num string, lines ...LedgerLine) LedgerInvoice {
	return LedgerInvoice{ID: num, DocNumber: num, Client: client, Currency: usd, Lines: lines}
}

// outcome is a line's status and diffs, for compact expectations.
type outcome struct {
	Status Status
	Diffs  []Field
}

func outcomes(cr ClientResult) []outcome {
	var out []outcome
	for _, l := range cr.Lines {
		out = append(out, outcome{l.Status, l.Diffs})
	}
	return out
}

func TestCompare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		billbot []billing.Invoice
		ledger  []LedgerInvoice
		want    map[string][]outcome
		summary Summary
	}{
		{
			name:    "identical lines",
			billbot: []billing.Invoice{inv("Acme", hourly("Services", "Advisory", "10", "200.00"))},
			ledger:  []LedgerInvoice{doc("Acme", "1001", ledger("Services", "Advisory", "10", "200.00"))},
			want:    map[string][]outcome{"Acme": {{Same, nil}}},
			summary: Summary{AmountAgreed: amt("2000.00"), AmountCompared: amt("2000.00"), InvoicesAgreed: 1, InvoicesCompared: 1, Same: 1},
		},
		{
			name:    "description case and spacing do not matter",
			billbot: []billing.Invoice{inv("Acme", hourly("Services", "Tax  Prep", "1", "100.00"))},
			ledger:  []LedgerInvoice{doc("Acme", "1001", ledger("services", "tax prep", "1", "100.00"))},
			want:    map[string][]outcome{"Acme": {{Same, nil}}},
			summary: Summary{AmountAgreed: amt("100.00"), AmountCompared: amt("100.00"), InvoicesAgreed: 1, InvoicesCompared: 1, Same: 1},
		},
		{
			name:    "rate differs: paired by item and description",
			billbot: []billing.Invoice{inv("Acme", hourly("Services", "Advisory", "10", "200.00"))},
			ledger:  []LedgerInvoice{doc("Acme", "1001", ledger("Services", "Advisory", "10", "180.00"))},
			want:    map[string][]outcome{"Acme": {{Differs, []Field{FieldRate, FieldAmount}}}},
			summary: Summary{AmountCompared: amt("2000.00"), InvoicesCompared: 1, Differs: 1},
		},
		{
			name:    "hours differ: an entry left off",
			billbot: []billing.Invoice{inv("Acme", hourly("Services", "Advisory", "10", "200.00", 1, 2))},
			ledger:  []LedgerInvoice{doc("Acme", "1001", ledger("Services", "Advisory", "6", "200.00"))},
			want:    map[string][]outcome{"Acme": {{Differs, []Field{FieldHours, FieldAmount}}}},
			summary: Summary{AmountCompared: amt("2000.00"), InvoicesCompared: 1, Differs: 1},
		},
		{
			name:    "description differs: paired by item and rate",
			billbot: []billing.Invoice{inv("Acme", hourly("Services", "Advisory — October", "3", "200.00"))},
			ledger:  []LedgerInvoice{doc("Acme", "1001", ledger("Services", "Consulting", "3", "200.00"))},
			want:    map[string][]outcome{"Acme": {{Same, nil}}},
			summary: Summary{AmountAgreed: amt("600.00"), AmountCompared: amt("600.00"), InvoicesAgreed: 1, InvoicesCompared: 1, Same: 1},
		},
		{
			name:    "item differs: paired by amount",
			billbot: []billing.Invoice{inv("Acme", hourly("Tax Preparation", "Tax Prep", "2", "150.00"))},
			ledger:  []LedgerInvoice{doc("Acme", "1001", ledger("Services", "Returns", "2", "150.00"))},
			want:    map[string][]outcome{"Acme": {{Differs, []Field{FieldItem}}}},
			summary: Summary{AmountCompared: amt("300.00"), InvoicesCompared: 1, Differs: 1},
		},
		{
			name: "a forgotten retainer credit is only in billbot",
			billbot: []billing.Invoice{inv("Granite",
				hourly("Services", "Advisory", "5", "195.00"), credit("Retainer", "-975.00"))},
			ledger:  []LedgerInvoice{doc("Granite", "1002", ledger("Services", "Advisory", "5", "195.00"))},
			want:    map[string][]outcome{"Granite": {{Same, nil}, {OnlyBillbot, nil}}},
			summary: Summary{AmountAgreed: amt("975.00"), AmountCompared: amt("1950.00"), InvoicesCompared: 1, Same: 1, OnlyBillbot: 1},
		},
		{
			name:    "an invoice only in the ledger",
			ledger:  []LedgerInvoice{doc("Fern", "1003", ledger("Services", "Audit", "1", "99.99"))},
			want:    map[string][]outcome{"Fern": {{OnlyLedger, nil}}},
			summary: Summary{AmountCompared: amt("99.99"), InvoicesCompared: 1, OnlyLedger: 1},
		},
		{
			name: "discount compared by amount only",
			billbot: []billing.Invoice{inv("Birch", hourly("Services", "Advisory", "8", "150.00"),
				billing.Line{Kind: billing.LineDiscount, Description: "Discount 10 %", Qty: money.MustHours("1"), UnitPrice: amt("-120.00"), Amount: amt("-120.00")})},
			ledger: []LedgerInvoice{doc("Birch", "1004", ledger("Services", "Advisory", "8", "150.00"),
				LedgerLine{Description: "Discount", Discount: true, Qty: money.MustHours("1"), UnitPrice: amt("-120.00"), Amount: amt("-120.00")})},
			want:    map[string][]outcome{"Birch": {{Same, nil}, {Same, nil}}},
			summary: Summary{AmountAgreed: amt("1320.00"), AmountCompared: amt("1320.00"), InvoicesAgreed: 1, InvoicesCompared: 1, Same: 2},
		},
		{
			name: "strictest pairing wins over an earlier looser candidate",
			billbot: []billing.Invoice{inv("Acme",
				hourly("Services", "Advisory", "1", "200.00"), hourly("Services", "Advisory", "1", "250.00"))},
			ledger: []LedgerInvoice{doc("Acme", "1001",
				ledger("Services", "Advisory", "1", "250.00"), ledger("Services", "Advisory", "1", "200.00"))},
			want:    map[string][]outcome{"Acme": {{Same, nil}, {Same, nil}}},
			summary: Summary{AmountAgreed: amt("450.00"), AmountCompared: amt("450.00"), InvoicesAgreed: 1, InvoicesCompared: 1, Same: 2},
		},
		{
			name:    "cents are exact",
			billbot: []billing.Invoice{inv("Acme", hourly("Services", "Advisory", "0.1", "333.33"))},
			ledger:  []LedgerInvoice{doc("Acme", "1001", LedgerLine{Item: "Services", Description: "Advisory", Qty: money.MustHours("0.1"), UnitPrice: amt("333.33"), Amount: amt("33.34")})},
			want:    map[string][]outcome{"Acme": {{Differs, []Field{FieldAmount}}}},
			summary: Summary{AmountCompared: amt("33.34"), InvoicesCompared: 1, Differs: 1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rep := Compare(Input{PeriodEnd: billing.MustDate("2026-10-31"), HomeCurrency: usd, Billbot: tc.billbot, Ledger: tc.ledger})
			got := map[string][]outcome{}
			for _, cr := range rep.Clients {
				got[cr.Client] = outcomes(cr)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("lines (-want +got):\n%s", d)
			}
			tc.summary.PeriodEnd, tc.summary.Currency = billing.MustDate("2026-10-31"), usd
			if d := cmp.Diff(tc.summary, rep.Summary); d != "" {
				t.Errorf("summary (-want +got):\n%s", d)
			}
		})
	}
}

func TestCompareEntriesAndRatios(t *testing.T) {
	t.Parallel()
	e1 := billing.TimeEntry{ID: 1, User: "Sam", Hours: money.MustHours("6")}
	e2 := billing.TimeEntry{ID: 2, User: "Ana", Hours: money.MustHours("4")}
	rep := Compare(Input{
		HomeCurrency: usd,
		Billbot: []billing.Invoice{
			inv("Acme", hourly("Services", "Advisory", "10", "200.00", 1, 2)),
			inv("Birch", hourly("Services", "Advisory", "1", "100.00")),
		},
		Ledger: []LedgerInvoice{
			doc("Acme", "1001", ledger("Services", "Advisory", "6", "200.00")),
			doc("Birch", "1002", ledger("Services", "Advisory", "1", "100.00")),
		},
		Entries: map[int64]billing.TimeEntry{1: e1, 2: e2},
	})
	if d := cmp.Diff([]billing.TimeEntry{e1, e2}, rep.Clients[0].Lines[0].Entries); d != "" {
		t.Errorf("entries behind the line (-want +got):\n%s", d)
	}
	// 100.00 of 2,100.00 agree: 4.76 %; one invoice of two.
	if got := rep.ByAmount().String(); got != "4.7619" {
		t.Errorf("by amount = %s %%, want 4.7619", got)
	}
	if got := Percent(rep.ByAmount()); got != "4.8 %" {
		t.Errorf("shown as %q, want 4.8 %%", got)
	}
	if got := rep.ByInvoice().String(); got != "50" {
		t.Errorf("by invoice = %s %%, want 50", got)
	}
	if got := rep.Clients[0].LedgerTotal; got != amt("1200.00") {
		t.Errorf("ledger total = %s", got.Format(usd))
	}
}
