package billing

import (
	"testing"
	"time"

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

func TestCollectionsOf(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	oct, due := MustDate("2026-10-31"), MustDate("2026-12-01")
	facts := []SentFacts{
		// Sent 2 days after close, approved 26 h after posting, paid on the due day (New York).
		{PeriodEnd: oct, DueDate: due, PostedAt: at("2026-11-01T14:00:00Z"), ApprovedAt: at("2026-11-02T16:30:00Z"),
			SentAt: at("2026-11-02T16:31:00Z"), PaidAt: at("2026-12-02T03:00:00Z")},
		// Paid a day late; no audit trail of posting.
		{PeriodEnd: oct, DueDate: due, SentAt: at("2026-11-05T15:00:00Z"), PaidAt: at("2026-12-02T15:00:00Z")},
		// Voided after sending: a correction, never counted paid.
		{Voided: true, PeriodEnd: oct, DueDate: due, SentAt: at("2026-11-12T15:00:00Z"), PaidAt: at("2026-11-20T15:00:00Z"),
			PostedAt: at("2026-11-10T15:00:00Z"), ApprovedAt: at("2026-11-10T17:59:00Z")},
		// Unpaid.
		{PeriodEnd: oct, DueDate: due, SentAt: at("2026-11-03T15:00:00Z")},
	}
	c := CollectionsOf(facts, ny)
	if c.Sent != 4 || c.Corrected != 1 || c.Paid != 2 || c.PaidInTerms != 1 {
		t.Errorf("counts = %+v", c)
	}
	if rate, _ := c.ErrorRate(); rate != 2500 {
		t.Errorf("error rate = %v, want 25.00%%", rate)
	}
	if share, _ := c.PaidWithinTerms(); share != 5000 {
		t.Errorf("paid within terms = %v, want 50.00%%", share)
	}
	if med, _ := c.BillingLag.Median(); med != 3 {
		t.Errorf("billing lag median = %d (%v), want 3", med, c.BillingLag)
	}
	if p90, _ := c.BillingLag.P90(); p90 != 12 {
		t.Errorf("billing lag p90 = %d, want 12", p90)
	}
	if got := c.ApprovalDelay; len(got) != 2 || got[0] != 26 || got[1] != 2 {
		t.Errorf("approval delays = %v, want [26 2] hours", got)
	}
}

func TestLeakageThrough(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ today, want string }{
		{"2026-11-15", "2026-10-31"}, // October closed 15 days ago: counted
		{"2026-11-14", "2026-09-30"}, // 14 days: not yet
		{"2026-12-31", "2026-11-30"},
		{"2027-01-15", "2026-12-31"},
	} {
		if got := LeakageThrough(MustDate(tt.today), 15); got != MustDate(tt.want) {
			t.Errorf("LeakageThrough(%s, 15) = %s, want %s", tt.today, got, tt.want)
		}
	}
}
