package setup

import (
	"context"
	"strings"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/internal/money"
)

// listingCatalog is a Catalog over a fixed listing; it records the go_live
// it was asked about.
type listingCatalog struct {
	l      Listing
	goLive billing.Date
}

func (c *listingCatalog) Read(_ context.Context, goLive billing.Date) (Listing, error) {
	c.goLive = goLive
	return c.l, nil
}

// TestGatherFromCatalog: a firm on Toggl Track is set up from its
// catalog: the file says time_source toggl, names projects and clients by
// source_project_id and source_client_id, speaks of Toggl Track in its
// decisions, and config import accepts it; re-running setup over the file
// finds every engagement again.
func TestGatherFromCatalog(t *testing.T) {
	t.Parallel()
	sample := sampleInput()
	cat := &listingCatalog{l: Listing{FirmName: "Example CPA", Clients: sample.Clients, Projects: sample.Projects, Users: sample.Users,
		History: History{Entries: 3, Hours: money.MustHours("4.5")}, Requests: 7}}
	goLive := billing.MustDate("2026-11-01")
	in, calls, err := Gather(context.Background(), Sources{Catalog: cat, Source: config.SourceToggl, GoLive: goLive})
	if err != nil {
		t.Fatal(err)
	}
	if cat.goLive != goLive || calls.SourceRequests != 7 || in.History.Entries != 3 || in.Source != config.SourceToggl || in.HomeCurrency != "USD" {
		t.Fatalf("gathered %+v, calls %+v, catalog asked for %s", in, calls, cat.goLive)
	}
	res, err := Render(Build(in), nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := config.ParseFirm("setup.yml", res.YAML)
	if err != nil {
		t.Fatalf("%v\n%s", err, res.YAML)
	}
	text := string(res.YAML)
	if f.TimeSource != config.SourceToggl || strings.Contains(text, "harvest_") || strings.Contains(text, "Harvest") {
		t.Fatalf("time source %q; the file names Harvest:\n%s", f.TimeSource, text)
	}
	for _, want := range []string{"source_project_id: 11", "source_client_id: 1", "in 3 Toggl Track entries", "from Toggl Track, QuickBooks Online and Slack"} {
		if !strings.Contains(text, want) {
			t.Errorf("the file lacks %q:\n%s", want, text)
		}
	}
	again, err := Render(Build(in), res.YAML)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range again.Changes {
		if strings.HasPrefix(c, "new:") || strings.HasPrefix(c, "gone:") {
			t.Errorf("re-run over its own file: %s", c)
		}
	}
}

// TestBuildForXero: a plan read from Xero says ledger: xero, names
// customers by ledger_customer_id and speaks of Xero, and config import
// accepts it.
func TestBuildForXero(t *testing.T) {
	t.Parallel()
	in := sampleInput()
	in.Ledger = config.LedgerXero
	res, err := Render(Build(in), nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := config.ParseFirm("setup.yml", res.YAML)
	if err != nil {
		t.Fatalf("%v\n%s", err, res.YAML)
	}
	text := string(res.YAML)
	if f.Ledger != config.LedgerXero || f.Clients[0].LedgerCustomerID != "58" || strings.Contains(text, "qbo_customer_id") || strings.Contains(text, "QBO") || strings.Contains(text, "QuickBooks") {
		t.Fatalf("ledger %q, Acme's customer %q:\n%s", f.Ledger, f.Clients[0].LedgerCustomerID, text)
	}
	for _, want := range []string{"ledger_customer_id: \"58\"", "Xero customer", "from Harvest, Xero and Slack"} {
		if !strings.Contains(text, want) {
			t.Errorf("the file lacks %q", want)
		}
	}
}
