package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/money"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestContractExample parses CONTRACT.md's example verbatim.
func TestContractExample(t *testing.T) {
	t.Parallel()
	f, err := ParseFirm("contract.yml", readTestdata(t, "contract.yml"))
	if err != nil {
		t.Fatalf("ParseFirm: %v", err)
	}
	usd := money.Currency("USD")
	want := &Firm{
		Name:                 "Example CPA",
		Timezone:             "America/New_York",
		HomeCurrency:         usd,
		GoLive:               billing.MustDate("2026-11-01"),
		Mode:                 billing.ModeLive,
		BillingChannel:       "C0BILLING",
		BillingManager:       "U0BILLMGR",
		Approvers:            []string{"U0PARTNER1"},
		DefaultItem:          "Services",
		UnapprovedAlertDays:  7,
		ApprovalNudgeDays:    3,
		HoldNudgeDays:        14,
		ZeroTotal:            ZeroTotalSkip,
		LedgerWrite:          LedgerAtDraft,
		CapacityHoursPerWeek: money.MustHours("40"),
		ReminderDays:         []int{25},
		EscalationDays:       []int{35},
		Schedules:            Schedules{Sync: "*/15 * * * *", Draft: "0 6 * * *", Collections: "0 9 * * *", Approvals: "0 9 * * 1"},
		Clients: []billing.Client{{
			Name: "Acme Corp", SourceClientID: 5735776, LedgerCustomerID: "58", Currency: usd, Email: "ap@acme.example", Mode: billing.ModeLive,
		}},
		Engagements: []billing.Engagement{{
			Key:             "acme-2026",
			Client:          "Acme Corp",
			SourceProjectID: 14308069,
			Kind:            billing.Hourly,
			StartsOn:        billing.MustDate("2026-01-01"),
			EndsOn:          billing.MustDate("2026-12-31"),
			Partner:         "U0PARTNER1",
			Manager:         "U0MANAGER1",
			Cycle:           billing.Monthly,
			TermsDays:       30,
			Rates:           map[string]money.Amount{"*": 19500, "Bookkeeping": 9500},
			Retainer:        &billing.RetainerTerms{Hours: money.MustHours("40"), Amount: 780000},
			TaskItems:       map[string]string{"Tax Prep": "Tax Preparation"},
		}},
	}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("ParseFirm mismatch (-want +got):\n%s", diff)
	}
}

// TestDefaults checks every default of a minimal file.
func TestDefaults(t *testing.T) {
	t.Parallel()
	src := "firm:\n  name: Tiny LLP\nclients:\n  - name: Solo\nengagements:\n  - key: solo\n    client: Solo\n    harvest_project_id: 1\n    kind: hourly\n    starts_on: 2026-01-01\n    partner: U01\n    rates: {\"*\": \"100\"}\n"
	f, err := ParseFirm("firm.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &Firm{
		Name:                 "Tiny LLP",
		Timezone:             "UTC",
		HomeCurrency:         "USD",
		Mode:                 billing.ModeLive,
		UnapprovedAlertDays:  7,
		ApprovalNudgeDays:    3,
		HoldNudgeDays:        14,
		ZeroTotal:            ZeroTotalSkip,
		LedgerWrite:          LedgerAtDraft,
		CapacityHoursPerWeek: money.MustHours("40"),
		ReminderDays:         []int{25},
		EscalationDays:       []int{35},
		Schedules:            Schedules{Sync: "*/15 * * * *", Draft: "0 6 * * *", Collections: "0 9 * * *", Approvals: "0 9 * * 1"},
		Clients:              []billing.Client{{Name: "Solo", Currency: "USD", Mode: billing.ModeLive}},
		Engagements: []billing.Engagement{{
			Key: "solo", Client: "Solo", SourceProjectID: 1, Kind: billing.Hourly,
			StartsOn: billing.MustDate("2026-01-01"), Partner: "U01", Cycle: billing.Monthly, TermsDays: 30,
			Rates: map[string]money.Amount{"*": 10000},
		}},
	}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("defaults mismatch (-want +got):\n%s", diff)
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"testdata/contract.yml", "testdata/roundtrip.yml", "testdata/golive.yml", "../../examples/firm.yml"} {
		t.Run(filepath.Base(name), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			f, err := ParseFirm(name, data)
			if err != nil {
				t.Fatalf("ParseFirm: %v", err)
			}
			out, err := Export(f)
			if err != nil {
				t.Fatalf("Export: %v", err)
			}
			g, err := ParseFirm("export.yml", out)
			if err != nil {
				t.Fatalf("ParseFirm(Export(f)): %v\n%s", err, out)
			}
			if diff := cmp.Diff(f, g); diff != "" {
				t.Errorf("round trip mismatch (-want +got):\n%s\nexported:\n%s", diff, out)
			}
			again, err := Export(g)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(out), string(again)); diff != "" {
				t.Errorf("Export is not stable (-first +second):\n%s", diff)
			}
		})
	}
}

// TestExportGolden pins the canonical shape of Export.
func TestExportGolden(t *testing.T) {
	t.Parallel()
	f, err := ParseFirm("contract.yml", readTestdata(t, "contract.yml"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Export(f)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "contract.export.golden.yml")
	if *update {
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(out)); diff != "" {
		t.Errorf("Export mismatch (-golden +got):\n%s", diff)
	}
}

func TestBilling(t *testing.T) {
	t.Parallel()
	f, err := ParseFirm("contract.yml", readTestdata(t, "contract.yml"))
	if err != nil {
		t.Fatal(err)
	}
	bf, clients, engs := f.Billing()
	if got := bf.Location.String(); got != "America/New_York" {
		t.Errorf("Location = %q, want America/New_York", got)
	}
	wantFirm := billing.Firm{Name: "Example CPA", TimeSource: "Harvest", ProjectKey: "harvest_project_id", Ledger: "QuickBooks", HomeCurrency: "USD", DefaultItem: "Services", UnapprovedAlertDays: 7, Approvers: []string{"U0PARTNER1"},
		GoLive: billing.MustDate("2026-11-01"), Mode: billing.ModeLive}
	bf.Location = nil
	if diff := cmp.Diff(wantFirm, bf); diff != "" {
		t.Errorf("billing.Firm mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(f.Clients, clients); diff != "" {
		t.Errorf("clients mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(f.Engagements, engs); diff != "" {
		t.Errorf("engagements mismatch (-want +got):\n%s", diff)
	}
	if engs[0].Client != "Acme Corp" || engs[0].Rates["Bookkeeping"] != 9500 {
		t.Errorf("engagement = %+v", engs[0])
	}
	// The copies are deep: changing them leaves f alone.
	engs[0].Rates["*"] = 1
	engs[0].Retainer.Hours = 1
	engs[0].TaskItems["x"] = "y"
	bf.Approvers[0] = "UCHANGED"
	if f.Engagements[0].Rates["*"] != 19500 || f.Engagements[0].Retainer.Hours != money.MustHours("40") ||
		len(f.Engagements[0].TaskItems) != 1 || f.Approvers[0] != "U0PARTNER1" {
		t.Error("Billing shares memory with the Firm")
	}
}

func TestEffectiveLocation(t *testing.T) {
	t.Parallel()
	firm := &Firm{Timezone: "America/New_York"}
	tests := []struct {
		name string
		env  Env
		firm *Firm
		want string
	}{
		{"env overrides firm", Env{Timezone: "Europe/Paris"}, firm, "Europe/Paris"},
		{"firm when env unset", Env{}, firm, "America/New_York"},
		{"UTC without either", Env{}, nil, "UTC"},
		{"UTC for a firm without zone", Env{}, &Firm{}, "UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := EffectiveLocation(tt.env, tt.firm).String(); got != tt.want {
				t.Errorf("EffectiveLocation = %q, want %q", got, tt.want)
			}
		})
	}
	if time.UTC.String() != "UTC" {
		t.Fatal("unexpected UTC name")
	}
}

func TestSchedulesByJob(t *testing.T) {
	t.Parallel()
	s := Schedules{Sync: "a", Draft: "b", Collections: "c", Approvals: "d"}
	want := map[string]string{"sync": "a", "draft": "b", "collections": "c", "approvals": "d"}
	if diff := cmp.Diff(want, s.ByJob()); diff != "" {
		t.Errorf("ByJob mismatch (-want +got):\n%s", diff)
	}
}

func TestReadFirm(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "firm.yml")
	if err := os.WriteFile(path, []byte("firm:\n  name: X\n  bogus: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFirm(path)
	want := path + ":3: firm.bogus: unknown key"
	if err == nil || len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
		t.Errorf("ReadFirm error = %v, want prefix %q", err, want)
	}
	if _, err := ReadFirm(filepath.Join(t.TempDir(), "missing.yml")); err == nil {
		t.Error("ReadFirm of a missing file succeeded")
	}
}
