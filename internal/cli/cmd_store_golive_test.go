package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"billbot/store"
)

// guardFirm is a firm in shadow with one monthly hourly client; mode and
// extra are substituted.
const guardFirm = `firm:
  name: Guard CPA
  timezone: UTC
  mode: shadow
clients:
  - name: Acme Corp
    qbo_customer_id: "1"
    mode: MODE
engagements:
  - key: acme
    client: Acme Corp
    harvest_project_id: 1
    kind: hourly
    starts_on: 2026-01-01
    partner: U0PARTNER
    cycle: monthly
    rates: { "*": "195.00" }EXTRA
`

// runAt runs billbot in-process at now (see runCLI).
func runAt(t *testing.T, dir string, now time.Time, args ...string) (string, error) {
	t.Helper()
	getenv := func(k string) string {
		switch k {
		case "BILLBOT_DATA_DIR":
			return dir
		case "LOG_LEVEL":
			return "error"
		}
		return ""
	}
	var out, errb bytes.Buffer
	err := run(withClock(t.Context(), func() time.Time { return now }), args, getenv, strings.NewReader(""), &out, &errb)
	return out.String() + errb.String(), err
}

// TestConfigImportRefusesBillingShadowedHistory: a client switched from
// shadow to live while its closed cycles hold approved, unbilled time (the
// firm billed it by hand) is refused and nothing changes; bill_from past
// the closed cycles is accepted; --bill-history is accepted and audited.
func TestConfigImportRefusesBillingShadowedHistory(t *testing.T) {
	now := time.Date(2026, 10, 15, 12, 0, 0, 0, time.UTC) // September is the last closed cycle
	firm := func(dir, mode, extra string) string {
		return writeFile(t, dir, "firm-"+mode+".yml", strings.NewReplacer("MODE", mode, "EXTRA", extra).Replace(guardFirm))
	}
	const csv = "Date,Client,Project,Task,Hours,Billable?,Approved?,First Name,Last Name,Billable Rate\n" +
		"2026-08-20,Acme Corp,Acme,Tax Prep,1.5,Yes,Yes,Kim,Allen,195.00\n" +
		"2026-09-10,Acme Corp,Acme,Tax Prep,2,Yes,Yes,Kim,Allen,195.00\n" +
		"2026-10-05,Acme Corp,Acme,Tax Prep,4,Yes,Yes,Kim,Allen,195.00\n"
	setup := func(t *testing.T) string {
		dir := t.TempDir()
		if out, err := runAt(t, dir, now, "config", "import", firm(dir, "shadow", "")); err != nil {
			t.Fatalf("config import (shadow): %v %s", err, out)
		}
		if out, err := runAt(t, dir, now, "import", "harvest-csv", writeFile(t, dir, "time.csv", csv)); err != nil {
			t.Fatalf("import harvest-csv: %v %s", err, out)
		}
		return dir
	}
	version := func(t *testing.T, dir string) int64 {
		st, err := store.Open(t.Context(), "", dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		v, err := st.ConfigVersion(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	t.Run("refused", func(t *testing.T) {
		dir := setup(t)
		before := version(t, dir)
		out, err := runAt(t, dir, now, "config", "import", firm(dir, "live", ""))
		if err == nil {
			t.Fatalf("going live over shadowed history was accepted:\n%s", out)
		}
		for _, want := range []string{"Acme Corp", "3.50 h in 2 approved", "2026-08-01 to 2026-09-30",
			`bill_from: "2026-10-01"`, "firm.go_live", "--bill-history", "nothing imported"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("refusal lacks %q:\n%v", want, err)
			}
		}
		if v := version(t, dir); v != before {
			t.Errorf("config version %d after a refused import, want %d", v, before)
		}
		exported, err := runAt(t, dir, now, "config", "export")
		if err != nil || !strings.Contains(exported, "mode: shadow") || strings.Contains(exported, "mode: live") {
			t.Errorf("stored configuration changed (%v):\n%s", err, exported)
		}
	})
	t.Run("bill_from", func(t *testing.T) {
		dir := setup(t)
		if out, err := runAt(t, dir, now, "config", "import", firm(dir, "live", "\n    bill_from: 2026-10-01")); err != nil {
			t.Fatalf("bill_from past the closed cycles refused: %v %s", err, out)
		}
	})
	t.Run("bill-history", func(t *testing.T) {
		dir := setup(t)
		out, err := runAt(t, dir, now, "config", "import", "--bill-history", firm(dir, "live", ""))
		if err != nil {
			t.Fatalf("--bill-history refused: %v %s", err, out)
		}
		st, err := store.Open(t.Context(), "", dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		evs, err := st.AuditEvents(t.Context(), "config", "firm")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, ev := range evs {
			found = found || ev.Action == "config.bill_history"
		}
		if !found {
			t.Errorf("no config.bill_history audit event among %d", len(evs))
		}
	})
	t.Run("first import is a notice", func(t *testing.T) {
		dir := t.TempDir()
		// Entries first, then the first configuration, already live.
		if out, err := runAt(t, dir, now, "import", "harvest-csv", writeFile(t, dir, "time.csv", csv)); err != nil {
			t.Skipf("harvest-csv before any configuration: %v %s", err, out)
		}
		out, err := runAt(t, dir, now, "config", "import", firm(dir, "live", ""))
		if err != nil || !strings.Contains(out, "notice: live client Acme Corp: 3.50 h in 2") {
			t.Errorf("first import: %v\n%s", err, out)
		}
	})
}
