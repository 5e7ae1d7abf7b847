package billing

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// acmeFee is the fixed-fee line acme-ff adds to every October Acme invoice.
var acmeFee = lineSum{"acme-corp/2026-10-31", LineFixed, "acme-ff", "", "Fixed fee", "1.00", "1500.00", "1500.00", nil, false}

func TestAssessRules(t *testing.T) {
	t.Parallel()
	const acme = "acme-corp/2026-10-31"
	tests := []struct {
		name     string
		entries  []TimeEntry
		input    func(*Input)
		lines    []lineSum
		problems []probSum
		pending  []int64
		note     string // a note some invoice must carry
	}{
		{
			name: "hourly lines by task at the letter's rates",
			entries: []TimeEntry{
				te(1, 100, "Tax Prep", "2026-10-02", "1.33"),
				te(2, 100, "Tax Prep", "2026-10-15", "0.25"),
				te(3, 100, "Bookkeeping", "2026-10-20", "7.5"),
				te(4, 100, "Advisory", "2026-10-31", "1.67"),
			},
			lines: []lineSum{
				{acme, LineHourly, "acme-2026", "Advisory", "Advisory", "1.67", "195.00", "325.65", []int64{4}, false},
				{acme, LineHourly, "acme-2026", "Bookkeeping", "Bookkeeping", "7.50", "95.00", "712.50", []int64{3}, false},
				{acme, LineHourly, "acme-2026", "Tax Prep", "Tax Preparation", "1.58", "195.00", "308.10", []int64{1, 2}, false},
				acmeFee,
			},
		},
		{
			name: "rounding once per line, then a discount",
			entries: []TimeEntry{
				te(1, 300, "Consulting", "2026-10-05", "0.33"),
				te(2, 300, "Consulting", "2026-10-06", "0.33"),
				te(3, 300, "Consulting", "2026-10-07", "0.33"),
			},
			// 0.99 h × 187.50 = 185.625 → 185.63 (three lines would make 185.64);
			// 10 % of 185.63 = 18.563 → 18.56.
			lines: []lineSum{
				acmeFee,
				{"hooli/2026-10-31", LineHourly, "hooli", "Consulting", "Consulting", "0.99", "187.50", "185.63", []int64{1, 2, 3}, false},
				{"hooli/2026-10-31", LineDiscount, "hooli", "", "", "1.00", "-18.56", "-18.56", nil, false},
			},
		},
		{
			name: "ineligible entries are not billed",
			entries: []TimeEntry{
				te(1, 100, "Tax Prep", "2026-10-02", "1", func(e *TimeEntry) { e.Running = true }),
				te(2, 100, "Tax Prep", "2026-10-02", "1", func(e *TimeEntry) { e.Billable = false }),
				te(3, 100, "Tax Prep", "2026-10-02", "1", func(e *TimeEntry) { e.BilledElsewhere = true }),
				te(4, 100, "Tax Prep", "2026-10-28", "1", unapproved),
				te(5, 100, "Tax Prep", "2026-10-02", "0"),
			},
			lines: []lineSum{acmeFee},
		},
		{
			name: "unapproved beyond the alert days, by engagement or client",
			entries: []TimeEntry{
				te(1, 100, "Tax Prep", "2026-10-20", "1", unapproved), // 12 days
				te(2, 100, "Tax Prep", "2026-10-25", "1", unapproved), // 7 days: not more than 7
				te(3, 999, "Tax Prep", "2026-10-01", "1", unapproved, func(e *TimeEntry) { e.Client = "Wayne Ent" }),
				te(4, 100, "Tax Prep", "2026-09-01", "1", unapproved, func(e *TimeEntry) { e.Billable = false }),
			},
			lines: []lineSum{acmeFee},
			problems: []probSum{
				{ExUnapproved, "acme-2026", "Acme Corp", []int64{1}, false},
				{ExUnapproved, "", "Wayne Ent", []int64{3}, false},
			},
		},
		{
			name:    "unapproved alert off when days is zero",
			entries: []TimeEntry{te(1, 100, "Tax Prep", "2026-09-01", "1", unapproved)},
			input:   func(in *Input) { in.Firm.UnapprovedAlertDays = 0 },
			lines:   []lineSum{acmeFee},
		},
		{
			name: "orphans: unknown project, CSV rows by client name",
			entries: []TimeEntry{
				te(1, 999, "Tax Prep", "2026-10-02", "1", func(e *TimeEntry) { e.Client = "Wayne Ent" }),
				te(2, 0, "Consulting", "2026-10-05", "2", csv("  euro GMBH "), currency("EUR")),
				te(3, 0, "Tax Prep", "2026-10-05", "1", csv("Acme Corp")), // two Acme engagements cover the day
				te(4, 0, "Tax Prep", "2026-10-05", "1", csv("Nobody")),
			},
			lines: []lineSum{
				acmeFee,
				{"euro-gmbh/2026-10-31", LineHourly, "euro", "Consulting", "Consulting", "2.00", "160.00", "320.00", []int64{2}, false},
			},
			problems: []probSum{
				{ExOrphaned, "", "Acme Corp", []int64{3}, true},
				{ExOrphaned, "", "Nobody", []int64{4}, true},
				{ExOrphaned, "", "Wayne Ent", []int64{1}, true},
			},
		},
		{
			name: "outside the engagement's dates",
			entries: []TimeEntry{
				te(1, 100, "Tax Prep", "2027-01-05", "1"),
				te(2, 100, "Tax Prep", "2025-12-31", "1"),
			},
			lines:    []lineSum{acmeFee},
			problems: []probSum{{ExOutsideDates, "acme-2026", "Acme Corp", []int64{1, 2}, true}},
		},
		{
			name: "client without QBO customer, once per client",
			entries: []TimeEntry{
				te(1, 400, "Tax Prep", "2026-10-02", "1"),
				te(2, 400, "Audit", "2026-10-03", "2"),
			},
			lines:    []lineSum{acmeFee},
			problems: []probSum{{ExClientUnmapped, "", "Initech", []int64{1, 2}, true}},
		},
		{
			name:    "client missing from the client list",
			entries: []TimeEntry{te(1, 400, "Tax Prep", "2026-10-02", "1")},
			input: func(in *Input) {
				in.Clients = slices.DeleteFunc(in.Clients, func(c Client) bool { return c.Name == "Initech" })
			},
			lines:    []lineSum{acmeFee},
			problems: []probSum{{ExClientUnmapped, "", "Initech", []int64{1}, true}},
		},
		{
			name: "fixed fee of an unmapped client is held too",
			input: func(in *Input) {
				in.Clients[0].LedgerCustomerID = ""
			},
			entries:  []TimeEntry{te(1, 101, "Tax Prep", "2026-10-02", "1")},
			problems: []probSum{{ExClientUnmapped, "", "Acme Corp", []int64{1}, true}},
		},
		{
			name:     "entry currency differs from the client's",
			entries:  []TimeEntry{te(1, 100, "Tax Prep", "2026-10-02", "1", currency("EUR"))},
			lines:    []lineSum{acmeFee},
			problems: []probSum{{ExCurrencyMismatch, "acme-2026", "Acme Corp", []int64{1}, true}},
		},
		{
			name:     "no rate for the task and no default",
			entries:  []TimeEntry{te(1, 301, "Tax", "2026-10-20", "1")},
			lines:    []lineSum{acmeFee},
			problems: []probSum{{ExNoRate, "hooli-mixed", "Hooli", []int64{1}, true}},
		},
		{
			name: "Harvest rate differs: bill the letter's",
			entries: []TimeEntry{
				te(1, 100, "Tax Prep", "2026-10-05", "1", rate("180.00")),
				te(2, 100, "Tax Prep", "2026-10-06", "1", rate("195.00")),
			},
			lines: []lineSum{
				{acme, LineHourly, "acme-2026", "Tax Prep", "Tax Preparation", "2.00", "195.00", "390.00", []int64{1, 2}, false},
				acmeFee,
			},
			problems: []probSum{{ExRateMismatch, "acme-2026", "Acme Corp", []int64{1}, false}},
			note:     `Rate adjusted: acme-2026 "Tax Prep" billed at 195.00 per the engagement letter instead of Harvest's 180.00 (1 entry).`,
		},
		{
			name: "items: mapping, then task name, then a known default",
			input: func(in *Input) {
				in.KnownItems = map[string]bool{"Services": true, "Fixed fee": true, "Bookkeeping": true}
			},
			entries: []TimeEntry{
				te(1, 100, "Advisory", "2026-10-05", "1"),
				te(2, 100, "Tax Prep", "2026-10-05", "1"), // mapped to an item QBO lacks
				te(3, 100, "Bookkeeping", "2026-10-05", "1"),
			},
			lines: []lineSum{
				{acme, LineHourly, "acme-2026", "Advisory", "Services", "1.00", "195.00", "195.00", []int64{1}, false},
				{acme, LineHourly, "acme-2026", "Bookkeeping", "Bookkeeping", "1.00", "95.00", "95.00", []int64{3}, false},
				acmeFee,
			},
			problems: []probSum{{ExItemUnmapped, "acme-2026", "Acme Corp", []int64{2}, true}},
		},
		{
			name: "items: default not in QBO",
			input: func(in *Input) {
				in.KnownItems = map[string]bool{"Tax Preparation": true}
			},
			entries: []TimeEntry{
				te(1, 100, "Advisory", "2026-10-05", "1"),
				te(2, 100, "Tax Prep", "2026-10-05", "1"),
				te(3, 101, "Advisory", "2026-10-05", "1"),
			},
			lines: []lineSum{
				{acme, LineHourly, "acme-2026", "Tax Prep", "Tax Preparation", "1.00", "195.00", "195.00", []int64{2}, false},
			},
			problems: []probSum{
				{ExItemUnmapped, "acme-2026", "Acme Corp", []int64{1}, true},
				{ExItemUnmapped, "acme-ff", "Acme Corp", []int64{3}, true},
			},
		},
		{
			name: "fixed fee absorbs the cycle's time",
			entries: []TimeEntry{
				te(1, 101, "Tax Prep", "2026-10-03", "2"),
				te(2, 101, "Review", "2026-10-30", "3"),
			},
			lines: []lineSum{
				{acme, LineFixed, "acme-ff", "", "Fixed fee", "1.00", "1500.00", "1500.00", []int64{1, 2}, false},
			},
			problems: []probSum{{ExFixedFeeTime, "acme-ff", "Acme Corp", []int64{1, 2}, false}},
		},
		{
			name:  "ended fixed-fee engagement: late time at no charge, no fee",
			input: func(in *Input) { in.Engagements[1].EndsOn = MustDate("2026-09-30") },
			entries: []TimeEntry{
				te(1, 101, "Tax Prep", "2026-09-29", "2", approvedAt("2026-10-05T15:00:00Z")),
			},
			lines: []lineSum{
				{acme, LineFixed, "acme-ff", "", "Fixed fee", "1.00", "0.00", "0.00", []int64{1}, true},
			},
			problems: []probSum{{ExFixedFeeTime, "acme-ff", "Acme Corp", []int64{1}, false}},
		},
		{
			name: "mixed: weekly fee plus hourly time",
			input: func(in *Input) {
				in.PeriodEnd, in.Today = MustDate("2026-10-25"), MustDate("2026-10-26")
			},
			entries: []TimeEntry{
				te(1, 301, "Audit", "2026-10-20", "2"),
				te(2, 301, "Audit", "2026-10-26", "1"),      // next week
				te(3, 300, "Consulting", "2026-10-20", "1"), // monthly: not closing
			},
			lines: []lineSum{
				{"hooli/2026-10-25", LineFixed, "hooli-mixed", "", "Fixed fee", "1.00", "500.00", "500.00", nil, false},
				{"hooli/2026-10-25", LineHourly, "hooli-mixed", "Audit", "Audit", "2.00", "210.00", "420.00", []int64{1}, false},
			},
			pending: []int64{2, 3},
		},
		{
			name: "retainer: credit nets the time, 80 % crossed drafts the next block",
			input: func(in *Input) {
				in.Retainers = map[string]RetainerUsage{"globex-ret": {BlockHours: hrs("40"), UsedHours: hrs("30"), Blocks: 1}}
			},
			entries: []TimeEntry{
				te(4, 200, "Advice", "2026-10-31", "0.5"),
				te(1, 200, "Advice", "2026-10-01", "2"),
				te(2, 200, "Advice", "2026-10-02", "1.5"),
				te(3, 200, "Advice", "2026-10-10", "5"),
			},
			lines: []lineSum{
				acmeFee,
				{"globex/2026-10-31", LineHourly, "globex-ret", "Advice", "Advice", "9.00", "195.00", "1755.00", []int64{1, 2, 3, 4}, false},
				{"globex/2026-10-31", LineRetainerCredit, "globex-ret", "", "Retainer", "1.00", "-1755.00", "-1755.00", nil, false},
				{"globex/retainer/globex-ret/block-2", LineRetainerBlock, "globex-ret", "", "Retainer", "1.00", "7800.00", "7800.00", nil, false},
			},
			problems: []probSum{{ExRetainerThreshold, "globex-ret", "Globex", []int64{1, 2, 3, 4}, false}},
		},
		{
			name: "retainer exhausted: the first entry that does not fit and later ones are held",
			input: func(in *Input) {
				in.Retainers = map[string]RetainerUsage{"globex-ret": {BlockHours: hrs("40"), UsedHours: hrs("36"), Blocks: 1}}
			},
			entries: []TimeEntry{
				te(1, 200, "Advice", "2026-10-01", "2"),
				te(2, 200, "Advice", "2026-10-02", "3"),
				te(3, 200, "Advice", "2026-10-03", "0.5"),
			},
			lines: []lineSum{
				acmeFee,
				{"globex/2026-10-31", LineHourly, "globex-ret", "Advice", "Advice", "2.00", "195.00", "390.00", []int64{1}, false},
				{"globex/2026-10-31", LineRetainerCredit, "globex-ret", "", "Retainer", "1.00", "-390.00", "-390.00", nil, false},
			},
			problems: []probSum{{ExRetainerExhausted, "globex-ret", "Globex", []int64{2, 3}, true}},
		},
		{
			name: "late approvals go on their own lines",
			entries: []TimeEntry{
				te(1, 100, "Tax Prep", "2026-09-20", "1", approvedAt("2026-10-05T15:00:00Z")),
				te(2, 100, "Tax Prep", "2026-10-10", "2"),
			},
			lines: []lineSum{
				{acme, LineHourly, "acme-2026", "Tax Prep", "Tax Preparation", "2.00", "195.00", "390.00", []int64{2}, false},
				{acme, LineHourly, "acme-2026", "Tax Prep", "Tax Preparation", "1.00", "195.00", "195.00", []int64{1}, true},
				acmeFee,
			},
			note: "Late approvals: 1 entry (1.00 h) spent before this cycle, approved after their own cycle closed, are on lines marked late.",
		},
		{
			name: "later cycles stay pending",
			entries: []TimeEntry{
				te(1, 100, "Tax Prep", "2026-11-01", "1"),
				te(2, 301, "Audit", "2026-10-20", "1"), // weekly: Saturday 31 closes nothing
			},
			lines:   []lineSum{acmeFee},
			pending: []int64{1, 2},
		},
		{
			name: "assess only: everything eligible is pending",
			input: func(in *Input) {
				in.PeriodEnd, in.Today = Date{}, MustDate("2026-10-10")
			},
			entries: []TimeEntry{
				te(1, 100, "Tax Prep", "2026-10-05", "1"),
				te(2, 101, "Tax Prep", "2026-10-06", "1"),
				te(3, 999, "Tax Prep", "2026-10-06", "1", func(e *TimeEntry) { e.Client = "Wayne Ent" }),
			},
			problems: []probSum{
				{ExFixedFeeTime, "acme-ff", "Acme Corp", []int64{2}, false},
				{ExOrphaned, "", "Wayne Ent", []int64{3}, true},
			},
			pending: []int64{1, 2},
		},
		{
			name: "assess: late approval judged in the firm's zone",
			input: func(in *Input) {
				in.PeriodEnd, in.Today = Date{}, MustDate("2026-10-10")
			},
			entries: []TimeEntry{
				// 03:00Z is 22:00 on 30 September in the firm's zone: on time.
				te(1, 100, "Tax Prep", "2026-09-20", "1", approvedAt("2026-10-01T03:00:00Z")),
				// 06:00Z is 01:00 on 1 October: after the cycle closed.
				te(2, 100, "Tax Prep", "2026-09-21", "1", approvedAt("2026-10-01T06:00:00Z")),
				// Its cycle is still open.
				te(3, 100, "Tax Prep", "2026-10-02", "1", approvedAt("2026-10-09T06:00:00Z")),
			},
			problems: []probSum{{ExLateApproval, "acme-2026", "Acme Corp", []int64{2}, false}},
			pending:  []int64{1, 2, 3},
		},
		{
			name: "assess: retainer exhaustion is known before the cycle closes",
			input: func(in *Input) {
				in.PeriodEnd, in.Today = Date{}, MustDate("2026-10-10")
				in.Retainers = map[string]RetainerUsage{"globex-ret": {BlockHours: hrs("40"), UsedHours: hrs("36"), Blocks: 1}}
			},
			entries: []TimeEntry{
				te(1, 200, "Advice", "2026-10-01", "2"),
				te(2, 200, "Advice", "2026-10-02", "3"),
			},
			problems: []probSum{{ExRetainerExhausted, "globex-ret", "Globex", []int64{2}, true}},
			pending:  []int64{1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := testInput(tc.entries...)
			if tc.input != nil {
				tc.input(&in)
			}
			r := Assess(in)
			opts := cmpopts.EquateEmpty()
			if diff := cmp.Diff(tc.lines, lineSums(r), opts); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.problems, probSums(r), opts); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.pending, r.Pending, opts); diff != "" {
				t.Errorf("pending (-want +got):\n%s", diff)
			}
			if tc.note != "" && !hasNote(r, tc.note) {
				t.Errorf("no invoice carries note %q; notes: %q", tc.note, allNotes(r))
			}
			checkInvariants(t, in.Entries, r)
			if diff := cmp.Diff(r, Assess(in)); diff != "" {
				t.Errorf("second run differs:\n%s", diff)
			}
		})
	}
}

func hasNote(r Result, note string) bool { return slices.Contains(allNotes(r), note) }

func allNotes(r Result) []string {
	var out []string
	for _, inv := range r.Invoices {
		out = append(out, inv.Notes...)
	}
	return out
}
