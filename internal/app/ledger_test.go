package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/internal/workflow"
)

// fakeLedger records the calls it gets; it has no optional method.
type fakeLedger struct {
	name    string
	calls   []string
	created map[string]bool
}

func (f *fakeLedger) Name() string { return f.name }
func (f *fakeLedger) MatchCustomers(context.Context, []billing.Client) (map[string]string, []billing.Problem, error) {
	f.calls = append(f.calls, "match")
	return map[string]string{"Acme": f.name + "-1"}, nil, nil
}
func (f *fakeLedger) Items(context.Context) (map[string]string, error) {
	f.calls = append(f.calls, "items")
	return map[string]string{"Services": f.name}, nil
}
func (f *fakeLedger) CreateDraft(_ context.Context, inv billing.Invoice, _ billing.Client, _ map[string]string) (workflow.Remote, error) {
	f.calls = append(f.calls, "create "+inv.Key)
	if inv.Key == "bad" {
		return workflow.Remote{}, errors.New("refused")
	}
	return workflow.Remote{ID: f.name + ":" + inv.Key}, nil
}
func (f *fakeLedger) ReplaceDraft(context.Context, string, billing.Invoice, billing.Client, map[string]string, string) (workflow.Remote, error) {
	return workflow.Remote{}, nil
}
func (f *fakeLedger) Send(context.Context, string, string, string) (workflow.Remote, error) {
	return workflow.Remote{}, nil
}
func (f *fakeLedger) Void(context.Context, string, string) (workflow.Remote, error) {
	return workflow.Remote{}, nil
}
func (f *fakeLedger) Invoice(_ context.Context, id string) (workflow.Remote, error) {
	f.calls = append(f.calls, "read "+id)
	return workflow.Remote{ID: id}, nil
}
func (f *fakeLedger) ChangedInvoices(context.Context, time.Time) ([]workflow.Remote, error) {
	return nil, nil
}
func (f *fakeLedger) InvoiceURL(id string) string { return "https://" + f.name + "/" + id }
func (f *fakeLedger) DraftLines(billing.Invoice, billing.Client, map[string]string) ([]workflow.RemoteLine, error) {
	return nil, nil
}

// TestLedgerChooserFollowsTheFirm: each call goes to the ledger the firm's
// configuration names at that moment, read again only when the
// configuration's version moves; a ledger not configured is an error
// naming its settings; the optional batch methods fall back to one call a
// time on a ledger that has none.
func TestLedgerChooserFollowsTheFirm(t *testing.T) {
	ctx := context.Background()
	qb, xr := &fakeLedger{name: "QuickBooks"}, &fakeLedger{name: "Xero"}
	kind, version, reads := config.LedgerQuickBooks, int64(1), 0
	c := NewLedgerChooser(map[config.Ledger]workflow.Ledger{config.LedgerQuickBooks: qb, config.LedgerXero: xr},
		func(context.Context) (config.Ledger, error) { reads++; return kind, nil },
		func(context.Context) (int64, error) { return version, nil })

	if got, _ := c.Items(ctx); got["Services"] != "QuickBooks" || c.Name() != "QuickBooks" {
		t.Fatalf("QuickBooks firm: items %v, name %q", got, c.Name())
	}
	kind = config.LedgerXero // saved, but the version has not moved yet
	if got, _ := c.Items(ctx); got["Services"] != "QuickBooks" || reads != 1 {
		t.Errorf("unchanged version: items %v after %d reads; want QuickBooks, one read", got, reads)
	}
	version = 2
	if got, _ := c.Items(ctx); got["Services"] != "Xero" || c.Name() != "Xero" || c.InvoiceURL("9") != "https://Xero/9" {
		t.Errorf("after the firm moved to Xero: items %v, name %q", got, c.Name())
	}
	if !c.Connected(ctx) {
		t.Error("a ledger without Connector is connected")
	}

	remotes, failed, err := c.CreateDrafts(ctx, "b1", []workflow.DraftRequest{
		{Invoice: billing.Invoice{Key: "k1"}}, {Invoice: billing.Invoice{Key: "bad"}}}, nil)
	if err != nil || remotes["k1"].ID != "Xero:k1" || failed["bad"] == nil || len(remotes) != 1 {
		t.Errorf("CreateDrafts one at a time: %v, %v, %v", remotes, failed, err)
	}
	if rs, err := c.Invoices(ctx, []string{"a", "b"}); err != nil || len(rs) != 2 || rs[1].ID != "b" {
		t.Errorf("Invoices one at a time: %v, %v", rs, err)
	}
	if _, err := c.IssuedInvoices(ctx, nil, billing.Date{}, billing.Date{}, nil); err == nil || !strings.Contains(err.Error(), "Xero") {
		t.Errorf("IssuedInvoices of a ledger without it: %v", err)
	}
	if len(qb.calls) != 2 { // the two Items before the version moved
		t.Errorf("QuickBooks got %v after the firm moved", qb.calls)
	}

	only := NewLedgerChooser(map[config.Ledger]workflow.Ledger{config.LedgerQuickBooks: qb},
		func(context.Context) (config.Ledger, error) { return config.LedgerXero, nil }, nil)
	if _, err := only.Items(ctx); err == nil || !strings.Contains(err.Error(), "XERO_CLIENT_ID") || only.Connected(ctx) {
		t.Errorf("Xero firm without Xero settings: %v, connected %v", err, only.Connected(ctx))
	}
}
