package store_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
	"billbot/store/storetest"
)

func TestSaveConfigRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if _, err := s.ConfigYAML(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ConfigYAML before any = %v, want ErrNotFound", err)
		}
		saveTestConfig(t, s)
		raw, err := s.ConfigYAML(ctx)
		if err != nil || string(raw) != testYAML {
			t.Errorf("ConfigYAML = %q, %v", raw, err)
		}
		clients, err := s.Clients(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(testClients(), clients); diff != "" {
			t.Errorf("clients (-want +got):\n%s", diff)
		}
		engs, err := s.Engagements(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(testEngagements(), engs); diff != "" {
			t.Errorf("engagements (-want +got):\n%s", diff)
		}
		// A matched QBO customer survives a re-import that does not name it;
		// an engagement and a client dropped from the file go.
		if err := s.SetClientQBOCustomer(ctx, "Acme Corp", "58"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetClientQBOCustomer(ctx, "Nobody", "1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetClientQBOCustomer(unknown) = %v, want ErrNotFound", err)
		}
		if err := s.SaveConfig(ctx, []byte("v2"), testClients()[:1], testEngagements()[:1], "U0ADMIN"); err != nil {
			t.Fatal(err)
		}
		clients, _ = s.Clients(ctx)
		if len(clients) != 1 || clients[0].LedgerCustomerID != "58" {
			t.Errorf("clients after re-import = %+v", clients)
		}
		if engs, _ = s.Engagements(ctx); len(engs) != 1 {
			t.Errorf("engagements after re-import = %+v", engs)
		}
		bad := testEngagements()[:1]
		bad[0].Client = "Initech"
		if err := s.SaveConfig(ctx, []byte("v3"), testClients()[:1], bad, "U0ADMIN"); err == nil {
			t.Error("engagement of an unknown client saved")
		}
		if raw, _ := s.ConfigYAML(ctx); string(raw) != "v2" {
			t.Errorf("failed import changed the config to %q", raw)
		}
		evs, err := s.AuditEvents(ctx, "config", "firm")
		if err != nil || len(evs) != 2 || string(evs[1].Before) != `"firm:\n  name: Example CPA\n"` || string(evs[1].After) != `"v2"` {
			t.Errorf("config audit = %+v, %v", evs, err)
		}
	})
}

func TestRetainerUsage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		saveTestConfig(t, s)
		if _, err := s.RetainerUsage(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("RetainerUsage(unknown) = %v, want ErrNotFound", err)
		}
		got, err := s.RetainerUsage(ctx, "globex-retainer")
		if err != nil {
			t.Fatal(err)
		}
		want := billing.RetainerUsage{Engagement: "globex-retainer", BlockHours: money.MustHours("40"), Blocks: 1}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("fresh retainer (-want +got):\n%s", diff)
		}
		ids := seedEntries(t, s, 3)
		d := draft("globex-2026-10", ids[0], ids[1])
		d.Lines[0].Engagement = "globex-retainer"
		fee := d.Lines[0]
		fee.Kind, fee.EntryIDs = billing.LineFixed, []int64{ids[2]} // not an hourly line: not counted
		d.Lines = append(d.Lines, fee)
		d.Subtotal += fee.Amount
		d.Total += fee.Amount
		inv, _, err := s.SaveDraft(ctx, d, "billbot")
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // idempotent per invoice
			if err := s.AddRetainerBlock(ctx, "globex-retainer", money.MustHours("40"), 780000, inv.ID); err != nil {
				t.Fatal(err)
			}
		}
		got, err = s.RetainerUsage(ctx, "globex-retainer")
		if err != nil {
			t.Fatal(err)
		}
		want = billing.RetainerUsage{Engagement: "globex-retainer", BlockHours: money.MustHours("80"), UsedHours: money.MustHours("3"), Blocks: 2}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("used retainer (-want +got):\n%s", diff)
		}
		if err := s.AddRetainerBlock(ctx, "nope", 1, 1, 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("AddRetainerBlock(unknown) = %v, want ErrNotFound", err)
		}
		if _, err := s.Transition(ctx, inv.ID, []store.InvoiceState{store.StateDraft}, store.StateVoided, "U0PARTNER2", "", nil); err != nil {
			t.Fatal(err)
		}
		if got, _ = s.RetainerUsage(ctx, "globex-retainer"); got.UsedHours != 0 {
			t.Errorf("voided hours still used: %v", got.UsedHours)
		}
	})
}

// TestConfigVersion: every change of the configuration or of a client's QBO
// customer bumps the version caches key on; a no-op change does not.
func TestConfigVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if _, err := s.ConfigVersion(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("before any config: %v, want ErrNotFound", err)
		}
		clients := testClients()
		if err := s.SaveConfig(ctx, []byte("v1"), clients, testEngagements(), "U0ADMIN"); err != nil {
			t.Fatal(err)
		}
		v1, err := s.ConfigVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetClientQBOCustomer(ctx, clients[0].Name, "991"); err != nil {
			t.Fatal(err)
		}
		v2, _ := s.ConfigVersion(ctx)
		if err := s.SetClientQBOCustomer(ctx, clients[0].Name, "991"); err != nil {
			t.Fatal(err)
		}
		v3, _ := s.ConfigVersion(ctx)
		if err := s.SaveConfig(ctx, []byte("v2"), clients, testEngagements(), "U0ADMIN"); err != nil {
			t.Fatal(err)
		}
		v4, _ := s.ConfigVersion(ctx)
		if !(v2 > v1 && v3 == v2 && v4 > v3) {
			t.Errorf("versions %d, %d, %d, %d: want a bump on each change and none on a no-op", v1, v2, v3, v4)
		}
	})
}
