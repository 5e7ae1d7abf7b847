package qbo

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/money"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

func golden(t *testing.T, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", t.Name()+".golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func line(kind billing.LineKind, item, desc, qty, price string) billing.Line {
	q, p := money.MustHours(qty), money.MustParse(price, "USD")
	return billing.Line{Kind: kind, Item: item, Description: desc, Qty: q, UnitPrice: p, Amount: money.LineAmount(q, p),
		ServiceDate: billing.MustDate("2026-10-31")}
}

func draft() billing.Invoice {
	d := billing.Invoice{
		Key: "acme-2026/2026-10", Client: "Acme Corp", Currency: "USD",
		Period:      billing.Period{Start: billing.MustDate("2026-10-01"), End: billing.MustDate("2026-10-31")},
		InvoiceDate: billing.MustDate("2026-11-01"), DueDate: billing.MustDate("2026-12-01"),
		Lines: []billing.Line{
			line(billing.LineHourly, "Tax Preparation", "Tax Prep — 12.33 h", "12.33", "195.00"),
			line(billing.LineHourly, "Services", "Bookkeeping — 0.25 h", "0.25", "95.00"),
			line(billing.LineFixed, "Services", "Monthly fixed fee", "1", "1500.00"),
			line(billing.LineRetainerCredit, "", "Retainer drawdown", "2", "-195.00"),
		},
	}
	var sum money.Amount
	for _, l := range d.Lines {
		sum += l.Amount
	}
	disc := -money.PercentOf(sum, money.Percent(5*money.PercentScale))
	d.Lines = append(d.Lines, billing.Line{Kind: billing.LineDiscount, Description: "5% engagement discount", Amount: disc})
	d.Total = sum + disc
	return d
}

var testItems = map[string]string{"Tax Preparation": "11", "Services": "1", "Retainer": "20"}

func TestInvoiceFromDraft(t *testing.T) {
	d := draft()
	inv, err := InvoiceFromDraft(d, "58", testItems, "ap@acme.example", "approved by U0PARTNER1")
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(inv, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, append(got, '\n'))
	total, err := inv.TotalMinor("USD")
	if err != nil || total != d.Total {
		t.Errorf("TotalMinor = %d, %v; draft total %d", total, err, d.Total)
	}
}

func TestInvoiceFromDraftErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(*billing.Invoice)
		items  map[string]string
		want   string
	}{
		{"unmapped item", func(d *billing.Invoice) { d.Lines[0].Item = "Audit" }, testItems, `no QBO items match "Audit"`},
		{"no retainer item", func(*billing.Invoice) {}, map[string]string{"Tax Preparation": "11", "Services": "1"}, `"Retainer"`},
		{"amount not qty × price", func(d *billing.Invoice) { d.Lines[0].Amount++ }, testItems, "is not qty × price"},
		{"total mismatch", func(d *billing.Invoice) { d.Total++ }, testItems, "lines sum to"},
		{"no lines", func(d *billing.Invoice) { d.Lines = nil }, testItems, "no lines"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := draft()
			tc.mutate(&d)
			_, err := InvoiceFromDraft(d, "58", tc.items, "", "")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want containing %q", err, tc.want)
			}
		})
	}
}

func TestPrivateNoteLimit(t *testing.T) {
	t.Parallel()
	inv, err := InvoiceFromDraft(draft(), "58", testItems, "", strings.Repeat("é", 3000))
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.PrivateNote) > 4000 || !strings.HasPrefix(inv.PrivateNote, "billbot acme-2026/2026-10 period 2026-10-01..2026-10-31") {
		t.Errorf("PrivateNote length %d, prefix %q", len(inv.PrivateNote), inv.PrivateNote[:40])
	}
}

func TestMatchCustomer(t *testing.T) {
	t.Parallel()
	cs := []Customer{
		{ID: "1", DisplayName: "Acme Corp"},
		{ID: "2", DisplayName: "O'Brien & Sons"},
		{ID: "3", DisplayName: "Globex  LLC"},
		{ID: "4", DisplayName: "globex llc"},
		{ID: "5", DisplayName: "Initech Holdings"},
	}
	tests := []struct {
		name, client, configured string
		wantID                   string
		wantErr                  error
		wantCands                []string
	}{
		{"configured id wins", "Anything", "5", "5", nil, nil},
		{"configured id missing", "Acme Corp", "99", "", ErrNoMatch, nil},
		{"exact", "O'Brien & Sons", "", "2", nil, nil},
		{"case and space", "ACME corp", "", "1", nil, nil},
		{"exact beats folded", "globex llc", "", "4", nil, nil},
		{"ambiguous folded", "GLOBEX LLC", "", "", ErrAmbiguous, []string{"3", "4"}},
		{"none, near candidates", "Initech", "", "", ErrNoMatch, []string{"5"}},
		{"none at all", "Umbrella", "", "", ErrNoMatch, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, cands, err := MatchCustomer(tc.client, tc.configured, cs)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if got.ID != tc.wantID {
				t.Errorf("ID = %q, want %q", got.ID, tc.wantID)
			}
			var ids []string
			for _, c := range cands {
				ids = append(ids, c.ID)
			}
			if diff := cmp.Diff(tc.wantCands, ids); diff != "" {
				t.Errorf("candidates (-want +got):\n%s", diff)
			}
			var me *MatchError
			if err != nil && errors.As(err, &me) && len(tc.wantCands) > 0 && len(me.Candidates) != len(tc.wantCands) {
				t.Errorf("error names %v", me.Candidates)
			}
		})
	}
}

func TestCheckCurrency(t *testing.T) {
	t.Parallel()
	if err := CheckCurrency(Customer{DisplayName: "A"}, "USD", "USD"); err != nil {
		t.Errorf("no CurrencyRef in home currency: %v", err)
	}
	if err := CheckCurrency(Customer{DisplayName: "A", CurrencyRef: &Ref{Value: "cad"}}, "CAD", "USD"); err != nil {
		t.Errorf("CAD customer: %v", err)
	}
	var ce *CurrencyError
	if err := CheckCurrency(Customer{DisplayName: "A", CurrencyRef: &Ref{Value: "EUR"}}, "USD", "USD"); !errors.As(err, &ce) || ce.Got != "EUR" {
		t.Errorf("EUR vs USD: %v", err)
	}
}

func TestMatchItem(t *testing.T) {
	t.Parallel()
	items := []Item{{ID: "1", Name: "Services"}, {ID: "11", Name: "Tax Preparation"}, {ID: "12", Name: "Book keeping"}}
	mapping := map[string]string{"Tax Prep": "Tax Preparation", "Bookkeeping": "bookkeeping", "Audit": "Audit Services"}
	tests := []struct {
		task, def, want string
		err             error
	}{
		{"Tax Prep", "Services", "11", nil},
		{"Bookkeeping", "Services", "12", nil},
		{"Advisory", "Services", "1", nil},
		{"Advisory", "", "", ErrNoMatch},
		{"Audit", "Services", "", ErrNoMatch},
	}
	for _, tc := range tests {
		got, err := MatchItem(tc.task, mapping, tc.def, items)
		if got.ID != tc.want || !errors.Is(err, tc.err) || (tc.err == nil && err != nil) {
			t.Errorf("MatchItem(%q, %q) = %q, %v; want %q, %v", tc.task, tc.def, got.ID, err, tc.want, tc.err)
		}
	}
}
