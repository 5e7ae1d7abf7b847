package interactions_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"billbot/interactions"
	"billbot/internal/answers"
	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/internal/money"
	"billbot/internal/notify"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

const (
	approver = "U0APPROVER"
	partner  = "U0PARTNERA"
	manager  = "U0MANAGERA"
	staffer  = "U0STAFF"
)

const firmYAML = `firm:
  name: Test CPA
  timezone: America/New_York
  home_currency: USD
  billing_channel: C0BILLING
  approvers: [U0APPROVER]
  default_item: Services
clients:
  - name: Acme Corp
    harvest_client_id: 101
    email: ap@acme.example
    qbo_customer_id: "1"
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
`

func now() time.Time { return time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC) }

// fakeQBO answers like QBO for one invoice at a time: TotalAmt is billbot's
// total; sends are counted.
type fakeQBO struct {
	mu    sync.Mutex
	sends int
}

func (f *fakeQBO) MatchCustomers(context.Context, []billing.Client) (map[string]string, []billing.Problem, error) {
	return map[string]string{"Acme Corp": "1"}, nil, nil
}

func (f *fakeQBO) Items(context.Context) (map[string]string, error) {
	return map[string]string{"Services": "1"}, nil
}

func (f *fakeQBO) CreateDraft(_ context.Context, inv billing.Invoice, _ billing.Client, _ map[string]string) (workflow.Remote, error) {
	return workflow.Remote{ID: "Q1", SyncToken: "0", DocNumber: "1001", Currency: inv.Currency, Total: inv.Total, Balance: inv.Total}, nil
}

func (f *fakeQBO) ReplaceDraft(_ context.Context, id string, inv billing.Invoice, _ billing.Client, _ map[string]string, _ string) (workflow.Remote, error) {
	return workflow.Remote{ID: id, SyncToken: "1", Currency: inv.Currency, Total: inv.Total, Balance: inv.Total}, nil
}

func (f *fakeQBO) Send(_ context.Context, id, _, _ string) (workflow.Remote, error) {
	f.mu.Lock()
	f.sends++
	f.mu.Unlock()
	return workflow.Remote{ID: id, SyncToken: "2", EmailStatus: "EmailSent"}, nil
}

func (f *fakeQBO) Void(_ context.Context, id, _ string) (workflow.Remote, error) {
	return workflow.Remote{ID: id, Voided: true}, nil
}

func (f *fakeQBO) Invoice(_ context.Context, id string) (workflow.Remote, error) {
	return workflow.Remote{ID: id}, nil
}

func (f *fakeQBO) ChangedInvoices(context.Context, time.Time) ([]workflow.Remote, error) {
	return nil, nil
}

func (f *fakeQBO) InvoiceURL(id string) string { return "https://qbo.example/app/invoice?txnId=" + id }

func (f *fakeQBO) DraftLines(billing.Invoice, billing.Client, map[string]string) ([]workflow.RemoteLine, error) {
	return nil, nil
}

// fakeSlack records posts, updates and DMs.
type fakeSlack struct {
	mu      sync.Mutex
	posts   int
	updates int
}

func (f *fakeSlack) Post(context.Context, string, string, []slack.Block) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.posts++
	return fmt.Sprintf("1700000000.%06d", f.posts), nil
}

func (f *fakeSlack) Update(context.Context, string, string, string, []slack.Block) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates++
	return nil
}

func (f *fakeSlack) DM(ctx context.Context, user, text string, blocks []slack.Block) (string, string, error) {
	ts, err := f.Post(ctx, "D"+user, text, blocks)
	return "D" + user, ts, err
}

// fakeViews records the modals opened.
type fakeViews struct {
	mu     sync.Mutex
	opened []slack.ModalViewRequest
}

func (f *fakeViews) OpenView(_ context.Context, _ string, v slack.ModalViewRequest) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opened = append(f.opened, v)
	return "V1", nil
}

type fixture struct {
	t      *testing.T
	store  *store.Store
	qbo    *fakeQBO
	slack  *fakeSlack
	views  *fakeViews
	wf     *workflow.Workflow
	ledger *answers.Ledger
	h      *interactions.Handler
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, store: storetest.SQLite(t).WithClock(now), qbo: &fakeQBO{}, slack: &fakeSlack{}, views: &fakeViews{}}
	parsed, err := config.ParseFirm("test firm", []byte(firmYAML))
	if err != nil {
		t.Fatal(err)
	}
	_, clients, engs := parsed.Billing()
	if err := f.store.SaveConfig(t.Context(), []byte(firmYAML), clients, engs, "test"); err != nil {
		t.Fatal(err)
	}
	// Answers remembered as `serve` does, so every test also checks that
	// no change is answered stale.
	f.ledger = answers.NewLedger(f.store.LedgerVersion, 0)
	f.wf = workflow.New(workflow.Deps{Store: f.store, Ledger: f.qbo, Notifier: notify.New(f.slack, nil), Now: now}).WithAnswers(f.ledger)
	f.h = interactions.New(f.wf, f.views, nil)
	return f
}

// pending drafts Acme's October invoice (10 h advisory at 200, 2 h
// bookkeeping at 200) and advances it to pending.
func (f *fixture) pending() store.Invoice {
	f.t.Helper()
	ctx := f.t.Context()
	var entries []billing.TimeEntry
	for i, e := range []struct{ task, day, hours string }{{"Advisory", "2026-10-06", "10"}, {"Bookkeeping", "2026-10-07", "2"}} {
		entries = append(entries, billing.TimeEntry{
			Source: "harvest", ExternalID: fmt.Sprint(i + 1), ProjectID: 201, ClientID: 101, Client: "Acme Corp",
			Task: e.task, User: "Sam", SpentDate: billing.MustDate(e.day), Hours: money.MustHours(e.hours),
			Rate: money.MustParse("200.00", "USD"), Currency: "USD", Billable: true, Approved: true,
			ApprovedAt: time.Date(2026, 10, 8, 12, 0, 0, 0, time.UTC),
		})
	}
	if _, err := f.store.UpsertEntries(ctx, entries, now()); err != nil {
		f.t.Fatal(err)
	}
	rep, err := f.wf.Draft(ctx, workflow.DraftOptions{PeriodEnd: billing.MustDate("2026-10-31")})
	if err != nil || len(rep.Invoices) != 1 {
		f.t.Fatalf("draft: %d invoices, %v (problems %+v)", len(rep.Invoices), err, rep.Problems)
	}
	inv, err := f.store.InvoiceByKey(ctx, rep.Invoices[0].Key)
	if err != nil {
		f.t.Fatal(err)
	}
	if inv.State != store.StatePending {
		f.t.Fatalf("drafted invoice is %s", inv.State)
	}
	return inv
}

func (f *fixture) invoice(id int64) store.Invoice {
	f.t.Helper()
	inv, err := f.store.Invoice(f.t.Context(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return inv
}
