package workflow_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"billbot/bot"
	"billbot/internal/billing"
	"billbot/internal/clock"
	"billbot/internal/config"
	"billbot/internal/ledger/qbobooks"
	"billbot/internal/money"
	"billbot/internal/notify"
	"billbot/internal/qbo"
	"billbot/internal/qbo/qbosandbox"
	"billbot/internal/slacksandbox"
	"billbot/internal/workflow"
	"billbot/store"
)

// People of the test firm, as Slack user ids.
const (
	firmApprover   = "U0APPROVER"
	partnerA       = "U0PARTNERA"
	partnerB       = "U0PARTNERB"
	managerA       = "U0MANAGERA"
	managerB       = "U0MANAGERB"
	billingManager = "U0BILLMGR"
	staffer        = "U0STAFF"
	billingChannel = "C0BILLING"
	acme           = "Acme Corp"
	birch          = "Birch & Daughters"
	acmeProject    = 201
	birchProject   = 202
	cedar          = "Cedar Books"
	dune           = "Dune Dental"
	elm            = "Elm Street Law"
	fern           = "Fern Gallery"
	granite        = "Granite Dental" // a 40-hour retainer
)

// projects maps the test firm's Harvest projects to their clients; client
// i+1 has Harvest client id 101+i and project 201+i.
var projects = map[int64]string{201: acme, 202: birch, 203: cedar, 204: dune, 205: elm, 206: fern, 207: granite}

// firmYAML is a seven-client firm: Acme bills hourly, Birch hourly with a
// 10 % discount, Granite on a 40-hour retainer, the other four hourly at
// 100 (for collections); all
// monthly, 30-day terms, reminders at day 25, escalations at day 35.
const firmYAML = `firm:
  name: Test CPA
  timezone: America/New_York
  home_currency: USD
  billing_channel: C0BILLING
  billing_manager: U0BILLMGR
  approvers: [U0APPROVER]
  default_item: Services
  unapproved_alert_days: 7
  reminder_days: [25]
  escalation_days: [35]
clients:
  - name: Acme Corp
    harvest_client_id: 101
    currency: USD
    email: ap@acme.example
  - name: Birch & Daughters
    harvest_client_id: 102
    currency: USD
    email: ap@birch.example
  - name: Cedar Books
    harvest_client_id: 103
    currency: USD
    email: ap@cedar.example
  - name: Dune Dental
    harvest_client_id: 104
    currency: USD
    email: ap@dune.example
  - name: Elm Street Law
    harvest_client_id: 105
    currency: USD
    email: ap@elm.example
  - name: Fern Gallery
    harvest_client_id: 106
    currency: USD
    email: ap@fern.example
  - name: Granite Dental
    harvest_client_id: 107
    currency: USD
    email: ap@granite.example
engagements:
  - key: acme-2026
    client: Acme Corp
    harvest_project_id: 201
    kind: hourly
    starts_on: 2026-01-01
    ends_on: 2026-12-31
    partner: U0PARTNERA
    manager: U0MANAGERA
    cycle: monthly
    terms_days: 30
    rates: { "*": "200.00", Bookkeeping: "100.00" }
    task_items: { Bookkeeping: Bookkeeping }
  - key: birch-2026
    client: Birch & Daughters
    harvest_project_id: 202
    kind: hourly
    starts_on: 2026-01-01
    ends_on: 2026-12-31
    partner: U0PARTNERB
    manager: U0MANAGERB
    cycle: monthly
    terms_days: 30
    rates: { "*": "150.00" }
    discount_percent: "10"
  - key: granite-2026
    client: Granite Dental
    harvest_project_id: 207
    kind: retainer
    starts_on: 2026-01-01
    ends_on: 2026-12-31
    partner: U0PARTNERA
    manager: U0MANAGERA
    cycle: monthly
    terms_days: 30
    rates: { "*": "195.00" }
    retainer: { hours: "40", amount: "7800.00" }
  - key: cedar-2026
    client: Cedar Books
    harvest_project_id: 203
    kind: hourly
    starts_on: 2026-01-01
    ends_on: 2026-12-31
    partner: U0PARTNERA
    manager: U0MANAGERB
    cycle: monthly
    terms_days: 30
    rates: { "*": "100.00" }
  - key: dune-2026
    client: Dune Dental
    harvest_project_id: 204
    kind: hourly
    starts_on: 2026-01-01
    ends_on: 2026-12-31
    partner: U0PARTNERA
    manager: U0MANAGERB
    cycle: monthly
    terms_days: 30
    rates: { "*": "100.00" }
  - key: elm-2026
    client: Elm Street Law
    harvest_project_id: 205
    kind: hourly
    starts_on: 2026-01-01
    ends_on: 2026-12-31
    partner: U0PARTNERA
    manager: U0MANAGERB
    cycle: monthly
    terms_days: 30
    rates: { "*": "100.00" }
  - key: fern-2026
    client: Fern Gallery
    harvest_project_id: 206
    kind: hourly
    starts_on: 2026-01-01
    ends_on: 2026-12-31
    partner: U0PARTNERA
    manager: U0MANAGERB
    cycle: monthly
    terms_days: 30
    rates: { "*": "100.00" }
`

// env is a workflow over a real store, the QBO sandbox (through the real
// client and adapter) and the Slack sandbox (through the real Messenger).
type env struct {
	t     *testing.T
	clock *clock.Fake
	loc   *time.Location
	store *store.Store
	qbo   *qbosandbox.Server
	slack *slacksandbox.Server
	wf    *workflow.Workflow
	books workflow.Ledger
	msgr  *bot.Messenger
}

func (e *env) wfQBO() workflow.Ledger    { return e.books }
func (e *env) messenger() *bot.Messenger { return e.msgr }

// mismatchQBO is QBO whose TotalAmt differs from billbot's by extra minor
// units on every create and update.
type mismatchQBO struct {
	workflow.Ledger
	extra money.Amount
}

func (m *mismatchQBO) CreateDraft(ctx context.Context, inv billing.Invoice, c billing.Client, items map[string]string) (workflow.Remote, error) {
	r, err := m.Ledger.CreateDraft(ctx, inv, c, items)
	r.Total += m.extra
	return r, err
}

func (m *mismatchQBO) ReplaceDraft(ctx context.Context, id string, inv billing.Invoice, c billing.Client, items map[string]string, memo string) (workflow.Remote, error) {
	r, err := m.Ledger.ReplaceDraft(ctx, id, inv, c, items, memo)
	r.Total += m.extra
	return r, err
}

const qboToken = "test-static-token"

// start is the first morning after October 2026 closed, in the firm's zone.
func start(t *testing.T) time.Time {
	t.Helper()
	return time.Date(2026, 11, 2, 9, 0, 0, 0, nyc(t))
}

func nyc(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func newEnv(t *testing.T, s *store.Store) *env {
	t.Helper()
	return newEnvYAML(t, s, firmYAML)
}

// newEnvYAML is newEnv with another firm configuration.
func newEnvYAML(t *testing.T, s *store.Store, yaml string) *env {
	t.Helper()
	e := &env{t: t, clock: clock.NewFake(start(t)), loc: nyc(t)}
	e.store = s.WithClock(e.clock.Now)
	ctx := t.Context()
	parsed, err := config.ParseFirm("test firm", []byte(yaml))
	if err != nil {
		t.Fatalf("firm: %v", err)
	}
	_, clients, engs := parsed.Billing()
	if err := e.store.SaveConfig(ctx, []byte(yaml), clients, engs, "test"); err != nil {
		t.Fatal(err)
	}

	// The sandbox's limits are QBO's per minute; the tests' clock moves by
	// days, so they are lifted here and in the client.
	e.qbo = qbosandbox.New(qbosandbox.Options{StaticToken: qboToken, Now: e.clock.Now, MaxConcurrent: -1, PerWindow: -1, BatchPerWindow: -1})
	t.Cleanup(e.qbo.Close)
	for p := int64(201); p <= 207; p++ {
		e.qbo.SeedCustomer(qbosandbox.Customer{DisplayName: projects[p], CompanyName: projects[p]})
	}
	e.qbo.SeedItem(qbosandbox.Item{Name: "Services"})
	e.qbo.SeedItem(qbosandbox.Item{Name: "Bookkeeping"})
	hc := &http.Client{
		Transport: &oauth2.Transport{Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: qboToken})},
		Timeout:   30 * time.Second,
	}
	qc, err := qbo.NewClient(e.qbo.URL(), e.qbo.RealmID(), hc, qbo.WithSleep(e.clock.Sleep),
		qbo.WithLimits(qbo.Limits{MaxConcurrent: 64, Requests: 1 << 20, BatchRequests: 1 << 20, Per: time.Second}))
	if err != nil {
		t.Fatal(err)
	}

	e.slack = slacksandbox.New(slacksandbox.Options{Now: e.clock.Now})
	t.Cleanup(e.slack.Close)
	api := slacksandbox.SlackClient(e.slack, slacksandbox.DefaultToken)
	e.msgr = bot.NewMessenger(api, bot.MessengerConfig{Now: e.clock.Now, Sleep: e.clock.Sleep})
	e.books = qbobooks.New(qc, "USD", "https://app.sandbox.qbo.intuit.com")
	e.wf = workflow.New(workflow.Deps{
		Store: e.store, Ledger: e.books, Notifier: notify.New(e.msgr, nil),
		Now: e.clock.Now, Logger: slog.New(slog.DiscardHandler),
	})
	return e
}

// entry is an approved Harvest entry on project at the letter's rate,
// approved at the end of the day it was spent.
func (e *env) entry(id string, project int64, task, day, hours, rate string) billing.TimeEntry {
	e.t.Helper()
	client, clientID := projects[project], project-100
	d := billing.MustDate(day)
	return billing.TimeEntry{
		Source: "harvest", ExternalID: id, ProjectID: project, Project: client + " 2026",
		ClientID: clientID, Client: client, Task: task, User: "Sam Patel", SpentDate: d,
		Hours: money.MustHours(hours), Rate: money.MustParse(rate, "USD"), Currency: "USD",
		Notes: task + " work", Billable: true, Approved: true,
		ApprovedAt: d.Time(e.loc).Add(20 * time.Hour),
	}
}

func (e *env) upsert(entries ...billing.TimeEntry) {
	e.t.Helper()
	if _, err := e.store.UpsertEntries(e.t.Context(), entries, e.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
}

// october seeds October's approved time of both clients: Acme 10 h of
// advisory at 200 and 4.5 h of bookkeeping at 100 (USD 2,450.00); Birch
// 8 h at 150 less 10 % (USD 1,080.00).
func (e *env) october() {
	e.t.Helper()
	e.upsert(
		e.entry("a1", acmeProject, "Advisory", "2026-10-06", "6", "200.00"),
		e.entry("a2", acmeProject, "Advisory", "2026-10-20", "4", "200.00"),
		e.entry("a3", acmeProject, "Bookkeeping", "2026-10-21", "4.5", "100.00"),
		e.entry("b1", birchProject, "Advisory", "2026-10-13", "8", "150.00"),
	)
}

// draft runs the October draft and returns the stored invoices by client.
func (e *env) draft() map[string]store.Invoice {
	e.t.Helper()
	if _, err := e.wf.Draft(e.t.Context(), workflow.DraftOptions{PeriodEnd: billing.MustDate("2026-10-31"), Actor: "test"}); err != nil {
		e.t.Fatalf("draft: %v", err)
	}
	return e.invoices()
}

func (e *env) invoices() map[string]store.Invoice {
	e.t.Helper()
	invs, err := e.store.Invoices(e.t.Context(), store.InvoiceFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]store.Invoice{}
	for _, inv := range invs {
		if inv.Supplemental {
			out[inv.Client+" supplemental"] = inv
			continue
		}
		if prev, ok := out[inv.Client]; ok && prev.Period.End.After(inv.Period.End) {
			continue
		}
		out[inv.Client] = inv
	}
	return out
}

func (e *env) invoice(id int64) store.Invoice {
	e.t.Helper()
	inv, err := e.store.Invoice(e.t.Context(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return inv
}

// sends counts the invoice sends QBO received (replays included).
func (e *env) sends() int {
	n := 0
	for ep, c := range e.qbo.Calls() {
		if strings.HasSuffix(ep, "/send") {
			n += c
		}
	}
	return n
}

// dms returns the messages posted to user's DM channel.
func (e *env) dms(user string) []slacksandbox.Message {
	return e.slack.Messages(slacksandbox.DMChannel(user))
}

func (e *env) approve(id int64, user string) store.Invoice {
	e.t.Helper()
	inv, err := e.wf.Approve(e.t.Context(), id, user)
	if err != nil {
		e.t.Fatalf("approve %d: %v", id, err)
	}
	return inv
}
