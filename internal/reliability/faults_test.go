package reliability

import (
	"testing"

	"billbot/internal/qbo/qbosandbox"
)

// faultRates are the injected failure rates: one call in five fails at
// each vendor.
//   - Harvest: 20 % of requests answered 500, 502 or 503.
//   - the ledger (QuickBooks, or Xero at the same shares): 20 % of API calls — 4 % throttled (429, Retry-After 1),
//     4 % 500, 4 % 503 (HTML body), 3 % held until the client gives up
//     (timeout), 5 % executed but answered by a dropped connection.
//   - Slack: 20 % of Web API calls answered 503 or 429 (Retry-After 1).
var faultRates = Faults{
	Seed:    20260101,
	Harvest: 0.20,
	QBO: qbosandbox.Faults{
		Throttle: 0.04, ServerError: 0.04, Unavailable: 0.04, Timeout: 0.03, DropAfterCommit: 0.05,
	},
	Slack: 0.20,
}

// TestFaultsChangeNothing runs a cycle (sync → draft → approve all →
// collect) with one vendor call in five failing, re-running every step
// that returns an error as the scheduler's next tick would, and expects
// exactly the result of the same cycle without faults: the same invoice
// keys, totals, lines and sent set, and no duplicates anywhere — on
// QuickBooks and on Xero (the same shares of its calls failing).
func TestFaultsChangeNothing(t *testing.T) {
	spec := FirmSpec{Clients: 24, Staff: 10, Seed: 11}
	for _, lc := range ledgerCases() {
		t.Run(lc.String(), func(t *testing.T) {
			steps := []string{"sync", "draft", "approve", "collect"}
			calm := newWorldOn(t, freshStore(t, lc.dialect), spec, Faults{}, lc.ledger)
			base := runCycle(t, &Operator{World: calm}, steps...)
			for _, seed := range []uint64{1, 2, 3} {
				faults := faultRates
				faults.Seed += seed
				w := newWorldOn(t, freshStore(t, lc.dialect), spec, faults, lc.ledger)
				op := &Operator{World: w, MaxAttempts: 200}
				got := runCycle(t, op, steps...)
				diffOutcome(t, base, got)
				slackFaults, calls := 0, w.Slack.Calls()
				for _, c := range calls {
					if c.Status != 200 {
						slackFaults++
					}
				}
				t.Logf("seed %d: %d step re-runs; Harvest %d faults in %d requests; Slack %d faults in %d calls; %s %d API calls",
					faults.Seed, op.Retries, w.Harvest.Stats().Faults, w.Harvest.Stats().Requests, slackFaults, len(calls), lc.ledger, w.Ledger.TotalCalls())
				// One ledger call in five failed and was tried again.
				if got, calmCalls := w.Ledger.TotalCalls(), calm.Ledger.TotalCalls(); got <= calmCalls {
					t.Errorf("%s answered %d calls with faults, %d without: no fault was injected", lc.ledger, got, calmCalls)
				}
			}
			sent := 0
			for _, inv := range base.Invoices {
				if inv.Sent {
					sent++
				}
			}
			if sent == 0 {
				t.Error("nothing was sent: the cycle did not run to the end")
			}
		})
	}
}
