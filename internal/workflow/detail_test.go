package workflow_test

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/invoicedetail"
	"billbot/internal/ledger/qbobooks"
	"billbot/internal/money"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// TestInvoiceDetailAndPrivateNote: the QBO invoice's PrivateNote carries a
// signed link to the detail page (on create and on replace); the detail
// has every entry under its line, the write-down with its reason and the
// edit with who and why.
func TestInvoiceDetailAndPrivateNote(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		signer, err := invoicedetail.NewSigner([]byte("0123456789abcdef0123456789abcdef"), "https://billbot.example", e.clock.Now)
		if err != nil {
			t.Fatal(err)
		}
		e.books.(*qbobooks.Books).WithDetailLinks(signer)
		e.wf.WithDetailLinks(signer)
		e.october()
		inv := e.draft()[birch]
		ctx := t.Context()

		checkNote := func(when string) {
			t.Helper()
			cur := e.invoice(inv.ID)
			raw, ok := e.qbo.Invoice(cur.LedgerID)
			if !ok {
				t.Fatal("QBO invoice missing")
			}
			var q struct{ PrivateNote string }
			if err := json.Unmarshal(raw, &q); err != nil {
				t.Fatal(err)
			}
			i := strings.Index(q.PrivateNote, "https://billbot.example/invoices/")
			if i < 0 || len(q.PrivateNote) > 4000 {
				t.Fatalf("%s: PrivateNote %q has no detail link", when, q.PrivateNote)
			}
			u, err := url.Parse(strings.Fields(q.PrivateNote[i:])[0])
			if err != nil {
				t.Fatal(err)
			}
			number, _ := url.PathUnescape(strings.TrimPrefix(u.EscapedPath(), "/invoices/"))
			if number != cur.Key {
				t.Errorf("%s: link names %q, want the key %q", when, number, cur.Key)
			}
			if err := signer.Verify(number, u.Query().Get("exp"), u.Query().Get("sig")); err != nil {
				t.Errorf("%s: link does not verify: %v", when, err)
			}
		}
		checkNote("created")

		hourly := lineOf(t, inv.Billing(), billing.LineHourly)
		l := inv.Lines[hourly]
		edit := workflow.Edit{Lines: []workflow.LineEdit{{Index: hourly, Hours: money.MustHours("6"), Rate: l.UnitPrice, Description: l.Description}},
			WriteDownReason: "efficiency", WriteDownNote: "new staff"}
		if _, err := e.wf.EditInvoice(ctx, inv.ID, partnerB, edit); err != nil {
			t.Fatal(err)
		}
		checkNote("replaced")

		for _, number := range []string{inv.Key, "#" + itoa(inv.ID)} {
			d, err := e.wf.InvoiceDetail(ctx, number)
			if err != nil {
				t.Fatalf("InvoiceDetail(%q): %v", number, err)
			}
			if d.EntryCount() != len(inv.Lines[hourly].EntryIDs)+countOthers(inv, hourly) {
				t.Errorf("%d entries in the detail", d.EntryCount())
			}
			dl := d.Lines[hourly]
			if !dl.WrittenDown() || !strings.HasPrefix(dl.WriteDownReason, "efficiency") || len(dl.Entries) != len(l.EntryIDs) {
				t.Errorf("line %+v", dl)
			}
			for _, en := range dl.Entries {
				if en.HarvestID == "" || en.Staff == "" || en.Hours == 0 || en.Rate == 0 {
					t.Errorf("entry %+v", en)
				}
			}
			if len(d.Edits) != 1 || d.Edits[0].Actor != partnerB || d.Edits[0].TotalAfter != money.MustParse("810.00", "USD") || d.Edits[0].TotalBefore <= d.Edits[0].TotalAfter {
				t.Errorf("edits %+v", d.Edits)
			}
		}
		if _, err := e.wf.InvoiceDetail(ctx, "nope"); err == nil {
			t.Error("detail of an unknown invoice")
		}
	})
}

func countOthers(inv store.Invoice, except int) int {
	n := 0
	for i, l := range inv.Lines {
		if i != except {
			n += len(l.EntryIDs)
		}
	}
	return n
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
