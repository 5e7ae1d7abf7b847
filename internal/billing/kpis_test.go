package billing

import (
	"testing"

	"billbot/internal/money"
)

func TestRatio(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		num, den int64
		want     BasisPoints
		ok       bool
		text     string
	}{
		{"whole", 1, 1, 10000, true, "100.00%"},
		{"realization written down", 925000, 1000000, 9250, true, "92.50%"},
		{"rounds half up", 1, 3, 3333, true, "33.33%"},
		{"two thirds", 2, 3, 6667, true, "66.67%"},
		{"half a basis point up", 1, 20000, 1, true, "0.01%"},
		{"negative rounds away", -1, 20000, -1, true, "-0.01%"},
		{"over 100", 3, 2, 15000, true, "150.00%"},
		{"zero denominator", 5, 0, 0, false, "0.00%"},
		{"zero numerator", 0, 7, 0, true, "0.00%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Ratio(tt.num, tt.den)
			if got != tt.want || ok != tt.ok || got.String() != tt.text {
				t.Errorf("Ratio(%d, %d) = %v %v %q, want %v %v %q", tt.num, tt.den, got, ok, got.String(), tt.want, tt.ok, tt.text)
			}
		})
	}
}

func TestKPIRows(t *testing.T) {
	t.Parallel()
	r := RealizationRow{Key: "U0PARTNER", Currency: "USD", Standard: 1000000, Billed: 925050}
	if bp, ok := r.Realization(); !ok || bp != 9251 {
		t.Errorf("realization = %v %v, want 9251", bp, ok)
	}
	u := UtilizationRow{Staff: "Sam", Billable: money.MustHours("120"), Capacity: Capacity(money.MustHours("40"), 28)}
	if u.Capacity != money.MustHours("160") {
		t.Errorf("capacity of 4 weeks = %s, want 160", u.Capacity)
	}
	if bp, ok := u.Utilization(); !ok || bp != 7500 {
		t.Errorf("utilization = %v %v, want 75.00%%", bp, ok)
	}
	if c := Capacity(money.MustHours("40"), 30); c != money.MustHours("171.4286") {
		t.Errorf("capacity of 30 days = %s, want 171.4286", c)
	}
	if c := Capacity(money.MustHours("40"), 0); c != 0 {
		t.Errorf("capacity of no days = %s", c)
	}
	l := Leakage{Logged: money.MustHours("200"), Unbilled: money.MustHours("7.5")}
	if bp, ok := l.Share(); !ok || bp != 375 {
		t.Errorf("leakage = %v %v, want 3.75%%", bp, ok)
	}
	c := Collections{Sent: 40, Corrected: 3, Paid: 30, PaidInTerms: 21}
	if bp, _ := c.ErrorRate(); bp != 750 {
		t.Errorf("error rate = %v, want 7.50%%", bp)
	}
	if bp, _ := c.PaidWithinTerms(); bp != 7000 {
		t.Errorf("paid within terms = %v, want 70.00%%", bp)
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		d        Durations
		med, p90 int
		ok       bool
	}{
		{"empty", nil, 0, 0, false},
		{"one", Durations{4}, 4, 4, true},
		{"two", Durations{9, 1}, 1, 9, true},
		{"ten", Durations{10, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 5, 9, true},
		{"eleven with outlier", Durations{1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 40}, 2, 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			med, ok := tt.d.Median()
			p90, _ := tt.d.P90()
			if med != tt.med || p90 != tt.p90 || ok != tt.ok {
				t.Errorf("median, p90 = %d, %d (%v), want %d, %d (%v)", med, p90, ok, tt.med, tt.p90, tt.ok)
			}
		})
	}
}
