package workflow_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/chat"
	"billbot/internal/notify"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// sendLog records the QBO sends (first sends and reminders) by QBO id.
type sendLog struct {
	workflow.Ledger
	mu    sync.Mutex
	byQBO map[string][]string // qbo id → request keys
}

func (l *sendLog) Send(ctx context.Context, qboID, to, key string) (workflow.Remote, error) {
	r, err := l.Ledger.Send(ctx, qboID, to, key)
	if err == nil {
		l.mu.Lock()
		l.byQBO[qboID] = append(l.byQBO[qboID], key)
		l.mu.Unlock()
	}
	return r, err
}

func (l *sendLog) reminders(qboID string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, k := range l.byQBO[qboID] {
		if strings.HasPrefix(k, "reminder:") {
			n++
		}
	}
	return n
}

// escalation is one escalation DM as the manager received it.
type escalation struct {
	manager   string
	invoiceID int64
	day       int
	text      string // the blocks, as JSON with <, > and & unescaped
}

// TestCollectionsOverNinetyDays sends six clients' October invoices on
// November 2 and runs the collections job every morning for 90 days, with
// payments, a hold, a void, a dispute and a snooze along the way.
func TestCollectionsOverNinetyDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		ctx := t.Context()
		log := &sendLog{Ledger: e.books, byQBO: map[string][]string{}}
		e.wf = workflow.New(workflow.Deps{Store: e.store, Ledger: log, Notifier: notify.New(e.msgr, nil), Now: e.clock.Now})

		// Acme has a September and an October invoice: its escalations name
		// both balances.
		e.clock.Set(time.Date(2026, 10, 1, 9, 0, 0, 0, e.loc))
		e.upsert(e.entry("a0", acmeProject, "Advisory", "2026-09-15", "5", "200.00"))
		if _, err := e.wf.Draft(ctx, workflow.DraftOptions{PeriodEnd: billing.MustDate("2026-09-30")}); err != nil {
			t.Fatal(err)
		}
		e.clock.Set(start(t))
		e.october()
		for p, h := range map[int64]string{203: "3", 204: "4", 205: "5", 206: "6"} {
			e.upsert(e.entry(fmt.Sprint("x", p), p, "Advisory", "2026-10-15", h, "100.00"))
		}
		invs := e.draft()
		acmeSep := acmeSeptember(t, e)
		if len(invs) != 6 {
			t.Fatalf("%d clients invoiced, want 6", len(invs))
		}
		if _, err := e.wf.Hold(ctx, invs[dune].ID, partnerA, "Waiting for the engagement letter"); err != nil {
			t.Fatal(err)
		}
		for _, inv := range []store.Invoice{acmeSep, invs[acme], invs[birch], invs[cedar], invs[elm], invs[fern]} {
			if got := e.approve(inv.ID, firmApprover); got.State != store.StateSent {
				t.Fatalf("%s: %s after approval", inv.Key, got.State)
			}
		}
		sent := e.clock.Now()

		var escalations []escalation
		seen := map[string]int{}
		for day := 1; day <= 90; day++ {
			e.clock.Set(sent.Add(time.Duration(day) * 24 * time.Hour))
			switch day {
			case 3: // Elm's invoice is voided in QBO's web app.
				if _, err := e.books.Void(ctx, invs[elm].LedgerID, "void:test"); err != nil {
					t.Fatal(err)
				}
			case 10: // Birch pays in full.
				if _, err := e.qbo.Pay(invs[birch].LedgerID, invs[birch].Total); err != nil {
					t.Fatal(err)
				}
			case 20: // Cedar disputes its invoice; cleared on day 60.
				if _, err := e.wf.MarkDisputed(ctx, invs[cedar].ID, managerB, "client says the hours are too high"); err != nil {
					t.Fatal(err)
				}
			case 60:
				if _, err := e.wf.ResolveDispute(ctx, invs[cedar].ID, managerB, store.OutcomeUpheld, "hours confirmed"); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := e.wf.Collect(ctx); err != nil {
				t.Fatalf("day %d: %v", day, err)
			}
			if day == 36 { // Fern's manager snoozes the day-35 escalation.
				e.clock.Set(e.clock.Now().Add(time.Hour))
				if err := e.wf.Snooze(ctx, invs[fern].ID, managerB); err != nil {
					t.Fatal(err)
				}
			}
			for _, m := range []string{managerA, managerB, billingManager} {
				msgs := e.dms(m)
				for _, msg := range msgs[seen[m]:] {
					escalations = append(escalations, escalation{manager: m, invoiceID: escalatedInvoice(t, msg.Blocks), day: day, text: blockText(msg.Blocks)})
				}
				seen[m] = len(msgs)
			}
		}

		type key struct {
			client string
			id     int64
		}
		days := map[key][]int{}
		for _, esc := range escalations {
			inv := e.invoice(esc.invoiceID)
			days[key{inv.Client, inv.ID}] = append(days[key{inv.Client, inv.ID}], esc.day)
		}
		want := map[key][]int{
			{acme, acmeSep.ID}:      {35},
			{acme, invs[acme].ID}:   {35},
			{cedar, invs[cedar].ID}: {60}, // held back while disputed, then once
			{fern, invs[fern].ID}:   {35, 44},
		}
		if diff := cmp.Diff(want, days); diff != "" {
			t.Errorf("escalation days by invoice (-want +got):\n%s", diff)
		}
		for _, c := range []struct {
			inv  store.Invoice
			want int
		}{{acmeSep, 1}, {invs[acme], 1}, {invs[birch], 0}, {invs[cedar], 1}, {invs[dune], 0}, {invs[elm], 0}, {invs[fern], 1}} {
			if c.inv.LedgerID == "" && c.want == 0 {
				continue
			}
			if got := log.reminders(c.inv.LedgerID); got != c.want {
				t.Errorf("%s: %d reminders, want %d", c.inv.Key, got, c.want)
			}
		}
		for _, esc := range escalations {
			inv := e.invoice(esc.invoiceID)
			if wantM := inv.Managers[0]; esc.manager != wantM || !strings.Contains(esc.text, "<@"+wantM+">") {
				t.Errorf("escalation of %s went to %s, want its manager %s", inv.Key, esc.manager, wantM)
			}
			if inv.Client == acme {
				if !strings.Contains(esc.text, "USD 3,450.00 across 2 invoices") {
					t.Errorf("Acme escalation does not give the client's whole balance:\n%s", esc.text)
				}
			}
		}
		states := map[string]store.InvoiceState{}
		for name, inv := range invs {
			states[name] = e.invoice(inv.ID).State
		}
		wantStates := map[string]store.InvoiceState{
			acme: store.StateSent, birch: store.StatePaid, cedar: store.StateSent,
			dune: store.StateHeld, elm: store.StateVoided, fern: store.StateSent,
		}
		if diff := cmp.Diff(wantStates, states); diff != "" {
			t.Errorf("states after 90 days (-want +got):\n%s", diff)
		}
	})
}

// TestCollectSameDayTwice runs the day-25 and day-35 steps twice in a day.
func TestCollectSameDayTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.october()
		invs := e.draft()
		e.approve(invs[acme].ID, partnerA)
		e.approve(invs[birch].ID, partnerB)
		sent := e.clock.Now()
		for _, day := range []int{25, 35} {
			e.clock.Set(sent.Add(time.Duration(day) * 24 * time.Hour))
			first, err := e.wf.Collect(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			again, err := e.wf.Collect(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			want := workflow.CollectReport{Reminders: 2}
			if day == 35 {
				want = workflow.CollectReport{Escalations: 2}
			}
			first.Refreshed, first.Paid = 0, 0
			again.Refreshed, again.Paid = 0, 0
			if first != want || again != (workflow.CollectReport{}) {
				t.Errorf("day %d: first run %+v, second %+v; want %+v then nothing", day, first, again, want)
			}
		}
		if n := len(e.dms(managerA)) + len(e.dms(managerB)); n != 2 {
			t.Errorf("%d escalation DMs, want 2", n)
		}
	})
}

// acmeSeptember returns Acme's September invoice.
func acmeSeptember(t *testing.T, e *env) store.Invoice {
	t.Helper()
	invs, err := e.store.Invoices(t.Context(), store.InvoiceFilter{Client: acme})
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range invs {
		if inv.Period.End == billing.MustDate("2026-09-30") {
			return inv
		}
	}
	t.Fatal("no September invoice for Acme")
	return store.Invoice{}
}

// escalatedInvoice reads the invoice id off an escalation DM's Snooze button.
func escalatedInvoice(t *testing.T, raw json.RawMessage) int64 {
	t.Helper()
	var blocks []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(raw, &blocks); err != nil {
		t.Fatalf("DM blocks: %v", err)
	}
	for _, b := range blocks {
		for _, el := range b.Elements {
			if el.ActionID == chat.ActionSnooze {
				id, err := strconv.ParseInt(el.Value, 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				return id
			}
		}
	}
	t.Fatalf("a DM that is not an escalation:\n%s", raw)
	return 0
}
