package reliability

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"billbot/internal/config"
	"billbot/internal/workflow"
	"billbot/store"
)

var crashFirm = FirmSpec{Clients: 10, Staff: 6, Seed: 7}

// TestCrashAtEveryFailPoint kills billbot at each fail point — the first
// and (where the cycle reaches it that often) the third time — restarts it over the same database
// and sandboxes, and finishes the cycle: the result is the undisturbed
// run's, with no duplicate ledger invoice or Slack message and no entry
// lost — on QuickBooks and on Xero.
func TestCrashAtEveryFailPoint(t *testing.T) {
	for _, lc := range ledgerCases() {
		t.Run(lc.String(), func(t *testing.T) {
			base := runCycle(t, &Operator{World: newWorldOn(t, freshStore(t, lc.dialect), crashFirm, Faults{}, lc.ledger)}, "sync", "draft", "approve")
			if len(base.Invoices) < 8 {
				t.Fatalf("only %d invoices in the undisturbed run", len(base.Invoices))
			}
			for _, point := range workflow.FailPoints {
				nths := []int{1, 3}
				if strings.HasPrefix(point, "qbo:") && lc.ledger == config.LedgerQuickBooks {
					// Drafts go to QBO thirty to a batch: this firm's fit one.
					// Xero takes them one call each, so its third is reached.
					nths = []int{1}
				}
				for _, nth := range nths {
					t.Run(fmt.Sprintf("%s#%d", point, nth), func(t *testing.T) {
						t.Parallel()
						fp, fired := CrashAt(point, nth)
						w := newWorldOn(t, freshStore(t, lc.dialect), crashFirm, Faults{}, lc.ledger)
						op := &Operator{World: w, FailPoint: fp}
						got := runCycle(t, op, "sync", "draft", "approve")
						if !fired() {
							t.Fatalf("the cycle never reached %s %d times", point, nth)
						}
						if op.Crashes != 1 || op.Boots != 2 {
							t.Errorf("%d crashes, %d boots; want 1 and 2", op.Crashes, op.Boots)
						}
						diffOutcome(t, base, got)
					})
				}
			}
		})
	}
}

// TestCrashAfterPostWithoutSearchPostsTwice shows what the tagged post
// and search prevent: with a Messenger that cannot search, a crash between
// posting a draft and recording its ts posts that draft twice — and Check
// sees it.
func TestCrashAfterPostWithoutSearchPostsTwice(t *testing.T) {
	fp, fired := CrashAt("slack:after_post", 1)
	w := newWorld(t, freshStore(t, dialects[0]), crashFirm, Faults{})
	w.PlainSlack = true
	op := &Operator{World: w, FailPoint: fp}
	for _, step := range []struct {
		name string
		fn   func(context.Context, *Billbot) error
	}{{"sync", Sync}, {"draft", Draft}} {
		if err := op.Do(t.Context(), step.name, step.fn); err != nil {
			t.Fatal(err)
		}
	}
	if !fired() {
		t.Fatal("slack:after_post not reached")
	}
	bad, err := Check(t.Context(), w, october.End)
	if err != nil {
		t.Fatal(err)
	}
	dup := 0
	for _, b := range bad {
		if strings.Contains(b, "untagged message") {
			dup++
		}
	}
	if want := len(w.Slack.Messages(BillingChannel)); dup != want {
		t.Errorf("Check flagged %d of %d untagged posts", dup, want)
	}
	invs, err := w.Store.Invoices(t.Context(), store.InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(w.Slack.Messages(BillingChannel)); got != len(invs)+1 {
		t.Errorf("%d messages for %d invoices; want one duplicate", got, len(invs))
	}
}

// TestSearchWithoutHistoryScopePostsAgain: when Slack refuses the history
// read for want of a *:history scope, the re-run after a crash cannot know
// whether the draft was posted; it posts it again rather than never.
func TestSearchWithoutHistoryScopePostsAgain(t *testing.T) {
	fp, fired := CrashAt("slack:after_post", 1)
	w := newWorld(t, freshStore(t, dialects[0]), crashFirm, Faults{})
	w.Slack.FailNext("conversations.history", "missing_scope")
	op := &Operator{World: w, FailPoint: fp}
	for _, step := range []func(context.Context, *Billbot) error{Sync, Draft} {
		if err := op.Do(t.Context(), "cycle", step); err != nil {
			t.Fatal(err)
		}
	}
	if !fired() {
		t.Fatal("slack:after_post not reached")
	}
	bad, err := Check(t.Context(), w, october.End)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) != 1 || !strings.Contains(bad[0], ": 2 messages") {
		t.Errorf("want exactly one invoice posted twice, got %q", bad)
	}
}
