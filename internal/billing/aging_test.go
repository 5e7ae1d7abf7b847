package billing

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/money"
)

func TestBucketFor(t *testing.T) {
	t.Parallel()
	for days, want := range map[int]Bucket{
		-10: Current, 0: Current, 1: Days1To30, 30: Days1To30, 31: Days31To60, 60: Days31To60,
		61: Days61To90, 90: Days61To90, 91: Over90, 400: Over90,
	} {
		if got := BucketFor(days); got != want {
			t.Errorf("BucketFor(%d) = %s, want %s", days, got, want)
		}
	}
	if Over90.String() != "90+" || Days1To30.String() != "1–30" || Bucket(9).String() != "unknown" {
		t.Error("bucket names")
	}
}

func TestAge(t *testing.T) {
	t.Parallel()
	d := MustDate
	eur := func(s string) money.Amount { return money.MustParse(s, "EUR") }
	open := []OpenInvoice{
		{ID: 1, Key: "a", Client: "Acme Corp", Manager: "UM1", Currency: "USD", DueDate: d("2026-11-15"), Balance: usd("1000.00")},
		{ID: 2, Key: "b", Client: "Acme Corp", Manager: "UM1", Currency: "USD", DueDate: d("2026-10-31"), Balance: usd("250.00")},     // due today
		{ID: 3, Key: "c", Client: "Globex", Manager: "UM2", Currency: "USD", DueDate: d("2026-10-30"), Balance: usd("500.00")},        // 1 day
		{ID: 4, Key: "d", Client: "Globex", Manager: "UM2", Currency: "USD", DueDate: d("2026-09-30"), Balance: usd("300.00")},        // 31 days
		{ID: 5, Key: "e", Client: "Hooli", Manager: "UM1", Currency: "USD", DueDate: d("2026-08-31"), Balance: usd("200.00")},         // 61 days
		{ID: 6, Key: "f", Client: "Hooli", Manager: "UM1", Currency: "USD", DueDate: d("2026-08-01"), Balance: usd("100.00")},         // 91 days
		{ID: 7, Key: "g", Client: "Acme Corp", Manager: "UM1", Currency: "USD", DueDate: d("2026-01-01"), Balance: 0},                 // paid
		{ID: 8, Key: "h", Client: "Euro GmbH", Manager: "UM3", Currency: "EUR", InvoiceDate: d("2026-10-01"), Balance: eur("400.00")}, // no due date: 30 days
	}
	sales := []Sale{
		{Currency: "USD", InvoiceDate: d("2026-10-05"), Total: usd("1000.00")},
		{Currency: "USD", InvoiceDate: d("2026-10-31"), Total: usd("500.00")},
		{Currency: "USD", InvoiceDate: d("2026-11-02"), Total: usd("9999.00")}, // after as-of: ignored
		{Currency: "USD", InvoiceDate: d("2026-09-10"), Total: usd("600.00")},
		{Currency: "USD", InvoiceDate: d("2026-08-20"), Total: usd("500.00")},
		{Currency: "EUR", InvoiceDate: d("2026-10-01"), Total: eur("1000.00")},
	}
	a := Age(open, sales, d("2026-10-31"))
	b := func(cur, d1, d31, d61, over string) [NumBuckets]money.Amount {
		return [NumBuckets]money.Amount{usd(cur), usd(d1), usd(d31), usd(d61), usd(over)}
	}
	wantTotals := []AgingRow{
		{Currency: "EUR", Buckets: b("0", "400", "0", "0", "0"), Total: eur("400.00"), Invoices: 1},
		{Currency: "USD", Buckets: b("1250", "500", "300", "200", "100"), Total: usd("2350.00"), Invoices: 6},
	}
	if diff := cmp.Diff(wantTotals, a.Totals); diff != "" {
		t.Errorf("totals (-want +got):\n%s", diff)
	}
	wantClients := []AgingRow{
		{Name: "Acme Corp", Currency: "USD", Buckets: b("1250", "0", "0", "0", "0"), Total: usd("1250.00"), Invoices: 2},
		{Name: "Euro GmbH", Currency: "EUR", Buckets: b("0", "400", "0", "0", "0"), Total: eur("400.00"), Invoices: 1},
		{Name: "Globex", Currency: "USD", Buckets: b("0", "500", "300", "0", "0"), Total: usd("800.00"), Invoices: 2},
		{Name: "Hooli", Currency: "USD", Buckets: b("0", "0", "0", "200", "100"), Total: usd("300.00"), Invoices: 2},
	}
	if diff := cmp.Diff(wantClients, a.ByClient); diff != "" {
		t.Errorf("by client (-want +got):\n%s", diff)
	}
	wantManagers := []AgingRow{
		{Name: "UM1", Currency: "USD", Buckets: b("1250", "0", "0", "200", "100"), Total: usd("1550.00"), Invoices: 4},
		{Name: "UM2", Currency: "USD", Buckets: b("0", "500", "300", "0", "0"), Total: usd("800.00"), Invoices: 2},
		{Name: "UM3", Currency: "EUR", Buckets: b("0", "400", "0", "0", "0"), Total: eur("400.00"), Invoices: 1},
	}
	if diff := cmp.Diff(wantManagers, a.ByManager); diff != "" {
		t.Errorf("by manager (-want +got):\n%s", diff)
	}
	// USD: October 31 days (2350 > 1500, 850 left), September 30 days (850 >
	// 600, 250 left), August 31 × 250 / 500 = 15.5 days: 76.5 days.
	// EUR: 31 × 400 / 1000 = 12.4 days.
	wantDSO := []DSO{
		{Currency: "EUR", Receivables: eur("400.00"), Tenths: 124, Complete: true},
		{Currency: "USD", Receivables: usd("2350.00"), Tenths: 765, Complete: true},
	}
	if diff := cmp.Diff(wantDSO, a.DSO); diff != "" {
		t.Errorf("DSO (-want +got):\n%s", diff)
	}
	var order []int64
	for _, inv := range a.Invoices {
		order = append(order, inv.ID)
	}
	if diff := cmp.Diff([]int64{6, 5, 4, 8, 3, 2, 1}, order); diff != "" {
		t.Errorf("invoice order (-want +got):\n%s", diff)
	}
	if a.Invoices[0].DaysPastDue != 91 || a.Invoices[0].Bucket != Over90 {
		t.Errorf("oldest invoice = %+v", a.Invoices[0])
	}
}

func TestCountback(t *testing.T) {
	t.Parallel()
	d := MustDate
	sale := func(day, total string) Sale { return Sale{Currency: "USD", InvoiceDate: d(day), Total: usd(total)} }
	tests := []struct {
		name     string
		asOf     string
		ar       string
		sales    []Sale
		tenths   int
		complete bool
	}{
		// October 1–15: 15 days (1000 > 500, 500 left); September 30 × 500 / 1500 = 10.
		{"partial current month", "2026-10-15", "1000", []Sale{sale("2026-10-10", "500"), sale("2026-10-20", "700"), sale("2026-09-01", "1500")}, 250, true},
		// 31 × 100 / 300 = 10.33…
		{"within the first month", "2026-10-31", "100", []Sale{sale("2026-10-01", "300")}, 103, true},
		// 31 × 1 / 20 = 1.55 → 15.5 tenths rounds up to 16.
		{"half rounds up", "2026-10-31", "0.01", []Sale{sale("2026-10-01", "0.20")}, 16, true},
		// October 31 (400 left), September no sales 30, August 31 × 400 / 800 = 15.5.
		{"month without sales", "2026-10-31", "500", []Sale{sale("2026-10-01", "100"), sale("2026-08-01", "800")}, 765, true},
		// March 1–10 (200 left), February 2024 29 × 200 / 400 = 14.5.
		{"leap February", "2024-03-10", "300", []Sale{sale("2024-03-01", "100"), sale("2024-02-01", "400")}, 245, true},
		{"history runs out", "2026-10-31", "1000", []Sale{sale("2026-10-01", "100")}, 310, false},
		{"no receivables", "2026-10-31", "0", []Sale{sale("2026-10-01", "100")}, 0, true},
		// December 31 × 600 / 600: exactly one month, across the year.
		{"year boundary", "2027-01-31", "1600", []Sale{sale("2027-01-02", "1000"), sale("2026-12-24", "600")}, 620, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := countback("USD", usd(tc.ar), tc.sales, d(tc.asOf))
			if got.Tenths != tc.tenths || got.Complete != tc.complete {
				t.Errorf("countback = %d tenths (complete %v), want %d (%v)", got.Tenths, got.Complete, tc.tenths, tc.complete)
			}
		})
	}
}
