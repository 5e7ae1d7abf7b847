package billing

import (
	"fmt"
	"time"
)

// CollectionSchedule is when billbot chases an unpaid sent invoice, in days
// after it was sent: each reminder day QBO emails the invoice again, each
// escalation day the engagement manager gets a DM. A firm sets both lists
// (firm.reminder_days, firm.escalation_days); an empty list turns the step
// off.
type CollectionSchedule struct {
	ReminderDays   []int
	EscalationDays []int
}

// DefaultCollectionSchedule is the schedule of a firm that sets none: a
// reminder on day 25 after sending, an escalation on day 35.
func DefaultCollectionSchedule() CollectionSchedule {
	return CollectionSchedule{ReminderDays: []int{25}, EscalationDays: []int{35}}
}

// SnoozeDays is how long a manager's Snooze holds an invoice's
// escalations back; then billbot asks once more.
const SnoozeDays = 7

// snoozeFor is SnoozeDays as a duration.
const snoozeFor = SnoozeDays * 24 * time.Hour

// DueReminders returns the reminder days reached by an invoice sent
// sinceSent days ago, in the schedule's order. Each is a step done once
// (ReminderStep names it).
func (s CollectionSchedule) DueReminders(sinceSent int) []int {
	return reached(s.ReminderDays, sinceSent)
}

// DueEscalations returns the escalation steps due for an invoice sent
// sinceSent days ago, as named steps done once each: every escalation day
// reached — none while a snooze (the latest, at snoozedAt; zero: none)
// holds them back, and after it one more, for that snooze.
func (s CollectionSchedule) DueEscalations(sinceSent int, snoozedAt, now time.Time) []string {
	var steps []string
	for _, d := range reached(s.EscalationDays, sinceSent) {
		steps = append(steps, fmt.Sprintf("escalation:%d", d))
	}
	if snoozedAt.IsZero() {
		return steps
	}
	if now.Before(snoozedAt.Add(snoozeFor)) {
		return nil
	}
	return append(steps, "escalation:snooze:"+snoozedAt.UTC().Format(time.RFC3339))
}

// ReminderStep names the reminder of day as a step done once per invoice.
func ReminderStep(day int) string { return fmt.Sprintf("reminder:%d", day) }

func reached(days []int, sinceSent int) []int {
	var out []int
	for _, d := range days {
		if sinceSent >= d {
			out = append(out, d)
		}
	}
	return out
}
