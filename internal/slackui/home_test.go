package slackui

import (
	"fmt"
	"strings"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/money"
)

func sampleHome() Home {
	return Home{
		UserID: "U0PARTNER1",
		AwaitingMe: []DraftSummary{
			{InvoiceID: 1043, Client: "Acme Corp", DocNumber: "1043", Period: october, Currency: "USD",
				Total: money.MustParse("3385.60", "USD"), DueDate: billing.MustDate("2026-11-30"),
				QBOURL: "https://app.sandbox.qbo.intuit.com/app/invoice?txnId=1043"},
			{InvoiceID: 2001, Client: "Maple & Co", DocNumber: "2001", Period: october, Currency: "CAD",
				Total: money.MustParse("2600.00", "CAD"), DueDate: billing.MustDate("2026-11-15")},
		},
		AR: AgingSummary{
			AsOf:         billing.MustDate("2026-11-15"),
			Outstanding:  []CurrencyAmount{{Currency: "USD", Amount: money.MustParse("18575.75", "USD")}, {Currency: "JPY", Amount: 1250000}},
			Overdue:      []CurrencyAmount{{Currency: "USD", Amount: money.MustParse("6575.75", "USD")}},
			OverdueCount: 3,
		},
		OpenExceptions: sampleGroups(),
	}
}

func TestHomeView(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		h    Home
	}{
		{"busy", sampleHome()},
		{"quiet", Home{UserID: "U0PARTNER1"}},
		{"firm health", Home{UserID: "U0BILLMGR", Health: &FirmHealth{Period: "October 2026", Lines: []string{
			"Realization 93.52% (USD 45,125.50 of USD 48,250.00)", "Utilization 64.28% (227.75 of 354.2857 h)",
			"Leakage 2.85% (6.50 of 227.75 h)", "Paid within terms 77.78% · error rate 8.33%", "Billing lag median 3 days, p90 9 days",
		}}}},
		{"firm health empty", Home{UserID: "U0BILLMGR", Health: &FirmHealth{Period: "October 2026"}}},
		{"approver not connected", Home{UserID: "U0PARTNER1", QBO: &QBOConnect{LinkURL: "https://billbot.example.com/oauth/qbo/connect?t=abc", Minutes: 5}}},
		{"approver connected", Home{UserID: "U0PARTNER1", QBO: &QBOConnect{LinkURL: "https://billbot.example.com/oauth/qbo/connect?t=abc", Minutes: 5,
			RealmID: "9130350000000001", CompanyName: "Alder & <Birch>"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := HomeView(tt.h)
			checkHome(t, v)
			assertGolden(t, v)
		})
	}
}

func TestHomeViewManyDraftsFit(t *testing.T) {
	t.Parallel()
	h := sampleHome()
	for i := range 200 {
		h.AwaitingMe = append(h.AwaitingMe, DraftSummary{InvoiceID: int64(i + 1), Client: strings.Repeat("Big & <Co> ", 50),
			DocNumber: fmt.Sprint(i), Period: october, Currency: "USD", Total: money.Amount(i)})
	}
	for range 50 {
		h.OpenExceptions = append(h.OpenExceptions, sampleGroups()...)
	}
	h.QBO = &QBOConnect{LinkURL: "https://billbot.example.com/oauth/qbo/connect?t=abc", Minutes: 5, RealmID: "1", CompanyName: strings.Repeat("Big & <Co> ", 50)}
	h.Health = &FirmHealth{Period: strings.Repeat("Oct ", 40), Lines: []string{strings.Repeat("Realization & <x> ", 30), "b", "c", "d", "e", "f"}}
	checkHome(t, HomeView(h))
}
