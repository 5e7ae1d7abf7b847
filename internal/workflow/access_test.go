package workflow

import (
	"slices"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/config"
)

func TestFirmReader(t *testing.T) {
	t.Parallel()
	f := &Firm{
		File:  &config.Firm{BillingManager: "U0BILLMGR", Approvers: []string{"U0APPROVER"}, Viewers: []string{"U0VIEWER"}},
		Rules: billing.Firm{Approvers: []string{"U0APPROVER"}},
		Engagements: []billing.Engagement{
			{Key: "a", Client: "Acme", Partner: "U0PARTNERA", Manager: "U0MANAGERA"},
			{Key: "b", Client: "Birch", Partner: "U0PARTNERB", Manager: "U0MANAGERB"},
			{Key: "c", Client: "Cedar", Partner: "U0PARTNERB", Manager: "U0MANAGERA"},
		},
	}
	for _, user := range []string{"U0APPROVER", "U0BILLMGR", "U0VIEWER", "U0PARTNERA", "U0PARTNERB"} {
		if r := f.Reader(user); !r.All || !r.Sees("Birch") {
			t.Errorf("%s reads %+v, want everything", user, r)
		}
	}
	r := f.Reader("U0MANAGERA")
	if r.All || !slices.Equal(r.Clients, []string{"Acme", "Cedar"}) || !r.Sees("Cedar") || r.Sees("Birch") || !r.Allowed() {
		t.Errorf("manager A reads %+v, want Acme and Cedar only", r)
	}
	for _, user := range []string{"U0STAFF", ""} {
		if r := f.Reader(user); r.Allowed() || r.Sees("Acme") {
			t.Errorf("%q reads %+v, want nothing", user, r)
		}
	}
}
