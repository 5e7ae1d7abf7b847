package jobs

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// maxTicks caps Ticks so a wide span of a frequent spec cannot exhaust memory.
const maxTicks = 100_000

// Ticks lists the instants in [from, to) at which spec fires in loc, using
// the same parser and daylight-saving rules as the Scheduler. Tests and the
// demo step a simulated clock through these instants with Runner.RunOnce
// instead of sleeping.
func Ticks(spec string, loc *time.Location, from, to time.Time) ([]time.Time, error) {
	return ticks(spec, loc, from, to, maxTicks)
}

func ticks(spec string, loc *time.Location, from, to time.Time, limit int) ([]time.Time, error) {
	s, err := parseSpec(spec, loc)
	if err != nil {
		return nil, err
	}
	var out []time.Time
	for t := s.Next(from.Add(-time.Nanosecond)); !t.IsZero() && t.Before(to); t = s.Next(t) {
		if len(out) == limit {
			return nil, fmt.Errorf("jobs: %q fires more than %d times between %s and %s", spec, limit, from.Format(time.RFC3339), to.Format(time.RFC3339))
		}
		out = append(out, t)
	}
	return out, nil
}

// zoneSchedule is a cron.Schedule read in a time zone, correcting robfig's
// handling of daylight-saving changes for fixed-time specs.
//
// robfig/cron v3.0.1 walks wall-clock fields in the zone (spec.go Next). On
// the spring-forward day a wall time inside the gap never matches, so
// "0 2 * * *" in America/New_York does not fire at all on that day; on the
// fall-back day the repeated hour matches twice, so "30 1 * * *" fires at
// 01:30 EDT and again at 01:30 EST. Both are pinned by TestRobfigDST.
//
// We follow the rule of the classic cron daemon instead (cron(8) man page,
// Vixie cron, "Daylight Saving Time and other time changes"): a job that runs
// at a particular time (no '*' in its minute or hour field, not @hourly) runs
// once at the first valid instant after a skipped time and is not re-run in a
// repeated hour; wildcard specs run by the new clock (robfig's behaviour
// already), so "*/15 * * * *" keeps firing every 15 real minutes.
type zoneSchedule struct {
	spec  *cron.SpecSchedule
	wall  *cron.SpecSchedule // spec read on a DST-free clock (UTC) for wall-time arithmetic
	zone  *time.Location
	fixed bool
}

var _ cron.Schedule = (*zoneSchedule)(nil)

// parseSpec parses spec with robfig's standard parser (as cron.New uses) and
// reads it in loc unless the spec names its own zone with CRON_TZ=.
func parseSpec(spec string, loc *time.Location) (*zoneSchedule, error) {
	if loc == nil {
		return nil, errors.New("jobs: nil time zone")
	}
	parsed, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("jobs: parse cron spec %q: %w", spec, err)
	}
	ss, ok := parsed.(*cron.SpecSchedule)
	if !ok {
		// @every counts from each process's start, so replicas would disagree
		// on the scheduled instant that keys a run.
		return nil, fmt.Errorf("jobs: cron spec %q: @every is not supported; use a cron expression", spec)
	}
	zone := loc
	if ss.Location != time.Local {
		zone = ss.Location
	}
	wall := *ss
	wall.Location = time.UTC
	return &zoneSchedule{spec: ss, wall: &wall, zone: zone, fixed: fixedTime(spec)}, nil
}

// Next returns the first firing strictly after t, in the schedule's zone, or
// the zero time if there is none within robfig's five-year horizon.
func (z *zoneSchedule) Next(t time.Time) time.Time {
	if !z.fixed {
		n := z.spec.Next(t.In(z.zone))
		if n.IsZero() {
			return n
		}
		return n.In(z.zone)
	}
	// Step through matching wall-clock readings and map each to an instant;
	// the mapping never goes backwards, so the first one after t is next.
	w := wallClock(t.In(z.zone))
	for range 1000 {
		if w = z.wall.Next(w); w.IsZero() {
			return w
		}
		if at := resolveWall(w, z.zone); at.After(t) {
			return at
		}
	}
	return time.Time{}
}

// wallClock returns t's reading in its own zone as a UTC time, a clock
// without daylight-saving changes.
func wallClock(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// resolveWall maps a wall-clock reading w (from wallClock) to an instant in
// zone: the earlier one when the reading occurs twice (fall-back), and the
// moment the clock jumped when the reading was skipped (spring-forward).
// time.Date leaves both cases unspecified, so they are resolved here.
func resolveWall(w time.Time, zone *time.Location) time.Time {
	var best time.Time
	// Offsets in force a day either side cover any transition near w.
	for _, probe := range []time.Time{w.Add(-24 * time.Hour), w, w.Add(24 * time.Hour)} {
		_, off := probe.In(zone).Zone()
		at := w.Add(-time.Duration(off) * time.Second).In(zone)
		if wallClock(at).Equal(w) && (best.IsZero() || at.Before(best)) {
			best = at
		}
	}
	if !best.IsZero() {
		return best
	}
	// In a gap: read w with the offset before the jump, which lands after
	// the jump; the zone period containing that instant starts at the jump.
	_, before := w.Add(-24 * time.Hour).In(zone).Zone()
	after := w.Add(-time.Duration(before) * time.Second).In(zone)
	if start, _ := after.ZoneBounds(); !start.IsZero() && !start.After(after) {
		return start.In(zone)
	}
	return after
}

// fixedTime reports whether spec runs at particular times of day: neither
// its minute nor its hour field has a wildcard, and it is not @hourly.
func fixedTime(spec string) bool {
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		if i := strings.IndexAny(spec, " \t"); i >= 0 {
			spec = strings.TrimSpace(spec[i:])
		}
	}
	if strings.HasPrefix(spec, "@") {
		return spec != "@hourly"
	}
	f := strings.Fields(spec)
	return len(f) >= 2 && !strings.ContainsAny(f[0]+f[1], "*?")
}
