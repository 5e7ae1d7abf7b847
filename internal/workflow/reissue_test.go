package workflow_test

import (
	"strings"
	"testing"

	"billbot/store"
	"billbot/store/storetest"
)

// TestVoidedInvoiceIsReissued: an invoice voided in QuickBooks gives its
// time back; the next draft of that cycle bills it again on a new invoice
// under a reissue key (and a new QBO requestid), for approval — never lost,
// never on two live invoices.
func TestVoidedInvoiceIsReissued(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		ctx := t.Context()
		e.october()
		first := e.draft()
		inv := first[acme]
		if _, err := e.books.Void(ctx, inv.LedgerID, "void:test"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.wf.RefreshInvoices(ctx, []string{inv.LedgerID}); err != nil {
			t.Fatal(err)
		}
		if got := e.invoice(inv.ID); got.State != store.StateVoided {
			t.Fatalf("after void in QBO: state %s, want voided", got.State)
		}
		again := e.draft()
		re := again[acme]
		if re.ID == inv.ID || !strings.HasSuffix(re.Key, "/reissue-2") || re.State != store.StatePending {
			t.Fatalf("reissue: id %d key %q state %s; want a new pending invoice under %s/reissue-2", re.ID, re.Key, re.State, inv.Key)
		}
		if re.Total != inv.Total || re.LedgerID == inv.LedgerID {
			t.Errorf("reissue total %d (was %d), QBO id %s (was %s)", re.Total, inv.Total, re.LedgerID, inv.LedgerID)
		}
		if n := len(e.draft()); n != len(again) {
			t.Errorf("a third draft run changed the invoices: %d → %d", len(again), n)
		}
	})
}
