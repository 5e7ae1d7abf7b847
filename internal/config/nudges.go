package config

import (
	"go.yaml.in/yaml/v3"

	"billbot/internal/money"
)

// Defaults of the nudge and zero-total settings (see docs/nudges.md).
const (
	DefaultApprovalNudgeDays = 3
	DefaultHoldNudgeDays     = 14
	DefaultZeroTotal         = ZeroTotalSkip
	// DefaultCapacityHoursPerWeek is each staff member's weekly capacity
	// for utilization, in money.Hours units (40 hours).
	DefaultCapacityHoursPerWeek = 40 * money.HoursScale
)

// ZeroTotal says what happens to an approved invoice whose total is 0.00
// (time wholly covered by a retainer): firm.zero_total.
type ZeroTotal string

// firm.zero_total values.
const (
	// ZeroTotalSkip records the invoice (approved, then closed as paid) but
	// never emails it.
	ZeroTotalSkip ZeroTotal = "skip"
	// ZeroTotalStatement emails it as a statement of the time the retainer
	// covered, then closes it as paid: no reminder, escalation or aging.
	ZeroTotalStatement ZeroTotal = "statement"
	// ZeroTotalSend emails and tracks it like any other invoice.
	ZeroTotalSend ZeroTotal = "send"
)

// Effective returns z, or the default (skip) when unset.
func (z ZeroTotal) Effective() ZeroTotal {
	if z == "" {
		return DefaultZeroTotal
	}
	return z
}

// nudges reads approval_nudge_days, hold_nudge_days and zero_total.
func (d *decoder) nudges(f *Firm, m *fields) {
	f.ApprovalNudgeDays = m.dayCount("approval_nudge_days", DefaultApprovalNudgeDays)
	f.HoldNudgeDays = m.dayCount("hold_nudge_days", DefaultHoldNudgeDays)
	f.ZeroTotal = DefaultZeroTotal
	if s := m.str("zero_total", false); s != "" {
		switch z := ZeroTotal(s); z {
		case ZeroTotalSkip, ZeroTotalStatement, ZeroTotalSend:
			f.ZeroTotal = z
		default:
			m.errorf("zero_total", "%q is not one of send, skip, statement", s)
		}
	}
	f.CapacityHoursPerWeek = DefaultCapacityHoursPerWeek
	if n := m.node("capacity_hours_per_week"); n != nil {
		if h, ok := d.hours(n, m.field("capacity_hours_per_week")); ok {
			if h > 168*money.HoursScale {
				m.errorf("capacity_hours_per_week", "%s is more hours than a week has (168)", h)
			} else {
				f.CapacityHoursPerWeek = h
			}
		}
	}
}

// dayCount reads a number of days (0 turns the nudge off), or def when absent.
func (f *fields) dayCount(key string, def int) int {
	v, ok := f.int(key)
	if !ok {
		return def
	}
	if v < 0 || v > maxDays {
		f.errorf(key, "%d is not a number of days (0–%d; 0 turns it off)", v, maxDays)
		return def
	}
	return int(v)
}

// exportNudges writes the nudge and zero-total settings that differ from
// their defaults (an absent key means the default).
func exportNudges(m *yaml.Node, f *Firm) {
	if f.ApprovalNudgeDays != DefaultApprovalNudgeDays {
		put(m, "approval_nudge_days", integer(int64(f.ApprovalNudgeDays)))
	}
	if f.HoldNudgeDays != DefaultHoldNudgeDays {
		put(m, "hold_nudge_days", integer(int64(f.HoldNudgeDays)))
	}
	if h := f.CapacityHoursPerWeek; h != 0 && h != DefaultCapacityHoursPerWeek {
		put(m, "capacity_hours_per_week", quoted(h.String()))
	}
	if z := f.ZeroTotal.Effective(); z != DefaultZeroTotal {
		put(m, "zero_total", str(string(z)))
	}
}
