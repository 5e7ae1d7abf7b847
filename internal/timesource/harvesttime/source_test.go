package harvesttime_test

import (
	"fmt"
	"log/slog"
	"testing"
	"time"

	"billbot/internal/config"
	"billbot/internal/harvest"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/money"
	"billbot/internal/timesource/harvesttime"
	"billbot/internal/workflow"
	"billbot/store/storetest"
)

// TestPullGivesEachClientItsCurrency: before a firm configuration every
// entry is in USD; once one is stored, a configured Harvest client's
// entries are in its configured currency and the others in the home
// currency. The report counts what was pulled.
func TestPullGivesEachClientItsCurrency(t *testing.T) {
	ctx := t.Context()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	srv := harvestsandbox.New(harvestsandbox.Options{Now: func() time.Time { return now }})
	firm := harvestsandbox.Generate(7, harvestsandbox.GenerateOptions{Entries: 40, Now: now, Clients: 2, Currencies: []money.Currency{"USD"}})
	srv.Seed(firm)
	srv.Start()
	t.Cleanup(srv.Close)
	hc, err := harvest.NewClient(srv.URL(), srv.AccountID(), srv.Token(), harvest.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	st := storetest.SQLite(t)
	wf := workflow.New(workflow.Deps{Store: st, Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)})
	configured := firm.Clients[0].ID

	pull := func() map[int64]money.Currency {
		t.Helper()
		src, err := harvesttime.New(ctx, wf, hc)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := src.Pull(ctx, workflow.PullOptions{Since: now.AddDate(-5, 0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Fetched != len(firm.Entries) || rep.Requests == 0 {
			t.Errorf("report %+v, want %d entries fetched over some requests", rep, len(firm.Entries))
		}
		entries, err := st.UnallocatedEntries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != len(firm.Entries) {
			t.Fatalf("%d entries stored, want %d", len(entries), len(firm.Entries))
		}
		cur := map[int64]money.Currency{}
		for _, e := range entries {
			if c, ok := cur[e.ClientID]; ok && c != e.Currency {
				t.Errorf("client %d has entries in %s and %s", e.ClientID, c, e.Currency)
			}
			cur[e.ClientID] = e.Currency
		}
		return cur
	}

	for id, c := range pull() {
		if c != "USD" {
			t.Errorf("before a configuration, client %d's entries are in %s, want USD", id, c)
		}
	}

	yaml := fmt.Sprintf(`firm:
  name: Test CPAs
  timezone: UTC
  home_currency: GBP
clients:
  - name: Configured
    harvest_client_id: %d
    currency: CAD
`, configured)
	parsed, err := config.ParseFirm("test firm", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	_, clients, engs := parsed.Billing()
	if err := st.SaveConfig(ctx, []byte(yaml), clients, engs, "test"); err != nil {
		t.Fatal(err)
	}
	got := pull()
	if len(got) != 2 {
		t.Fatalf("entries of %d clients, want 2", len(got))
	}
	for id, c := range got {
		want := money.Currency("GBP")
		if id == configured {
			want = "CAD"
		}
		if c != want {
			t.Errorf("client %d's entries are in %s, want %s", id, c, want)
		}
	}
}
