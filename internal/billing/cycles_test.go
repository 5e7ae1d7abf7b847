package billing

import (
	"testing"
	"time"
)

func TestCycleContaining(t *testing.T) {
	t.Parallel()
	d := MustDate
	anchor := d("2026-01-05") // a Monday
	tests := []struct {
		name   string
		kind   CycleKind
		anchor Date
		day    string
		start  string
		end    string
	}{
		{"weekly mid-week", Weekly, Date{}, "2026-10-07", "2026-10-05", "2026-10-11"},
		{"weekly on Monday", Weekly, Date{}, "2026-10-05", "2026-10-05", "2026-10-11"},
		{"weekly on Sunday", Weekly, Date{}, "2026-10-11", "2026-10-05", "2026-10-11"},
		{"weekly across new year", Weekly, Date{}, "2025-12-31", "2025-12-29", "2026-01-04"},
		{"weekly leap day", Weekly, Date{}, "2024-02-29", "2024-02-26", "2024-03-03"},
		{"biweekly first day", Biweekly, anchor, "2026-01-05", "2026-01-05", "2026-01-18"},
		{"biweekly last day", Biweekly, anchor, "2026-01-18", "2026-01-05", "2026-01-18"},
		{"biweekly second window", Biweekly, anchor, "2026-01-19", "2026-01-19", "2026-02-01"},
		{"biweekly before anchor", Biweekly, anchor, "2026-01-04", "2025-12-22", "2026-01-04"},
		{"biweekly long before anchor", Biweekly, anchor, "2025-12-21", "2025-12-08", "2025-12-21"},
		{"biweekly across leap day", Biweekly, d("2024-02-20"), "2024-03-01", "2024-02-20", "2024-03-04"},
		{"biweekly mid-week anchor", Biweekly, d("2026-03-11"), "2026-03-25", "2026-03-25", "2026-04-07"},
		{"biweekly zero anchor", Biweekly, Date{}, "1970-01-05", "1970-01-05", "1970-01-18"},
		{"semimonthly first half end", Semimonthly, Date{}, "2026-02-15", "2026-02-01", "2026-02-15"},
		{"semimonthly second half February", Semimonthly, Date{}, "2026-02-16", "2026-02-16", "2026-02-28"},
		{"semimonthly leap February", Semimonthly, Date{}, "2024-02-20", "2024-02-16", "2024-02-29"},
		{"semimonthly December", Semimonthly, Date{}, "2026-12-31", "2026-12-16", "2026-12-31"},
		{"semimonthly thirty-day month", Semimonthly, Date{}, "2026-04-30", "2026-04-16", "2026-04-30"},
		{"monthly leap year", Monthly, Date{}, "2024-02-10", "2024-02-01", "2024-02-29"},
		{"monthly century not leap", Monthly, Date{}, "2100-02-10", "2100-02-01", "2100-02-28"},
		{"monthly 400-year leap", Monthly, Date{}, "2000-02-01", "2000-02-01", "2000-02-29"},
		{"monthly December", Monthly, Date{}, "2026-12-31", "2026-12-01", "2026-12-31"},
		{"unknown kind is monthly", CycleKind(""), Date{}, "2026-06-15", "2026-06-01", "2026-06-30"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := CycleContaining(tc.kind, tc.anchor, d(tc.day))
			want := Period{Start: d(tc.start), End: d(tc.end)}
			if got != want {
				t.Errorf("CycleContaining(%s, %s, %s) = %s, want %s", tc.kind, tc.anchor, tc.day, got, want)
			}
		})
	}
}

func TestLastClosedCycle(t *testing.T) {
	t.Parallel()
	d := MustDate
	anchor := d("2026-01-05")
	tests := []struct {
		name   string
		kind   CycleKind
		anchor Date
		today  string
		start  string
		end    string
	}{
		{"monthly day after close", Monthly, Date{}, "2026-11-01", "2026-10-01", "2026-10-31"},
		{"monthly on last day", Monthly, Date{}, "2026-10-31", "2026-09-01", "2026-09-30"},
		{"monthly new year", Monthly, Date{}, "2026-01-01", "2025-12-01", "2025-12-31"},
		{"monthly leap March", Monthly, Date{}, "2024-03-01", "2024-02-01", "2024-02-29"},
		{"weekly on Monday", Weekly, Date{}, "2026-10-12", "2026-10-05", "2026-10-11"},
		{"weekly on Sunday", Weekly, Date{}, "2026-10-11", "2026-09-28", "2026-10-04"},
		{"semimonthly 16th", Semimonthly, Date{}, "2026-03-16", "2026-03-01", "2026-03-15"},
		{"semimonthly 1st after leap", Semimonthly, Date{}, "2024-03-01", "2024-02-16", "2024-02-29"},
		{"semimonthly 15th", Semimonthly, Date{}, "2026-03-15", "2026-02-16", "2026-02-28"},
		{"biweekly day after close", Biweekly, anchor, "2026-01-19", "2026-01-05", "2026-01-18"},
		{"biweekly on last day", Biweekly, anchor, "2026-01-18", "2025-12-22", "2026-01-04"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := LastClosedCycle(tc.kind, tc.anchor, d(tc.today))
			want := Period{Start: d(tc.start), End: d(tc.end)}
			if got != want {
				t.Errorf("LastClosedCycle(%s, %s, %s) = %s, want %s", tc.kind, tc.anchor, tc.today, got, want)
			}
		})
	}
}

func TestClosesOn(t *testing.T) {
	t.Parallel()
	d := MustDate
	tests := []struct {
		kind CycleKind
		day  string
		want bool
	}{
		{Monthly, "2024-02-29", true},
		{Monthly, "2024-02-28", false},
		{Monthly, "2026-02-28", true},
		{Weekly, "2026-10-11", true},
		{Weekly, "2026-10-31", false}, // a Saturday
		{Semimonthly, "2026-10-15", true},
		{Semimonthly, "2026-10-16", false},
		{Biweekly, "2026-01-18", true},
		{Biweekly, "2026-01-11", false},
	}
	for _, tc := range tests {
		if got := ClosesOn(tc.kind, d("2026-01-05"), d(tc.day)); got != tc.want {
			t.Errorf("ClosesOn(%s, %s) = %v, want %v", tc.kind, tc.day, got, tc.want)
		}
	}
}

// TestCyclesTile checks, for every day of several years, that each kind's
// cycle contains the day and that cycles follow each other without gap.
func TestCyclesTile(t *testing.T) {
	t.Parallel()
	anchor := MustDate("2025-06-18")
	for _, kind := range []CycleKind{Weekly, Biweekly, Semimonthly, Monthly} {
		prev := CycleContaining(kind, anchor, MustDate("2023-12-31"))
		for d := MustDate("2024-01-01"); d.Before(MustDate("2028-01-01")); d = d.AddDays(1) {
			c := CycleContaining(kind, anchor, d)
			if !c.Contains(d) {
				t.Fatalf("%s: cycle %s does not contain %s", kind, c, d)
			}
			if c != prev && c.Start != prev.End.AddDays(1) {
				t.Fatalf("%s: cycle %s does not follow %s", kind, c, prev)
			}
			if ClosesOn(kind, anchor, d) != (c.End == d) {
				t.Fatalf("%s: ClosesOn(%s) disagrees with cycle %s", kind, d, c)
			}
			prev = c
		}
	}
}

// TestDayNumber checks the integer calendar against package time over four
// centuries, including 1900 and 2100 (not leap) and 2000 (leap).
func TestDayNumber(t *testing.T) {
	t.Parallel()
	start := time.Date(1890, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 146097; i++ {
		tm := start.AddDate(0, 0, i)
		d := DateOf(tm)
		n := int(tm.Unix() / 86400)
		if got := dayNumber(d); got != n {
			t.Fatalf("dayNumber(%s) = %d, want %d", d, got, n)
		}
		if got := dateOfDay(n); got != d {
			t.Fatalf("dateOfDay(%d) = %s, want %s", n, got, d)
		}
		if got, want := weekdayOf(d), (int(tm.Weekday())+6)%7; got != want {
			t.Fatalf("weekdayOf(%s) = %d, want %d", d, got, want)
		}
	}
	if got := MustDate("2026-10-31").DaysUntil(MustDate("2024-02-29")); got != -975 {
		t.Errorf("DaysUntil backwards = %d, want -975", got)
	}
}
