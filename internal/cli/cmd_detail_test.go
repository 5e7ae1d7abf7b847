package cli

import (
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
	"billbot/store/storetest"
)

// seedSentInvoice stores, in the CLI's embedded database, a sent invoice
// 1042 of one Harvest entry, then marks it disputed.
func seedSentInvoice(t *testing.T, dir string) {
	t.Helper()
	ctx := t.Context()
	st, err := store.Open(ctx, "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)
	e := billing.TimeEntry{Source: "harvest", ExternalID: "2468013579", Client: "Prairie Grain Co-op", Task: "Bookkeeping",
		User: "Ann Lee", SpentDate: billing.MustDate("2026-10-05"), Hours: money.MustHours("1.5"), Rate: 19500,
		Currency: "USD", Notes: "bank reconciliation", Billable: true, Approved: true}
	if _, err := st.UpsertEntries(ctx, []billing.TimeEntry{e}, now); err != nil {
		t.Fatal(err)
	}
	ents, err := st.UnallocatedEntries(ctx)
	if err != nil || len(ents) != 1 {
		t.Fatalf("entries %v %v", ents, err)
	}
	amount := money.LineAmount(e.Hours, e.Rate)
	inv, _, err := st.SaveDraft(ctx, billing.Invoice{
		Key: "prairie/2026-10-31", Client: "Prairie Grain Co-op", Currency: "USD",
		Period:  billing.Period{Start: billing.MustDate("2026-10-01"), End: billing.MustDate("2026-10-31")},
		DueDate: billing.MustDate("2026-11-30"), Partners: []string{"U0PARTNER"},
		Lines: []billing.Line{{Kind: billing.LineHourly, Engagement: "prairie-2026", Task: "Bookkeeping", Description: "Bookkeeping",
			Qty: e.Hours, UnitPrice: e.Rate, Amount: amount, EntryIDs: []int64{ents[0].ID}}},
		Subtotal: amount, Total: amount, Hours: e.Hours,
	}, "billbot")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.Move(ctx, st, inv.ID, store.StateSent, "U0PARTNER", func(i *store.Invoice) {
		i.DocNumber, i.Balance = "1042", amount
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.OpenDispute(ctx, inv.ID, "U0MANAGER", "client says the 5th was a holiday"); err != nil {
		t.Fatal(err)
	}
}

func TestCLIInvoiceShowAndAudit(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runCLI(t, dir, nil, "config", "import", filepath.Join("..", "..", "examples", "firm.yml")); err != nil {
		t.Fatal(err)
	}
	seedSentInvoice(t, dir)
	key := map[string]string{"BILLBOT_ENCRYPTION_KEY": base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef")),
		"BILLBOT_PUBLIC_URL": "https://billbot.example"}

	out, _, err := runCLI(t, dir, key, "invoice", "show", "1042")
	if err != nil {
		t.Fatalf("invoice show: %v", err)
	}
	for _, want := range []string{"Invoice 1042 — Prairie Grain Co-op (sent)", "Ann Lee, Bookkeeping", "Harvest 2468013579", "bank reconciliation",
		"DISPUTED", "client says the 5th was a holiday", "Detail page (until ", "https://billbot.example/invoices/prairie%2F2026-10-31?exp="} {
		if !strings.Contains(out, want) {
			t.Errorf("invoice show lacks %q:\n%s", want, out)
		}
	}
	out, _, err = runCLI(t, dir, nil, "invoice", "show", "1042", "--format", "csv")
	if err != nil || !strings.HasPrefix(out, "invoice,line,description") || !strings.Contains(out, "2468013579") || strings.Contains(out, "Detail page") {
		t.Errorf("invoice show --format csv: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"invoice", "show"}, {"invoice", "show", "9999"}, {"invoice", "show", "1042", "--format", "pdf"},
		{"audit", "--since", "yesterday"}, {"audit", "--invoice", "9999"}, {"audit", "extra"}} {
		if _, _, err := runCLI(t, dir, nil, args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}

	out, _, err = runCLI(t, dir, nil, "audit", "--invoice", "1042")
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	for _, want := range []string{"invoice.draft", "invoice.sent", "State: approved → sent", "invoice.disputed", "U0MANAGER", "client says the 5th was a holiday", "CST"} {
		if !strings.Contains(out, want) {
			t.Errorf("audit lacks %q:\n%s", want, out)
		}
	}
	out, _, err = runCLI(t, dir, nil, "audit", "--actor", "U0MANAGER", "--since", "2026-11-01", "--format", "csv")
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || !strings.Contains(lines[1], "invoice.disputed") {
		t.Errorf("audit --actor --since csv:\n%s", out)
	}
	if out, _, _ := runCLI(t, dir, nil, "audit", "--since", "2030-01-01"); !strings.Contains(out, "no audit events match") {
		t.Errorf("audit in the future: %q", out)
	}
}
