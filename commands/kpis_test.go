package commands_test

import (
	"strings"
	"testing"

	"billbot/commands"
	"billbot/internal/billing"
	"billbot/store"
	"billbot/store/storetest"
)

// TestKPIs answers /billing kpis [YYYY-MM] to the firm's readers; a manager
// who is not an approver sees only their own clients' realization, and a
// stranger nothing.
func TestKPIs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, true)
		f.sent("Acme Corp", managerA, "2026-10-31", "1000.00")
		f.sent("Birch & Daughters", managerB, "2026-10-31", "500.00")
		f.sent("Acme Holdings", managerA, "2026-11-30", "250.00")
		before := f.state()

		r := f.do(approver, commands.Billing, "kpis 2026-10")
		all := r.Text + blocks(r)
		for _, want := range []string{"Billing figures · October 2026", "Acme Corp: 100.00%", "Birch &amp; Daughters: 100.00%", "Partner <@U0PARTNERA>", "Utilization", "Invoices sent: 2"} {
			if !strings.Contains(all, want) {
				t.Errorf("/billing kpis 2026-10 by an approver lacks %q:\n%s", want, all)
			}
		}
		if strings.Contains(all, "Acme Holdings") {
			t.Errorf("October figures show a November invoice:\n%s", all)
		}
		// Default: last month (the fixture's today is 2026-12-15).
		if r := f.do(viewer, commands.Billing, "kpis"); !strings.Contains(r.Text, "November 2026") || !strings.Contains(blocks(r), "Acme Holdings: 100.00%") {
			t.Errorf("/billing kpis by a viewer: %q\n%s", r.Text, blocks(r))
		}
		r = f.do(managerB, commands.Billing, "kpis 2026-10")
		if b := r.Text + blocks(r); !strings.Contains(b, "Birch") || strings.Contains(b, "Acme") || strings.Contains(b, "Utilization") || strings.Contains(b, "Partner") {
			t.Errorf("/billing kpis by manager B shows more than their clients:\n%s", b)
		}
		if r := f.do(staffer, commands.Billing, "kpis 2026-10"); !strings.Contains(r.Text, "only the firm's people") || strings.Contains(r.Text, "Acme") {
			t.Errorf("/billing kpis by a stranger: %q", r.Text)
		}
		for _, bad := range []string{"kpis october", "kpis 2026-13", "kpis 2026-10-01"} {
			if r := f.do(approver, commands.Billing, bad); !strings.Contains(r.Text, "is not a month") {
				t.Errorf("/billing %s: %q, want a usage message", bad, r.Text)
			}
		}
		if f.state() != before {
			t.Error("/billing kpis changed the store")
		}
	})
}

func TestMonthOf(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ arg, today, from, to string }{
		{"", "2026-12-15", "2026-11-01", "2026-11-30"},
		{"", "2027-01-03", "2026-12-01", "2026-12-31"},
		{"2026-02", "2026-12-15", "2026-02-01", "2026-02-28"},
	} {
		from, to, ok := commands.MonthOf(tt.arg, billing.MustDate(tt.today))
		if !ok || from != billing.MustDate(tt.from) || to != billing.MustDate(tt.to) {
			t.Errorf("MonthOf(%q, %s) = %s, %s, %v", tt.arg, tt.today, from, to, ok)
		}
	}
}
