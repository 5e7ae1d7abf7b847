package workflow_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/internal/money"
	"billbot/internal/qbo"
	"billbot/internal/shadow"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// plantShadowCycle seeds October's time and plants the invoices the firm
// "issued itself" in QuickBooks: Acme exactly as billbot drafts it, Birch
// at a lower rate, Cedar without one entry, Granite without its retainer
// credit, Fern only in QuickBooks — plus two that must not be read: Fern's
// invoice of mid-October and an invoice of a customer that is no client.
func plantShadowCycle(t *testing.T, e *env) {
	t.Helper()
	e.october()
	e.upsert(
		e.entry("c1", 203, "Advisory", "2026-10-08", "3", "100.00"),
		e.entry("c2", 203, "Advisory", "2026-10-22", "2", "100.00"),
		e.entry("g1", 207, "Advisory", "2026-10-12", "10", "195.00"),
	)
	dry, err := e.wf.Draft(t.Context(), workflow.DraftOptions{PeriodEnd: billing.MustDate("2026-10-31"), DryRun: true, Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	items, err := e.books.Items(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var clients []billing.Client
	for _, c := range []string{acme, birch, cedar, granite, fern} {
		clients = append(clients, billing.Client{Name: c, Currency: "USD"})
	}
	ids, _, err := e.books.MatchCustomers(t.Context(), clients)
	if err != nil {
		t.Fatal(err)
	}
	plant := func(inv billing.Invoice, doc string, edit func(*qbo.Invoice)) {
		t.Helper()
		q, err := qbo.InvoiceFromDraft(inv, ids[inv.Client], items, "", "")
		if err != nil {
			t.Fatal(err)
		}
		q.DocNumber, q.PrivateNote = doc, ""
		if edit != nil {
			edit(&q)
		}
		if _, err := e.qbo.SeedInvoice(q); err != nil {
			t.Fatal(err)
		}
	}
	byClient := map[string]billing.Invoice{}
	for _, inv := range dry.Invoices {
		byClient[inv.Client] = inv
	}
	plant(byClient[acme], "F-1001", nil)
	plant(byClient[birch], "F-1002", func(q *qbo.Invoice) {
		l := &q.Line[0] // 8 h at 140.00 instead of 150.00
		l.SalesItemLineDetail.UnitPrice, l.Amount = "140.00", "1120.00"
	})
	plant(byClient[cedar], "F-1003", func(q *qbo.Invoice) {
		l := &q.Line[0] // 3 h: the entry of 22 October left off
		l.SalesItemLineDetail.Qty, l.Amount = "3", "300.00"
	})
	plant(byClient[granite], "F-1004", func(q *qbo.Invoice) { q.Line = q.Line[:1] })
	fernLine := func(day, doc string) {
		t.Helper()
		_, err := e.qbo.SeedInvoice(qbo.Invoice{DocNumber: doc, TxnDate: day, CustomerRef: &qbo.Ref{Value: ids[fern]},
			Line: []qbo.Line{{Amount: "250.00", DetailType: qbo.SalesItemLine, Description: "Gallery appraisal",
				SalesItemLineDetail: &qbo.SalesItemLineDetail{ItemRef: &qbo.Ref{Value: items["Services"], Name: "Services"}, Qty: "2.5", UnitPrice: "100.00"}}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	fernLine("2026-11-03", "F-1005")
	fernLine("2026-10-15", "F-0990") // September's cycle, issued mid-October
}

func TestShadowReportsExactlyThePlantedDifferences(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		plantShadowCycle(t, e)
		rep, err := e.wf.Shadow(t.Context(), workflow.ShadowOptions{PeriodEnd: billing.MustDate("2026-10-31"), Actor: "test"})
		if err != nil {
			t.Fatal(err)
		}
		type line struct {
			Client, Status, Item, Doc string
			Diffs                     []shadow.Field
			Entries                   []string
		}
		var got []line
		for _, c := range rep.Clients {
			for _, l := range c.Lines {
				g := line{Client: c.Client, Status: string(l.Status), Doc: l.Doc, Diffs: l.Diffs}
				if l.Billbot != nil {
					g.Item = l.Billbot.Item
				} else {
					g.Item = l.Ledger.Item
				}
				if l.Status != shadow.Same {
					for _, en := range l.Entries {
						g.Entries = append(g.Entries, en.ExternalID)
					}
				}
				got = append(got, g)
			}
		}
		want := []line{
			{Client: acme, Status: "same", Item: "Services", Doc: "F-1001"},
			{Client: acme, Status: "same", Item: "Bookkeeping", Doc: "F-1001"},
			{Client: birch, Status: "differs", Item: "Services", Doc: "F-1002", Diffs: []shadow.Field{shadow.FieldRate, shadow.FieldAmount}, Entries: []string{"b1"}},
			{Client: birch, Status: "same", Item: "", Doc: "F-1002"},
			{Client: cedar, Status: "differs", Item: "Services", Doc: "F-1003", Diffs: []shadow.Field{shadow.FieldHours, shadow.FieldAmount}, Entries: []string{"c1", "c2"}},
			{Client: fern, Status: "only_ledger", Item: "Services", Doc: "F-1005"},
			{Client: granite, Status: "same", Item: "Services", Doc: "F-1004"},
			{Client: granite, Status: "only_billbot", Item: "Services"}, // the credit: no entries of its own
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("lines (-want +got):\n%s", d)
		}
		usd := money.Currency("USD")
		// Agreeing: Acme 2,450.00, Birch's discount 120.00, Granite's
		// 1,950.00; compared besides: Birch 1,200.00, Cedar 500.00, Fern
		// 250.00, Granite's credit 1,950.00.
		wantSum := shadow.Summary{
			PeriodEnd: billing.MustDate("2026-10-31"), Currency: usd,
			AmountAgreed: money.MustParse("4520.00", usd), AmountCompared: money.MustParse("8420.00", usd),
			InvoicesAgreed: 1, InvoicesCompared: 5, Same: 4, Differs: 2, OnlyBillbot: 1, OnlyLedger: 1,
		}
		if d := cmp.Diff(wantSum, rep.Summary); d != "" {
			t.Errorf("summary (-want +got):\n%s", d)
		}
		if len(rep.History) != 1 || rep.History[0].Summary != wantSum {
			t.Errorf("history = %+v", rep.History)
		}
		// Nothing written to QuickBooks or posted to Slack; nothing stored
		// but the run's summary.
		if w := e.qbo.Writes(); w != 0 {
			t.Errorf("QBO writes = %d, want 0 (%v)", w, e.qbo.Calls())
		}
		for _, c := range e.slack.Calls() {
			t.Errorf("Slack call %s", c.Method)
		}
		if invs, _ := e.store.Invoices(t.Context(), store.InvoiceFilter{}); len(invs) != 0 {
			t.Errorf("stored invoices = %d, want 0", len(invs))
		}
		if exs, _ := e.store.Exceptions(t.Context(), store.ExceptionFilter{}); len(exs) != 0 {
			t.Errorf("stored exceptions = %d, want 0", len(exs))
		}
	})
}

// TestShadowModeMatchesClientsByName: with the firm in shadow mode and
// clients named only by name (no qbo_customer_id), shadow still finds
// their QBO customers, as a live draft would: it compares the same lines
// as the preview of live clients, and stores no customer id.
func TestShadowModeMatchesClientsByName(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		plantShadowCycle(t, e)
		shadowYAML := strings.Replace(firmYAML, "  home_currency: USD\n", "  home_currency: USD\n  mode: shadow\n", 1)
		parsed, err := config.ParseFirm("test firm", []byte(shadowYAML))
		if err != nil {
			t.Fatal(err)
		}
		_, clients, engs := parsed.Billing()
		if err := e.store.SaveConfig(t.Context(), []byte(shadowYAML), clients, engs, "test"); err != nil {
			t.Fatal(err)
		}
		rep, err := e.wf.Shadow(t.Context(), workflow.ShadowOptions{PeriodEnd: billing.MustDate("2026-10-31"), Actor: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Mode != billing.ModeShadow {
			t.Errorf("mode %s, want shadow", rep.Mode)
		}
		if rep.Same != 4 || rep.Differs != 2 || rep.OnlyBillbot != 1 || rep.OnlyLedger != 1 || rep.InvoicesCompared != 5 {
			t.Errorf("summary %+v, want the planted cycle's (4 same, 2 differ, 1 only billbot, 1 only ledger, 5 clients)", rep.Summary)
		}
		stored, err := e.store.Clients(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range stored {
			if c.LedgerCustomerID != "" {
				t.Errorf("shadow stored QBO customer %q for %s", c.LedgerCustomerID, c.Name)
			}
		}
	})
}
