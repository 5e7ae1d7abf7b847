package jobs

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/robfig/cron/v3"
)

// US daylight saving in 2025: clocks spring from 02:00 EST to 03:00 EDT on
// 9 March and fall back from 02:00 EDT to 01:00 EST on 2 November.
var (
	springForward = [3]int{2025, 3, 9}
	fallBack      = [3]int{2025, 11, 2}
)

func localDay(loc *time.Location, d [3]int) (from, to time.Time) {
	from = time.Date(d[0], time.Month(d[1]), d[2], 0, 0, 0, 0, loc)
	return from, from.AddDate(0, 0, 1)
}

func clockReadings(ts []time.Time) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Format("15:04 MST")
	}
	return out
}

// TestRobfigDST pins robfig/cron v3.0.1's own behaviour, which zoneSchedule
// corrects: on the spring-forward day "0 2 * * *" does not fire at all, and
// on the fall-back day "30 1 * * *" fires twice.
func TestRobfigDST(t *testing.T) {
	t.Parallel()
	ny := mustZone(t, "America/New_York")
	raw := func(spec string, d [3]int) []string {
		s, err := cron.ParseStandard(spec)
		if err != nil {
			t.Fatal(err)
		}
		from, to := localDay(ny, d)
		var got []time.Time
		for n := s.Next(from.Add(-time.Second)); n.Before(to); n = s.Next(n) {
			got = append(got, n)
		}
		return clockReadings(got)
	}
	if got := raw("0 2 * * *", springForward); len(got) != 0 {
		t.Errorf("robfig spring-forward 0 2 * * * = %v, want no run (the pinned skip)", got)
	}
	if diff := cmp.Diff([]string{"01:30 EDT", "01:30 EST"}, raw("30 1 * * *", fallBack)); diff != "" {
		t.Errorf("robfig fall-back 30 1 * * * (-want +got):\n%s", diff)
	}
}

func TestTicksDST(t *testing.T) {
	t.Parallel()
	ny := mustZone(t, "America/New_York")
	tests := []struct {
		spec string
		day  [3]int
		want []string
	}{
		// Spring forward: a skipped time runs at the first valid instant after.
		{"0 2 * * *", springForward, []string{"03:00 EDT"}},
		{"30 2 * * *", springForward, []string{"03:00 EDT"}},
		{"30 1 * * *", springForward, []string{"01:30 EST"}},
		{"0 6 * * *", springForward, []string{"06:00 EDT"}},
		{"0 1-3 * * *", springForward, []string{"01:00 EST", "03:00 EDT"}},
		// Fall back: a repeated time runs once, at its first occurrence.
		{"0 2 * * *", fallBack, []string{"02:00 EST"}},
		{"30 1 * * *", fallBack, []string{"01:30 EDT"}},
		{"0 1 * * *", fallBack, []string{"01:00 EDT"}},
		{"0 6 * * *", fallBack, []string{"06:00 EST"}},
		{"0 1-3 * * *", fallBack, []string{"01:00 EDT", "02:00 EST", "03:00 EST"}},
		// Wildcard hours follow the new clock, as classic cron does.
		{"30 * * * *", springForward, []string{
			"00:30 EST", "01:30 EST", "03:30 EDT", "04:30 EDT", "05:30 EDT", "06:30 EDT", "07:30 EDT", "08:30 EDT",
			"09:30 EDT", "10:30 EDT", "11:30 EDT", "12:30 EDT", "13:30 EDT", "14:30 EDT", "15:30 EDT", "16:30 EDT",
			"17:30 EDT", "18:30 EDT", "19:30 EDT", "20:30 EDT", "21:30 EDT", "22:30 EDT", "23:30 EDT",
		}},
	}
	for _, tc := range tests {
		from, to := localDay(ny, tc.day)
		got, err := Ticks(tc.spec, ny, from, to)
		if err != nil {
			t.Fatalf("Ticks(%q): %v", tc.spec, err)
		}
		if diff := cmp.Diff(tc.want, clockReadings(got)); diff != "" {
			t.Errorf("Ticks(%q) on %v (-want +got):\n%s", tc.spec, tc.day, diff)
		}
	}
}

// "*/15" keeps a steady 15 real minutes through both changes: 23 hours of
// ticks on the short day, 25 on the long one, none skipped or doubled.
func TestTicksDSTQuarterHours(t *testing.T) {
	t.Parallel()
	ny := mustZone(t, "America/New_York")
	for _, tc := range []struct {
		day  [3]int
		want int
	}{{springForward, 23 * 4}, {fallBack, 25 * 4}} {
		from, to := localDay(ny, tc.day)
		got, err := Ticks("*/15 * * * *", ny, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tc.want {
			t.Errorf("%v: %d ticks, want %d", tc.day, len(got), tc.want)
		}
		if !got[0].Equal(from) {
			t.Errorf("%v: first tick %v, want midnight", tc.day, got[0])
		}
		for i := 1; i < len(got); i++ {
			if d := got[i].Sub(got[i-1]); d != 15*time.Minute {
				t.Errorf("%v: %v after %v is %v later, want 15m", tc.day, got[i], got[i-1], d)
			}
		}
	}
}

// Across several days around each change, each daily spec runs exactly once
// per calendar day.
func TestTicksDailyAcrossDST(t *testing.T) {
	t.Parallel()
	ny := mustZone(t, "America/New_York")
	for _, d := range [][3]int{springForward, fallBack} {
		from := time.Date(d[0], time.Month(d[1]), d[2]-3, 0, 0, 0, 0, ny)
		to := from.AddDate(0, 0, 7)
		for _, spec := range []string{"0 2 * * *", "30 1 * * *", "0 6 * * *", "30 2 * * *"} {
			got, err := Ticks(spec, ny, from, to)
			if err != nil {
				t.Fatal(err)
			}
			perDay := map[string]int{}
			for _, tk := range got {
				perDay[tk.In(ny).Format(time.DateOnly)]++
			}
			if len(got) != 7 || len(perDay) != 7 {
				t.Errorf("%s around %v: %d ticks on %d days, want 7 on 7: %v", spec, d, len(got), len(perDay), got)
			}
		}
	}
}

// In Chile clocks spring from 00:00 to 01:00 (7 September 2025), so a
// midnight job runs at 01:00 that day.
func TestTicksMidnightGap(t *testing.T) {
	t.Parallel()
	scl := mustZone(t, "America/Santiago")
	from := time.Date(2025, 9, 5, 0, 0, 0, 0, scl)
	got, err := Ticks("0 0 * * *", scl, from, from.AddDate(0, 0, 4))
	if err != nil {
		t.Fatal(err)
	}
	var readings []string
	for _, tk := range got {
		readings = append(readings, tk.Format("01-02 15:04 -07"))
	}
	want := []string{"09-05 00:00 -04", "09-06 00:00 -04", "09-07 01:00 -03", "09-08 00:00 -03"}
	if diff := cmp.Diff(want, readings); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// Specs are read in the firm's zone, whatever the machine's zone is.
func TestTicksZone(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"America/New_York", "Asia/Kolkata", "Pacific/Auckland", "UTC"} {
		loc := mustZone(t, name)
		from := time.Date(2025, 7, 1, 0, 0, 0, 0, loc)
		got, err := Ticks("0 6 * * *", loc, from, from.AddDate(0, 0, 2))
		if err != nil {
			t.Fatal(err)
		}
		want := []time.Time{time.Date(2025, 7, 1, 6, 0, 0, 0, loc), time.Date(2025, 7, 2, 6, 0, 0, 0, loc)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
		if got[0].Location() != loc {
			t.Errorf("%s: ticks in %v, want the firm's zone", name, got[0].Location())
		}
	}
	// CRON_TZ= in the spec overrides the firm's zone.
	ny := mustZone(t, "America/New_York")
	from := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	got, err := Ticks("CRON_TZ=Asia/Tokyo 0 9 * * *", ny, from, from.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC); len(got) != 1 || !got[0].Equal(want) {
		t.Errorf("CRON_TZ ticks = %v, want [%v]", got, want)
	}
}

func TestTicksSpan(t *testing.T) {
	t.Parallel()
	from := time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC) // a Monday at 09:00
	got, err := Ticks("0 9 * * 1", time.UTC, from, from.AddDate(0, 0, 14))
	if err != nil {
		t.Fatal(err)
	}
	// [from, to): from itself is included, to is not.
	want := []time.Time{from, from.AddDate(0, 0, 7)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := ticks("* * * * *", time.UTC, from, from.Add(time.Hour), 59); err == nil {
		t.Error("60 minutes with a cap of 59: want the size cap error")
	}
	if got, err := ticks("* * * * *", time.UTC, from, from.Add(time.Hour), 60); err != nil || len(got) != 60 {
		t.Errorf("60 minutes with a cap of 60: got %d, %v", len(got), err)
	}
}

func TestParseSpecErrors(t *testing.T) {
	t.Parallel()
	for _, spec := range []string{"", "61 * * * *", "0 6 * *", "every day", "@every 1m", "@fortnightly"} {
		if _, err := Ticks(spec, time.UTC, time.Time{}, time.Time{}); err == nil {
			t.Errorf("Ticks(%q): want an error", spec)
		} else if !strings.Contains(err.Error(), spec) {
			t.Errorf("Ticks(%q): error %q does not name the spec", spec, err)
		}
	}
	if _, err := Ticks("0 6 * * *", nil, time.Time{}, time.Time{}); err == nil {
		t.Error("nil zone: want an error")
	}
}

func TestFixedTime(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"0 6 * * *":                 true,
		"30 1 * * *":                true,
		"0 9 * * 1":                 true,
		"0 1-3 * * *":               true,
		"*/15 * * * *":              false,
		"0 * * * *":                 false,
		"0 */2 * * *":               false,
		"@daily":                    true,
		"@weekly":                   true,
		"@hourly":                   false,
		"CRON_TZ=UTC 0 6 * * *":     true,
		"TZ=UTC */5 * * * *":        false,
		"CRON_TZ=Asia/Tokyo @daily": true,
	}
	for spec, want := range tests {
		if got := fixedTime(spec); got != want {
			t.Errorf("fixedTime(%q) = %v, want %v", spec, got, want)
		}
	}
}
