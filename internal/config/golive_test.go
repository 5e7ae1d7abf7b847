package config

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// TestGoLiveKeys parses every going-live key: go_live, modes, staff,
// bill_from, person and level rates, retainer used_hours, and emails in
// place of Slack ids.
func TestGoLiveKeys(t *testing.T) {
	t.Parallel()
	f, err := ParseFirm("golive.yml", readTestdata(t, "golive.yml"))
	if err != nil {
		t.Fatalf("ParseFirm: %v", err)
	}
	if f.GoLive != billing.MustDate("2026-11-01") || f.Mode != billing.ModeShadow {
		t.Errorf("GoLive, Mode = %s, %q", f.GoLive, f.Mode)
	}
	wantStaff := []billing.Staff{
		{SourceUserID: 1782959, Name: "Jane Doe", Level: "senior", Slack: "U0JANE"},
		{SourceUserID: 1782960, Name: "Raj Patel", Level: "partner", Slack: "raj@firm.example"},
		{SourceUserID: 1782961, Name: "Temp Person"},
	}
	if diff := cmp.Diff(wantStaff, f.Staff); diff != "" {
		t.Errorf("Staff (-want +got):\n%s", diff)
	}
	var modes []billing.Mode
	for _, c := range f.Clients {
		modes = append(modes, c.Mode)
	}
	if diff := cmp.Diff([]billing.Mode{billing.ModeLive, billing.ModeShadow, billing.ModeOff}, modes); diff != "" {
		t.Errorf("client modes (-want +got; Maple defaults to firm.mode):\n%s", diff)
	}
	if got := f.Approvers; len(got) != 2 || got[1] != "boss@firm.example" {
		t.Errorf("Approvers = %q", got)
	}
	acme, maple := f.Engagements[0], f.Engagements[1]
	if acme.BillFrom != billing.MustDate("2026-12-01") || acme.Partner != "raj@firm.example" {
		t.Errorf("acme BillFrom, Partner = %s, %q", acme.BillFrom, acme.Partner)
	}
	if diff := cmp.Diff(map[string]money.Amount{"Jane Doe": 25000, "1782961": 9000}, acme.PersonRates); diff != "" {
		t.Errorf("PersonRates (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]money.Amount{"partner": 35000, "senior": 17500}, acme.LevelRates); diff != "" {
		t.Errorf("LevelRates (-want +got):\n%s", diff)
	}
	if len(acme.Rates) != 0 {
		t.Errorf("Rates = %v, want none (person and level rates suffice)", acme.Rates)
	}
	if r := maple.Retainer; r == nil || r.UsedHours != money.MustHours("12.5") {
		t.Errorf("maple retainer = %+v, want used_hours 12.5", r)
	}
	bf, _, engs := f.Billing()
	if bf.GoLive != f.GoLive || bf.Mode != f.Mode || len(bf.Staff) != 3 {
		t.Errorf("billing.Firm = %+v", bf)
	}
	engs[0].PersonRates["Jane Doe"] = 1
	engs[0].LevelRates["senior"] = 1
	if f.Engagements[0].PersonRates["Jane Doe"] != 25000 || f.Engagements[0].LevelRates["senior"] != 17500 {
		t.Error("Billing shares rate maps with the Firm")
	}
}

// TestGoLiveExport writes the going-live keys back: go_live and mode in the
// firm block, a client's mode only where it differs from the firm's.
func TestGoLiveExport(t *testing.T) {
	t.Parallel()
	f, err := ParseFirm("golive.yml", readTestdata(t, "golive.yml"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Export(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  go_live: 2026-11-01\n  mode: shadow\n",
		"  staff:\n    - harvest_user_id: 1782959\n      name: Jane Doe\n      level: senior\n      slack: U0JANE\n",
		"  - name: Acme Corp\n    currency: USD\n    mode: live\n",
		"    bill_from: 2026-12-01\n",
		"    person_rates:\n      \"1782961\": \"90.00\"\n      Jane Doe: \"250.00\"\n",
		`retainer: {hours: "40.00", amount: "6000.00", used_hours: "12.50"}`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("export lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "name: Maple Ltd\n    currency: CAD\n    mode:") {
		t.Errorf("export writes Maple's mode although it is the firm's:\n%s", out)
	}
}

// TestGoLiveRejects has one case per going-live rule, each an edit of
// testdata/golive.yml expecting one error at that line and field.
func TestGoLiveRejects(t *testing.T) {
	t.Parallel()
	base := string(readTestdata(t, "golive.yml"))
	tests := []struct {
		name, old, new string
		line           int
		field, msg     string
	}{
		{"bad go_live", "go_live: 2026-11-01", "go_live: 2026-11-31", 3, "firm.go_live", `"2026-11-31" is not a date`},
		{"firm mode off", "mode: shadow", "mode: off", 4, "firm.mode", `unknown mode "off" (want live or shadow)`},
		{"unknown client mode", "    mode: live", "    mode: dry-run", 19, "clients[0].mode", `unknown mode "dry-run" (want live or shadow or off)`},
		{"unknown staff key", "      slack: U0JANE", "      slak: U0JANE", 10, "firm.staff[0].slak", "unknown key"},
		{"staff without id", "    - harvest_user_id: 1782961\n", "    - ", 15, "firm.staff[2].harvest_user_id", "required"},
		{"staff id zero", "harvest_user_id: 1782961", "harvest_user_id: 0", 15, "firm.staff[2].harvest_user_id", "not a Harvest user id"},
		{"duplicate staff id", "harvest_user_id: 1782961", "harvest_user_id: 1782959", 15, "firm.staff[2].harvest_user_id", "duplicate Harvest user id 1782959 (also firm.staff[0])"},
		{"duplicate staff name", "name: Temp Person", "name: jane doe", 16, "firm.staff[2].name", `duplicate staff name "jane doe"`},
		{"staff slack handle", "slack: U0JANE", "slack: \"@jane\"", 10, "firm.staff[0].slack", "is not a Slack user id (U… or W…, upper-case letters and digits) or an email address"},
		{"two emails for a partner", "partner: raj@firm.example", "partner: \"raj@firm.example, x@y.example\"", 31, "engagements[0].partner", "or an email address"},
		{"bad bill_from", "bill_from: 2026-12-01", "bill_from: soon", 30, "engagements[0].bill_from", "is not a date"},
		{"negative person rate", `"Jane Doe": "250.00"`, `"Jane Doe": "-250.00"`, 32, `engagements[0].person_rates["Jane Doe"]`, "must not be negative"},
		{"person id zero", `"1782961": "90"`, `"0": "90"`, 32, `engagements[0].person_rates.0`, "0 is not a Harvest user id"},
		{"unknown level", `level_rates: { senior: "150.00" }`, `level_rates: { seniour: "150.00" }`, 40, "engagements[1].level_rates.seniour", `no staff member has level "seniour" (levels in firm.staff: partner, senior)`},
		{"negative used hours", `used_hours: "12.5"`, `used_hours: "-1"`, 41, "engagements[1].retainer.used_hours", "must not be negative"},
		{"unknown retainer key", `used_hours: "12.5"`, `used: "12.5"`, 41, "engagements[1].retainer.used", "unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseFirm("golive.yml", []byte(edit(t, base, tt.old, tt.new)))
			errs := Errors(err)
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1:\n%v", len(errs), err)
			}
			prefix := "golive.yml:" + strconv.Itoa(tt.line) + ": " + tt.field + ": "
			if msg := err.Error(); !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, tt.msg) {
				t.Errorf("error = %q\nwant prefix %q containing %q", msg, prefix, tt.msg)
			}
		})
	}
}
