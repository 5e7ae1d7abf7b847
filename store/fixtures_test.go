package store_test

import (
	"fmt"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
)

var (
	t0      = time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC)
	october = billing.Period{Start: billing.MustDate("2026-10-01"), End: billing.MustDate("2026-10-31")}
)

const testYAML = "firm:\n  name: Example CPA\n"

func testClients() []billing.Client {
	return []billing.Client{
		{Name: "Acme Corp", SourceClientID: 5735776, Currency: "USD", Email: "ap@acme.example"},
		{Name: "Globex", SourceClientID: 42, LedgerCustomerID: "77", Currency: "CAD"},
	}
}

func testEngagements() []billing.Engagement {
	return []billing.Engagement{
		{
			Key: "acme-2026", Client: "Acme Corp", SourceProjectID: 14308069, Kind: billing.Hourly,
			StartsOn: billing.MustDate("2026-01-01"), EndsOn: billing.MustDate("2026-12-31"),
			Partner: "U0PARTNER1", Manager: "U0MANAGER1", Cycle: billing.Monthly, TermsDays: 30,
			Rates:     map[string]money.Amount{"*": 19500, "Bookkeeping": 9500},
			TaskItems: map[string]string{"Tax Prep": "Tax Preparation"},
		},
		{
			Key: "globex-retainer", Client: "Globex", SourceProjectID: 99, Kind: billing.Retainer,
			StartsOn: billing.MustDate("2026-01-01"), Partner: "U0PARTNER2", Manager: "U0MANAGER2",
			Cycle: billing.Monthly, TermsDays: 15, DiscountPercent: money.Percent(5 * money.PercentScale),
			Retainer: &billing.RetainerTerms{Hours: money.MustHours("40"), Amount: 780000},
		},
	}
}

func saveTestConfig(t *testing.T, s *store.Store) {
	t.Helper()
	if err := s.SaveConfig(t.Context(), []byte(testYAML), testClients(), testEngagements(), "U0ADMIN"); err != nil {
		t.Fatalf("SaveConfig: %v", err)
	}
}

// entry returns a Harvest entry of 1.5 h at 195.00 on 2026-10-05.
func entry(ext string) billing.TimeEntry {
	return billing.TimeEntry{
		Source: "harvest", ExternalID: ext, ProjectID: 14308069, Project: "Acme 2026", ClientID: 5735776,
		Client: "Acme Corp", Task: "Tax Prep", UserID: 1782959, User: "Ann", SpentDate: billing.MustDate("2026-10-05"),
		Hours: money.MustHours("1.5"), Rate: 19500, Currency: "USD", Notes: "return", Billable: true,
		Approved: true,
	}
}

// seedEntries upserts n approved entries "e1".."en" and returns their ids.
func seedEntries(t *testing.T, s *store.Store, n int) []int64 {
	t.Helper()
	var es []billing.TimeEntry
	for i := 1; i <= n; i++ {
		es = append(es, entry(fmt.Sprintf("e%d", i)))
	}
	if _, err := s.UpsertEntries(t.Context(), es, t0); err != nil {
		t.Fatalf("UpsertEntries: %v", err)
	}
	got, err := s.UnallocatedEntries(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	byExt := map[string]int64{}
	for _, e := range got {
		byExt[e.ExternalID] = e.ID
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = byExt[fmt.Sprintf("e%d", i+1)]
	}
	return ids
}

// draft returns a one-line hourly draft billing the given entries.
func draft(key string, entryIDs ...int64) billing.Invoice {
	hours := money.Hours(int64(len(entryIDs)) * int64(money.MustHours("1.5")))
	amount := money.LineAmount(hours, 19500)
	return billing.Invoice{
		Key: key, Client: "Acme Corp", Currency: "USD", Period: october,
		InvoiceDate: billing.MustDate("2026-11-01"), DueDate: billing.MustDate("2026-12-01"),
		Engagements: []string{"acme-2026"}, Partners: []string{"U0PARTNER1"}, Managers: []string{"U0MANAGER1"},
		Lines: []billing.Line{{
			Kind: billing.LineHourly, Engagement: "acme-2026", Task: "Tax Prep", Item: "Tax Preparation",
			Description: "Tax Prep", ServiceDate: october.End, Qty: hours, UnitPrice: 19500, Amount: amount,
			EntryIDs: entryIDs,
		}},
		Subtotal: amount, Total: amount, Hours: hours, Notes: []string{"October"},
	}
}
