package reliability

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/config"
	"billbot/internal/ledger/qbobooks"
	"billbot/internal/ledger/xerobooks"
	"billbot/internal/money"
	"billbot/internal/qbo"
	"billbot/internal/qbo/qbosandbox"
	"billbot/internal/workflow"
	"billbot/internal/xero"
	"billbot/internal/xero/xerosandbox"
)

// Ledgers are the ledgers every ledger-bound scenario runs on.
var Ledgers = []config.Ledger{config.LedgerQuickBooks, config.LedgerXero}

// XeroToken is the bearer token of the simulated Xero organisation.
const XeroToken = "reliability-xero-token"

// LedgerSandbox is what the checks and the tests need of the firm's ledger,
// whichever it is: the QuickBooks sandbox (Ledger.QBO) or Xero's.
type LedgerSandbox interface {
	// Kind is the ledger.
	Kind() config.Ledger
	// InvoicesByKey is how many invoices each create's request key
	// (QuickBooks' requestid, Xero's Idempotency-Key) made; each should be 1.
	InvoicesByKey() map[string]int
	// InvoiceCount is the number of invoices the ledger holds, voided and
	// deleted ones included.
	InvoiceCount() int
	// InvoiceTotal is invoice id's total as the ledger stores it (QBO's
	// TotalAmt, Xero's Total); found is false when there is no such invoice.
	InvoiceTotal(id string, cur money.Currency) (total money.Amount, found bool, err error)
	// Pay records a customer's payment against invoice id.
	Pay(id string, amount money.Amount) error
	// TotalCalls is how many API calls the ledger answered, failed ones
	// included.
	TotalCalls() int
	// URL is the API base URL.
	URL() string
	// books is billbot's adapter over a fresh client: what a booting
	// process builds.
	books(ctx context.Context, w *World) (workflow.Ledger, error)
	close()
}

// qboLedger is QuickBooks Online over qbosandbox.
type qboLedger struct{ srv *qbosandbox.Server }

func (q qboLedger) Kind() config.Ledger           { return config.LedgerQuickBooks }
func (q qboLedger) InvoicesByKey() map[string]int { return q.srv.InvoicesByRequestID() }
func (q qboLedger) InvoiceCount() int             { return q.srv.InvoiceCount() }
func (q qboLedger) TotalCalls() int               { return q.srv.TotalCalls() }
func (q qboLedger) URL() string                   { return q.srv.URL() }
func (q qboLedger) close()                        { q.srv.Close() }

func (q qboLedger) InvoiceTotal(id string, cur money.Currency) (money.Amount, bool, error) {
	raw, ok := q.srv.Invoice(id)
	if !ok {
		return 0, false, nil
	}
	var doc struct{ TotalAmt json.Number }
	if err := json.Unmarshal(raw, &doc); err != nil {
		return 0, true, fmt.Errorf("QBO invoice unreadable: %w", err)
	}
	total, err := money.Parse(doc.TotalAmt.String(), cur)
	if err != nil {
		return 0, true, fmt.Errorf("QBO TotalAmt %q: %w", doc.TotalAmt, err)
	}
	return total, true, nil
}

func (q qboLedger) Pay(id string, amount money.Amount) error {
	_, err := q.srv.Pay(id, amount)
	return err
}

func (q qboLedger) books(ctx context.Context, w *World) (workflow.Ledger, error) {
	oauthCfg := qbo.NewOAuthConfig(QBOClientID, QBOSecret, "http://127.0.0.1/oauth/qbo/callback", q.srv.AuthURL(), q.srv.TokenURL())
	hc, realm, err := qbo.NewHTTPClient(context.WithoutCancel(ctx), oauthCfg, w.tokens, 10*time.Second, w.Logger)
	if err != nil {
		return nil, err
	}
	qc, err := qbo.NewClient(q.srv.URL(), realm, hc, qbo.WithLogger(w.Logger), qbo.WithSleep(w.Clock.Sleep),
		qbo.WithLimits(qbo.Limits{MaxConcurrent: 10, Requests: 100000, BatchRequests: 10000, Per: time.Second}))
	if err != nil {
		return nil, err
	}
	return qbobooks.New(qc, "USD", ""), nil
}

// xeroLedger is Xero over xerosandbox: the firm's customers as contacts,
// its items with ItemCodes, the same injected fault rates.
type xeroLedger struct{ srv *xerosandbox.Server }

func newXeroLedger(firm *Firm, clock *Clock, faults Faults) xeroLedger {
	q := faults.QBO
	srv := xerosandbox.New(xerosandbox.Options{
		StaticToken: XeroToken, BaseCurrency: "USD", Currencies: []string{"CAD", "EUR", "GBP"}, Now: clock.Now,
		// Throttling comes from the injected faults only, as for QuickBooks:
		// Xero's windows run on real time, which a simulated year does not have.
		MaxConcurrent: -1, PerWindow: -1, PerDay: -1, AppPerWindow: -1,
		RetryAfter: "1", TimeoutHold: 20 * time.Millisecond,
		Faults: xerosandbox.Faults{Seed: faults.Seed, Throttle: q.Throttle, ServerError: q.ServerError, Unavailable: q.Unavailable,
			Timeout: q.Timeout, DropAfterCommit: q.DropAfterCommit},
	})
	for _, c := range firm.Customers {
		srv.AddContact(c.DisplayName, c.Email, c.Currency)
	}
	for i, it := range firm.Items {
		srv.AddItem(fmt.Sprintf("ITEM-%02d", i+1), it.Name, xerobooks.DefaultSalesAccount)
	}
	return xeroLedger{srv: srv}
}

func (x xeroLedger) Kind() config.Ledger           { return config.LedgerXero }
func (x xeroLedger) InvoicesByKey() map[string]int { return x.srv.InvoicesByKey() }
func (x xeroLedger) InvoiceCount() int             { return x.srv.InvoiceCount() }
func (x xeroLedger) TotalCalls() int               { return x.srv.TotalCalls() }
func (x xeroLedger) URL() string                   { return x.srv.URL() }
func (x xeroLedger) close()                        { x.srv.Close() }

func (x xeroLedger) InvoiceTotal(id string, cur money.Currency) (money.Amount, bool, error) {
	inv, ok := x.srv.Invoice(id)
	if !ok {
		return 0, false, nil
	}
	// The sandbox keeps cents: Xero's Total has 2 decimals.
	sign, v := "", inv.Total
	if v < 0 {
		sign, v = "-", -v
	}
	total, err := money.Parse(fmt.Sprintf("%s%d.%02d", sign, v/100, v%100), cur)
	return total, true, err
}

func (x xeroLedger) Pay(id string, amount money.Amount) error {
	_, err := x.srv.Pay(id, int64(amount))
	return err
}

func (x xeroLedger) books(_ context.Context, w *World) (workflow.Ledger, error) {
	hc := &http.Client{Transport: &oauth2.Transport{Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: XeroToken})}, Timeout: 10 * time.Second}
	xc, err := xero.NewClient(x.srv.URL(), x.srv.TenantID(), hc, xero.WithLogger(w.Logger), xero.WithSleep(w.Clock.Sleep),
		xero.WithLimits(xero.Limits{MaxConcurrent: 5, PerMinute: 100000, PerDay: 10000000, BackgroundPerMinute: 100000, Per: time.Second, Day: 24 * time.Hour}))
	if err != nil {
		return nil, err
	}
	return xerobooks.New(xc, "USD", ""), nil
}
