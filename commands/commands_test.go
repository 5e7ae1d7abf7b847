package commands_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"billbot/commands"
	"billbot/internal/answers"
	"billbot/internal/billing"
	"billbot/internal/chat"
	"billbot/internal/config"
	"billbot/internal/money"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

const (
	approver       = "U0APPROVER"
	billingManager = "U0BILLMGR"
	managerA       = "U0MANAGERA"
	managerB       = "U0MANAGERB"
	staffer        = "U0STAFF" // tracks time; named nowhere in the configuration
	viewer         = "U0VIEWER"
	partnerB       = "U0PARTNERB"
)

const firmYAML = `firm:
  name: Test CPA
  timezone: America/New_York
  home_currency: USD
  billing_manager: U0BILLMGR
  approvers: [U0APPROVER]
  viewers: [U0VIEWER]
  default_item: Services
clients:
  - name: Acme Corp
    harvest_client_id: 101
    email: ap@acme.example
    qbo_customer_id: "1"
  - name: Acme Holdings
    harvest_client_id: 102
    email: ap@acmeholdings.example
    qbo_customer_id: "2"
  - name: Birch & Daughters
    harvest_client_id: 103
    email: ap@birch.example
    qbo_customer_id: "3"
engagements:
  - key: acme-2026
    client: Acme Corp
    harvest_project_id: 201
    kind: hourly
    starts_on: 2026-01-01
    partner: U0PARTNERA
    manager: U0MANAGERA
    cycle: monthly
    terms_days: 30
    rates: { "*": "200.00" }
  - key: holdings-2026
    client: Acme Holdings
    harvest_project_id: 202
    kind: hourly
    starts_on: 2026-01-01
    partner: U0PARTNERA
    manager: U0MANAGERA
    cycle: monthly
    terms_days: 30
    rates: { "*": "200.00" }
  - key: birch-2026
    client: Birch & Daughters
    harvest_project_id: 203
    kind: hourly
    starts_on: 2026-01-01
    partner: U0PARTNERB
    manager: U0MANAGERB
    cycle: monthly
    terms_days: 30
    rates: { "*": "150.00" }
`

// now is December 15, 2026, in the firm's zone.
func now() time.Time {
	loc, _ := time.LoadLocation("America/New_York")
	return time.Date(2026, 12, 15, 9, 0, 0, 0, loc)
}

type fixture struct {
	t     *testing.T
	store *store.Store
	h     *commands.Handler
}

func newFixture(t *testing.T, s *store.Store, withConfig bool) *fixture {
	t.Helper()
	s = s.WithClock(now)
	if withConfig {
		parsed, err := config.ParseFirm("test firm", []byte(firmYAML))
		if err != nil {
			t.Fatal(err)
		}
		_, clients, engs := parsed.Billing()
		if err := s.SaveConfig(t.Context(), []byte(firmYAML), clients, engs, "test"); err != nil {
			t.Fatal(err)
		}
	}
	// Answers remembered as `serve` does: every test below also checks
	// that no change is answered stale.
	wf := workflow.New(workflow.Deps{Store: s, Now: now}).WithAnswers(answers.NewLedger(s.LedgerVersion, 0))
	return &fixture{t: t, store: s, h: commands.New(wf, now, nil)}
}

// do runs a command as user and fails the test on an error.
func (f *fixture) do(user, command, text string) chat.Reply {
	f.t.Helper()
	r, err := f.h.HandleCommand(f.t.Context(), chat.Command{TeamID: "T1", ChannelID: "C1", UserID: user, Command: command, Text: text})
	if err != nil {
		f.t.Fatalf("%s %s: %v", command, text, err)
	}
	return r
}

// sent stores a sent invoice of client for the month ending end, unpaid.
func (f *fixture) sent(client, manager, end, total string) store.Invoice {
	f.t.Helper()
	ctx := f.t.Context()
	e := billing.MustDate(end)
	amount := money.MustParse(total, "USD")
	inv := billing.Invoice{
		Key: client + "/" + end, Client: client, Currency: "USD",
		Period:      billing.Period{Start: billing.MustDate(end[:8] + "01"), End: e},
		InvoiceDate: e, DueDate: e.AddDays(30), Managers: []string{manager}, Partners: []string{"U0PARTNERA"},
		Lines:    []billing.Line{{Kind: billing.LineFixed, Description: "Services", Qty: money.HoursScale, UnitPrice: amount, Amount: amount}},
		Subtotal: amount, Total: amount,
	}
	saved, _, err := f.store.SaveDraft(ctx, inv, "test")
	if err != nil {
		f.t.Fatal(err)
	}
	out, err := storetest.Move(ctx, f.store, saved.ID, store.StateSent, "test", func(i *store.Invoice) {
		i.LedgerTotal, i.Balance, i.SentAt, i.DocNumber = amount, amount, e.AddDays(1).Time(time.UTC), "10"+end[6:7]
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// state is what a command must not change: invoices, exceptions and the
// audit trail of the invoices.
func (f *fixture) state() string {
	f.t.Helper()
	invs, err := f.store.Invoices(f.t.Context(), store.InvoiceFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	exs, err := f.store.Exceptions(f.t.Context(), store.ExceptionFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	b, _ := json.Marshal([]any{invs, exs})
	return string(b)
}

// blocks is a reply's blocks as JSON with <, > and & left as typed.
func blocks(r chat.Reply) string {
	b, _ := json.Marshal(r.Blocks)
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(b))
}

func TestHelpAndUsage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, true)
		before := f.state()
		for _, c := range []struct{ command, text, want string }{
			{commands.Billing, "", "Usage of /billing"},
			{commands.Billing, "help", "Usage of /billing"},
			{commands.Billing, "HELP", "Usage of /billing"},
			{commands.AR, "", "Usage of /ar"},
			{commands.AR, "help", "Usage of /ar"},
			{commands.Billing, "frobnicate", "I don't know “frobnicate”"},
			{commands.Billing, "approve everything", "I don't know “approve”"},
			{commands.AR, "write-off Acme Corp", "I don't know “write-off”"},
			{commands.Billing, "run 2026-13-01", "is not a date"},
			{commands.Billing, "run yesterday", "is not a date"},
			{commands.Billing, "run 2026-10-31 2026-11-30", "at most one date"},
			{commands.AR, "client", "Name the client"},
			{commands.AR, "aging @dana", "Mention the manager with @"},
		} {
			r := f.do(approver, c.command, c.text)
			if !strings.Contains(r.Text, c.want) {
				t.Errorf("%s %s: %q, want it to contain %q", c.command, c.text, r.Text, c.want)
			}
			if strings.HasPrefix(c.want, "I don't") || strings.Contains(c.want, "date") || strings.Contains(c.want, "Name") || strings.Contains(c.want, "Mention") {
				if !strings.Contains(r.Text, "Nothing was changed") || !strings.Contains(blocks(r), "*Usage*") {
					t.Errorf("%s %s: usage error lacks the usage: %q", c.command, c.text, r.Text)
				}
			}
		}
		if f.state() != before {
			t.Error("a help or usage reply changed the store")
		}
	})
}

func TestUnknownCommand(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t), true)
	_, err := f.h.HandleCommand(t.Context(), chat.Command{UserID: approver, Command: "/invoice", Text: "run"})
	var ue *workflow.UserError
	if !errors.As(err, &ue) {
		t.Errorf("unknown command: %v, want a UserError", err)
	}
	if !slices.Equal(commands.Names(), []string{"/billing", "/ar"}) {
		t.Errorf("Names() = %v", commands.Names())
	}
}

func TestNoConfiguration(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t), false)
	for _, text := range []string{"run", "status", "exceptions acme"} {
		if r := f.do(approver, commands.Billing, text); !strings.Contains(r.Text, "config import") {
			t.Errorf("/billing %s without configuration: %q", text, r.Text)
		}
	}
}

func TestExceptions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, true)
		for _, p := range []billing.Problem{
			{Code: billing.ExRateMismatch, Client: "Acme Corp", Engagement: "acme-2026", Message: "Advisory billed at 175.00, the letter says 200.00.", Fix: "Correct the rate in Harvest."},
			{Code: billing.ExRateMismatch, Client: "Birch & Daughters", Engagement: "birch-2026", Message: "Tax billed at 99.00.", Fix: "Correct the rate in Harvest."},
			{Code: billing.ExUnapproved, Client: "Acme Corp", Engagement: "acme-2026", Message: "3 entries unapproved for 9 days.", Fix: "Approve the timesheet."},
		} {
			if _, _, err := f.store.OpenException(t.Context(), p, now()); err != nil {
				t.Fatal(err)
			}
		}
		all := f.do(viewer, commands.Billing, "exceptions")
		if all.Text != "3 open exceptions" {
			t.Errorf("text %q", all.Text)
		}
		b := blocks(all)
		rate, unapproved := strings.Index(b, "*Rate mismatches* · 2"), strings.Index(b, "*Unapproved time* · 1")
		if rate < 0 || unapproved < 0 || rate > unapproved {
			t.Errorf("groups missing or out of order (largest first):\n%s", b)
		}
		if !strings.Contains(b, "Correct the rate in Harvest.") {
			t.Error("fixes not shown")
		}

		// Client names: any case and spacing; Slack's &amp; undone.
		for _, text := range []string{"exceptions acme corp", "exceptions  ACME   Corp ", "exception Acme Corp"} {
			r := f.do(viewer, commands.Billing, text)
			if r.Text != "2 open exceptions for Acme Corp" {
				t.Errorf("/billing %s: %q", text, r.Text)
			}
		}
		if r := f.do(viewer, commands.Billing, "exceptions birch &amp; daughters"); r.Text != "1 open exception for Birch &amp; Daughters" {
			t.Errorf("escaped ampersand: %q", r.Text)
		}
		// Near misses get suggestions and nothing else.
		for _, c := range []struct{ text, want string }{
			{"exceptions acme crop", "Did you mean *Acme Corp*?"},
			{"exceptions acme", "Did you mean *Acme Corp* or *Acme Holdings*?"},
			{"exceptions brich", "Did you mean *Birch &amp; Daughters*?"},
			{"exceptions zebra", "Check the spelling"},
		} {
			if r := f.do(viewer, commands.Billing, c.text); !strings.Contains(r.Text, c.want) {
				t.Errorf("/billing %s: %q, want %q", c.text, r.Text, c.want)
			}
		}
		if r := f.do(viewer, commands.Billing, "exceptions acme holdings"); !strings.HasPrefix(r.Text, "No open exceptions for Acme Holdings") {
			t.Errorf("client without exceptions: %q", r.Text)
		}
	})
}

func TestRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, true)
		entry := billing.TimeEntry{
			Source: "harvest", ExternalID: "1", ProjectID: 201, Client: "Acme Corp", ClientID: 101, Task: "Advisory",
			User: "Sam", SpentDate: billing.MustDate("2026-11-10"), Hours: money.MustHours("3"),
			Rate: money.MustParse("200.00", "USD"), Currency: "USD", Billable: true, Approved: true,
			ApprovedAt: time.Date(2026, 11, 11, 12, 0, 0, 0, time.UTC),
		}
		if _, err := f.store.UpsertEntries(t.Context(), []billing.TimeEntry{entry}, now()); err != nil {
			t.Fatal(err)
		}
		before := f.state()
		for _, user := range []string{managerA, "U0PARTNERA"} {
			if r := f.do(user, commands.Billing, "run 2026-11-30"); !strings.Contains(r.Text, "Only firm approvers and the billing manager") {
				t.Errorf("run by %s: %q", user, r.Text)
			}
		}
		if r := f.do(approver, commands.Billing, "run 2026-12-31"); !strings.Contains(r.Text, "has not closed yet") {
			t.Errorf("run of an open cycle: %q", r.Text)
		}
		if f.state() != before {
			t.Fatal("a refused run changed the store")
		}
		r := f.do(billingManager, commands.Billing, "run 2026-11-30")
		b := blocks(r)
		if !strings.Contains(b, "*Drafted*\\n1") || !strings.Contains(b, "USD 600.00") || !strings.Contains(b, "<@"+billingManager+">") {
			t.Errorf("run summary:\n%s", b)
		}
		again := blocks(f.do(approver, commands.Billing, "RUN 2026-11-30"))
		if !strings.Contains(again, "*Drafted*\\n0") || !strings.Contains(again, "*Already drafted*\\n1") {
			t.Errorf("second run summary:\n%s", again)
		}
	})
}

func TestStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, true)
		f.sent("Acme Corp", managerA, "2026-10-31", "1000.00")
		f.sent("Birch & Daughters", managerB, "2026-11-30", "500.00")
		if r := f.do(viewer, commands.Billing, "status"); r.Text != "Billing status for all clients: 0 awaiting approval, 0 held, 2 sent and unpaid, 1 overdue" {
			t.Errorf("status: %q", r.Text)
		}
		if r := f.do(viewer, commands.Billing, "status birch &amp; DAUGHTERS"); r.Text != "Billing status for Birch &amp; Daughters: 0 awaiting approval, 0 held, 1 sent and unpaid, 0 overdue" {
			t.Errorf("status of a client: %q", r.Text)
		}
		if r := f.do(viewer, commands.Billing, "status birhc"); !strings.Contains(r.Text, "Did you mean *Birch &amp; Daughters*?") {
			t.Errorf("status near miss: %q", r.Text)
		}
	})
}

func TestAging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, true)
		f.sent("Acme Corp", managerA, "2026-09-30", "1000.00")
		f.sent("Acme Holdings", managerA, "2026-10-31", "250.00")
		f.sent("Birch & Daughters", managerB, "2026-11-30", "500.00")

		if r := f.do(viewer, commands.AR, "aging"); r.Text != "AR for all clients: USD 1,750.00" {
			t.Errorf("aging: %q", r.Text)
		}
		for _, text := range []string{"aging <@U0MANAGERA|dana>", "aging <@U0MANAGERA>", "AGEING <@U0MANAGERA|dana>"} {
			r := f.do(viewer, commands.AR, text)
			if r.Text != "AR for clients managed by <@U0MANAGERA>: USD 1,250.00" {
				t.Errorf("/ar %s: %q", text, r.Text)
			}
			if b := blocks(r); strings.Contains(b, "Birch") || !strings.Contains(b, "Acme Holdings") {
				t.Errorf("/ar %s lists the wrong clients:\n%s", text, b)
			}
		}
		if r := f.do(viewer, commands.AR, "aging <@U0NOBODY|x>"); !strings.HasPrefix(r.Text, "Nothing outstanding for clients managed by <@U0NOBODY>") {
			t.Errorf("manager without clients: %q", r.Text)
		}
		if r := f.do(viewer, commands.AR, "aging acme corp"); r.Text != "AR for Acme Corp: USD 1,000.00" {
			t.Errorf("aging of a client: %q", r.Text)
		}
		if r := f.do(viewer, commands.AR, "client Birch &amp; Daughters"); r.Text != "AR for Birch &amp; Daughters: USD 500.00" {
			t.Errorf("/ar client: %q", r.Text)
		}
		if r := f.do(viewer, commands.AR, "client acme"); !strings.Contains(r.Text, "Did you mean *Acme Corp* or *Acme Holdings*?") {
			t.Errorf("/ar client near miss: %q", r.Text)
		}
		// The most overdue invoice comes first: Acme's September invoice,
		// due October 30, is 46 days past due on December 15.
		b := blocks(f.do(viewer, commands.AR, "aging"))
		acme, holdings := strings.Index(b, "*Acme Corp* · "), strings.Index(b, "*Acme Holdings* · ")
		if acme < 0 || holdings < 0 || acme > holdings || !strings.Contains(b, "46 days past due") {
			t.Errorf("overdue list:\n%s", b)
		}
	})
}

// TestWhoMayRead: only the firm's people named in the configuration get
// answers; a manager who is neither approver, billing manager nor viewer
// sees only the clients of the engagements they manage.
func TestWhoMayRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, true)
		f.sent("Acme Corp", managerA, "2026-09-30", "1000.00")
		f.sent("Acme Holdings", managerA, "2026-10-31", "250.00")
		f.sent("Birch & Daughters", managerB, "2026-11-30", "500.00")
		for _, p := range []billing.Problem{
			{Code: billing.ExRateMismatch, Client: "Acme Corp", Engagement: "acme-2026", Message: "Advisory billed at 175.00.", Fix: "Correct the rate."},
			{Code: billing.ExRateMismatch, Client: "Birch & Daughters", Engagement: "birch-2026", Message: "Tax billed at 99.00.", Fix: "Correct the rate."},
		} {
			if _, _, err := f.store.OpenException(t.Context(), p, now()); err != nil {
				t.Fatal(err)
			}
		}
		before := f.state()

		// A stranger: a plain refusal for every command, naming no client.
		for _, c := range []struct{ command, text string }{
			{commands.AR, "aging"}, {commands.AR, "client Acme Corp"}, {commands.AR, "aging <@U0MANAGERA>"},
			{commands.Billing, "exceptions"}, {commands.Billing, "status"}, {commands.Billing, "status acme"},
			{commands.Billing, "run 2026-11-30"}, {commands.Billing, "help"},
		} {
			r := f.do(staffer, c.command, c.text)
			if !strings.Contains(r.Text, "only the firm's people") || len(r.Blocks) != 0 || r.InChannel {
				t.Errorf("%s %s by a stranger: %q (%d blocks), want a plain ephemeral refusal", c.command, c.text, r.Text, len(r.Blocks))
			}
			if strings.Contains(r.Text, "Acme") || strings.Contains(r.Text, "Birch") || strings.Contains(r.Text, "USD") {
				t.Errorf("%s %s by a stranger shows firm data: %q", c.command, c.text, r.Text)
			}
		}

		// The firm's readers see everything.
		for _, user := range []string{approver, billingManager, viewer, partnerB} {
			if r := f.do(user, commands.AR, "aging"); r.Text != "AR for all clients: USD 1,750.00" {
				t.Errorf("/ar aging by %s: %q", user, r.Text)
			}
			if r := f.do(user, commands.Billing, "exceptions"); r.Text != "2 open exceptions" {
				t.Errorf("/billing exceptions by %s: %q", user, r.Text)
			}
		}

		// Manager A: only Acme Corp and Acme Holdings.
		if r := f.do(managerA, commands.AR, "aging"); r.Text != "AR for clients managed by <@U0MANAGERA>: USD 1,250.00" || strings.Contains(blocks(r), "Birch") {
			t.Errorf("/ar aging by manager A: %q\n%s", r.Text, blocks(r))
		}
		if r := f.do(managerA, commands.AR, "aging <@U0MANAGERA|dana>"); r.Text != "AR for clients managed by <@U0MANAGERA>: USD 1,250.00" {
			t.Errorf("/ar aging @self by manager A: %q", r.Text)
		}
		if r := f.do(managerA, commands.AR, "client acme holdings"); r.Text != "AR for Acme Holdings: USD 250.00" {
			t.Errorf("/ar client of their own by manager A: %q", r.Text)
		}
		for _, c := range []struct{ command, text string }{
			{commands.AR, "aging <@U0MANAGERB>"}, {commands.AR, "client Birch &amp; Daughters"}, {commands.AR, "aging birch"},
			{commands.Billing, "exceptions birch &amp; daughters"}, {commands.Billing, "status Birch &amp; Daughters"},
		} {
			r := f.do(managerA, c.command, c.text)
			if strings.Contains(r.Text+blocks(r), "USD") || strings.Contains(r.Text+blocks(r), "Tax billed") || strings.Contains(r.Text, "Birch &amp; Daughters:") {
				t.Errorf("%s %s by manager A shows another manager's client: %q\n%s", c.command, c.text, r.Text, blocks(r))
			}
		}
		if r := f.do(managerA, commands.Billing, "exceptions"); r.Text != "1 open exception" || strings.Contains(blocks(r), "Birch") {
			t.Errorf("/billing exceptions by manager A: %q\n%s", r.Text, blocks(r))
		}
		if r := f.do(managerA, commands.Billing, "status"); r.Text != "Billing status for the clients you manage: 0 awaiting approval, 0 held, 2 sent and unpaid, 2 overdue" {
			t.Errorf("/billing status by manager A: %q", r.Text)
		}
		if f.state() != before {
			t.Error("a read command changed the store")
		}
	})
}
