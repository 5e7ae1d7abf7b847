package billing

import (
	"errors"
	"strings"
	"testing"
)

// TestExceptionTexts: what a manager reads for an exception names what to
// fix. The no-rate exception names every source RateFor draws a rate from,
// person > staff level > task > "*", not the task rates alone.
func TestExceptionTexts(t *testing.T) {
	t.Parallel()
	noRate := func() Problem {
		r := Assess(testInput(te(1, 301, "Tax", "2026-10-20", "1")))
		for _, p := range r.Problems {
			if p.Code == ExNoRate {
				return p
			}
		}
		t.Fatalf("no %s problem in %+v", ExNoRate, r.Problems)
		return Problem{}
	}
	qb, xero := LedgerNamed(""), LedgerNamed("Xero")
	for _, tc := range []struct {
		name     string
		p        Problem
		code     ExceptionCode
		msg, fix []string // each must appear
	}{
		{name: "no rate", p: noRate(), code: ExNoRate,
			msg: []string{"hooli-mixed", `"Tax"`, "person rate", "staff level rate", "task rate", `"*" default`, "1 entry"},
			fix: []string{"person_rates", "level_rates", `"Tax"`, `"*"`, "rates", "hooli-mixed"}},
		{name: "total mismatch", p: TotalMismatch(qb, "acme/2026-10-31", "Acme Corp", TotalMismatchNote(qb, "USD", 100000, 99999)), code: ExTotalMismatch,
			msg: []string{"acme/2026-10-31", "Acme Corp", "QBO total USD 1,000.00 differs from billbot's USD 999.99"}, fix: []string{"Edit", "correct it in QBO"}},
		{name: "customer unmatched", p: CustomerUnmatched(qb, "Acme Corp", errors.New("two customers match")), code: ExClientUnmapped,
			msg: []string{`"Acme Corp"`, "two customers match"}, fix: []string{"customer in QuickBooks", "qbo_customer_id"}},
		{name: "customer currency", p: CustomerCurrency(qb, "Acme Corp", errors.New("customer is in CAD")), code: ExCurrencyMismatch,
			msg: []string{"customer is in CAD"}, fix: []string{"qbo_customer_id"}},
		{name: "changed after billing", p: ChangedAfterBilling(qb, "Toggl Track", []int64{4, 7}), code: ExChangedAfterBill,
			msg: []string{"2 time entries", "in Toggl Track after billbot billed them"}, fix: []string{"credit", "in QBO"}},
		// A Xero firm's texts speak of Xero and the key its file uses.
		{name: "total mismatch, Xero", p: TotalMismatch(xero, "acme/2026-10-31", "Acme Corp", TotalMismatchNote(xero, "USD", 100000, 99999)), code: ExTotalMismatch,
			msg: []string{"Xero total USD 1,000.00 differs"}, fix: []string{"correct it in Xero"}},
		{name: "customer unmatched, Xero", p: CustomerUnmatched(xero, "Acme Corp", errors.New("two contacts match")), code: ExClientUnmapped,
			msg: []string{"two contacts match"}, fix: []string{"contact in Xero", "ledger_customer_id"}},
		{name: "customer currency, Xero", p: CustomerCurrency(xero, "Acme Corp", errors.New("contact defaults to CAD")), code: ExCurrencyMismatch,
			msg: []string{"contact defaults to CAD"}, fix: []string{"Xero contact's default currency", "ledger_customer_id"}},
		{name: "changed after billing, Xero", p: ChangedAfterBilling(xero, "Harvest", []int64{4}), code: ExChangedAfterBill,
			msg: []string{"in Harvest after billbot billed them"}, fix: []string{"in Xero"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.p.Code != tc.code {
				t.Errorf("code %s, want %s", tc.p.Code, tc.code)
			}
			for _, s := range tc.msg {
				if !strings.Contains(tc.p.Message, s) {
					t.Errorf("message %q lacks %q", tc.p.Message, s)
				}
			}
			for _, s := range tc.fix {
				if !strings.Contains(tc.p.Fix, s) {
					t.Errorf("fix %q lacks %q", tc.p.Fix, s)
				}
			}
			if text := tc.p.Message + tc.p.Fix; strings.HasSuffix(tc.name, "Xero") && (strings.Contains(text, "QBO") || strings.Contains(text, "QuickBooks")) {
				t.Errorf("a Xero firm's text names QuickBooks: %q %q", tc.p.Message, tc.p.Fix)
			}
		})
	}
}

// TestDescribeNamesTheTimeSource: an orphaned entry's message and fix
// name the firm's time source and the key its file uses.
func TestDescribeNamesTheTimeSource(t *testing.T) {
	for _, tc := range []struct {
		source, key string
		want        []string
	}{
		{"", "", []string{"on Harvest project", "harvest_project_id 999", "move the time in Harvest"}},
		{"Toggl Track", "source_project_id", []string{"on Toggl Track project", "source_project_id 999", "move the time in Toggl Track"}},
	} {
		f := testFirm()
		f.TimeSource, f.ProjectKey = tc.source, tc.key
		entries := []TimeEntry{{ID: 1, Source: "x", ExternalID: "1", ProjectID: 999, Project: "Side work", Client: "Acme Corp", Task: "Tax",
			SpentDate: MustDate("2026-10-05"), Hours: 10000, Currency: "USD", Billable: true, Approved: true}}
		a := Assess(Input{Firm: f, Clients: testClients(), Engagements: testEngagements(), Entries: entries, Today: MustDate("2026-11-02")})
		var text string
		for _, p := range a.Problems {
			if p.Code == ExOrphaned {
				text = p.Message + " " + p.Fix
			}
		}
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("source %q: %q lacks %q", tc.source, text, w)
			}
		}
	}
}

// TestDescribeNamesTheLedger: a client or task the ledger lacks is
// described in the firm's ledger's words, with the key its file uses.
func TestDescribeNamesTheLedger(t *testing.T) {
	for _, tc := range []struct {
		ledger    string
		want, not []string
	}{
		{"", []string{"has no QuickBooks customer", "its qbo_customer_id", "create the QuickBooks customer", "has no QuickBooks item", "create the item in QuickBooks"}, nil},
		{"Xero", []string{"has no Xero contact", "its ledger_customer_id", "create the Xero contact", "has no Xero item", "create the item in Xero"}, []string{"QuickBooks", "qbo_customer_id"}},
	} {
		f := testFirm()
		f.Ledger = tc.ledger
		clients := testClients()
		for i := range clients {
			clients[i].LedgerCustomerID = ""
		}
		in := testInput(te(1, 301, "Tax", "2026-10-20", "1"))
		in.Firm, in.Clients = f, clients
		r := Assess(in)
		var text string
		for _, p := range r.Problems {
			if p.Code == ExClientUnmapped {
				text += p.Message + " " + p.Fix + " "
			}
		}
		x := &engine{in: &in}
		msg, fix := x.describe(&probAcc{key: probKey{code: ExItemUnmapped, eng: "acme-tax", task: "Tax"}, detail: "no task_items entry", ids: []int64{1}})
		text += msg + " " + fix
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("ledger %q: %q lacks %q", tc.ledger, text, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(text, w) {
				t.Errorf("ledger %q: %q names %q", tc.ledger, text, w)
			}
		}
	}
}
