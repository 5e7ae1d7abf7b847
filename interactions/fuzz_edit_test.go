package interactions

import (
	"errors"
	"math/big"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/slackui"
	"billbot/internal/workflow"
)

// fuzzInvoice has three hourly lines of one engagement and a discount.
func fuzzInvoice() billing.Invoice {
	inv := billing.Invoice{
		Key: "acme/2026-10-31", Client: "Acme Corp", Currency: "USD",
		InvoiceDate: billing.MustDate("2026-10-31"), DueDate: billing.MustDate("2026-11-30"),
	}
	for _, d := range []string{"Advisory", "Tax", "Audit"} {
		inv.Lines = append(inv.Lines, billing.Line{Kind: billing.LineHourly, Engagement: "e1", Description: d,
			Qty: money.MustHours("1"), UnitPrice: money.MustParse("100.00", "USD"), Amount: money.MustParse("100.00", "USD")})
	}
	inv.Lines = append(inv.Lines, billing.Line{Kind: billing.LineDiscount, Engagement: "e1", Description: "Discount",
		Qty: money.MustHours("1"), UnitPrice: money.MustParse("-30.00", "USD"), Amount: money.MustParse("-30.00", "USD")})
	if err := billing.Retotal(&inv); err != nil {
		panic(err)
	}
	return inv
}

// FuzzEditSubmission feeds edit-modal values (hours and rate of three
// lines, a discount) through ParseEdit and ApplyEdit: the outcome is a
// clean validation error, or an invoice whose every line is exactly
// Qty × UnitPrice, whose total is exactly the sum of its lines, and whose
// lines and total are within money.MaxAmount — never a panic, never a
// wrapped total.
func FuzzEditSubmission(f *testing.F) {
	f.Add("1", "100.00", "2", "200.00", "3", "300.00", "10")
	f.Add("8", "7686143364045650.67", "8", "7686143364045650.67", "8", "7686143364045650.68", "")
	f.Add("99999999.99", "9999999999999999.99", "1", "1", "1", "1", "0")
	f.Add("1", "3333333333.33", "1", "3333333333.33", "1", "3333333333.34", "12.5")
	f.Add("0.0001", "0.01", "-1", "5", "x", "1e3", "100")
	f.Fuzz(func(t *testing.T, h0, r0, h1, r1, h2, r2, disc string) {
		values := map[string]map[string]string{}
		for i, hr := range [][2]string{{h0, r0}, {h1, r1}, {h2, r2}} {
			values[slackui.EditBlockID(i, slackui.FieldHours)] = map[string]string{slackui.InputAction: hr[0]}
			values[slackui.EditBlockID(i, slackui.FieldRate)] = map[string]string{slackui.InputAction: hr[1]}
		}
		values[slackui.BlockDiscount] = map[string]string{slackui.InputAction: disc}
		values[slackui.BlockWriteDown] = map[string]string{slackui.InputAction: slackui.WriteDownScope}
		inv := fuzzInvoice()
		e, errs := ParseEdit(values, inv)
		if len(errs) > 0 {
			return
		}
		out, _, err := billing.ApplyEdit(inv, map[string]money.Percent{"e1": 10 * money.PercentScale}, e)
		if err != nil {
			var fe *workflow.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("ApplyEdit: %v, want a *workflow.FieldError", err)
			}
			return
		}
		maxAmt := big.NewInt(int64(money.MaxAmount))
		within := func(v *big.Int) bool { return new(big.Int).Abs(v).Cmp(maxAmt) <= 0 }
		sum := new(big.Int)
		for i, l := range out.Lines {
			// Qty × UnitPrice / 10^4, rounded half away from zero, exactly.
			p := new(big.Int).Mul(big.NewInt(int64(l.Qty)), big.NewInt(int64(l.UnitPrice)))
			q, r := new(big.Int).QuoRem(p, big.NewInt(money.HoursScale), new(big.Int))
			if new(big.Int).Mul(new(big.Int).Abs(r), big.NewInt(2)).Cmp(big.NewInt(money.HoursScale)) >= 0 {
				q.Add(q, big.NewInt(int64(p.Sign())))
			}
			if q.Cmp(big.NewInt(int64(l.Amount))) != 0 {
				t.Fatalf("line %d: amount %d, exact Qty × UnitPrice %s", i, l.Amount, q)
			}
			if !within(q) {
				t.Fatalf("line %d: amount %s beyond the bound", i, q)
			}
			sum.Add(sum, q)
		}
		if sum.Cmp(big.NewInt(int64(out.Total))) != 0 || !within(sum) {
			t.Fatalf("total %d, exact sum of lines %s", out.Total, sum)
		}
		if out.Subtotal+out.Discount+out.Credit != out.Total {
			t.Fatalf("subtotal %d + discount %d + credit %d ≠ total %d", out.Subtotal, out.Discount, out.Credit, out.Total)
		}
	})
}
