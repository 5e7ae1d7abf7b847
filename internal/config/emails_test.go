package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestResolveEmails swaps the emails that stand for Slack ids for the ids
// users.lookupByEmail gave, wherever the configuration takes a user id.
func TestResolveEmails(t *testing.T) {
	t.Parallel()
	f, err := ParseFirm("golive.yml", readTestdata(t, "golive.yml"))
	if err != nil {
		t.Fatal(err)
	}
	f.BillingManager = "Boss@Firm.example"
	f.Engagements[1].Manager = "nobody@firm.example"
	f.Viewers = []string{"U0AUDIT", "Raj@firm.example"}
	if diff := cmp.Diff([]string{"boss@firm.example", "nobody@firm.example", "raj@firm.example"}, f.Emails()); diff != "" {
		t.Errorf("Emails (-want +got):\n%s", diff)
	}
	left := f.ResolveEmails(map[string]string{"boss@firm.example": "U0BOSS", "raj@firm.example": "U0RAJ"})
	if diff := cmp.Diff([]string{"nobody@firm.example"}, left); diff != "" {
		t.Errorf("unresolved (-want +got):\n%s", diff)
	}
	if f.BillingManager != "U0BOSS" || f.Approvers[1] != "U0BOSS" || f.Staff[1].Slack != "U0RAJ" || f.Engagements[0].Partner != "U0RAJ" {
		t.Errorf("not resolved: manager %q, approvers %q, staff %q, partner %q", f.BillingManager, f.Approvers, f.Staff[1].Slack, f.Engagements[0].Partner)
	}
	if diff := cmp.Diff([]string{"U0AUDIT", "U0RAJ"}, f.Viewers); diff != "" {
		t.Errorf("viewers (-want +got):\n%s", diff)
	}
	if f.Engagements[1].Manager != "nobody@firm.example" || f.Staff[0].Slack != "U0JANE" {
		t.Errorf("changed what it should not: %q, %q", f.Engagements[1].Manager, f.Staff[0].Slack)
	}
}
