package config

import (
	"strings"
	"testing"

	"billbot/internal/money"
)

// TestNudgeSettings parses, validates and round-trips approval_nudge_days,
// hold_nudge_days and zero_total.
func TestNudgeSettings(t *testing.T) {
	t.Parallel()
	base := string(readTestdata(t, "base.yml"))
	tests := []struct {
		name, add string
		approval  int
		hold      int
		zero      ZeroTotal
		msg       string // a fragment of the error; "" for none
	}{
		{"defaults", "", 3, 14, ZeroTotalSkip, ""},
		{"set", "  approval_nudge_days: 5\n  hold_nudge_days: 30\n  zero_total: statement\n", 5, 30, ZeroTotalStatement, ""},
		{"off", "  approval_nudge_days: 0\n  hold_nudge_days: 0\n  zero_total: send\n", 0, 0, ZeroTotalSend, ""},
		{"negative", "  approval_nudge_days: -1\n", 0, 0, "", "firm.approval_nudge_days"},
		{"not a number", "  hold_nudge_days: soon\n", 0, 0, "", "not a whole number"},
		{"capacity", "  capacity_hours_per_week: \"37.5\"\n", 3, 14, ZeroTotalSkip, ""},
		{"capacity over a week", "  capacity_hours_per_week: \"170\"\n", 0, 0, "", "more hours than a week"},
		{"capacity zero", "  capacity_hours_per_week: \"0\"\n", 0, 0, "", "more than zero hours"},
		{"unknown zero_total", "  zero_total: email\n", 0, 0, "", `"email" is not one of send, skip, statement`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := strings.Replace(base, "  home_currency: USD\n", "  home_currency: USD\n"+tt.add, 1)
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
			if f.ApprovalNudgeDays != tt.approval || f.HoldNudgeDays != tt.hold || f.ZeroTotal != tt.zero {
				t.Fatalf("got %d/%d/%q, want %d/%d/%q", f.ApprovalNudgeDays, f.HoldNudgeDays, f.ZeroTotal, tt.approval, tt.hold, tt.zero)
			}
			out, err := Export(f)
			if err != nil {
				t.Fatal(err)
			}
			g, err := ParseFirm("export.yml", out)
			if err != nil {
				t.Fatalf("re-parse export: %v\n%s", err, out)
			}
			if tt.name == "capacity" && f.CapacityHoursPerWeek != money.MustHours("37.5") {
				t.Errorf("capacity = %s, want 37.5", f.CapacityHoursPerWeek)
			}
			if g.ApprovalNudgeDays != f.ApprovalNudgeDays || g.HoldNudgeDays != f.HoldNudgeDays || g.ZeroTotal != f.ZeroTotal || g.CapacityHoursPerWeek != f.CapacityHoursPerWeek {
				t.Fatalf("round trip lost settings:\n%s", out)
			}
			if tt.name == "defaults" && strings.Contains(string(out), "nudge") {
				t.Errorf("defaults are exported:\n%s", out)
			}
		})
	}
}
