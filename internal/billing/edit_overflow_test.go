package billing_test

import (
	"errors"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// threeLines is three hourly lines of one engagement with a 10 % discount.
func threeLines() billing.Invoice {
	inv := billing.Invoice{
		Key: "acme/2026-10-31", Client: "Acme Corp", Currency: "USD",
		InvoiceDate: billing.MustDate("2026-10-31"), DueDate: billing.MustDate("2026-11-30"),
	}
	for _, d := range []string{"Advisory", "Tax", "Audit"} {
		inv.Lines = append(inv.Lines, billing.Line{Kind: billing.LineHourly, Engagement: "e1", Description: d, Qty: hrs("1"), UnitPrice: usd("100.00"), Amount: usd("100.00")})
	}
	return inv
}

// TestApplyEditRefusesOverflow: amounts an edit modal accepts (hours up to
// 12 characters, rates up to 20) that would wrap int64 or go beyond
// money.MaxAmount are a field error on the line at fault — never a panic,
// never a wrapped total.
func TestApplyEditRefusesOverflow(t *testing.T) {
	t.Parallel()
	edit := func(hours string, rates ...string) billing.Edit {
		var e billing.Edit
		for i, d := range []string{"Advisory", "Tax", "Audit"} {
			e.Lines = append(e.Lines, billing.LineEdit{Index: i, Hours: hrs(hours), Rate: usd(rates[min(i, len(rates)-1)]), Description: d})
		}
		return e
	}
	for _, tc := range []struct {
		name        string
		edit        billing.Edit
		discount    money.Percent
		field       string
		wantTotalOK money.Amount
	}{
		// 8 h at each rate: three lines that each fit an int64 and sum to
		// 2^64 + 10,000 minor units, which wraps to USD 100.00 unchecked.
		{name: "three lines wrap the total", edit: edit("8", "7686143364045650.67", "7686143364045650.67", "7686143364045650.68"), field: "line:0:hours"},
		{name: "hours × rate overflows one line", edit: edit("99999999.99", "9999999999999999.99"), field: "line:0:hours"},
		{name: "each line in bounds, the invoice beyond", edit: edit("1", "5000000000.00"), field: "line:2:hours"},
		{name: "one line beyond the bound", edit: edit("10000", "1000000.01"), field: "line:0:hours"},
		{name: "at the bound", edit: edit("1", "3333333333.33"), wantTotalOK: 3 * usd("3333333333.33")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out billing.Invoice
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("ApplyEdit panicked: %v", r)
					}
				}()
				out, _, err = billing.ApplyEdit(threeLines(), map[string]money.Percent{"e1": tc.discount}, tc.edit)
			}()
			if tc.field == "" {
				if err != nil || out.Total != tc.wantTotalOK {
					t.Fatalf("total %d, err %v; want %d", out.Total, err, tc.wantTotalOK)
				}
				return
			}
			var fe *billing.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("err = %v (total %s); want a field error on %s", err, out.Total.Format("USD"), tc.field)
			}
		})
	}
}
