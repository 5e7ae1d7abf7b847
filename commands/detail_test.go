package commands_test

import (
	"strconv"
	"strings"
	"testing"

	"billbot/internal/chat"
	"billbot/store"
	"billbot/store/storetest"
)

// TestInvoiceAndHistory: /billing invoice and /billing history answer the
// firm's people; a manager who is not an approver reads only the clients
// of their engagements; strangers and unknown numbers get the same answer.
func TestInvoiceAndHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, true)
		acme := f.sent("Acme Corp", managerA, "2026-10-31", "1000.00")
		before := f.state()
		for _, c := range []struct{ user, text, want string }{
			{approver, "invoice " + acme.DocNumber, "Invoice " + acme.DocNumber + " — Acme Corp"},
			{billingManager, "invoice #" + itoa(acme.ID), "Acme Corp"},
			{managerA, "invoice " + acme.DocNumber, "Acme Corp"},
			{managerB, "invoice " + acme.DocNumber, "No invoice \"" + acme.DocNumber + "\" that you can see"},
			{staffer, "invoice " + acme.DocNumber, "billbot answers only the firm's people"},
			{approver, "invoice 99999", "No invoice \"99999\" that you can see"},
			{approver, "invoice", "Name one invoice"},
			{approver, "history " + acme.DocNumber, "History of invoice " + acme.DocNumber},
			{managerB, "history " + acme.DocNumber, "that you can see"},
			{approver, "history", "Name one invoice"},
		} {
			r := f.do(c.user, "/billing", c.text)
			if !strings.Contains(r.Text+blocks(r), c.want) {
				t.Errorf("%s /billing %s: %q %s, want %q", c.user, c.text, r.Text, blocks(r), c.want)
			}
		}
		r := f.do(approver, "/billing", "history "+acme.DocNumber)
		if b := blocks(r); !strings.Contains(b, "invoice.sent") || !strings.Contains(b, "State: approved → sent") {
			t.Errorf("history lacks the sent transition: %s", b)
		}
		if after := f.state(); after != before {
			t.Error("reading changed the invoices")
		}
	})
}

// TestDisputedShown: an open dispute shows in /billing status and /ar aging
// with a Resolve button, to those who may read the client.
func TestDisputedShown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, true)
		acme := f.sent("Acme Corp", managerA, "2026-10-31", "1000.00")
		birch := f.sent("Birch & Daughters", managerB, "2026-10-31", "500.00")
		if _, err := f.store.OpenDispute(t.Context(), acme.ID, managerA, "hours on Oct 3 are wrong"); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			user, command, text string
			shown               bool
		}{
			{approver, "/billing", "status", true},
			{approver, "/billing", "status Acme Corp", true},
			{approver, "/billing", "status Birch & Daughters", false},
			{managerA, "/billing", "status", true},
			{managerB, "/billing", "status", false},
			{approver, "/ar", "aging", true},
		} {
			r := f.do(c.user, c.command, c.text)
			b := blocks(r)
			shown := strings.Contains(b, "hours on Oct 3 are wrong") && strings.Contains(b, `"action_id":"`+chat.ActionResolveDispute+`"`)
			if shown != c.shown {
				t.Errorf("%s %s %s: dispute shown %v, want %v\n%s", c.user, c.command, c.text, shown, c.shown, b)
			}
		}
		r := f.do(approver, "/billing", "invoice #"+itoa(acme.ID)) // both invoices are DocNumber 100 here
		if b := blocks(r); !strings.Contains(b, "Disputed") || !strings.Contains(b, chat.ActionResolveDispute) {
			t.Errorf("invoice detail does not show the dispute: %s", b)
		} else if strings.Contains(b, `"action_id":"`+chat.ActionDispute+`"`) {
			t.Errorf("a disputed invoice's detail offers Mark disputed again: %s", b)
		}
		// An undisputed invoice the client owes on can be disputed from its detail.
		r = f.do(approver, "/billing", "invoice #"+itoa(birch.ID))
		if b := blocks(r); !strings.Contains(b, `"action_id":"`+chat.ActionDispute+`"`) || !strings.Contains(b, "Mark disputed") {
			t.Errorf("invoice detail of an open invoice lacks Mark disputed: %s", b)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
