package slackui

import (
	"testing"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/shadow"
)

func TestShadowReport(t *testing.T) {
	t.Parallel()
	usd := money.Currency("USD")
	oct := shadow.Summary{PeriodEnd: billing.MustDate("2026-10-31"), Currency: usd,
		AmountAgreed: money.MustParse("4520.00", usd), AmountCompared: money.MustParse("8420.00", usd),
		InvoicesAgreed: 1, InvoicesCompared: 5, Same: 4, Differs: 2, OnlyBillbot: 1, OnlyLedger: 1}
	sep := shadow.Summary{PeriodEnd: billing.MustDate("2026-09-30"), Currency: usd,
		AmountAgreed: money.MustParse("9000.00", usd), AmountCompared: money.MustParse("10000.00", usd),
		InvoicesAgreed: 3, InvoicesCompared: 4, Same: 9, Differs: 1}
	clients := []ShadowClient{
		{Client: "Birch & Daughters", Currency: usd, Billbot: money.MustParse("1080.00", usd), Ledger: money.MustParse("1000.00", usd), Differs: 1},
		{Client: "Fern <Gallery>", Currency: usd, Ledger: money.MustParse("250.00", usd), OnlyLedger: 1},
	}
	tests := []struct {
		name    string
		cycles  []shadow.Summary
		clients []ShadowClient
	}{
		{"none", nil, nil},
		{"latest_with_history", []shadow.Summary{oct, sep}, nil},
		{"cycle_post_with_clients", []shadow.Summary{oct, sep}, clients},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			text, blocks := ShadowReport(tt.cycles, tt.clients)
			checkMessage(t, text, blocks)
			assertGolden(t, message{text, blocks})
		})
	}
}
