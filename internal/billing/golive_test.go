package billing

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"billbot/internal/money"
)

func TestBillFrom(t *testing.T) {
	t.Parallel()
	d := MustDate
	tests := []struct {
		goLive, billFrom, want Date
	}{
		{Date{}, Date{}, Date{}},
		{d("2026-11-01"), Date{}, d("2026-11-01")},
		{Date{}, d("2026-12-01"), d("2026-12-01")},
		{d("2026-11-01"), d("2026-12-01"), d("2026-12-01")},
		{d("2026-11-01"), d("2026-10-01"), d("2026-11-01")},
	}
	for _, tc := range tests {
		if got := BillFrom(&Firm{GoLive: tc.goLive}, &Engagement{BillFrom: tc.billFrom}); got != tc.want {
			t.Errorf("BillFrom(go_live %s, bill_from %s) = %s, want %s", tc.goLive, tc.billFrom, got, tc.want)
		}
	}
}

// TestRateForPrecedence pins the order person id > person name > level >
// task > "*".
func TestRateForPrecedence(t *testing.T) {
	t.Parallel()
	roster := NewRoster([]Staff{
		{SourceUserID: 1, Name: "Jane Doe", Level: "senior"},
		{SourceUserID: 2, Name: "Raj Patel", Level: "partner"},
		{SourceUserID: 3, Name: "Kim Lee", Level: "staff"},
	})
	e := &Engagement{
		Rates:       map[string]money.Amount{"*": usd("100"), "Audit": usd("120")},
		PersonRates: map[string]money.Amount{"1": usd("250"), "Raj Patel": usd("300")},
		LevelRates:  map[string]money.Amount{"senior": usd("175"), "partner": usd("350"), "staff": usd("90")},
	}
	noStar := &Engagement{Rates: map[string]money.Amount{"Audit": usd("120")}}
	tests := []struct {
		name   string
		e      *Engagement
		id     int64
		user   string
		task   string
		want   money.Amount
		wantOK bool
	}{
		{"person by id beats everything", e, 1, "Jane Doe", "Audit", usd("250"), true},
		{"person by name", e, 2, "Raj Patel", "Audit", usd("300"), true},
		{"person by name, any case", e, 0, "raj patel", "Audit", usd("300"), true},
		{"level beats task", e, 3, "Kim Lee", "Audit", usd("90"), true},
		{"level by name without id (CSV)", e, 0, "KIM LEE", "Audit", usd("90"), true},
		{"task beats star", e, 9, "Someone", "Audit", usd("120"), true},
		{"star last", e, 9, "Someone", "Tax", usd("100"), true},
		{"no rate at all", noStar, 1, "Jane Doe", "Tax", 0, false},
		{"level without a level rate falls to task", &Engagement{Rates: map[string]money.Amount{"*": usd("100")}, LevelRates: map[string]money.Amount{"partner": usd("350")}}, 1, "Jane Doe", "Tax", usd("100"), true},
	}
	for _, tc := range tests {
		got, ok := RateFor(tc.e, roster, tc.id, tc.user, tc.task)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("%s: RateFor = %d, %t; want %d, %t", tc.name, got, ok, tc.want, tc.wantOK)
		}
	}
	if r, ok := RateFor(e, nil, 3, "Kim Lee", "Audit"); !ok || r != usd("120") {
		t.Errorf("nil roster: RateFor = %d, %t; want the task rate", r, ok)
	}
}

func user(id int64, name string) func(*TimeEntry) {
	return func(e *TimeEntry) { e.UserID, e.User = id, name }
}

// TestGoLiveRules covers the cut-over, the client modes, person and level
// rates in drafts and the rate check, and retainer hours used at
// onboarding.
func TestGoLiveRules(t *testing.T) {
	t.Parallel()
	const acme = "acme-corp/2026-10-31"
	goLive := func(d string) func(*Input) { return func(in *Input) { in.Firm.GoLive = MustDate(d) } }
	clientMode := func(name string, m Mode) func(*Input) {
		return func(in *Input) {
			for i := range in.Clients {
				if in.Clients[i].Name == name {
					in.Clients[i].Mode = m
				}
			}
		}
	}
	engagement := func(key string, f func(*Engagement)) func(*Input) {
		return func(in *Input) {
			for i := range in.Engagements {
				if in.Engagements[i].Key == key {
					f(&in.Engagements[i])
				}
			}
		}
	}
	all := func(fs ...func(*Input)) func(*Input) {
		return func(in *Input) {
			for _, f := range fs {
				f(in)
			}
		}
	}
	offAllBut := func(keep string) func(*Input) {
		return func(in *Input) {
			for i := range in.Clients {
				if in.Clients[i].Name != keep {
					in.Clients[i].Mode = ModeOff
				}
			}
		}
	}
	tests := []struct {
		name     string
		entries  []TimeEntry
		input    func(*Input)
		lines    []lineSum
		problems []probSum
		pending  []int64
		excluded []int64
	}{
		{
			name:  "before go_live: never billed, held or flagged",
			input: all(goLive("2026-10-15"), offAllBut("Acme Corp"), engagement("acme-ff", func(e *Engagement) { e.FixedFee = usd("1500.00") })),
			entries: []TimeEntry{
				te(1, 100, "Tax Prep", "2026-10-14", "2"),                                     // would be billed
				te(2, 100, "Tax Prep", "2026-10-14", "1", rate("999.00")),                     // would be a rate mismatch
				te(3, 9999, "Tax Prep", "2026-10-14", "1"),                                    // would be an orphan
				te(4, 100, "Tax Prep", "2026-08-01", "1", unapproved),                         // would be unapproved
				te(5, 100, "Tax Prep", "2026-10-01", "1", approvedAt("2026-11-20T15:00:00Z")), // late
				te(6, 100, "Tax Prep", "2026-10-15", "3"),                                     // on go_live: billed
			},
			lines: []lineSum{
				{acme, LineHourly, "acme-2026", "Tax Prep", "Tax Preparation", "3.00", "195.00", "585.00", []int64{6}, false},
				acmeFee,
			},
			excluded: []int64{1, 2, 3, 5},
		},
		{
			name:  "before an engagement's bill_from, after go_live",
			input: all(goLive("2026-10-01"), offAllBut("Acme Corp"), engagement("acme-2026", func(e *Engagement) { e.BillFrom = MustDate("2026-10-20") })),
			entries: []TimeEntry{
				te(1, 100, "Tax Prep", "2026-10-19", "2", rate("999.00")),
				te(2, 100, "Tax Prep", "2026-10-20", "1"),
				te(3, 101, "Audit", "2026-10-19", "1"), // acme-ff has no bill_from: covered by the fee
			},
			lines: []lineSum{
				{acme, LineHourly, "acme-2026", "Tax Prep", "Tax Preparation", "1.00", "195.00", "195.00", []int64{2}, false},
				{acme, LineFixed, "acme-ff", "", "Fixed fee", "1.00", "1500.00", "1500.00", []int64{3}, false},
			},
			problems: []probSum{{ExFixedFeeTime, "acme-ff", "Acme Corp", []int64{3}, false}},
			excluded: []int64{1},
		},
		{
			name:  "a fixed fee whose cycle ended before the cut-over is not billed",
			input: all(goLive("2026-11-01"), offAllBut("Acme Corp")),
		},
		{
			name:  "a client that is off: no exceptions, no draft",
			input: clientMode("Initech", ModeOff), // Initech has no QBO customer
			entries: []TimeEntry{
				te(1, 400, "Tax Prep", "2026-10-02", "1"),                                         // would be client_unmapped
				te(2, 9999, "Tax Prep", "2026-10-02", "1", func(e *TimeEntry) { e.ClientID = 4 }), // orphan of Initech
				te(3, 400, "Tax Prep", "2026-08-01", "1", unapproved),
				te(4, 0, "Tax Prep", "2026-10-02", "1", csv("initech")), // CSV row of Initech, no engagement match by date
			},
			lines:    []lineSum{acmeFee},
			excluded: []int64{1, 2, 4},
		},
		{
			name:     "a shadow client is left out of the live run",
			input:    all(offAllBut("Acme Corp"), clientMode("Acme Corp", ModeShadow)),
			entries:  []TimeEntry{te(1, 100, "Tax Prep", "2026-10-02", "1"), te(2, 100, "Tax Prep", "2026-10-03", "1", rate("1.00"))},
			excluded: []int64{1, 2},
		},
		{
			name:  "the shadow run drafts only shadow clients",
			input: all(clientMode("Hooli", ModeShadow), func(in *Input) { in.Mode = ModeShadow }),
			entries: []TimeEntry{
				te(1, 100, "Tax Prep", "2026-10-02", "1"),
				te(2, 300, "Audit", "2026-10-02", "2"),
				te(3, 9999, "Tax Prep", "2026-10-02", "1"), // orphan of an unknown client: the firm's mode (live)
			},
			lines: []lineSum{
				{"hooli/2026-10-31", LineHourly, "hooli", "Audit", "Audit", "2.00", "187.50", "375.00", []int64{2}, false},
				{"hooli/2026-10-31", LineDiscount, "hooli", "", "", "1.00", "-37.50", "-37.50", nil, false},
			},
			excluded: []int64{1, 3},
		},
		{
			name:     "a firm in shadow mode drafts nothing live",
			input:    func(in *Input) { in.Firm.Mode = ModeShadow },
			entries:  []TimeEntry{te(1, 100, "Tax Prep", "2026-10-02", "1"), te(2, 9999, "Tax Prep", "2026-10-02", "1")},
			excluded: []int64{1, 2},
		},
		{
			name: "person and level rates split a task's lines; the rate check uses them",
			input: all(offAllBut("Acme Corp"), func(in *Input) {
				in.Firm.Staff = []Staff{{SourceUserID: 7, Name: "Jane Doe", Level: "senior"}, {SourceUserID: 8, Name: "Raj Patel", Level: "partner"}}
			}, engagement("acme-2026", func(e *Engagement) {
				e.PersonRates = map[string]money.Amount{"Jane Doe": usd("250.00")}
				e.LevelRates = map[string]money.Amount{"partner": usd("350.00")}
			})),
			entries: []TimeEntry{
				te(1, 100, "Tax Prep", "2026-10-02", "1", user(7, "Jane Doe"), rate("250.00")),  // person rate, agrees
				te(2, 100, "Tax Prep", "2026-10-03", "2", user(8, "Raj Patel"), rate("195.00")), // level rate, Harvest differs
				te(3, 100, "Tax Prep", "2026-10-04", "1", user(9, "Kim Lee"), rate("195.00")),   // task rate, agrees
			},
			lines: []lineSum{
				{acme, LineHourly, "acme-2026", "Tax Prep", "Tax Preparation", "1.00", "195.00", "195.00", []int64{3}, false},
				{acme, LineHourly, "acme-2026", "Tax Prep", "Tax Preparation", "1.00", "250.00", "250.00", []int64{1}, false},
				{acme, LineHourly, "acme-2026", "Tax Prep", "Tax Preparation", "2.00", "350.00", "700.00", []int64{2}, false},
				acmeFee,
			},
			problems: []probSum{{ExRateMismatch, "acme-2026", "Acme Corp", []int64{2}, false}},
		},
		{
			name: "retainer hours used at onboarding reach the 80 % alert",
			input: all(offAllBut("Globex"), engagement("globex-ret", func(e *Engagement) { e.Retainer.UsedHours = hrs("30") }), func(in *Input) {
				in.PeriodEnd, in.Today = Date{}, MustDate("2026-10-10")
			}),
			entries:  []TimeEntry{te(1, 200, "Advice", "2026-10-01", "3")},
			problems: []probSum{{ExRetainerThreshold, "globex-ret", "Globex", []int64{1}, false}},
			pending:  []int64{1},
		},
		{
			name: "retainer hours used at onboarding exhaust the block",
			input: all(offAllBut("Globex"), engagement("globex-ret", func(e *Engagement) { e.Retainer.UsedHours = hrs("38") }), func(in *Input) {
				in.PeriodEnd, in.Today = Date{}, MustDate("2026-10-10")
			}),
			entries:  []TimeEntry{te(1, 200, "Advice", "2026-10-01", "1"), te(2, 200, "Advice", "2026-10-02", "2")},
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
			if diff := cmp.Diff(tc.excluded, r.Excluded, opts); diff != "" {
				t.Errorf("excluded (-want +got):\n%s", diff)
			}
			checkInvariants(t, in.Entries, r)
		})
	}
}

// goLiveVariant adds the going-live settings to a random firm, from its own
// generator so randomInput's sequence is unchanged: a go-live day, bill_from
// days, client modes, staff with levels, person and level rates, user ids
// and retainer hours used at onboarding.
func goLiveVariant(in *Input, seed uint64) {
	rng := rand.New(rand.NewPCG(seed^0x5bd1e995, seed))
	pick := func(n int) int { return rng.IntN(n) }
	chance := func(p float64) bool { return rng.Float64() < p }
	in.Firm.GoLive = MustDate("2026-03-01").AddDays(pick(90))
	if chance(0.2) {
		in.Firm.Mode = ModeShadow
	}
	modes := []Mode{"", ModeLive, ModeShadow, ModeOff}
	for i := range in.Clients {
		in.Clients[i].SourceClientID = int64(500 + i)
		if chance(0.4) {
			in.Clients[i].Mode = modes[pick(len(modes))]
		}
	}
	levels := []string{"staff", "senior", "manager", "partner"}
	for i := range 12 {
		in.Firm.Staff = append(in.Firm.Staff, Staff{SourceUserID: int64(70 + i), Name: fmt.Sprintf("Person %d", i), Level: levels[pick(len(levels))]})
	}
	for i := range in.Engagements {
		e := &in.Engagements[i]
		if chance(0.3) {
			e.BillFrom = MustDate("2026-02-01").AddDays(pick(150))
		}
		if chance(0.3) {
			e.PersonRates = map[string]money.Amount{fmt.Sprint(70 + pick(12)): money.Amount(10000 + pick(30000)), fmt.Sprintf("Person %d", pick(12)): money.Amount(pick(30000))}
		}
		if chance(0.3) {
			e.LevelRates = map[string]money.Amount{levels[pick(len(levels))]: money.Amount(10000 + pick(30000))}
		}
		if e.Retainer != nil && chance(0.5) {
			r := *e.Retainer
			r.UsedHours = money.Hours(pick(int(r.Hours) + 1))
			e.Retainer = &r
		}
	}
	for i := range in.Entries {
		t := &in.Entries[i]
		p := pick(14)
		if p < 12 {
			t.UserID, t.User = int64(70+p), fmt.Sprintf("Person %d", p)
			if chance(0.1) {
				t.UserID = 0 // a CSV row: matched by name
			}
		}
		if t.ProjectID == 0 || chance(0.5) {
			continue
		}
		for _, c := range in.Clients {
			if c.Name == t.Client {
				t.ClientID = c.SourceClientID
			}
		}
	}
}

// TestConservationPropertyGoLive runs the conservation property over random
// firms with the going-live settings, in live and shadow runs: every
// eligible entry is billed, held, pending or excluded exactly once, and
// nothing spent before its cut-over is billed or flagged.
func TestConservationPropertyGoLive(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			t.Parallel()
			in := randomInput(seed, 6000)
			goLiveVariant(&in, seed)
			spent := make(map[int64]Date, len(in.Entries))
			for _, e := range in.Entries {
				spent[e.ID] = e.SpentDate
			}
			var excluded, billed int
			for _, mode := range []Mode{ModeLive, ModeShadow} {
				for _, end := range []Date{MustDate("2026-06-30"), MustDate("2026-06-15"), {}} {
					in.Mode, in.PeriodEnd = mode, end
					r := Assess(in)
					checkInvariants(t, in.Entries, r)
					excluded, billed = excluded+len(r.Excluded), billed+len(r.Invoices)
					for _, p := range r.Problems {
						for _, id := range p.EntryIDs {
							if spent[id].Before(in.Firm.GoLive) {
								t.Errorf("%s run, period end %s: %s flags entry %d spent %s before go_live %s", mode, end, p.Code, id, spent[id], in.Firm.GoLive)
							}
						}
					}
					for _, inv := range r.Invoices {
						for _, l := range inv.Lines {
							for _, id := range l.EntryIDs {
								if spent[id].Before(in.Firm.GoLive) {
									t.Errorf("%s run: %s bills entry %d spent before go_live", mode, inv.Key, id)
								}
							}
						}
					}
					if t.Failed() {
						t.Fatalf("%s run, period end %s failed", mode, end)
					}
				}
			}
			if excluded == 0 || billed == 0 {
				t.Errorf("the variant is too tame: %d excluded entries, %d invoices", excluded, billed)
			}
		})
	}
}

func TestBeforeCutOver(t *testing.T) {
	t.Parallel()
	engs := testEngagements()
	engs[0].BillFrom = MustDate("2026-10-20") // acme-2026
	entries := []TimeEntry{
		te(1, 100, "Tax Prep", "2026-10-19", "2"),                                         // before acme's bill_from
		te(2, 100, "Tax Prep", "2026-10-20", "1"),                                         // on it
		te(3, 101, "Audit", "2026-10-09", "1.5"),                                          // before go_live
		te(4, 9999, "Audit", "2026-10-09", "0.5"),                                         // orphan, before go_live
		te(5, 300, "Audit", "2026-10-09", "4", func(e *TimeEntry) { e.Billable = false }), // not billable: not history
		te(6, 300, "Audit", "2026-10-10", "3", unapproved),                                // unapproved still counts
	}
	tests := []struct {
		name   string
		goLive Date
		want   History
	}{
		{"bill_from only", Date{}, History{Entries: 1, Hours: hrs("2")}},
		{"go_live and bill_from", MustDate("2026-10-15"), History{Entries: 4, Hours: hrs("7")}},
	}
	for _, tc := range tests {
		f := testFirm()
		f.GoLive = tc.goLive
		if got := BeforeCutOver(f, engs, entries); got != tc.want {
			t.Errorf("%s: BeforeCutOver = %+v, want %+v", tc.name, got, tc.want)
		}
	}
	if got := BeforeCutOver(testFirm(), testEngagements(), entries); got != (History{}) {
		t.Errorf("no cut-over: BeforeCutOver = %+v, want nothing", got)
	}
}
