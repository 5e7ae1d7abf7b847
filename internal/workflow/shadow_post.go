package workflow

import (
	"context"
	"fmt"

	"billbot/internal/billing"
	"billbot/internal/shadow"
	"billbot/internal/view"
)

// CycleRun is what the scheduled draft did: a draft of the live clients,
// a shadow comparison of the clients in shadow mode, or both.
type CycleRun struct {
	Draft  *DraftReport  // nil when no client is live
	Shadow *ShadowReport // nil when no client is in shadow mode, or this cycle was compared already
	Posted bool          // the shadow report went to Slack
}

// DraftCycle is the scheduled draft: it drafts the cycles of the live
// clients and, for the clients in shadow mode (every client under
// firm.mode: shadow), compares the cycle with the invoices the firm issued
// itself and posts the report to the billing channel instead of drafting
// them. Clients that are off are left alone.
func (w *Workflow) DraftCycle(ctx context.Context) (CycleRun, error) {
	var run CycleRun
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return run, err
	}
	if firm.hasMode(billing.ModeLive) || len(firm.Clients) == 0 {
		rep, err := w.Draft(ctx, DraftOptions{Actor: "scheduler"})
		if err != nil {
			return run, err
		}
		run.Draft = &rep
	}
	if firm.hasMode(billing.ModeShadow) {
		if run.Shadow, run.Posted, err = w.PostShadow(ctx, firm); err != nil {
			return run, fmt.Errorf("shadow cycle: %w", err)
		}
	}
	return run, nil
}

// PostShadow compares the last closed cycle of the clients in shadow mode
// and posts the report to the billing channel (else the billing manager's
// DM), once per cycle across processes and days: the daily job finds the
// cycle compared and does nothing until the next one closes. A post that
// fails is not retried; the summary stays in /billing shadow.
func (w *Workflow) PostShadow(ctx context.Context, firm *Firm) (*ShadowReport, bool, error) {
	ends, err := cycleEnds(firm, firm.Today(w.now()), billing.Date{})
	if err != nil || len(ends) == 0 {
		return nil, false, err
	}
	claimed, err := w.store.ClaimOnce(ctx, "shadow-post:"+ends[len(ends)-1].String(), w.now())
	if err != nil || !claimed {
		return nil, false, err
	}
	rep, err := w.Shadow(ctx, ShadowOptions{Actor: "scheduler"})
	if err != nil {
		return nil, false, err
	}
	if w.notify == nil {
		return &rep, false, nil
	}
	cycles := make([]shadow.Summary, len(rep.History))
	for i, h := range rep.History {
		cycles[i] = h.Summary
	}
	sent, err := w.notify.ShadowReport(ctx, firm.File.BillingChannel, firm.File.BillingManager, cycles, ShadowClients(rep.Report))
	if err != nil {
		return &rep, false, fmt.Errorf("post the shadow report: %w", err)
	}
	return &rep, sent, nil
}

// ShadowClients lists the clients whose invoices differ, for the report.
func ShadowClients(rep shadow.Report) []view.ShadowClient {
	var out []view.ShadowClient
	for _, c := range rep.Clients {
		if c.Agrees {
			continue
		}
		sc := view.ShadowClient{Client: c.Client, Currency: c.Currency, Billbot: c.BillbotTotal, Ledger: c.LedgerTotal}
		for _, l := range c.Lines {
			switch l.Status {
			case shadow.Differs:
				sc.Differs++
			case shadow.OnlyBillbot:
				sc.OnlyBillbot++
			case shadow.OnlyLedger:
				sc.OnlyLedger++
			}
		}
		out = append(out, sc)
	}
	return out
}
