package billing

import "testing"

func TestSourceLabel(t *testing.T) {
	for in, want := range map[string]string{
		"harvest": "Harvest", "harvest-csv": "Harvest", "": "Harvest",
		"toggl": "Toggl Track", "toggl-csv": "Toggl Track",
		"quickbooks_time": "QuickBooks Time", "quickbooks_time-csv": "QuickBooks Time",
		"clockify": "clockify",
	} {
		if got := SourceLabel(in); got != want {
			t.Errorf("SourceLabel(%q) = %q, want %q", in, got, want)
		}
	}
}
