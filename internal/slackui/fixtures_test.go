package slackui

import (
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // tests need America/New_York on any machine

	"billbot/internal/billing"
	"billbot/internal/money"
)

func newYork(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatalf("load location: %v", err)
	}
	return loc
}

var october = billing.Period{Start: billing.MustDate("2026-10-01"), End: billing.MustDate("2026-10-31")}

// hourlyLine builds a line whose amount follows money's one rounding rule.
func hourlyLine(desc, hours, rate string, cur money.Currency) Line {
	q, p := money.MustHours(hours), money.MustParse(rate, cur)
	return Line{Kind: billing.LineHourly, Description: desc, Qty: q, UnitPrice: p, Amount: money.LineAmount(q, p)}
}

// withTotals fills Subtotal, Total and Hours from the lines.
func withTotals(d Draft) Draft {
	d.Subtotal, d.Hours = 0, 0
	for _, l := range d.Lines {
		switch l.Kind {
		case billing.LineDiscount, billing.LineRetainerCredit:
		default:
			d.Subtotal += l.Amount
		}
		if l.Kind == billing.LineHourly || l.Kind == "" {
			d.Hours += l.Qty
		}
	}
	d.Total = d.Subtotal + d.Discount + d.Credit
	return d
}

// usdDraft is a typical pending monthly draft.
func usdDraft() Draft {
	d := Draft{
		InvoiceID:   1043,
		Key:         "acme-corp/2026-10-31",
		Client:      "Acme Corp",
		Engagements: []string{"acme-2026"},
		Period:      october,
		DocNumber:   "1043",
		Currency:    "USD",
		InvoiceDate: billing.MustDate("2026-10-31"),
		DueDate:     billing.MustDate("2026-11-30"),
		Lines: []Line{
			hourlyLine("Monthly close — reconciliations", "12.5", "195.00", "USD"),
			hourlyLine("Bookkeeping", "7.25", "95.00", "USD"),
			{Kind: billing.LineHourly, Description: "Sales tax filing", Qty: money.MustHours("1.33"),
				UnitPrice: money.MustParse("195.00", "USD"), Amount: money.LineAmount(money.MustHours("1.33"), money.MustParse("195.00", "USD")), Late: true},
		},
		Notes:  []string{"Bookkeeping billed at the engagement letter's $95.00, not Harvest's $110.00."},
		QBOURL: "https://app.sandbox.qbo.intuit.com/app/invoice?txnId=1043",
		State:  StatePending,
	}
	return withTotals(d)
}

// cadDraft is a CAD draft with a discount and a retainer credit.
func cadDraft() Draft {
	d := Draft{
		InvoiceID:       2001,
		Key:             "maple-and-co/2026-10-31",
		Client:          "Maple & Co <Toronto>",
		Engagements:     []string{"maple-retainer", "maple-tax"},
		Period:          october,
		DocNumber:       "2001",
		Currency:        "CAD",
		DiscountPercent: money.Percent(10 * money.PercentScale),
		InvoiceDate:     billing.MustDate("2026-10-31"),
		DueDate:         billing.MustDate("2026-11-15"),
		Lines: []Line{
			hourlyLine("Advisory", "10", "250.00", "CAD"),
			{Kind: billing.LineFixed, Description: "Monthly fixed fee", Qty: money.HoursScale,
				UnitPrice: money.MustParse("1500.00", "CAD"), Amount: money.MustParse("1500.00", "CAD")},
			{Kind: billing.LineDiscount, Description: "Discount 10 %", Qty: money.HoursScale,
				UnitPrice: money.MustParse("-400.00", "CAD"), Amount: money.MustParse("-400.00", "CAD")},
			{Kind: billing.LineRetainerCredit, Description: "Retainer credit", Qty: money.HoursScale,
				UnitPrice: money.MustParse("-1000.00", "CAD"), Amount: money.MustParse("-1000.00", "CAD")},
		},
		Discount: money.MustParse("-400.00", "CAD"),
		Credit:   money.MustParse("-1000.00", "CAD"),
		State:    StatePending,
		Memo:     "Thank you for your business.",
	}
	return withTotals(d)
}

// jpyDraft is a JPY draft: no minor unit.
func jpyDraft() Draft {
	d := Draft{
		InvoiceID:   3001,
		Client:      "Sakura KK",
		Engagements: []string{"sakura-2026"},
		Period:      october,
		Currency:    "JPY",
		InvoiceDate: billing.MustDate("2026-10-31"),
		DueDate:     billing.MustDate("2026-11-30"),
		Lines:       []Line{hourlyLine("Transfer pricing review", "8.5", "25000", "JPY")},
		State:       StateFlagged,
		FlagReason:  "QBO total differs: QBO JPY 212,501, billbot JPY 212,500",
	}
	return withTotals(d)
}

// bigDraft is an invoice of n lines.
func bigDraft(n int) Draft {
	d := usdDraft()
	d.InvoiceID = 4001
	d.Client = "Globex Holdings"
	d.Lines = nil
	for i := range n {
		d.Lines = append(d.Lines, hourlyLine(fmt.Sprintf("Entry %03d — fieldwork", i+1), "1.5", "150.00", "USD"))
	}
	return withTotals(d)
}

// hostileDraft carries text at and over every limit.
func hostileDraft(n int) Draft {
	d := bigDraft(n)
	long := strings.Repeat("Fees & <expenses> ", 400)
	d.Client = long
	d.Engagements = []string{long, long}
	d.DocNumber = long
	for i := range d.Lines {
		d.Lines[i].Description = long
	}
	for range 40 {
		d.Notes = append(d.Notes, long)
	}
	d.HoldReason = long
	d.SentTo = long
	return d
}
