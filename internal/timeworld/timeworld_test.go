package timeworld

import (
	"testing"

	"billbot/internal/config"
)

const harvestFirm = `firm:
  name: Test CPA
  home_currency: USD
  staff:
    - {harvest_user_id: 7001, name: Kim Allen}
clients:
  - name: Acme Corp
    harvest_client_id: 5001
engagements:
  - key: acme
    client: Acme Corp
    harvest_project_id: 14001
    kind: hourly
    starts_on: 2026-01-01
    partner: U0PARTNER
    rates: { "*": "195.00" }
`

// TestFirmYAML: the same firm, read for each source, names the same
// project, client and person by that source's keys.
func TestFirmYAML(t *testing.T) {
	t.Parallel()
	for _, src := range config.TimeSources {
		t.Run(string(src), func(t *testing.T) {
			t.Parallel()
			f, err := config.ParseFirm("firm.yml", FirmYAML([]byte(harvestFirm), src))
			if err != nil {
				t.Fatal(err)
			}
			if f.TimeSource.Effective() != src || f.Engagements[0].SourceProjectID != 14001 || f.Clients[0].SourceClientID != 5001 || f.Staff[0].SourceUserID != 7001 {
				t.Fatalf("read %q: %+v", src, f)
			}
			if src == config.SourceToggl && f.TogglApproval != config.TogglTimesheets {
				t.Fatalf("toggl approval %q", f.TogglApproval)
			}
		})
	}
}
