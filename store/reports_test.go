package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
	"billbot/store/storetest"
)

// reportInvoice is one invoice of the report fixture.
type reportInvoice struct {
	key      string
	client   string
	cur      money.Currency
	managers []string
	state    store.InvoiceState
	invDate  string // "" for none
	due      string // "" for none
	total    money.Amount
	balance  money.Amount
	doc      string
}

// reportFixture covers what the report queries must get right: every
// state, two currencies, a client named in two cases, invoices with two
// managers or none, zero balances, missing dates, sales after the as-of
// day in its own month and in later months, and history over many months.
func reportFixture() []reportInvoice {
	invs := []reportInvoice{
		{"a1", "Acme Corp", "USD", []string{"UMGR1"}, store.StateSent, "2026-08-01", "2026-08-31", 100000, 100000, "1001"},
		{"a2", "Acme Corp", "USD", []string{"UMGR1", "UMGR2"}, store.StateSent, "2026-09-01", "2026-10-01", 50000, 20000, "1002"},
		{"a3", "ACME CORP", "USD", []string{"UMGR2"}, store.StatePaid, "2026-09-15", "2026-10-15", 70000, 0, "1003"},
		{"a4", "Acme Corp", "USD", nil, store.StateSent, "2026-10-20", "", 30000, 30000, "1004"},
		{"a5", "Acme Corp", "USD", []string{"UMGR1"}, store.StateSent, "2026-11-10", "2026-12-10", 40000, 0, "1005"},
		{"a6", "Acme Corp", "USD", []string{"UMGR1"}, store.StateSent, "2026-11-20", "2026-12-20", 45000, 45000, "1006"},
		{"a7", "Acme Corp", "USD", []string{"UMGR1"}, store.StatePending, "2026-11-30", "2026-12-30", 12300, 0, ""},
		{"a8", "Acme Corp", "USD", []string{"UMGR1"}, store.StateApproved, "2026-11-30", "2026-11-01", 9900, 9900, "1008"},
		{"g1", "Globex", "CAD", []string{"UMGR2"}, store.StateSent, "2026-06-01", "2026-06-16", 250000, 125000, "2001"},
		{"g2", "Globex", "CAD", []string{"UMGR2"}, store.StateHeld, "2026-11-01", "2026-11-16", 80000, 0, ""},
		{"g3", "Globex", "CAD", []string{"UMGR2"}, store.StateFlagged, "2026-11-01", "2026-11-16", 81000, 0, ""},
		{"g4", "Globex", "CAD", []string{"UMGR2"}, store.StateVoided, "2026-10-01", "2026-10-16", 99000, 99000, "2004"},
		{"g5", "Globex", "CAD", []string{"UMGR2"}, store.StateSent, "", "", 5000, 5000, "2005"},
		{"g6", "Globex", "CAD", []string{"UMGR2"}, store.StateDraft, "2026-11-25", "2026-12-10", 7000, 0, ""},
		{"g7", "Globex", "CAD", []string{"UMGR3"}, store.StateApproved, "2026-11-25", "", 6000, 6000, "2007"},
		{"g8", "Globex", "CAD", []string{"UMGR2"}, store.StateSent, "2026-12-05", "2026-12-20", 11000, 11000, "2008"},
	}
	// A paid history, one invoice a month for two years.
	for i := range 24 {
		d := billing.DateOf(time.Date(2024, time.November+time.Month(i), 1, 0, 0, 0, 0, time.UTC))
		invs = append(invs, reportInvoice{
			key: fmt.Sprintf("h%02d", i), client: "Acme Corp", cur: "USD", managers: []string{"UMGR1"},
			state: store.StatePaid, invDate: d.String(), due: d.AddDays(30).String(), total: money.Amount(20000 + 1000*i),
		})
	}
	return invs
}

func optDate(s string) billing.Date {
	if s == "" {
		return billing.Date{}
	}
	return billing.MustDate(s)
}

// seedReports stores the fixture through the store's own writes: a draft,
// then one transition to the invoice's state with its QBO facts.
func seedReports(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := t.Context()
	for _, r := range reportFixture() {
		inv := billing.Invoice{
			Key: r.key, Client: r.client, Currency: r.cur, InvoiceDate: optDate(r.invDate), DueDate: optDate(r.due),
			Managers: r.managers, Subtotal: r.total, Total: r.total,
			Lines: []billing.Line{{Kind: billing.LineFixed, Description: "Fee", Qty: money.MustHours("1"), UnitPrice: r.total, Amount: r.total}},
		}
		saved, _, err := s.SaveDraft(ctx, inv, "UTEST")
		if err != nil {
			t.Fatalf("SaveDraft %s: %v", r.key, err)
		}
		if r.state == store.StateDraft {
			continue
		}
		_, err = storetest.Move(ctx, s, saved.ID, r.state, "UTEST", func(i *store.Invoice) {
			i.Balance, i.DocNumber = r.balance, r.doc
		})
		if err != nil {
			t.Fatalf("Transition %s: %v", r.key, err)
		}
	}
}

// slowAging is the report computed from whole invoices, as the workflow
// did before the report queries: the reference they must match.
func slowAging(t *testing.T, s *store.Store, f store.ReportFilter, asOf billing.Date) billing.Aging {
	t.Helper()
	invs, err := s.Invoices(t.Context(), store.InvoiceFilter{States: []store.InvoiceState{store.StateSent, store.StatePaid}, Client: f.Client, Manager: f.Manager})
	if err != nil {
		t.Fatal(err)
	}
	var (
		open  []billing.OpenInvoice
		sales []billing.Sale
	)
	for _, inv := range invs {
		manager := ""
		if len(inv.Managers) > 0 {
			manager = inv.Managers[0]
		}
		sales = append(sales, billing.Sale{Client: inv.Client, Manager: manager, Currency: inv.Currency, InvoiceDate: inv.InvoiceDate, Total: inv.Total})
		if inv.State == store.StateSent && inv.Balance > 0 {
			open = append(open, billing.OpenInvoice{
				ID: inv.ID, Key: inv.Key, DocNumber: inv.DocNumber, Client: inv.Client, Manager: manager, Currency: inv.Currency,
				InvoiceDate: inv.InvoiceDate, DueDate: inv.DueDate, Total: inv.Total, Balance: inv.Balance,
			})
		}
	}
	return billing.Age(open, sales, asOf)
}

func TestReportsAgeLikeWholeInvoices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedReports(t, s)
		filters := []store.ReportFilter{
			{}, {Client: "acme corp"}, {Client: "Globex"}, {Client: "Nobody"},
			{Manager: "UMGR1"}, {Manager: "UMGR2"}, {Manager: "UMGR3"}, {Manager: "UMGR"},
			{Client: "Acme Corp", Manager: "UMGR2"},
		}
		// Mid-month with sales after the day, month ends, a day before any
		// history (DSO incomplete) and one after it all.
		days := []string{"2026-11-15", "2026-11-25", "2026-11-30", "2026-12-31", "2024-10-15", "2025-03-01"}
		for _, f := range filters {
			for _, day := range days {
				t.Run(fmt.Sprintf("%s|%s|%s", f.Client, f.Manager, day), func(t *testing.T) {
					asOf := billing.MustDate(day)
					open, err := s.OpenBalances(t.Context(), f)
					if err != nil {
						t.Fatal(err)
					}
					sales, err := s.MonthlySales(t.Context(), f, billing.Date{}, asOf)
					if err != nil {
						t.Fatal(err)
					}
					got, want := billing.Age(open, sales, asOf), slowAging(t, s, f, asOf)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("aging differs (-whole invoices +report queries):\n%s", diff)
					}
				})
			}
		}
	})
}

func TestMonthlySales(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedReports(t, s)
		ctx := t.Context()
		tests := []struct {
			name           string
			f              store.ReportFilter
			since, through string
			want           []billing.Sale
		}{
			{
				name: "undated and later invoices left out", f: store.ReportFilter{Client: "globex"}, through: "2026-11-30",
				want: []billing.Sale{{Currency: "CAD", InvoiceDate: billing.MustDate("2026-06-01"), Total: 250000}},
			},
			{
				name: "window sums each month", f: store.ReportFilter{Manager: "UMGR1"}, since: "2026-09-01", through: "2026-11-25",
				want: []billing.Sale{
					{Currency: "USD", InvoiceDate: billing.MustDate("2026-09-01"), Total: 50000 + 42000},
					{Currency: "USD", InvoiceDate: billing.MustDate("2026-10-01"), Total: 43000},         // a4 has no manager
					{Currency: "USD", InvoiceDate: billing.MustDate("2026-11-01"), Total: 40000 + 45000}, // a5 paid off, a6 open: sales either way
				},
			},
			{
				name: "no bounds", f: store.ReportFilter{Manager: "UMGR2"},
				want: []billing.Sale{
					{Currency: "CAD", InvoiceDate: billing.MustDate("2026-06-01"), Total: 250000},
					{Currency: "CAD", InvoiceDate: billing.MustDate("2026-12-01"), Total: 11000},
					{Currency: "USD", InvoiceDate: billing.MustDate("2026-09-01"), Total: 50000 + 70000},
				},
			},
			{name: "nothing", f: store.ReportFilter{Client: "Nobody"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.MonthlySales(ctx, tt.f, optDate(tt.since), optDate(tt.through))
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("MonthlySales (-want +got):\n%s", diff)
				}
			})
		}
	})
}

func TestStatusCountsLikeWholeInvoices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedReports(t, s)
		for _, client := range []string{"", "acme corp", "Globex", "Nobody"} {
			for _, day := range []string{"2026-11-15", "2026-12-01"} {
				t.Run(client+"|"+day, func(t *testing.T) {
					today := billing.MustDate(day)
					got, err := s.StatusCounts(t.Context(), client, today)
					if err != nil {
						t.Fatal(err)
					}
					invs, err := s.Invoices(t.Context(), store.InvoiceFilter{Client: client})
					if err != nil {
						t.Fatal(err)
					}
					var want []store.StatusCount
					for _, st := range []store.InvoiceState{store.StateApproved, store.StateDraft, store.StateFlagged, store.StateHeld, store.StatePending, store.StateSent} {
						for _, cur := range []money.Currency{"CAD", "USD"} {
							c := store.StatusCount{State: st, Currency: cur}
							for _, inv := range invs {
								if inv.State != st || inv.Currency != cur {
									continue
								}
								c.Count++
								c.Total += inv.Total
								c.Balance += inv.Balance
								if billing.Overdue(inv.Balance, inv.InvoiceDate, inv.DueDate, today) {
									c.Overdue++
									c.OverdueBalance += inv.Balance
								}
							}
							if c.Count > 0 {
								want = append(want, c)
							}
						}
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("StatusCounts (-whole invoices +query):\n%s", diff)
					}
				})
			}
		}
	})
}
