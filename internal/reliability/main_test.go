package reliability

import (
	"context"
	"flag"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/store"
	"billbot/store/storetest"
)

// long runs the year-long simulation of an 80-person firm instead of its
// three-month default: go test ./internal/reliability -long.
var long = flag.Bool("long", false, "simulate a whole year of an 80-person firm")

var newYork = mustLocation("America/New_York")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// dialects are the databases every scenario runs on.
var dialects = []string{store.DialectSQLite, store.DialectPostgres}

// freshStore returns a new migrated database of dialect.
func freshStore(t *testing.T, dialect string) *store.Store {
	t.Helper()
	if dialect == store.DialectPostgres {
		return storetest.Postgres(t)
	}
	return storetest.SQLite(t)
}

// october is the one-cycle scenario: a small firm's October, drafted on
// November 2.
var (
	october     = Month(2026, time.October)
	octoberDraw = time.Date(2026, 11, 2, 6, 0, 0, 0, newYork)
)

// ledgerCase is a ledger and a database a scenario runs on.
type ledgerCase struct {
	ledger  config.Ledger
	dialect string
}

func (c ledgerCase) String() string { return string(c.ledger) + "/" + c.dialect }

// ledgerCases are the ledger-bound scenarios' runs: QuickBooks on every
// dialect, Xero on SQLite — the ledger's sandbox and adapter are what
// differ, not the database, and the suite already takes minutes.
func ledgerCases() []ledgerCase {
	var out []ledgerCase
	for _, d := range dialects {
		out = append(out, ledgerCase{config.LedgerQuickBooks, d})
	}
	for _, l := range Ledgers[1:] {
		out = append(out, ledgerCase{l, store.DialectSQLite})
	}
	return out
}

// newWorld builds a world for t over st with October's time in Harvest
// and its books in QuickBooks.
func newWorld(t *testing.T, st *store.Store, spec FirmSpec, faults Faults) *World {
	t.Helper()
	return newWorldOn(t, st, spec, faults, config.LedgerQuickBooks)
}

// newWorldOn is newWorld with the books in ledger.
func newWorldOn(t *testing.T, st *store.Store, spec FirmSpec, faults Faults, ledger config.Ledger) *World {
	t.Helper()
	firm := NewFirm(spec)
	w, err := NewWorldOn(t.Context(), st, firm, NewClock(octoberDraw), faults, ledger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	entries, _ := firm.MonthEntries(october)
	w.Harvest.Add(entries...)
	return w
}

// runCycle runs sync → draft (QBO, Slack) → approve all with op, checks the
// invariants and returns the outcome.
func runCycle(t *testing.T, op *Operator, steps ...string) Outcome {
	t.Helper()
	ctx := t.Context()
	all := map[string]func(context.Context, *Billbot) error{"sync": Sync, "draft": Draft, "approve": ApproveAll, "collect": Collect}
	for _, name := range steps {
		if err := op.Do(ctx, name, all[name]); err != nil {
			t.Fatal(err)
		}
	}
	mustCheck(t, op.World, october.End)
	out, err := Snapshot(ctx, op.World.Store)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mustCheck(t *testing.T, w *World, closedThrough billing.Date) {
	t.Helper()
	bad, err := Check(t.Context(), w, closedThrough)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Error(b)
	}
}

func diffOutcome(t *testing.T, want, got Outcome) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcome differs from the undisturbed run (-want +got):\n%s", diff)
	}
}
