package billing

import (
	"slices"
	"testing"
	"time"
)

func TestCollectionSchedule(t *testing.T) {
	t.Parallel()
	def := DefaultCollectionSchedule()
	if !slices.Equal(def.ReminderDays, []int{25}) || !slices.Equal(def.EscalationDays, []int{35}) {
		t.Fatalf("default schedule = %+v, want reminder day 25, escalation day 35", def)
	}
	now := time.Date(2026, 12, 20, 14, 0, 0, 0, time.UTC)
	custom := CollectionSchedule{ReminderDays: []int{10, 25}, EscalationDays: []int{35, 50}}
	for _, tc := range []struct {
		name        string
		sched       CollectionSchedule
		sinceSent   int
		snoozedAt   time.Time
		reminders   []int
		escalations []string
	}{
		{name: "just sent", sched: def, sinceSent: 0},
		{name: "day 24", sched: def, sinceSent: 24},
		{name: "day 25: the reminder", sched: def, sinceSent: 25, reminders: []int{25}},
		{name: "day 34", sched: def, sinceSent: 34, reminders: []int{25}},
		{name: "day 35: the escalation", sched: def, sinceSent: 35, reminders: []int{25}, escalations: []string{"escalation:35"}},
		{name: "day 60: both, each named once", sched: def, sinceSent: 60, reminders: []int{25}, escalations: []string{"escalation:35"}},
		{name: "a firm's own days", sched: custom, sinceSent: 40, reminders: []int{10, 25}, escalations: []string{"escalation:35"}},
		{name: "steps turned off", sched: CollectionSchedule{}, sinceSent: 90},
		{name: "snoozed six days ago: held back", sched: def, sinceSent: 40, snoozedAt: now.Add(-6 * 24 * time.Hour), reminders: []int{25}},
		{name: "snoozed seven days ago: asks once more", sched: def, sinceSent: 42, snoozedAt: now.Add(-SnoozeDays * 24 * time.Hour), reminders: []int{25},
			escalations: []string{"escalation:35", "escalation:snooze:2026-12-13T14:00:00Z"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.sched.DueReminders(tc.sinceSent); !slices.Equal(got, tc.reminders) {
				t.Errorf("reminders = %v, want %v", got, tc.reminders)
			}
			if got := tc.sched.DueEscalations(tc.sinceSent, tc.snoozedAt, now); !slices.Equal(got, tc.escalations) {
				t.Errorf("escalations = %q, want %q", got, tc.escalations)
			}
		})
	}
	if ReminderStep(25) != "reminder:25" {
		t.Errorf("ReminderStep(25) = %q", ReminderStep(25))
	}
}
