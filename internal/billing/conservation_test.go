package billing

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/money"
)

// randomInput builds a reproducible firm with every awkward case mixed in:
// all kinds and cycles, ended and overlapping letters, CSV rows without
// project ids, unmapped clients and items, rate changes, late approvals,
// retainers near exhaustion, foreign currencies.
func randomInput(seed uint64, nEntries int) Input {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pick := func(n int) int { return rng.IntN(n) }
	chance := func(p float64) bool { return rng.Float64() < p }
	curs := []money.Currency{"USD", "USD", "USD", "EUR", "JPY"}
	var clients []Client
	for i := range 30 {
		c := Client{Name: fmt.Sprintf("Client %02d", i), Currency: curs[pick(len(curs))], LedgerCustomerID: fmt.Sprint(100 + i)}
		if chance(0.1) {
			c.LedgerCustomerID = ""
		}
		clients = append(clients, c)
	}
	kinds := []Kind{Hourly, Hourly, FixedFee, Retainer, Mixed}
	cycles := []CycleKind{Weekly, Biweekly, Semimonthly, Monthly, Monthly}
	tasks := []string{"Tax Prep", "Bookkeeping", "Advisory", "Audit", "Payroll"}
	base := MustDate("2026-01-01")
	var engs []Engagement
	for i := range 80 {
		cl := clients[pick(len(clients))]
		if i >= 5 && chance(0.1) { // a later letter on the same project
			prev := engs[pick(len(engs))]
			cl = clients[slices.IndexFunc(clients, func(c Client) bool { return c.Name == prev.Client })]
		}
		e := Engagement{
			Key: fmt.Sprintf("eng-%02d", i), Client: cl.Name, SourceProjectID: int64(1000 + i),
			Kind: kinds[pick(len(kinds))], Cycle: cycles[pick(len(cycles))], TermsDays: []int{0, 15, 30}[pick(3)],
			StartsOn: base.AddDays(pick(200) - 100), Partner: fmt.Sprintf("UP%d", pick(4)), Manager: fmt.Sprintf("UM%d", pick(4)),
			Rates: map[string]money.Amount{}, TaskItems: map[string]string{},
		}
		if chance(0.3) {
			e.EndsOn = e.StartsOn.AddDays(60 + pick(300))
		}
		if chance(0.1) && len(engs) > 0 {
			e.SourceProjectID = engs[pick(len(engs))].SourceProjectID
		}
		unit := cl.Currency.MinorPerMajor()
		if chance(0.85) {
			e.Rates[DefaultRateKey] = money.Amount(int64(100+pick(200)) * unit)
		}
		for _, task := range tasks {
			if chance(0.3) {
				e.Rates[task] = money.Amount(int64(50+pick(250))*unit + int64(pick(int(unit))))
			}
			if chance(0.3) {
				e.TaskItems[task] = task + " item"
			}
		}
		if chance(0.3) {
			e.DiscountPercent = money.Percent(pick(20) * money.PercentScale)
		}
		if e.Kind == FixedFee || e.Kind == Mixed {
			e.FixedFee = money.Amount(int64(500+pick(3000)) * unit)
		}
		if e.Kind == Retainer && chance(0.9) {
			e.Retainer = &RetainerTerms{Hours: money.Hours(int64(20+pick(60)) * money.HoursScale), Amount: money.Amount(int64(4000+pick(8000)) * unit)}
		}
		engs = append(engs, e)
	}
	retainers := map[string]RetainerUsage{}
	for _, e := range engs {
		if e.Retainer != nil && chance(0.7) {
			b := e.Retainer.Hours
			retainers[e.Key] = RetainerUsage{BlockHours: b, UsedHours: b - money.Hours(pick(int(b)/2+1)), Blocks: 1 + pick(3)}
		}
	}
	var known map[string]bool
	if chance(0.5) {
		known = map[string]bool{"Fixed fee": true, "Retainer": chance(0.8)}
		for _, task := range tasks {
			known[task] = chance(0.5)
			known[task+" item"] = chance(0.8)
		}
		known["Services"] = chance(0.5)
	}
	loc := time.FixedZone("firm", -pick(10)*3600)
	periodEnd := MustDate("2026-06-30")
	entries := make([]TimeEntry, nEntries)
	for i := range entries {
		e := engs[pick(len(engs))]
		cl := clients[slices.IndexFunc(clients, func(c Client) bool { return c.Name == e.Client })]
		spent := periodEnd.AddDays(20 - pick(120))
		t := TimeEntry{
			ID: int64(i + 1), Source: "harvest", ProjectID: e.SourceProjectID, Client: cl.Name,
			Task: tasks[pick(len(tasks))], SpentDate: spent, Hours: money.Hours(int64(1+pick(800)) * 100),
			Currency: cl.Currency, Billable: chance(0.93), Running: chance(0.02), Approved: chance(0.88),
			BilledElsewhere: chance(0.02),
		}
		switch {
		case chance(0.03):
			t.ProjectID = int64(9000 + pick(5)) // unknown project
		case chance(0.05):
			t.ProjectID = 0 // CSV row
			t.Client = "  " + cl.Name + " "
		}
		if chance(0.03) {
			t.Currency = curs[pick(len(curs))]
		}
		if r, ok := e.Rates[t.Task]; ok && chance(0.9) {
			t.Rate = r
		} else if chance(0.5) {
			t.Rate = money.Amount(int64(pick(300)) * cl.Currency.MinorPerMajor())
		}
		if t.Approved {
			t.ApprovedAt = spent.AddDays(pick(40)).Time(loc).Add(time.Duration(pick(24)) * time.Hour)
		}
		if chance(0.01) {
			t.Hours = 0
		}
		entries[i] = t
	}
	return Input{
		Firm:        Firm{Name: "Random", Location: loc, HomeCurrency: "USD", DefaultItem: "Services", UnapprovedAlertDays: 7},
		Clients:     clients,
		Engagements: engs,
		Entries:     entries,
		Retainers:   retainers,
		KnownItems:  known,
		Today:       periodEnd.AddDays(1),
		PeriodEnd:   periodEnd,
	}
}

func TestConservationProperty(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			t.Parallel()
			in := randomInput(seed, 12000)
			for _, end := range []Date{MustDate("2026-06-30"), MustDate("2026-06-14"), MustDate("2026-06-15"), {}} {
				in.PeriodEnd = end
				r := Assess(in)
				checkInvariants(t, in.Entries, r)
				if !end.IsZero() && len(r.Invoices) == 0 {
					t.Errorf("period end %s: no invoices from %d entries", end, len(in.Entries))
				}
				if t.Failed() {
					t.Fatalf("period end %s failed", end)
				}
			}
			in.PeriodEnd = MustDate("2026-06-30")
			var ids []int64
			for i := 0; i < len(in.Entries); i += 7 {
				ids = append(ids, in.Entries[i].ID)
			}
			r := Supplemental(in, ids)
			var subset []TimeEntry
			for i := 0; i < len(in.Entries); i += 7 {
				subset = append(subset, in.Entries[i])
			}
			checkInvariants(t, subset, r)
		})
	}
}

// TestRandomInputReproducible guards the property test's reproducibility:
// the same seed gives the same firm and the same result.
func TestRandomInputReproducible(t *testing.T) {
	t.Parallel()
	a, b := Assess(randomInput(42, 500)), Assess(randomInput(42, 500))
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different results:\n%s", diff)
	}
}

func TestCheckConservationFindsBreaks(t *testing.T) {
	t.Parallel()
	entries := []TimeEntry{
		te(1, 100, "Tax Prep", "2026-10-02", "1"),
		te(2, 100, "Tax Prep", "2026-10-03", "1"),
		te(3, 100, "Tax Prep", "2026-10-04", "1", unapproved),
	}
	good := Result{
		Invoices: []Invoice{{Lines: []Line{{EntryIDs: []int64{1}}}}},
		Problems: []Problem{{Code: ExNoRate, EntryIDs: []int64{2}, Holds: true}, {Code: ExUnapproved, EntryIDs: []int64{3}}},
	}
	if err := CheckConservation(entries, good); err != nil {
		t.Fatalf("good result: %v", err)
	}
	tests := []struct {
		name string
		r    Result
		want ConservationError
	}{
		{"missing", Result{Invoices: good.Invoices}, ConservationError{Missing: []int64{2}}},
		{"informational problems hold nothing", Result{Invoices: good.Invoices, Problems: []Problem{{EntryIDs: []int64{2}}}},
			ConservationError{Missing: []int64{2}}},
		{"duplicated", Result{Invoices: good.Invoices, Problems: good.Problems, Pending: []int64{1}}, ConservationError{Duplicated: []int64{1}}},
		{"ineligible on a line", Result{Invoices: []Invoice{{Lines: []Line{{EntryIDs: []int64{1, 3}}}}}, Pending: []int64{2}},
			ConservationError{Ineligible: []int64{3}}},
		{"unknown", Result{Invoices: good.Invoices, Pending: []int64{2, 7}}, ConservationError{Unknown: []int64{7}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := CheckConservation(entries, tc.r)
			var ce *ConservationError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *ConservationError", err)
			}
			if diff := cmp.Diff(tc.want, *ce); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if err.Error() == "" {
				t.Error("empty message")
			}
		})
	}
}
