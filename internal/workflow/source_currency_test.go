package workflow

import (
	"testing"

	"billbot/internal/billing"
)

func TestClientCurrencies(t *testing.T) {
	cur, home := SourceDeps{}.ClientCurrencies()
	if len(cur) != 0 || home != "USD" {
		t.Errorf("no firm: %v, %s; want none and USD", cur, home)
	}
	firm := &Firm{Rules: billing.Firm{HomeCurrency: "EUR"}, Clients: []billing.Client{{Name: "Acme", SourceClientID: 7, Currency: "GBP"}}}
	cur, home = SourceDeps{Firm: firm}.ClientCurrencies()
	if len(cur) != 1 || cur[7] != "GBP" || home != "EUR" {
		t.Errorf("firm: %v, %s; want 7: GBP and EUR", cur, home)
	}
}
