package xerobooks

import (
	"strings"
	"testing"

	"billbot/internal/config"
	"billbot/internal/harvest"
	"billbot/internal/harvest/harvestsandbox"
	firmsetup "billbot/internal/setup"
	"billbot/internal/setup/setuptest"
	"billbot/internal/xero"
)

// TestSetupReadsXero: `billbot setup` over Harvest and Xero writes a firm
// file config import accepts, with the Xero contacts' ids, the items by
// name and the contacts' sales terms, as it does over QuickBooks.
func TestSetupReadsXero(t *testing.T) {
	f := setuptest.Small()
	h := harvestsandbox.New(harvestsandbox.Options{Limit: harvest.DefaultLimit, Window: harvest.DefaultWindow})
	h.Start()
	t.Cleanup(h.Close)
	h.Seed(f.Harvest)
	hc, err := harvest.NewClient(h.URL(), h.AccountID(), h.Token(), harvest.WithUserAgent("setup-test@example.com"))
	if err != nil {
		t.Fatal(err)
	}

	x := setup(t) // Acme Corp (USD), Zeta GmbH (EUR); items TAX, BK, RET
	ids := map[string]string{"Acme Corp": x.acme.LedgerCustomerID}
	for _, c := range f.Customers[1:] {
		ids[c.DisplayName] = x.srv.AddContact(c.DisplayName, c.Email, c.Currency)
	}
	x.srv.AddItem("PREP", "Tax Prep.", "200")
	if err := x.srv.SetSalesTerms(ids["Acme Corp"], 30, xero.TermDaysAfterBillDate); err != nil {
		t.Fatal(err)
	}
	if err := x.srv.SetSalesTerms(ids["Brown Holdings"], 20, xero.TermOfFollowingMonth); err != nil {
		t.Fatal(err)
	}

	in, calls, err := firmsetup.Gather(t.Context(), firmsetup.Sources{Harvest: hc, Ledger: x.books})
	if err != nil {
		t.Fatal(err)
	}
	if !in.BooksRead || calls.LedgerRequests != 2 {
		t.Errorf("BooksRead %v, %d ledger requests; want true and 2 (contacts, items)", in.BooksRead, calls.LedgerRequests)
	}
	if len(in.Terms) != 1 || in.Terms[0].DueDays != 30 {
		t.Errorf("terms %+v, want one of 30 days (the month-based term is no number of days)", in.Terms)
	}
	res, err := firmsetup.Render(firmsetup.Build(in), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := string(res.YAML)
	if _, err := config.ParseFirm("setup.yml", res.YAML); err != nil {
		t.Fatalf("config import rejects setup's file: %v\n%s", err, out)
	}
	for _, want := range []string{
		"- name: Acme Corp\n    harvest_client_id: 5001\n    qbo_customer_id: \"" + ids["Acme Corp"] + "\"",
		`matched by normalised name`,
		`task_items: {Tax Prep: Tax Prep., Bookkeeping: Bookkeeping}`,
		"terms_days: 30",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("file lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("\n%s", out)
	}
}
