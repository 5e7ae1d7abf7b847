package config

import (
	"strings"
	"testing"
)

// TestTimeSourceAndLedger parses, validates and round-trips
// firm.time_source, firm.toggl, firm.ledger and the source ids of clients
// and engagements.
func TestTimeSourceAndLedger(t *testing.T) {
	t.Parallel()
	base := string(readTestdata(t, "base.yml"))
	neutral := strings.ReplaceAll(base, "harvest_project_id", "source_project_id")
	tests := []struct {
		name     string
		src      string
		firmAdd  string
		source   TimeSource
		approval TogglApproval
		ledger   Ledger
		project  int64  // of the first engagement
		msg      string // a fragment of the error; "" for none
		export   string // a fragment Export must write; "" for none
		noExport string // a fragment Export must not write
	}{
		{name: "defaults", src: base, source: "", ledger: "", project: 100, export: "harvest_project_id: 100", noExport: "time_source"},
		{name: "harvest with the neutral key", src: neutral, firmAdd: "  time_source: harvest\n", source: SourceHarvest, project: 100, export: "harvest_project_id: 100", noExport: "time_source"},
		{name: "toggl", src: neutral, firmAdd: "  time_source: toggl\n", source: SourceToggl, project: 100, export: "source_project_id: 100"},
		{name: "toggl locked periods", src: neutral, firmAdd: "  time_source: toggl\n  toggl: {approval: locked_periods}\n", source: SourceToggl, approval: TogglLockedPeriods, project: 100, export: "approval: locked_periods"},
		{name: "toggl all", src: neutral, firmAdd: "  time_source: toggl\n  toggl:\n    approval: all\n", source: SourceToggl, approval: TogglAll, project: 100, export: "approval: all"},
		{name: "quickbooks time", src: neutral, firmAdd: "  time_source: quickbooks_time\n", source: SourceQuickBooksTime, project: 100, export: "time_source: quickbooks_time"},
		{name: "xero", src: base, firmAdd: "  ledger: xero\n", ledger: LedgerXero, project: 100, export: "ledger: xero"},
		{name: "quickbooks ledger", src: base, firmAdd: "  ledger: quickbooks\n", ledger: LedgerQuickBooks, project: 100, noExport: "ledger:"},
		{name: "unknown source", src: base, firmAdd: "  time_source: clockify\n", msg: `firm.time_source: unknown time_source "clockify" (want harvest, toggl or quickbooks_time)`},
		{name: "unknown ledger", src: base, firmAdd: "  ledger: sage\n", msg: `firm.ledger: unknown ledger "sage" (want quickbooks or xero)`},
		{name: "toggl block on harvest", src: base, firmAdd: "  toggl: {approval: all}\n", msg: "firm.toggl: only for firm.time_source toggl"},
		{name: "unknown approval", src: neutral, firmAdd: "  time_source: toggl\n  toggl: {approval: sometimes}\n", msg: `firm.toggl.approval: unknown approval "sometimes" (want timesheets, locked_periods or all)`},
		{name: "harvest key on toggl", src: base, firmAdd: "  time_source: toggl\n", msg: "engagements[0].harvest_project_id: names a Harvest project, but firm.time_source is toggl: use source_project_id"},
		{name: "both keys", src: strings.Replace(base, "harvest_project_id: 100", "harvest_project_id: 100\n    source_project_id: 100", 1), msg: "engagements[0].harvest_project_id: give source_project_id or harvest_project_id, not both"},
		{name: "no project", src: strings.Replace(neutral, "    source_project_id: 100\n", "", 1), firmAdd: "  time_source: toggl\n", msg: "engagements[0].source_project_id: required"},
		{name: "bad project id", src: strings.Replace(neutral, "source_project_id: 100", "source_project_id: -4", 1), firmAdd: "  time_source: quickbooks_time\n", msg: "engagements[0].source_project_id: -4 is not a QuickBooks Time project id"},
		{name: "overlap named by its key", src: strings.Replace(neutral, "source_project_id: 200", "source_project_id: 100", 1), firmAdd: "  time_source: toggl\n", msg: "engagements[1].source_project_id: project 100 is also billed"},
		{name: "client id on toggl", src: strings.Replace(neutral, "  - name: Acme Corp\n", "  - name: Acme Corp\n    source_client_id: 77\n", 1), firmAdd: "  time_source: toggl\n", source: SourceToggl, project: 100, export: "source_client_id: 77"},
		{name: "xero contact", src: strings.Replace(base, "  - name: Acme Corp\n", "  - name: Acme Corp\n    ledger_customer_id: 7d4a-contact\n", 1), firmAdd: "  ledger: xero\n", ledger: LedgerXero, project: 100, export: `ledger_customer_id: "7d4a-contact"`, noExport: "qbo_customer_id"},
		{name: "qbo customer on xero", src: strings.Replace(base, "  - name: Acme Corp\n", "  - name: Acme Corp\n    qbo_customer_id: \"58\"\n", 1), firmAdd: "  ledger: xero\n", msg: "clients[0].qbo_customer_id: names a QuickBooks customer, but firm.ledger is xero: use ledger_customer_id"},
		{name: "qbo customer on quickbooks", src: strings.Replace(base, "  - name: Acme Corp\n", "  - name: Acme Corp\n    qbo_customer_id: \"58\"\n", 1), project: 100, export: `qbo_customer_id: "58"`},
		{name: "both customer keys", src: strings.Replace(base, "  - name: Acme Corp\n", "  - name: Acme Corp\n    qbo_customer_id: \"58\"\n    ledger_customer_id: \"58\"\n", 1), msg: "give ledger_customer_id or qbo_customer_id, not both"},
		{name: "harvest client id on toggl", src: strings.Replace(neutral, "  - name: Acme Corp\n", "  - name: Acme Corp\n    harvest_client_id: 77\n", 1), firmAdd: "  time_source: toggl\n", msg: "clients[0].harvest_client_id: names a Harvest client, but firm.time_source is toggl: use source_client_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := strings.Replace(tt.src, "  home_currency: USD\n", "  home_currency: USD\n"+tt.firmAdd, 1)
			f, err := ParseFirm("firm.yml", []byte(src))
			if tt.msg != "" {
				if err == nil || !strings.Contains(err.Error(), tt.msg) {
					t.Fatalf("error = %v, want one containing %q", err, tt.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.TimeSource != tt.source || f.TogglApproval != tt.approval || f.Ledger != tt.ledger {
				t.Fatalf("time_source, approval, ledger = %q, %q, %q; want %q, %q, %q", f.TimeSource, f.TogglApproval, f.Ledger, tt.source, tt.approval, tt.ledger)
			}
			if got := f.Engagements[0].SourceProjectID; got != tt.project {
				t.Fatalf("project = %d, want %d", got, tt.project)
			}
			out, err := Export(f)
			if err != nil {
				t.Fatal(err)
			}
			if tt.export != "" && !strings.Contains(string(out), tt.export) {
				t.Errorf("export lacks %q:\n%s", tt.export, out)
			}
			if tt.noExport != "" && strings.Contains(string(out), tt.noExport) {
				t.Errorf("export has %q:\n%s", tt.noExport, out)
			}
			back, err := ParseFirm("export.yml", out)
			if err != nil {
				t.Fatalf("export does not parse: %v\n%s", err, out)
			}
			if back.TimeSource.Effective() != f.TimeSource.Effective() || back.TogglApproval.Effective() != f.TogglApproval.Effective() || back.Ledger.Effective() != f.Ledger.Effective() || back.Engagements[0].SourceProjectID != tt.project {
				t.Fatalf("round trip changed the sources: %+v", back)
			}
		})
	}
}
