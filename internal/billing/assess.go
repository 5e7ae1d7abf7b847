package billing

import (
	"slices"
	"strings"
	"time"

	"billbot/internal/money"
)

// Input is everything one assessment or draft run looks at.
type Input struct {
	Firm        Firm
	Clients     []Client
	Engagements []Engagement
	// Entries is every live entry not yet on an invoice or held, in any
	// state: ineligible ones feed the unapproved alert.
	Entries []TimeEntry
	// Retainers is the usage on file by engagement key. An engagement of
	// kind Retainer missing here starts from its letter's block, unused.
	Retainers map[string]RetainerUsage
	// KnownItems is the set of QBO item names (exact); nil skips the check.
	KnownItems map[string]bool
	// Today is the firm's today (DateIn(now, Firm.Location)).
	Today Date
	// PeriodEnd drafts the engagements whose cycle ends this day; zero
	// assesses only.
	PeriodEnd Date
	// Mode is which clients this run covers: ModeLive (the default, also
	// for "") or ModeShadow. A client's mode is Client.Mode, else
	// Firm.Mode; entries of clients of another mode (and of clients that
	// are off) are left out: not billed, held, pending or flagged. The
	// ledger's drafts are live runs; shadow runs only compare.
	Mode Mode
}

// Result is what a run proposes: draft invoices, exceptions and the entries
// left for later cycles.
type Result struct {
	// Invoices are the drafts, ordered by Key; empty when assessing only.
	Invoices []Invoice
	// Problems are the exceptions found, ordered by code, client, engagement.
	Problems []Problem
	// Pending lists, ascending, the eligible entries no invoice takes now:
	// spent after the cycle being drafted, of an engagement whose cycle does
	// not close on PeriodEnd, or (when assessing) every eligible entry that
	// no problem holds.
	Pending []int64
	// Retainers is the usage of every retainer engagement whose used hours
	// this run changes, by engagement key. When assessing it is a
	// projection; only a draft's figures become true once it is approved.
	Retainers map[string]RetainerUsage
	// Excluded lists, ascending, the eligible entries this run leaves out:
	// spent before the cut-over (BillFrom) or of a client this run does
	// not cover (Input.Mode). Nothing bills, holds or flags them.
	Excluded []int64
}

// FixedFeeTask is the TaskItems key that names the QBO item of an
// engagement's fixed-fee lines.
const FixedFeeTask = "Fixed fee"

// RetainerTask is the TaskItems key that names the QBO item of an
// engagement's retainer credit and replenishment lines.
const RetainerTask = "Retainer"

// Assess validates in.Entries against the engagement letters and, when
// in.PeriodEnd is set, drafts one invoice per client (and currency) covering
// its engagements whose cycle ends on PeriodEnd. It is pure: the same input
// always gives the same result.
//
// Every eligible entry ends up exactly once on an invoice line, in a
// holding problem, or in Pending (see CheckConservation).
func Assess(in Input) Result {
	mode := modeAssess
	if !in.PeriodEnd.IsZero() {
		mode = modeDraft
	}
	return newEngine(&in, mode, nil).run()
}

// Supplemental drafts the given entries alone, outside their regular cycle:
// typically late approvals a partner wants billed now rather than with the
// next cycle. It gives one invoice per client (and currency) with
// Supplemental set and Key "<client-slug>/<date>/supplemental-<hash>", the
// hash derived from the sorted entry ids on it; the date is in.PeriodEnd,
// else in.Today. Ids that are unknown or not eligible are ignored. Fixed
// fees are not billed again: time of fixed-fee engagements is listed on a
// no-charge line, since its own cycle's fee covered it.
func Supplemental(in Input, entryIDs []int64) Result {
	only := make(map[int64]bool, len(entryIDs))
	for _, id := range entryIDs {
		only[id] = true
	}
	return newEngine(&in, modeSupplemental, only).run()
}

type runMode int

const (
	modeAssess runMode = iota
	modeDraft
	modeSupplemental
)

// engState is an engagement's working state in one run.
type engState struct {
	eng      *Engagement
	client   *Client // nil when the client is not in Input.Clients
	mapped   bool    // the client has a QBO customer
	cycle    Period  // the cycle being drafted (contains the run date)
	drafting bool    // entries are collected for this run's lines
	skip     bool    // the client's mode is not the run's: leave its entries out
	from     Date    // BillFrom: time spent before it is left out
	tasks    map[taskKey]*taskState
	// people caches person and level rates by Harvest user; nil when the
	// letter has neither.
	people map[personKey]personRes
	// fixedOnTime and fixedLate hold a FixedFee engagement's entries, which
	// ride on fixed-fee lines rather than hourly ones.
	fixedOnTime  []int32
	fixedLate    []int32
	feeDue       bool     // the cycle's fixed fee is billed in this run
	feeItem      string   // QBO item of the fixed-fee lines
	retainerItem string   // QBO item of the retainer credit line
	notes        []string // for the approver, gathered while drafting lines
}

// taskKey tells task lines apart: by task name and, for time billed at a
// person or level rate, by that rate.
type taskKey struct {
	name     string
	rate     money.Amount
	personal bool
}

// personKey and personRes cache a person's rate on one engagement.
type personKey struct {
	id   int64
	name string
}

type personRes struct {
	rate money.Amount
	ok   bool
}

// taskState is what an engagement letter says about one Harvest task,
// resolved once, plus the entries collected for its lines.
type taskState struct {
	name        string
	rate        money.Amount
	rateOK      bool
	item        string
	itemProblem string // why no item; "" when item is usable
	onTime      []int32
	late        []int32
}

type engine struct {
	in        *Input
	mode      runMode
	only      map[int64]bool // Supplemental's entries; nil otherwise
	loc       *time.Location
	runDate   Date
	index     *engIndex
	engs      []engState
	clients   map[string]*Client
	probs     *problemSet
	pending   []int64
	retainers map[string]RetainerUsage
	replenish []Invoice
	excluded  []int64
	runMode   Mode
	modes     clientModes
	roster    *Roster
	gated     bool                   // a cut-over or a client mode may leave entries out
	byKey     map[string]*Engagement // for messages; built on first use
}

func newEngine(in *Input, mode runMode, only map[int64]bool) *engine {
	x := &engine{
		in:      in,
		mode:    mode,
		only:    only,
		loc:     in.Firm.Location,
		runDate: in.PeriodEnd,
		index:   newEngIndex(in.Engagements),
		engs:    make([]engState, len(in.Engagements)),
		clients: make(map[string]*Client, len(in.Clients)),
		probs:   newProblemSet(),
	}
	if x.loc == nil {
		x.loc = time.UTC
	}
	if x.runDate.IsZero() {
		x.runDate = in.Today
	}
	x.runMode = in.Mode.Effective()
	x.modes = newClientModes(in)
	x.gated = !in.Firm.GoLive.IsZero() || x.modes.byID != nil || x.modes.firm != x.runMode
	if len(in.Firm.Staff) > 0 {
		x.roster = NewRoster(in.Firm.Staff)
	}
	for i := range in.Clients {
		c := &in.Clients[i]
		if _, dup := x.clients[c.Name]; !dup {
			x.clients[c.Name] = c
		}
	}
	for i := range in.Engagements {
		e := &in.Engagements[i]
		es := &x.engs[i]
		es.eng = e
		es.client = x.clients[e.Client]
		es.mapped = es.client != nil && es.client.LedgerCustomerID != ""
		es.drafting = true
		es.skip = x.modes.of(es.client) != x.runMode
		es.from = BillFrom(&in.Firm, e)
		if len(e.PersonRates)+len(e.LevelRates) > 0 {
			es.people = make(map[personKey]personRes)
		}
		if mode != modeAssess {
			es.cycle = CycleContaining(e.Cycle, e.StartsOn, x.runDate)
		}
		if mode == modeDraft {
			es.drafting = es.cycle.End == x.runDate
		}
		if es.skip {
			es.drafting = false // nothing of it is drafted, not even a fee
		}
		x.gated = x.gated || es.skip || !es.from.IsZero()
	}
	return x
}

func (x *engine) run() Result {
	for i := range x.in.Entries {
		t := &x.in.Entries[i]
		if x.only != nil && !x.only[t.ID] {
			continue
		}
		x.classify(int32(i), t)
	}
	x.finish()
	var r Result
	r.Invoices = x.draftInvoices()
	r.Invoices = append(r.Invoices, x.replenish...)
	slices.SortFunc(r.Invoices, func(a, b Invoice) int { return strings.Compare(a.Key, b.Key) })
	if len(r.Invoices) == 0 {
		r.Invoices = nil
	}
	r.Problems = x.probs.problems(x.describe)
	slices.Sort(x.pending)
	r.Pending = x.pending
	r.Retainers = x.retainers
	slices.Sort(x.excluded)
	r.Excluded = x.excluded
	return r
}
