package cli

import (
	"context"
	"encoding/csv"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/slacksandbox"
	"billbot/store"
	"billbot/store/storetest"
)

// TestE2EGoLive plays a firm's roll-out through billbot's command line (run,
// on a clock the test moves), on the embedded database and on PostgreSQL:
// two years of approved, never-invoiced Harvest time and hand-made
// QuickBooks invoices → setup → a person's decisions → config import →
// shadow of the last closed cycle, which shows exactly the planted
// differences → two clients live and go_live moved to the first live cycle
// → the next cycle drafts only that cycle's time of the live clients, and
// every entry is accounted for once.
func TestE2EGoLive(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { e2eGoLive(t, "") })
	t.Run("postgres", func(t *testing.T) { e2eGoLive(t, storetest.PostgresURL(t)) })
}

func e2eGoLive(t *testing.T, databaseURL string) {
	w := newGLWorld(t, databaseURL)
	if databaseURL != "" {
		w.cli("migrate")
	}
	// The firm billed July and August by hand as billbot would have; its
	// September invoices (issued on 1 October) carry the planted
	// differences.
	for _, m := range []billing.Date{billing.MustDate("2026-07-01"), billing.MustDate("2026-08-01")} {
		for _, c := range glClients {
			w.handInvoice(c, m, glAddMonths(m, 1).AddDays(-1), nil)
		}
	}
	w.handInvoice(glAlder, glShadowStart, glLiveStart, nil)
	w.handInvoice(glBirch, glShadowStart, glLiveStart, func(ls []glHandLine) []glHandLine {
		ls[0].rate = money.MustParse("180.00", "USD") // Bookkeeping at last year's rate
		return ls
	})
	w.handInvoice(glCedar, glShadowStart, glLiveStart, func(ls []glHandLine) []glHandLine {
		ls[0].hours -= money.MustHours(glEntryHours[3]) // the Bookkeeping entry of the 24th left off
		return ls
	})
	w.handInvoice(glDogwood, glShadowStart, glLiveStart, nil) // the retainer credit forgotten
	planted := w.qbo.InvoiceCount()

	// 1. setup reads the three vendors and writes the file.
	file := filepath.Join(w.dir, "firm.yml")
	out := w.cli("setup", "--out", file)
	if !strings.Contains(out, "setup: 4 clients, 4 engagements, 0 to finish by hand") {
		t.Fatalf("setup said:\n%s", out)
	}

	// 2. A person makes the decisions: the firm's zone, the cut-over at the
	// first cycle to shadow, Birch's partner (by email), Dogwood's letter
	// (a retainer of which 4 hours were used before billbot).
	w.editFile(file,
		[2]string{"timezone: UTC\n", "timezone: America/New_York\n"},
		[2]string{"home_currency: USD\n", "home_currency: USD\n  go_live: \"" + glShadowStart.String() + "\"\n"},
		[2]string{"partner: U0DANA\n    cycle: monthly\n    terms_days: 30\n    rates: {'*': \"195.00\"}\n",
			"partner: eli@hawthorn.example\n    cycle: monthly\n    terms_days: 30\n    rates: {'*': \"195.00\"}\n"},
		[2]string{"kind: hourly\n    starts_on: \"2024-10-01\"\n    partner: U0DANA\n    cycle: monthly\n    terms_days: 30\n    rates: {'*': \"150.00\"}\n",
			"kind: retainer\n    starts_on: \"2024-10-01\"\n    partner: U0DANA\n    cycle: monthly\n    terms_days: 30\n    rates: {'*': \"150.00\"}\n    retainer: {hours: \"20\", amount: \"3000.00\", used_hours: \"4\"}\n"},
	)
	if out := w.cli("config", "import", file); !strings.Contains(out, "4 clients, 4 engagements") {
		t.Fatalf("config import said %q", out)
	}
	w.cli("sync", "harvest")

	// 3. The shadow of the last closed cycle (September) shows exactly the
	// planted differences, and nothing is written anywhere.
	text := w.cli("shadow")
	for _, want := range []string{
		"shadow of the cycles closing " + glShadowEnd.String(),
		"agreement by invoice: ", "1 of 4 clients' invoices agree line for line",
		"lines: 6 same, 2 differ, 1 only in billbot, 0 only in QuickBooks",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("shadow lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "would be raised") {
		t.Errorf("shadow of September would raise exceptions:\n%s", text)
	}
	got := glShadowRows(t, w.cli("shadow", "--format", "csv"))
	want := []string{
		glAlder + "|same||Bookkeeping|1009",
		glAlder + "|same||Tax Prep|1009",
		glBirch + "|differs|rate, amount|Bookkeeping|1010",
		glBirch + "|same||Tax Prep|1010",
		glCedar + "|differs|hours, amount|Bookkeeping|1011",
		glCedar + "|same||Tax Prep|1011",
		glDogwood + "|only_billbot||Services|", // the retainer credit
		glDogwood + "|same||Bookkeeping|1012",
		glDogwood + "|same||Tax Prep|1012",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("shadow lines (-want +got):\n%s\n%s", d, text)
	}
	if n := w.qbo.InvoiceCount(); n != planted || w.qbo.Writes() != 0 {
		t.Errorf("after setup and shadow QBO has %d invoices (planted %d) and %d writes", n, planted, w.qbo.Writes())
	}

	// 4. Mid-October the firm takes Alder and Birch live and moves the
	// cut-over to October: September was billed by hand.
	w.clock.Set(time.Date(2026, 10, 20, 15, 0, 0, 0, time.UTC))
	w.editFile(file,
		[2]string{"go_live: \"" + glShadowStart.String() + "\"", "go_live: \"" + glLiveStart.String() + "\""},
		[2]string{"email: ap@alder.example\n", "email: ap@alder.example\n    mode: live\n"},
		[2]string{"email: ap@birch.example\n", "email: ap@birch.example\n    mode: live\n"},
	)
	w.cli("config", "import", file)

	// 5. October closes; its time reaches Harvest; the draft job drafts
	// the live clients and shadows the others.
	w.clock.Set(time.Date(2026, 11, 4, 15, 0, 0, 0, time.UTC))
	w.addMonth(glLiveStart)
	w.harvest.Seed(w.firm)
	w.cli("sync", "harvest")
	w.cli("jobs", "run", "draft")

	st := w.openStore()
	ctx := context.Background()
	invs, err := st.Invoices(ctx, store.InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	wantTotals := map[string]string{glAlder: "1297.50", glBirch: "1462.50"} // 4.5 h × 225 + 3 h × 95; 7.5 h × 195
	partners := map[string]string{glAlder: "U0DANA", glBirch: "U0ELI"}
	entries := w.storedEntries(st)
	onLine := map[int64]int{}
	for _, inv := range invs {
		want, live := wantTotals[inv.Client]
		if !live {
			t.Errorf("invoice %s drafted for %s, which is in shadow mode", inv.Key, inv.Client)
			continue
		}
		if got := inv.Total.Format(inv.Currency); got != want || inv.LedgerID == "" {
			t.Errorf("%s: total %s (QBO id %q), want %s in QuickBooks", inv.Client, got, inv.LedgerID, want)
		}
		if inv.SlackChannel != slacksandbox.DMChannel(partners[inv.Client]) {
			t.Errorf("%s's draft was posted to %q, want its partner's DM", inv.Client, inv.SlackChannel)
		}
		for _, l := range inv.Lines {
			for _, id := range l.EntryIDs {
				onLine[id]++
				e := entries[id]
				if e.SpentDate.Before(glLiveStart) || e.SpentDate.After(glLiveEnd) {
					t.Errorf("%s line %q bills entry %s spent %s, outside the first live cycle", inv.Client, l.Description, e.ExternalID, e.SpentDate)
				}
			}
		}
	}
	if len(invs) != 2 || w.qbo.InvoiceCount() != planted+2 {
		t.Errorf("%d invoices drafted, QBO holds %d (planted %d); want Alder's and Birch's only", len(invs), w.qbo.InvoiceCount(), planted)
	}
	exs, err := st.Exceptions(ctx, store.ExceptionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range exs {
		t.Errorf("exception %s (%s): %s", ex.Code, ex.Client, ex.Message)
	}
	if dms := w.slack.Messages(slacksandbox.DMChannel("U0DANA")); !slices.ContainsFunc(dms, func(m slacksandbox.Message) bool { return strings.Contains(m.Text, "hadow") }) {
		t.Errorf("no shadow report of October reached the billing manager: %d DMs", len(dms))
	}

	// 6. Conservation: every approved billable Harvest entry is in billbot
	// and on exactly one line when it is October time of a live client;
	// every other one (two years of history, the shadow clients) is on no
	// line and still waiting, never held.
	unallocated := map[int64]bool{}
	pending, err := st.UnallocatedEntries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range pending {
		unallocated[e.ID] = true
	}
	byExternal := map[string]billing.TimeEntry{}
	for _, e := range entries {
		byExternal[e.ExternalID] = e
	}
	var billed, waiting int
	for _, he := range w.firm.Entries {
		e, ok := byExternal[strconv.FormatInt(he.ID, 10)]
		if !ok || !billing.Eligible(e) {
			t.Errorf("approved Harvest entry %d is not an eligible billbot entry (found %v)", he.ID, ok)
			continue
		}
		live := he.ClientID == 5001 || he.ClientID == 5002
		current := !e.SpentDate.Before(glLiveStart)
		switch {
		case live && current:
			if onLine[e.ID] != 1 || unallocated[e.ID] {
				t.Errorf("entry %d of %s: on %d lines (unallocated %v), want on one", he.ID, e.SpentDate, onLine[e.ID], unallocated[e.ID])
			}
			billed++
		default:
			if onLine[e.ID] != 0 || !unallocated[e.ID] {
				t.Errorf("entry %d of %s (client %d): on %d lines (unallocated %v), want on none", he.ID, e.SpentDate, he.ClientID, onLine[e.ID], unallocated[e.ID])
			}
			waiting++
		}
	}
	if billed != 8 || waiting != len(w.firm.Entries)-8 || len(entries) != len(w.firm.Entries) {
		t.Errorf("%d entries billed, %d waiting, %d in billbot, %d in Harvest", billed, waiting, len(entries), len(w.firm.Entries))
	}
}

// glShadowRows reads shadow's CSV as client|status|differs|item|doc rows,
// sorted.
func glShadowRows(t *testing.T, out string) []string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("shadow CSV: %v\n%s", err, out)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var rows []string
	for _, r := range recs[1:] {
		item := r[col["billbot_item"]]
		if item == "" {
			item = r[col["qbo_item"]]
		}
		rows = append(rows, strings.Join([]string{r[col["client"]], r[col["status"]], r[col["differs"]], item, r[col["qbo_doc_number"]]}, "|"))
	}
	slices.Sort(rows)
	return rows
}

// openStore opens the test's own view of billbot's database.
func (w *glWorld) openStore() *store.Store {
	w.t.Helper()
	st, err := store.Open(context.Background(), w.env["DATABASE_URL"], w.dir, slog.New(slog.DiscardHandler))
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { _ = st.Close() })
	return st
}

// storedEntries returns every time entry billbot stores, by id.
func (w *glWorld) storedEntries(st *store.Store) map[int64]billing.TimeEntry {
	w.t.Helper()
	ids, err := glEntryIDs(st)
	if err != nil {
		w.t.Fatal(err)
	}
	all, err := st.Entries(context.Background(), ids)
	if err != nil {
		w.t.Fatal(err)
	}
	out := make(map[int64]billing.TimeEntry, len(all))
	for _, e := range all {
		out[e.ID] = e
	}
	return out
}

// glEntryIDs lists the ids of every stored time entry (read-only SQL: the
// store has no listing of all entries).
func glEntryIDs(st *store.Store) ([]int64, error) {
	rows, err := st.DB().QueryContext(context.Background(), "SELECT id FROM time_entries")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
