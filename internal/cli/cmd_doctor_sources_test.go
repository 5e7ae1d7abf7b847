package cli

import (
	"maps"
	"strings"
	"testing"

	"billbot/internal/config"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/timeworld"
)

// TestDoctorChecksTimeSources: doctor reaches Toggl Track and QuickBooks
// Time with the credentials given, fails with a line naming the settings
// when they are wrong, and skips a source without settings.
func TestDoctorChecksTimeSources(t *testing.T) {
	firm := harvestsandbox.GeneratedFirm{Company: harvestsandbox.Company{Name: "Doctor CPA"}, Users: []harvestsandbox.User{{ID: 7001, FirstName: "Kim", LastName: "Allen"}}}
	env := map[string]string{}
	for _, src := range []config.TimeSource{config.SourceToggl, config.SourceQuickBooksTime} {
		w, err := timeworld.New(src, firm, timeworld.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Close)
		maps.Copy(env, w.Env())
	}
	out, _, _ := runCLI(t, t.TempDir(), env, "doctor")
	for _, want := range []string{"ok    toggl      workspace ", "(Doctor CPA)", "ok    qb-time    signed in as "} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	env["TOGGL_API_TOKEN"], env["QUICKBOOKS_TIME_ACCESS_TOKEN"] = "wrong", "wrong"
	out, _, err := runCLI(t, t.TempDir(), env, "doctor")
	if err == nil {
		t.Errorf("doctor with wrong tokens succeeded:\n%s", out)
	}
	for _, want := range []string{"FAIL  toggl", "TOGGL_API_TOKEN", "FAIL  qb-time", "QUICKBOOKS_TIME_ACCESS_TOKEN"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "wrong") {
		t.Errorf("doctor printed a token:\n%s", out)
	}
	out, _, _ = runCLI(t, t.TempDir(), nil, "doctor")
	if !strings.Contains(out, "-     toggl      TOGGL_API_TOKEN not set") || !strings.Contains(out, "-     qb-time    QUICKBOOKS_TIME_ACCESS_TOKEN not set") {
		t.Errorf("doctor without settings:\n%s", out)
	}
}
