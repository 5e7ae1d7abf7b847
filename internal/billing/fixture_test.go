package billing

import (
	"slices"
	"strings"
	"testing"
	"time"

	"billbot/internal/money"
)

// est is a fixed-offset firm zone, so late-approval tests need no tzdata.
var est = time.FixedZone("EST", -5*3600)

func usd(s string) money.Amount { return money.MustParse(s, "USD") }
func hrs(s string) money.Hours  { return money.MustHours(s) }

func testFirm() Firm {
	return Firm{Name: "Example CPA", Location: est, HomeCurrency: "USD", DefaultItem: "Services", UnapprovedAlertDays: 7}
}

func testClients() []Client {
	return []Client{
		{Name: "Acme Corp", SourceClientID: 1, LedgerCustomerID: "58", Currency: "USD"},
		{Name: "Globex", SourceClientID: 2, LedgerCustomerID: "59", Currency: "USD"},
		{Name: "Hooli", SourceClientID: 3, LedgerCustomerID: "60", Currency: "USD"},
		{Name: "Initech", SourceClientID: 4, Currency: "USD"}, // no QBO customer yet
		{Name: "Euro GmbH", SourceClientID: 5, LedgerCustomerID: "61", Currency: "EUR"},
	}
}

func testEngagements() []Engagement {
	year := func(e Engagement) Engagement {
		e.StartsOn, e.EndsOn = MustDate("2026-01-01"), MustDate("2026-12-31")
		if e.Cycle == "" {
			e.Cycle = Monthly
		}
		if e.TermsDays == 0 {
			e.TermsDays = 30
		}
		return e
	}
	return []Engagement{
		year(Engagement{Key: "acme-2026", Client: "Acme Corp", SourceProjectID: 100, Kind: Hourly, Partner: "UP1", Manager: "UM1",
			Rates:     map[string]money.Amount{"*": usd("195.00"), "Bookkeeping": usd("95.00")},
			TaskItems: map[string]string{"Tax Prep": "Tax Preparation"}}),
		year(Engagement{Key: "acme-ff", Client: "Acme Corp", SourceProjectID: 101, Kind: FixedFee, Partner: "UP2", Manager: "UM1",
			TermsDays: 15, FixedFee: usd("1500.00")}),
		year(Engagement{Key: "globex-ret", Client: "Globex", SourceProjectID: 200, Kind: Retainer, Partner: "UP1", Manager: "UM2",
			Rates: map[string]money.Amount{"*": usd("195.00")}, Retainer: &RetainerTerms{Hours: hrs("40"), Amount: usd("7800.00")}}),
		year(Engagement{Key: "hooli", Client: "Hooli", SourceProjectID: 300, Kind: Hourly, Partner: "UP3", Manager: "UM3",
			Rates: map[string]money.Amount{"*": usd("187.50")}, DiscountPercent: money.Percent(10 * money.PercentScale)}),
		year(Engagement{Key: "hooli-mixed", Client: "Hooli", SourceProjectID: 301, Kind: Mixed, Partner: "UP3", Manager: "UM3",
			Cycle: Weekly, FixedFee: usd("500.00"), Rates: map[string]money.Amount{"Audit": usd("210.00")}}),
		year(Engagement{Key: "initech", Client: "Initech", SourceProjectID: 400, Kind: Hourly,
			Rates: map[string]money.Amount{"*": usd("150.00")}}),
		year(Engagement{Key: "euro", Client: "Euro GmbH", SourceProjectID: 500, Kind: Hourly, Partner: "UP1",
			Rates: map[string]money.Amount{"*": money.MustParse("160.00", "EUR")}}),
	}
}

// testInput drafts October 2026 on November 1st.
func testInput(entries ...TimeEntry) Input {
	return Input{
		Firm:        testFirm(),
		Clients:     testClients(),
		Engagements: testEngagements(),
		Entries:     entries,
		Today:       MustDate("2026-11-01"),
		PeriodEnd:   MustDate("2026-10-31"),
	}
}

// te builds an approved, billable entry in USD, approved the day after it
// was spent (on time).
func te(id, project int64, task, spent, hours string, mods ...func(*TimeEntry)) TimeEntry {
	d := MustDate(spent)
	e := TimeEntry{
		ID: id, Source: "harvest", ProjectID: project, Task: task, SpentDate: d,
		Hours: hrs(hours), Currency: "USD", Billable: true, Approved: true,
		ApprovedAt: d.AddDays(1).Time(est).Add(10 * time.Hour),
	}
	for _, m := range mods {
		m(&e)
	}
	return e
}

func rate(s string) func(*TimeEntry) { return func(e *TimeEntry) { e.Rate = usd(s) } }
func currency(c string) func(*TimeEntry) {
	return func(e *TimeEntry) { e.Currency = money.Currency(c) }
}
func unapproved(e *TimeEntry) { e.Approved, e.ApprovedAt = false, time.Time{} }
func csv(client string) func(*TimeEntry) {
	return func(e *TimeEntry) { e.ProjectID, e.Client = 0, client }
}
func approvedAt(s string) func(*TimeEntry) { return func(e *TimeEntry) { e.ApprovedAt = mustTime(s) } }

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// lineSum is the part of a line the rule tests compare.
type lineSum struct {
	Invoice    string
	Kind       LineKind
	Engagement string
	Task       string
	Item       string
	Qty        string
	UnitPrice  string
	Amount     string
	EntryIDs   []int64
	Late       bool
}

// probSum is the part of a problem the rule tests compare.
type probSum struct {
	Code       ExceptionCode
	Engagement string
	Client     string
	EntryIDs   []int64
	Holds      bool
}

func lineSums(r Result) []lineSum {
	var out []lineSum
	for _, inv := range r.Invoices {
		for _, l := range inv.Lines {
			out = append(out, lineSum{inv.Key, l.Kind, l.Engagement, l.Task, l.Item, l.Qty.String(),
				l.UnitPrice.Format(inv.Currency), l.Amount.Format(inv.Currency), l.EntryIDs, l.Late})
		}
	}
	return out
}

func probSums(r Result) []probSum {
	var out []probSum
	for _, p := range r.Problems {
		out = append(out, probSum{p.Code, p.Engagement, p.Client, p.EntryIDs, p.Holds})
	}
	return out
}

// checkInvariants asserts what holds for every Result: conservation, line
// and invoice arithmetic, sorted ids, complete problems, no entry both on a
// line and held.
func checkInvariants(t *testing.T, entries []TimeEntry, r Result) {
	t.Helper()
	if err := CheckConservation(entries, r); err != nil {
		t.Errorf("conservation: %v", err)
	}
	onLine := map[int64]bool{}
	for _, inv := range r.Invoices {
		var sum money.Amount
		for _, l := range inv.Lines {
			if l.Amount != money.LineAmount(l.Qty, l.UnitPrice) {
				t.Errorf("%s: line %q Amount %d != LineAmount(%s, %d)", inv.Key, l.Description, l.Amount, l.Qty, l.UnitPrice)
			}
			if !slices.IsSorted(l.EntryIDs) {
				t.Errorf("%s: line %q EntryIDs not ascending", inv.Key, l.Description)
			}
			for _, id := range l.EntryIDs {
				onLine[id] = true
			}
			sum += l.Amount
		}
		if inv.Total != sum || inv.Total != inv.Subtotal+inv.Discount+inv.Credit {
			t.Errorf("%s: Total %d, lines sum %d, Subtotal+Discount+Credit %d", inv.Key, inv.Total, sum, inv.Subtotal+inv.Discount+inv.Credit)
		}
		if inv.Total < 0 {
			t.Errorf("%s: negative total %d", inv.Key, inv.Total)
		}
		if len(inv.Lines) == 0 {
			t.Errorf("%s: invoice without lines", inv.Key)
		}
	}
	for _, p := range r.Problems {
		if p.Message == "" || p.Fix == "" || p.Code == "" {
			t.Errorf("incomplete problem %+v", p)
		}
		if p.Engagement != "" && !strings.Contains(p.Message, p.Engagement) {
			t.Errorf("%s message %q does not name engagement %s", p.Code, p.Message, p.Engagement)
		}
		if !slices.IsSorted(p.EntryIDs) {
			t.Errorf("%s: EntryIDs not ascending", p.Code)
		}
		if p.Holds {
			for _, id := range p.EntryIDs {
				if onLine[id] {
					t.Errorf("entry %d is on a line and held by %s", id, p.Code)
				}
			}
		}
	}
	if !slices.IsSorted(r.Pending) {
		t.Errorf("Pending not ascending")
	}
}
