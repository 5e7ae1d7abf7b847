package reliability

import (
	"testing"
	"time"
)

// TestFirstPaymentPollStaysWithinCDCWindow: the first payment poll (no
// cursor yet) must ask QBO's change data capture for a span QBO accepts —
// at most 30 days back (docs/vendors.md §2.10) — even though the request carries
// its instant at whole seconds (RFC 3339) and arrives a little later. A
// poll for exactly now − 30 days fails with a 400 on any clock with
// sub-second precision, and then fails on every collections run.
func TestFirstPaymentPollStaysWithinCDCWindow(t *testing.T) {
	for _, offset := range []time.Duration{0, 500 * time.Millisecond} {
		w := newWorld(t, freshStore(t, dialects[0]), FirmSpec{Clients: 2, Seed: 1}, Faults{})
		w.Clock.Set(octoberDraw.Add(offset))
		b, err := w.Boot(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := b.WF.RefreshPayments(t.Context()); err != nil {
			t.Errorf("clock at %s: %v", w.Clock.Now().Format(time.RFC3339Nano), err)
		}
	}
}
