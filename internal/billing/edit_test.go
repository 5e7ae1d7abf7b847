package billing_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/money"
)

func usd(s string) money.Amount { return money.MustParse(s, "USD") }

func hrs(s string) money.Hours { return money.MustHours(s) }

func pct(t *testing.T, s string) *money.Percent {
	t.Helper()
	p, err := money.ParsePercent(s)
	if err != nil {
		t.Fatal(err)
	}
	return &p
}

// mixedInvoice has an hourly line (10 h × 200), a fixed fee (500) and a
// 10 % discount of both (−250): total 2,250.00.
func mixedInvoice() billing.Invoice {
	inv := billing.Invoice{
		Key: "acme/2026-10-31", Client: "Acme Corp", Currency: "USD",
		InvoiceDate: billing.MustDate("2026-10-31"), DueDate: billing.MustDate("2026-11-30"),
		Lines: []billing.Line{
			{Kind: billing.LineHourly, Engagement: "e1", Description: "Advisory", Qty: hrs("10"), UnitPrice: usd("200.00"), Amount: usd("2000.00")},
			{Kind: billing.LineFixed, Engagement: "e1", Description: "Monthly fee", Qty: hrs("1"), UnitPrice: usd("500.00"), Amount: usd("500.00")},
			{Kind: billing.LineDiscount, Engagement: "e1", Description: "Discount 10 %", Qty: hrs("1"), UnitPrice: usd("-250.00"), Amount: usd("-250.00")},
		},
	}
	billing.Retotal(&inv)
	return inv
}

// hourlyInvoice bills 10 h × 200 with no discount: total 2,000.00.
func hourlyInvoice() billing.Invoice {
	inv := billing.Invoice{
		Key: "acme/2026-10-31", Client: "Acme Corp", Currency: "USD",
		InvoiceDate: billing.MustDate("2026-10-31"), DueDate: billing.MustDate("2026-11-30"),
		Lines: []billing.Line{
			{Kind: billing.LineHourly, Engagement: "e1", Description: "Advisory", Qty: hrs("10"), UnitPrice: usd("200.00"), Amount: usd("2000.00")},
		},
	}
	billing.Retotal(&inv)
	return inv
}

// twoEngagements bills e1 (10 h × 100, 10 % off: −100) and e2 (a 500 fee,
// 5 % off: −25): total 1,375.00.
func twoEngagements() billing.Invoice {
	inv := billing.Invoice{
		Key: "acme/2026-10-31", Client: "Acme Corp", Currency: "USD",
		InvoiceDate: billing.MustDate("2026-10-31"), DueDate: billing.MustDate("2026-11-30"),
		Lines: []billing.Line{
			{Kind: billing.LineHourly, Engagement: "e1", Description: "Advisory", Qty: hrs("10"), UnitPrice: usd("100.00"), Amount: usd("1000.00")},
			{Kind: billing.LineDiscount, Engagement: "e1", Description: "Discount 10 %", Qty: hrs("1"), UnitPrice: usd("-100.00"), Amount: usd("-100.00")},
			{Kind: billing.LineFixed, Engagement: "e2", Description: "Monthly fee", Qty: hrs("1"), UnitPrice: usd("500.00"), Amount: usd("500.00")},
			{Kind: billing.LineDiscount, Engagement: "e2", Description: "Discount 5 %", Qty: hrs("1"), UnitPrice: usd("-25.00"), Amount: usd("-25.00")},
		},
	}
	billing.Retotal(&inv)
	return inv
}

// retainerInvoice draws 5 h × 195 from a prepaid block: total 0.00.
func retainerInvoice() billing.Invoice {
	inv := billing.Invoice{
		Key: "granite/2026-10-31", Client: "Granite", Currency: "USD",
		InvoiceDate: billing.MustDate("2026-10-31"), DueDate: billing.MustDate("2026-11-30"),
		Lines: []billing.Line{
			{Kind: billing.LineHourly, Engagement: "r1", Description: "Advisory", Qty: hrs("5"), UnitPrice: usd("195.00"), Amount: usd("975.00")},
			{Kind: billing.LineRetainerCredit, Engagement: "r1", Description: "Retainer credit", Qty: hrs("1"), UnitPrice: usd("-975.00"), Amount: usd("-975.00")},
		},
	}
	billing.Retotal(&inv)
	return inv
}

func TestApplyEdit(t *testing.T) {
	t.Parallel()
	ten := *pct(t, "10")
	line0 := func(hours, rate string) billing.LineEdit {
		return billing.LineEdit{Index: 0, Hours: hrs(hours), Rate: usd(rate), Description: "Advisory"}
	}
	tests := []struct {
		name      string
		inv       billing.Invoice
		discount  money.Percent            // of every engagement, unless discounts is set
		discounts map[string]money.Percent // each engagement's, before the edit
		edit      billing.Edit
		wantField string // a FieldError on this field
		wantTotal money.Amount
		wantDown  bool
		wantLines int
		wantTexts []string // the discount lines' descriptions, in order
	}{
		{name: "no change", inv: mixedInvoice(), discount: ten, wantTotal: usd("2250.00"), wantLines: 3},
		{name: "write-down without reason", inv: mixedInvoice(), discount: ten,
			edit: billing.Edit{Lines: []billing.LineEdit{line0("8", "200.00")}}, wantField: "write_down"},
		{name: "write-down with unknown reason", inv: mixedInvoice(), discount: ten,
			edit: billing.Edit{Lines: []billing.LineEdit{line0("8", "200.00")}, WriteDownReason: "mood"}, wantField: "write_down"},
		{name: "write-down with reason recomputes the discount", inv: mixedInvoice(), discount: ten,
			edit: billing.Edit{Lines: []billing.LineEdit{line0("8", "200.00")}, WriteDownReason: "efficiency"},
			// (1600 + 500) − 210 = 1890
			wantTotal: usd("1890.00"), wantDown: true, wantLines: 3},
		{name: "rate cut is a write-down", inv: mixedInvoice(), discount: ten,
			edit:      billing.Edit{Lines: []billing.LineEdit{line0("10", "150.00")}},
			wantField: "write_down"},
		{name: "more hours need no reason", inv: mixedInvoice(), discount: ten,
			edit: billing.Edit{Lines: []billing.LineEdit{line0("12.25", "200.00")}},
			// (2450 + 500) − 295 = 2655
			wantTotal: usd("2655.00"), wantLines: 3},
		{name: "odd hours round once, half up", inv: mixedInvoice(), discount: ten,
			edit: billing.Edit{Lines: []billing.LineEdit{line0("0.3333", "199.99")}, WriteDownReason: "scope"},
			// 0.3333 × 199.99 = 66.656667 → 66.66; (66.66 + 500) × 10 % = 56.666 → 56.67
			wantTotal: usd("509.99"), wantDown: true, wantLines: 3},
		{name: "negative hours", inv: mixedInvoice(), discount: ten,
			edit: billing.Edit{Lines: []billing.LineEdit{line0("-1", "200.00")}}, wantField: "line:0:hours"},
		{name: "negative rate", inv: mixedInvoice(), discount: ten,
			edit: billing.Edit{Lines: []billing.LineEdit{line0("10", "-1.00")}}, wantField: "line:0:rate"},
		{name: "empty description", inv: mixedInvoice(), discount: ten,
			edit: billing.Edit{Lines: []billing.LineEdit{{Index: 0, Hours: hrs("10"), Rate: usd("200.00"), Description: "  "}}}, wantField: "line:0:description"},
		{name: "no such line", inv: mixedInvoice(), discount: ten,
			edit: billing.Edit{Lines: []billing.LineEdit{{Index: 7, Hours: hrs("1"), Rate: usd("1.00"), Description: "x"}}}, wantField: "line:7"},
		{name: "due date before invoice date", inv: mixedInvoice(), discount: ten,
			edit: billing.Edit{DueDate: billing.MustDate("2026-10-30")}, wantField: "due_date"},
		{name: "due date on invoice date", inv: mixedInvoice(), discount: ten,
			edit: billing.Edit{DueDate: billing.MustDate("2026-10-31")}, wantTotal: usd("2250.00"), wantLines: 3},
		{name: "discount raised", inv: mixedInvoice(), discount: ten,
			edit: billing.Edit{DiscountPercent: pct(t, "20")}, wantTotal: usd("2000.00"), wantLines: 3, wantTexts: []string{"Discount 20 %"}},
		{name: "discount lowered: the line names the percent charged", inv: mixedInvoice(), discount: ten,
			edit: billing.Edit{DiscountPercent: pct(t, "5")}, wantTotal: usd("2375.00"), wantLines: 3, wantTexts: []string{"Discount 5 %"}},
		{name: "discount typed on a draft without one adds its line", inv: hourlyInvoice(),
			edit: billing.Edit{DiscountPercent: pct(t, "10")}, wantTotal: usd("1800.00"), wantLines: 2, wantTexts: []string{"Discount 10 %"}},
		{name: "no discount stays none", inv: hourlyInvoice(),
			edit: billing.Edit{DueDate: billing.MustDate("2026-11-15")}, wantTotal: usd("2000.00"), wantLines: 1},
		{name: "two engagements keep their own discounts", inv: twoEngagements(),
			discounts: map[string]money.Percent{"e1": ten, "e2": *pct(t, "5")},
			edit:      billing.Edit{Lines: []billing.LineEdit{{Index: 0, Hours: hrs("12"), Rate: usd("100.00"), Description: "Advisory"}}},
			// (1200 − 120) + (500 − 25)
			wantTotal: usd("1555.00"), wantLines: 4, wantTexts: []string{"Discount 10 %", "Discount 5 %"}},
		{name: "a typed discount applies per engagement", inv: twoEngagements(),
			discounts: map[string]money.Percent{"e1": ten, "e2": *pct(t, "5")},
			edit:      billing.Edit{DiscountPercent: pct(t, "20")},
			// (1000 − 200) + (500 − 100)
			wantTotal: usd("1200.00"), wantLines: 4, wantTexts: []string{"Discount 20 %", "Discount 20 %"}},
		{name: "a discount typed on two engagements adds a line to each", inv: twoEngagements(),
			edit: billing.Edit{DiscountPercent: pct(t, "10")},
			// (1000 − 100) + (500 − 50)
			wantTotal: usd("1350.00"), wantLines: 4, wantTexts: []string{"Discount 10 %", "Discount 10 %"}},
		{name: "removing the discount of two engagements drops both lines", inv: twoEngagements(),
			discounts: map[string]money.Percent{"e1": ten, "e2": *pct(t, "5")},
			edit:      billing.Edit{DiscountPercent: pct(t, "0")}, wantTotal: usd("1500.00"), wantLines: 2},
		{name: "a retainer's credit leaves nothing to discount", inv: retainerInvoice(),
			edit: billing.Edit{DiscountPercent: pct(t, "10")}, wantTotal: 0, wantLines: 2},
		{name: "discount removed drops its line", inv: mixedInvoice(), discount: ten,
			edit: billing.Edit{DiscountPercent: pct(t, "0")}, wantTotal: usd("2500.00"), wantLines: 2},
		{name: "discount over 100", inv: mixedInvoice(), discount: ten,
			edit: billing.Edit{DiscountPercent: pct(t, "100.01")}, wantField: "discount"},
		{name: "negative discount", inv: mixedInvoice(), discount: ten,
			edit: billing.Edit{DiscountPercent: pct(t, "-5")}, wantField: "discount"},
		{name: "retainer credit follows hourly lines", inv: retainerInvoice(),
			edit:      billing.Edit{Lines: []billing.LineEdit{{Index: 0, Hours: hrs("4"), Rate: usd("195.00"), Description: "Advisory"}}, WriteDownReason: "scope"},
			wantTotal: 0, wantDown: true, wantLines: 2},
		{name: "credit lines are not edited by hand", inv: retainerInvoice(),
			edit:      billing.Edit{Lines: []billing.LineEdit{{Index: 1, Hours: hrs("1"), Rate: usd("-1.00"), Description: "x"}}},
			wantTotal: 0, wantLines: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before := cloneLines(tt.inv.Lines)
			discounts := tt.discounts
			if discounts == nil {
				discounts = map[string]money.Percent{}
				for _, l := range tt.inv.Lines {
					if tt.discount != 0 {
						discounts[l.Engagement] = tt.discount
					}
				}
			}
			got, down, err := billing.ApplyEdit(tt.inv, discounts, tt.edit)
			if diff := cmp.Diff(before, tt.inv.Lines); diff != "" {
				t.Errorf("ApplyEdit changed its input (-before +after):\n%s", diff)
			}
			if tt.wantField != "" {
				if !isFieldError(err, tt.wantField) {
					t.Fatalf("err = %v, want a FieldError on %s", err, tt.wantField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != tt.wantTotal || down != tt.wantDown || len(got.Lines) != tt.wantLines {
				t.Errorf("total %s, written down %v, %d lines; want %s, %v, %d",
					got.Total.Format("USD"), down, len(got.Lines), tt.wantTotal.Format("USD"), tt.wantDown, tt.wantLines)
			}
			checkArithmetic(t, got)
			var texts []string
			for _, l := range got.Lines {
				if l.Kind == billing.LineDiscount {
					texts = append(texts, l.Description)
				}
			}
			if tt.wantTexts != nil && !slices.Equal(texts, tt.wantTexts) {
				t.Errorf("discount lines %q, want %q", texts, tt.wantTexts)
			}
			if !tt.edit.DueDate.IsZero() && got.DueDate != tt.edit.DueDate {
				t.Errorf("due date %s, want %s", got.DueDate, tt.edit.DueDate)
			}
		})
	}
}

// checkArithmetic asserts QBO's rule on every line (Amount = Qty ×
// UnitPrice under money's one rounding) and that the totals add up.
func checkArithmetic(t *testing.T, inv billing.Invoice) {
	t.Helper()
	var sum, hourly, credit money.Amount
	for i, l := range inv.Lines {
		if want := money.LineAmount(l.Qty, l.UnitPrice); l.Amount != want {
			t.Errorf("line %d: amount %s, Qty × UnitPrice = %s", i, l.Amount.Format("USD"), want.Format("USD"))
		}
		sum += l.Amount
		switch l.Kind {
		case billing.LineHourly:
			hourly += l.Amount
		case billing.LineRetainerCredit:
			credit += l.Amount
		}
	}
	if inv.Total != sum || inv.Subtotal+inv.Discount+inv.Credit != inv.Total {
		t.Errorf("total %s, lines sum %s, subtotal+discount+credit %s", inv.Total.Format("USD"), sum.Format("USD"), (inv.Subtotal + inv.Discount + inv.Credit).Format("USD"))
	}
	// Each discount line is the percent its text names of its engagement's
	// other lines, rounded once.
	base := map[string]money.Amount{}
	for _, l := range inv.Lines {
		if l.Kind != billing.LineDiscount {
			base[l.Engagement] += l.Amount
		}
	}
	for name, p := range billing.DiscountsOf(inv, nil) {
		var got money.Amount
		for _, l := range inv.Lines {
			if l.Kind == billing.LineDiscount && l.Engagement == name {
				got += l.Amount
			}
		}
		if want := -min(money.PercentOf(base[name], p), base[name]); got != want {
			t.Errorf("engagement %s: discount %s, its text's %s %% of %s is %s", name, got.Format("USD"), p, base[name].Format("USD"), want.Format("USD"))
		}
	}
	if credit != 0 && credit != -hourly {
		t.Errorf("retainer credit %s does not offset hourly %s", credit.Format("USD"), hourly.Format("USD"))
	}
}

func cloneLines(ls []billing.Line) []billing.Line { return append([]billing.Line(nil), ls...) }

func isFieldError(err error, field string) bool {
	var fe *billing.FieldError
	return errors.As(err, &fe) && fe.Field == field
}

// TestDiscountsOf: an invoice's discounts are read from its discount lines
// (the configured percent only when QuickBooks changed a line's text), and
// the Edit modal offers one percent only when every engagement shares it.
func TestDiscountsOf(t *testing.T) {
	t.Parallel()
	ten, five := *pct(t, "10"), *pct(t, "5")
	renamed := twoEngagements()
	renamed.Lines[3].Description = "Loyalty discount"
	for _, tc := range []struct {
		name       string
		inv        billing.Invoice
		configured map[string]money.Percent
		want       map[string]money.Percent
		common     money.Percent
		shared     bool
	}{
		{"one engagement", mixedInvoice(), nil, map[string]money.Percent{"e1": ten}, ten, true},
		{"none", hourlyInvoice(), map[string]money.Percent{"e1": ten}, map[string]money.Percent{}, 0, true},
		{"two percents", twoEngagements(), nil, map[string]money.Percent{"e1": ten, "e2": five}, 0, false},
		{"a line renamed in QuickBooks", renamed, map[string]money.Percent{"e2": five}, map[string]money.Percent{"e1": ten, "e2": five}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := billing.DiscountsOf(tc.inv, tc.configured)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("DiscountsOf (-want +got):\n%s", diff)
			}
			if p, ok := billing.CommonDiscount(tc.inv, got); p != tc.common || ok != tc.shared {
				t.Errorf("CommonDiscount = %s, %v; want %s, %v", p, ok, tc.common, tc.shared)
			}
		})
	}
}
