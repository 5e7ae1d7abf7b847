package reliability

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"billbot/internal/config"
	"billbot/internal/slacksandbox"
	"billbot/store"
)

// TestKilledProcessFinishesOnRerun builds the billbot binary, runs
// 'billbot draft' with BILLBOT_FAILPOINT so that the process SIGKILLs
// itself at that point, runs 'billbot draft' again without it, and checks
// through the sandboxes (served by this test process) that nothing was
// done twice and nothing was lost, on each ledger: QuickBooks (requestid)
// and Xero (Idempotency-Key). Drafts go to partners' DMs, so the real
// per-channel pacing of Slack posts never waits.
func TestKilledProcessFinishesOnRerun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the billbot binary")
	}
	bin := filepath.Join(t.TempDir(), "billbot")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "billbot")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, ledger := range Ledgers {
		for _, point := range []string{"slack:after_post", "qbo:after_create"} {
			t.Run(string(ledger)+"/"+point, func(t *testing.T) {
				t.Parallel()
				killedRun(t, bin, point, ledger)
			})
		}
	}
}

func killedRun(t *testing.T, bin, point string, ledger config.Ledger) {
	ctx := t.Context()
	// The binary runs on the real clock, so the world does too: bill the
	// month before this one.
	now := time.Now().In(newYork)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, newYork)
	prev := first.AddDate(0, -1, 0)
	month := Month(prev.Year(), prev.Month())

	dir := t.TempDir()
	st, err := store.Open(ctx, "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	firm := NewFirm(FirmSpec{Clients: 2, Staff: 3, Seed: 5, Year: prev.Year(), DMDrafts: true})
	w, err := NewWorldOn(ctx, st, firm, NewClock(now), Faults{}, ledger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	entries, _ := firm.MonthEntries(month)
	w.Harvest.Add(entries...)

	env := []string{
		"BILLBOT_DATA_DIR=" + dir,
		"BILLBOT_ENCRYPTION_KEY=" + w.EncryptionKey,
		"LOG_LEVEL=error",
		"SLACK_BOT_TOKEN=" + SlackToken,
		"SLACK_API_URL=" + w.Slack.APIURL(),
		"HARVEST_ACCOUNT_ID=" + HarvestAcct,
		"HARVEST_ACCESS_TOKEN=" + HarvestToken,
		"HARVEST_API_URL=" + w.Harvest.URL(),
	}
	if ledger == config.LedgerXero {
		srv := w.Ledger.(xeroLedger).srv
		env = append(env,
			"XERO_CLIENT_ID=reliability-xero-client",
			"XERO_CLIENT_SECRET=reliability-xero-secret",
			"XERO_REDIRECT_URL=http://127.0.0.1/oauth/xero/callback",
			"XERO_TENANT_ID="+srv.TenantID(),
			"XERO_API_URL="+srv.URL(),
			"XERO_IDENTITY_URL="+srv.IdentityURL(),
		)
	} else {
		env = append(env,
			"QBO_CLIENT_ID="+QBOClientID,
			"QBO_CLIENT_SECRET="+QBOSecret,
			"QBO_REDIRECT_URL=http://127.0.0.1/oauth/qbo/callback",
			"QBO_REALM_ID="+QBORealm,
			"QBO_ENVIRONMENT=sandbox",
			"QBO_API_URL="+w.QBO.URL(),
			"QBO_AUTH_URL="+w.QBO.AuthURL(),
			"QBO_TOKEN_URL="+w.QBO.TokenURL(),
		)
	}
	billbot := func(failPoint string, args ...string) error {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = env
		if failPoint != "" {
			cmd.Env = append(cmd.Env, "BILLBOT_FAILPOINT="+failPoint)
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			return &runError{err: err, out: string(out)}
		}
		return nil
	}
	if err := billbot("", "sync", "harvest", "--quiet"); err != nil {
		t.Fatal(err)
	}
	err = billbot(point, "draft")
	var re *runError
	var ee *exec.ExitError
	if !errors.As(err, &re) || !errors.As(re.err, &ee) || !killedBySIGKILL(ee) {
		t.Fatalf("draft with %s: want death by SIGKILL, got %v", point, err)
	}
	// The kill came after the effect it follows: a DM posted, or an
	// invoice created in the ledger, that billbot had not recorded.
	posted := 0
	for _, p := range firm.Partners {
		posted += len(w.Slack.Messages(slacksandbox.DMChannel(p)))
	}
	if (point == "slack:after_post" && posted != 1) || w.Ledger.InvoiceCount() == 0 {
		t.Fatalf("after the kill: %d drafts posted, %d invoices in %s", posted, w.Ledger.InvoiceCount(), ledger)
	}
	if err := billbot("", "draft"); err != nil {
		t.Fatal(err)
	}
	bad, err := Check(ctx, w, month.End)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Error(b)
	}
	invs, err := st.Invoices(ctx, store.InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(invs) != len(firm.Clients) || w.Ledger.InvoiceCount() != len(invs) {
		t.Errorf("%d invoices in billbot, %d in %s; want %d", len(invs), w.Ledger.InvoiceCount(), ledger, len(firm.Clients))
	}
	for key, n := range w.Ledger.InvoicesByKey() {
		if n != 1 {
			t.Errorf("%s: %d invoices made with idempotency key %s; want 1", ledger, n, key)
		}
	}
	for _, inv := range invs {
		if inv.State != store.StatePending || inv.Period.End != month.End {
			t.Errorf("%s: %s for %s", inv.Key, inv.State, inv.Period)
		}
	}
}

// runError is a failed run of the binary with its output.
type runError struct {
	err error
	out string
}

func (e *runError) Error() string { return e.err.Error() + ": " + strings.TrimSpace(e.out) }
func (e *runError) Unwrap() error { return e.err }

func killedBySIGKILL(ee *exec.ExitError) bool {
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}
