package billing

// Reasons an entry is not billable now, as IneligibleReason reports them.
const (
	ReasonNotBillable     = "not billable"
	ReasonRunning         = "timer still running"
	ReasonUnapproved      = "not approved"
	ReasonBilledElsewhere = "already invoiced in Harvest"
	ReasonNoHours         = "no hours"
)

// Eligible reports whether e may be billed: billable, not running, approved
// (Harvest is_closed) and not invoiced elsewhere (Harvest is_billed), with
// hours. Harvest's time-entries reference says to bill rounded_hours ×
// billable_rate and to skip is_running, billable:false and is_billed:true
// entries (Harvest API v2 time-entries page, docs/vendors.md §3.2).
func Eligible(e TimeEntry) bool { return IneligibleReason(e) == "" }

// IneligibleReason returns why e may not be billed, or "" when it may. When
// several reasons apply it returns the first in the order billable, running,
// billed elsewhere, approved, hours.
func IneligibleReason(e TimeEntry) string {
	switch {
	case !e.Billable:
		return ReasonNotBillable
	case e.Running:
		return ReasonRunning
	case e.BilledElsewhere:
		return ReasonBilledElsewhere
	case !e.Approved:
		return ReasonUnapproved
	case e.Hours <= 0:
		return ReasonNoHours
	}
	return ""
}

// awaitingApproval reports whether e would be billable once approved: the
// entries the unapproved alert chases.
func awaitingApproval(e *TimeEntry) bool {
	return e.Billable && !e.Running && !e.BilledElsewhere && !e.Approved && e.Hours > 0
}
