package slackui

import (
	"fmt"
	"strings"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/money"
)

func sampleGroups() []ExceptionGroup {
	late := ExceptionGroup{Code: billing.ExLateApproval, Title: "Late approvals", Count: 7}
	for i := range 7 {
		late.Items = append(late.Items, ExceptionItem{
			ID: int64(900 + i), Client: "Acme Corp", Engagement: "acme-2026", EntryCount: i + 1,
			Message: "approved after the Oct 1 – Oct 31, 2026 cycle closed",
			Fix:     "Bill them on a supplemental invoice, or wait for the next cycle",
		})
	}
	return []ExceptionGroup{
		{Code: billing.ExRateMismatch, Title: "Rate mismatches", Count: 2, Items: []ExceptionItem{
			{ID: 801, Client: "Smith & Sons", Engagement: "smith-2026", EntryCount: 3,
				Message: "Harvest rate USD 110.00 differs from the letter's USD 95.00 for Bookkeeping",
				Fix:     "Billed at the letter's rate; fix the Harvest project rate"},
			{ID: 802, Client: "Maple & Co", Engagement: "maple-tax", EntryCount: 1,
				Message: "Harvest rate CAD 200.00 differs from the letter's CAD 250.00 for Advisory",
				Fix:     "Billed at the letter's rate; fix the Harvest project rate"},
		}},
		late,
		{Code: billing.ExClientUnmapped, Title: "Clients not in QuickBooks", Count: 1, Items: []ExceptionItem{
			{ID: 701, Client: "Initech", Message: "no QBO customer named Initech", Fix: "Add qbo_customer_id to the client in the firm configuration"},
		}},
	}
}

func TestExceptionsReply(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		groups []ExceptionGroup
		filter string
	}{
		{"empty", nil, ""},
		{"empty_for_client", []ExceptionGroup{{Code: billing.ExOrphaned, Title: "Orphaned entries"}}, "Acme Corp"},
		{"all", sampleGroups(), ""},
		{"one_client", sampleGroups()[1:2], "Acme Corp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			text, blocks := ExceptionsReply(tt.groups, tt.filter)
			checkMessage(t, text, blocks)
			assertGolden(t, message{text, blocks})
		})
	}
}

func TestExceptionsReplyEmptySaysSo(t *testing.T) {
	t.Parallel()
	if text, _ := ExceptionsReply(nil, ""); text != "No open exceptions 🎉" {
		t.Errorf("text = %q", text)
	}
}

func TestExceptionsReplyManyKindsFit(t *testing.T) {
	t.Parallel()
	var groups []ExceptionGroup
	for i := range 40 {
		g := sampleGroups()[i%3]
		g.Title = strings.Repeat("Very long kind & <title> ", 20)
		for j := range g.Items {
			g.Items[j].Message = strings.Repeat("message & <text> ", 100)
			g.Items[j].Fix = strings.Repeat("fix ", 500)
		}
		groups = append(groups, g)
	}
	text, blocks := ExceptionsReply(groups, strings.Repeat("client ", 1000))
	checkMessage(t, text, blocks)
}

func TestAgingReply(t *testing.T) {
	t.Parallel()
	usd := CurrencyAging{Currency: "USD",
		Current: money.MustParse("12000.00", "USD"), Days1to30: money.MustParse("4500.50", "USD"),
		Days31to60: money.MustParse("1200.00", "USD"), Days61to90: 0, Over90: money.MustParse("875.25", "USD"),
		Total: money.MustParse("18575.75", "USD"), DSO: 423}
	jpy := CurrencyAging{Currency: "JPY", Current: 1250000, Total: 1250000, DSO: -1}
	overdue := []OverdueInvoice{
		{InvoiceID: 1001, Client: "Initech", DocNumber: "1001", DaysPastDue: 97, Currency: "USD", Balance: money.MustParse("875.25", "USD")},
		{InvoiceID: 1020, Client: "Smith & Sons", DocNumber: "1020", DaysPastDue: 41, Currency: "USD", Balance: money.MustParse("1200.00", "USD")},
		{InvoiceID: 1040, Client: "Acme Corp", DocNumber: "1040", DaysPastDue: 1, Currency: "USD", Balance: money.MustParse("4500.50", "USD")},
	}
	asOf := billing.MustDate("2026-11-15")
	tests := []struct {
		name string
		a    Aging
	}{
		{"all_clients", Aging{AsOf: asOf, Currencies: []CurrencyAging{usd, jpy}, Overdue: overdue}},
		{"client", Aging{AsOf: asOf, Client: "Smith & Sons", Currencies: []CurrencyAging{usd}, Overdue: overdue[1:2]}},
		{"manager", Aging{AsOf: asOf, Manager: "U0MANAGER1", Currencies: []CurrencyAging{usd}, Overdue: overdue}},
		{"nothing_outstanding", Aging{AsOf: asOf, Client: "Acme Corp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			text, blocks := AgingReply(tt.a)
			checkMessage(t, text, blocks)
			assertGolden(t, message{text, blocks})
		})
	}
}

func TestAgingReplyManyRowsFit(t *testing.T) {
	t.Parallel()
	var a Aging
	for i := range 60 {
		a.Currencies = append(a.Currencies, CurrencyAging{Currency: money.Currency(fmt.Sprintf("X%02d", i)), DSO: -1})
	}
	for i := range 200 {
		a.Overdue = append(a.Overdue, OverdueInvoice{Client: strings.Repeat("C&", 200), DocNumber: fmt.Sprint(i), DaysPastDue: i})
	}
	text, blocks := AgingReply(a)
	checkMessage(t, text, blocks)
}

func TestStatusReply(t *testing.T) {
	t.Parallel()
	s := Status{
		AsOf:    billing.MustDate("2026-11-15"),
		Pending: StatusCount{Count: 3, Totals: []CurrencyAmount{{Currency: "USD", Amount: money.MustParse("12345.67", "USD")}, {Currency: "CAD", Amount: money.MustParse("2600.00", "CAD")}}},
		Held:    StatusCount{Count: 1, Totals: []CurrencyAmount{{Currency: "USD", Amount: money.MustParse("3385.60", "USD")}}},
		Sent:    StatusCount{Count: 12, Totals: []CurrencyAmount{{Currency: "USD", Amount: money.MustParse("48000.00", "USD")}, {Currency: "JPY", Amount: 212500}}},
		Overdue: StatusCount{Count: 0},
	}
	for name, client := range map[string]string{"all_clients": "", "one_client": "Maple & Co"} {
		t.Run(name, func(t *testing.T) {
			s := s
			s.Client = client
			text, blocks := StatusReply(s)
			checkMessage(t, text, blocks)
			assertGolden(t, message{text, blocks})
		})
	}
}

func TestHelpReply(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"/billing", "/ar", "/unknown"} {
		t.Run(strings.TrimPrefix(cmd, "/"), func(t *testing.T) {
			t.Parallel()
			text, blocks := HelpReply(cmd)
			checkMessage(t, text, blocks)
			assertGolden(t, message{text, blocks})
		})
	}
}

func TestHelpReplyListsEverySubcommand(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"/billing", "/ar"} {
		_, blocks := HelpReply(cmd)
		raw := blocksJSON(t, blocks)
		for _, s := range Subcommands(cmd) {
			if !strings.Contains(raw, s.Usage) {
				t.Errorf("%s help lacks %q", cmd, s.Usage)
			}
		}
	}
}

func TestUsageError(t *testing.T) {
	t.Parallel()
	text, blocks := UsageError("/billing", `unknown subcommand "runn"`)
	checkMessage(t, text, blocks)
	if !strings.HasPrefix(text, "I didn't understand") {
		t.Errorf("text = %q", text)
	}
	assertGolden(t, message{text, blocks})
}

func TestClientSuggestions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		query       string
		suggestions []string
	}{
		{"none", "Zorg", nil},
		{"one", "Acme", []string{"Acme Corp"}},
		{"several", "Smth", []string{"Smith & Sons", "Smithers Ltd", "Smyth Partners"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			text, blocks := ClientSuggestions(tt.query, tt.suggestions)
			checkMessage(t, text, blocks)
			assertGolden(t, message{text, blocks})
		})
	}
}
