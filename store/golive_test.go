package store_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
	"billbot/store/storetest"
)

// TestRetainerUsageCountsOnboardingHours: the hours a letter says were used
// before billbot took over (retainer used_hours) are stored with the
// engagement and count toward its usage.
func TestRetainerUsageCountsOnboardingHours(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		engs := testEngagements()
		engs[1].Retainer.UsedHours = money.MustHours("12.5")
		if err := s.SaveConfig(ctx, []byte(testYAML), testClients(), engs, "U0ADMIN"); err != nil {
			t.Fatal(err)
		}
		got, err := s.Engagements(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(engs, got); diff != "" {
			t.Errorf("engagements (-want +got):\n%s", diff)
		}
		u, err := s.RetainerUsage(ctx, "globex-retainer")
		if err != nil {
			t.Fatal(err)
		}
		if u.UsedHours != money.MustHours("12.5") || u.BlockHours != money.MustHours("40") {
			t.Errorf("usage = %+v, want 12.5 of 40 h used", u)
		}
	})
}

// TestSlackUserEmails caches the ids users.lookupByEmail resolved, by
// lower-case address.
func TestSlackUserEmails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		got, err := s.SlackUserEmails(ctx)
		if err != nil || len(got) != 0 {
			t.Fatalf("SlackUserEmails on an empty store = %v, %v", got, err)
		}
		for _, kv := range [][2]string{{"Jane@Firm.example", "U0OLD"}, {"jane@firm.example", "U0JANE"}, {"raj@firm.example", "U0RAJ"}} {
			if err := s.SaveSlackUserEmail(ctx, kv[0], kv[1]); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SaveSlackUserEmail(ctx, "", "U0X"); err == nil {
			t.Error("SaveSlackUserEmail accepted an empty address")
		}
		got, err = s.SlackUserEmails(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"jane@firm.example": "U0JANE", "raj@firm.example": "U0RAJ"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("SlackUserEmails (-want +got):\n%s", diff)
		}
	})
}

// TestApprovedUnbilled lists only approved, billable entries on no
// allocation spent on or before the day asked.
func TestApprovedUnbilled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		saveTestConfig(t, s)
		es := []billing.TimeEntry{entry("ok"), entry("unapproved"), entry("nonbillable"), entry("late"), entry("billed")}
		es[1].Approved = false
		es[2].Billable = false
		es[3].SpentDate = billing.MustDate("2026-11-02")
		if _, err := s.UpsertEntries(ctx, es, t0); err != nil {
			t.Fatal(err)
		}
		all, err := s.UnallocatedEntries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range all {
			if e.ExternalID == "billed" {
				if _, _, err := s.SaveDraft(ctx, draft("inv-1", e.ID), "U0ADMIN"); err != nil {
					t.Fatal(err)
				}
			}
		}
		got, err := s.ApprovedUnbilled(ctx, billing.MustDate("2026-10-31"))
		if err != nil {
			t.Fatal(err)
		}
		var ext []string
		for _, e := range got {
			ext = append(ext, e.ExternalID)
		}
		if diff := cmp.Diff([]string{"ok"}, ext); diff != "" {
			t.Errorf("ApprovedUnbilled (-want +got):\n%s", diff)
		}
	})
}
