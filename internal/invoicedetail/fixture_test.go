package invoicedetail_test

import (
	"context"
	"fmt"
	"time"

	"billbot/internal/billing"
	"billbot/internal/invoicedetail"
	"billbot/internal/money"
)

var t0 = time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)

// sample is an invoice of n entries on two lines, the second written down.
func sample(n int) invoicedetail.Detail {
	d := invoicedetail.Detail{
		Number: "1042", InvoiceID: 7, Client: "Acme <Corp>", State: "sent", Currency: "USD",
		Period:  billing.Period{Start: billing.MustDate("2026-10-01"), End: billing.MustDate("2026-10-31")},
		DueDate: billing.MustDate("2026-12-01"),
	}
	lines := []invoicedetail.Line{
		{No: 1, Description: "Tax Prep", UnitPrice: 19500},
		{No: 2, Description: "Advisory", UnitPrice: 25000, WriteDownReason: "efficiency: took longer than it should"},
	}
	for i := range n {
		l := &lines[i%2]
		e := invoicedetail.Entry{
			Date: billing.MustDate("2026-10-01").AddDays(i % 31), Staff: fmt.Sprintf("Staff %d", i%7), Task: l.Description,
			Hours: money.MustHours("0.25"), Rate: l.UnitPrice, Notes: fmt.Sprintf("note %d =SUM(A1)", i), SourceID: fmt.Sprint(900000 + i),
		}
		l.Entries = append(l.Entries, e)
		l.Qty += e.Hours
	}
	for i := range lines {
		lines[i].Amount = money.LineAmount(lines[i].Qty, lines[i].UnitPrice)
		lines[i].Original = lines[i].Amount
	}
	lines[1].Original = lines[1].Amount + 10000
	d.Lines = lines
	for _, l := range lines {
		d.Subtotal += l.Amount
		d.Hours += l.Qty
	}
	d.Total, d.Balance = d.Subtotal, d.Subtotal
	d.Edits = []invoicedetail.Edit{{At: t0, Actor: "U0PARTNER1", Reason: "efficiency", TotalBefore: d.Total + 10000, TotalAfter: d.Total}}
	d.Disputes = []invoicedetail.Dispute{{Reason: "client says hours on the 3rd are wrong", OpenedBy: "U0MANAGER1", OpenedAt: t0.Add(time.Hour)}}
	return d
}

// source serves one Detail by number.
type source struct{ d invoicedetail.Detail }

func (s source) InvoiceDetail(_ context.Context, number string) (invoicedetail.Detail, error) {
	if number != s.d.Number {
		return invoicedetail.Detail{}, invoicedetail.ErrNotFound
	}
	return s.d, nil
}

var testKey = []byte("0123456789abcdef0123456789abcdef")
