package slackui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/chat"
	"billbot/internal/money"
)

func TestDraftsReadyDM(t *testing.T) {
	t.Parallel()
	r := DraftsReady{
		ManagerID: "U0BILLMGR",
		PeriodEnd: billing.MustDate("2026-10-31"),
		ChannelID: "C0BILLING",
		Count:     12,
		Totals:    []CurrencyAmount{{Currency: "USD", Amount: money.MustParse("48210.35", "USD")}, {Currency: "CAD", Amount: money.MustParse("2600.00", "CAD")}, {Currency: "JPY", Amount: 212500}},
	}
	tests := []struct {
		name string
		r    func() DraftsReady
	}{
		{"with_exceptions", func() DraftsReady { r := r; r.Exceptions = sampleGroups(); return r }},
		{"partner_dms_no_exceptions", func() DraftsReady { r := r; r.ChannelID, r.Count, r.Totals = "", 1, r.Totals[:1]; return r }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			text, blocks := DraftsReadyDM(tt.r())
			checkMessage(t, text, blocks)
			assertGolden(t, message{text, blocks})
		})
	}
}

func TestDraftsReadyDMManyExceptionsFit(t *testing.T) {
	t.Parallel()
	var groups []ExceptionGroup
	for range 30 {
		groups = append(groups, sampleGroups()...)
	}
	text, blocks := DraftsReadyDM(DraftsReady{Count: 3, Exceptions: groups})
	checkMessage(t, text, blocks)
}

func TestEscalationDM(t *testing.T) {
	t.Parallel()
	e := Escalation{
		InvoiceID: 1020, Client: "Smith & Sons", DocNumber: "1020", ManagerID: "U0MANAGER1",
		Currency: "USD", AmountDue: money.MustParse("1200.00", "USD"), DueDate: billing.MustDate("2026-10-05"),
		DaysOutstanding: 35, ClientOutstanding: money.MustParse("5450.00", "USD"), ClientOpenInvoices: 3,
		QBOURL: "https://app.sandbox.qbo.intuit.com/app/invoice?txnId=1020",
	}
	text, blocks := EscalationDM(e)
	checkMessage(t, text, blocks)
	want := []string{chat.ActionSnooze + "=1020", chat.ActionDispute + "=1020", chat.ActionOpenInQBO + "="}
	if diff := cmp.Diff(want, actionIDs(t, blocks)); diff != "" {
		t.Errorf("buttons (-want +got):\n%s", diff)
	}
	assertGolden(t, message{text, blocks})
}

func TestEscalationDMJPY(t *testing.T) {
	t.Parallel()
	text, blocks := EscalationDM(Escalation{
		InvoiceID: 3001, Client: "Sakura KK", ManagerID: "U0MANAGER2", Currency: "JPY",
		AmountDue: 212500, ClientOutstanding: 212500, ClientOpenInvoices: 1, DaysOutstanding: 36,
		DueDate: billing.MustDate("2026-11-30"),
	})
	checkMessage(t, text, blocks)
	assertGolden(t, message{text, blocks})
}

func TestRetainerAlertDM(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		r    RetainerAlert
	}{
		{"eighty_percent", RetainerAlert{Client: "Maple & Co", Engagement: "maple-retainer",
			UsedHours: money.MustHours("33"), BlockHours: money.MustHours("40")}},
		{"exhausted_replenished", RetainerAlert{Client: "Maple & Co", Engagement: "maple-retainer",
			UsedHours: money.MustHours("40"), BlockHours: money.MustHours("40"), Exhausted: true,
			Replenishment: &Replenishment{InvoiceID: 2002, DocNumber: "2002", Currency: "CAD", Amount: money.MustParse("7800.00", "CAD")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			text, blocks := RetainerAlertDM(tt.r)
			checkMessage(t, text, blocks)
			assertGolden(t, message{text, blocks})
		})
	}
}

func TestApprovalDigestDM(t *testing.T) {
	t.Parallel()
	d := ApprovalDigest{
		Days: 7,
		AsOf: billing.MustDate("2026-11-09"),
		People: []PersonApprovals{
			{Name: "Dana Reyes", SlackID: "U0DANA", Engagements: []EngagementApprovals{
				{Client: "Acme Corp", Engagement: "acme-2026", Hours: money.MustHours("8"), Entries: 3, Oldest: billing.MustDate("2026-10-27")},
				{Client: "Smith & Sons", Engagement: "smith-2026", Hours: money.MustHours("2.25"), Entries: 1, Oldest: billing.MustDate("2026-10-30")},
			}},
			{Name: "Lee Park", Engagements: []EngagementApprovals{
				{Client: "Maple & Co", Engagement: "maple-tax", Hours: money.MustHours("5.5"), Entries: 4, Oldest: billing.MustDate("2026-10-20")},
			}},
		},
	}
	for name, d := range map[string]ApprovalDigest{"two_people": d, "nobody": {Days: 7}} {
		t.Run(name, func(t *testing.T) {
			text, blocks := ApprovalDigestDM(d)
			checkMessage(t, text, blocks)
			assertGolden(t, message{text, blocks})
		})
	}
}

func TestApprovalDigestDMManyPeopleFit(t *testing.T) {
	t.Parallel()
	var d ApprovalDigest
	for i := range 100 {
		p := PersonApprovals{Name: strings.Repeat("Name & ", 40), SlackID: fmt.Sprintf("U%05d", i)}
		for range 30 {
			p.Engagements = append(p.Engagements, EngagementApprovals{Client: strings.Repeat("C<>", 60),
				Engagement: strings.Repeat("e", 200), Hours: money.MustHours("1.25"), Entries: 2})
		}
		d.People = append(d.People, p)
	}
	text, blocks := ApprovalDigestDM(d)
	checkMessage(t, text, blocks)
}

func TestRunSummary(t *testing.T) {
	t.Parallel()
	run := Run{
		PeriodEnd: billing.MustDate("2026-10-31"), By: "U0BILLMGR", Drafted: 12, Unchanged: 2,
		Supplemental: 1, Replenishments: 1, Exceptions: 10,
		Totals:   []CurrencyAmount{{Currency: "USD", Amount: money.MustParse("48210.35", "USD")}, {Currency: "CAD", Amount: money.MustParse("2600.00", "CAD")}},
		Failures: []RunFailure{{Client: "Initech", Message: "qbo: create invoice: customer 77 is inactive (Fault 6240)"}},
	}
	dry := run
	dry.DryRun, dry.By, dry.Failures = true, "", nil
	for name, r := range map[string]Run{"scheduled_with_failure": run, "dry_run": dry} {
		t.Run(name, func(t *testing.T) {
			text, blocks := RunSummary(r)
			checkMessage(t, text, blocks)
			assertGolden(t, message{text, blocks})
		})
	}
}
