package workflow_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// TestDraftReadsAlertedTimeOnly: the draft reads only the entries the
// engine acts on, yet billable time awaiting approval more than the firm's
// unapproved_alert_days (7) before today (2026-11-02) is still named, and
// time exactly 7 days old is not; entries not billable raise nothing.
func TestDraftReadsAlertedTimeOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		ctx := t.Context()
		e.october()
		old := e.entry("w1", acmeProject, "Advisory", "2026-10-25", "1", "200.00")
		edge := e.entry("w2", acmeProject, "Advisory", "2026-10-26", "1", "200.00")
		nonBillable := e.entry("w3", acmeProject, "Advisory", "2026-10-02", "1", "200.00")
		old.Approved, edge.Approved, nonBillable.Approved = false, false, false
		nonBillable.Billable = false
		e.upsert(old, edge, nonBillable)
		ids := map[string]int64{}
		all, err := e.store.UnallocatedEntries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range all {
			ids[x.ExternalID] = x.ID
		}
		rep, err := e.wf.Draft(ctx, workflow.DraftOptions{PeriodEnd: billing.MustDate("2026-10-31"), DryRun: true, Actor: "test"})
		if err != nil {
			t.Fatal(err)
		}
		var alerted []int64
		for _, p := range rep.Problems {
			if p.Code == billing.ExUnapproved {
				alerted = append(alerted, p.EntryIDs...)
			}
		}
		if diff := cmp.Diff([]int64{ids["w1"]}, alerted); diff != "" {
			t.Errorf("unapproved alert (-want +got):\n%s", diff)
		}
		if len(rep.Invoices) != 2 {
			t.Errorf("dry run drafts %d invoices, want 2", len(rep.Invoices))
		}
	})
}
