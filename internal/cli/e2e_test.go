package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/chat"
	"billbot/internal/config"
	"billbot/internal/money"
	"billbot/internal/slacksandbox"
	"billbot/internal/slackui"
	"billbot/store"
)

// QBO sandbox endpoints the test counts (qbosandbox.Calls keys).
const (
	e2eSendEndpoint   = "POST invoice/{id}/send"
	e2eUpdateEndpoint = "POST invoice"
)

// TestE2EServeCycle runs one billing cycle against `billbot serve` over
// real HTTP on Postgres, touching billbot only through its surfaces: the
// QuickBooks connect flow, `billbot jobs run`, signed Slack requests and an
// Intuit webhook. The sandboxes stand in for Harvest, QBO and Slack.
func TestE2EServeCycle(t *testing.T) {
	for _, source := range e2eSources {
		for _, ledger := range e2eLedgers {
			t.Run(string(source)+"/"+string(ledger), func(t *testing.T) { e2eServeCycle(t, source, ledger) })
		}
	}
}

// e2eSources are the time sources the end-to-end cycle runs with: one
// firm, one story, one code path.
var e2eSources = config.TimeSources

func e2eServeCycle(t *testing.T, source config.TimeSource, ledger config.Ledger) {
	w := newE2EWorldFor(t, source, ledger)
	ctx := context.Background()

	// 1–2. Serve, then connect QuickBooks through a `billbot qbo connect`
	// link; the running serve uses the company from then on.
	w.startServe()
	if got := w.connectLedger(); !strings.Contains(got, w.books.connected()) {
		t.Fatalf("callback page = %q, want %q", got, w.books.connected())
	}

	// 3. The cycle: sync pulls the closed month, draft posts one invoice
	// per client for approval.
	t.Logf("jobs run sync: %s", w.cli("jobs", "run", "sync"))
	// Entries approved inside the month (Harvest's updated_at) are not late
	// approvals, though billbot first sees them after the cycle closed.
	exs, err := w.store.Exceptions(ctx, store.ExceptionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, ex := range exs {
		codes = append(codes, string(ex.Code))
	}
	sort.Strings(codes)
	if want := []string{string(billing.ExOrphaned), string(billing.ExUnapproved)}; strings.Join(codes, ",") != strings.Join(want, ",") {
		t.Errorf("exceptions after the first sync = %v, want %v", codes, want)
	}
	t.Logf("jobs run draft: %s", w.cli("jobs", "run", "draft"))
	for _, c := range e2eClients {
		inv := w.invoice(c)
		if inv.State != store.StatePending || inv.LedgerID == "" || inv.SlackChannel != e2eChannel || inv.SlackTS == "" {
			t.Fatalf("%s after draft: state %s, QBO %q, Slack %s/%s; want pending, in QBO and posted to %s",
				c, inv.State, inv.LedgerID, inv.SlackChannel, inv.SlackTS, e2eChannel)
		}
		if got := w.message(inv); got.Versions != 1 {
			t.Fatalf("%s draft message has %d versions, want 1", c, got.Versions)
		}
	}

	if dms := w.slack.Messages(slacksandbox.DMChannel(e2eBillingManager)); len(dms) != 1 {
		t.Errorf("billing manager DMs after the draft job = %d, want 1 (drafts ready)", len(dms))
	}

	alder := w.invoice(e2eApproveClient)
	t.Run("bad signatures leave no trace", func(t *testing.T) { e2eRejections(t, w, alder) })

	t.Run("a stranger reads nothing", func(t *testing.T) {
		// A member of the firm's own workspace whom the configuration does
		// not name: correctly signed, refused all the same.
		for _, text := range []string{"aging", "client " + e2eApproveClient} {
			status, body := w.send(w.signer.SlashCommand(w.base+"/slack/commands", url.Values{
				"command": {"/ar"}, "text": {text}, "team_id": {slacksandbox.TeamID}, "user_id": {e2eStaffer},
				"channel_id": {e2eChannel}, "response_url": {w.slack.NewResponseURL()}, "trigger_id": {w.slack.NewTriggerID()},
			}))
			if status != http.StatusOK || !strings.Contains(body, "only the firm's people") || strings.Contains(body, e2eApproveClient+"*") || strings.Contains(body, "USD") {
				t.Errorf("/ar %s by a stranger: HTTP %d %q, want a plain refusal", text, status, body)
			}
		}
	})

	t.Run("non-approver is refused", func(t *testing.T) {
		slackCalls := len(w.slack.Calls())
		respURL, _ := w.click(e2eStaffer, chat.ActionApprove, alder)
		w.eventually("refusal on the response_url", func() (bool, error) { return len(w.slack.ResponsePosts(respURL)) > 0, nil })
		post := w.slack.ResponsePosts(respURL)[0]
		if post.ReplaceOriginal || !strings.Contains(post.Text, "Only the engagement's partner") {
			t.Errorf("refusal = %+v, want an ephemeral 'Only the engagement's partner…'", post)
		}
		if n := w.books.sends(); n != 0 {
			t.Errorf("QBO sends after a refused click = %d, want 0", n)
		}
		if got := w.invoice(e2eApproveClient); got.State != store.StatePending {
			t.Errorf("state after a refused click = %s, want pending", got.State)
		}
		if m := w.message(alder); m.Versions != 1 || len(w.slack.Calls()) != slackCalls {
			t.Errorf("Slack after a refused click: message version %d, %d new Web API calls; want untouched", m.Versions, len(w.slack.Calls())-slackCalls)
		}
	})

	t.Run("partner approves: sent once, message updated", func(t *testing.T) {
		before := w.message(alder)
		w.click(e2ePartner, chat.ActionApprove, alder)
		alder = w.waitState(e2eApproveClient, store.StateSent)
		m := w.waitMessageVersion(alder, 2)
		if n := w.books.sends(); n != 1 {
			t.Errorf("QBO sends = %d, want 1", n)
		}
		if m.TS != before.TS || m.Channel != before.Channel || string(m.Blocks) == string(before.Blocks) {
			t.Errorf("approval did not update the draft message in place")
		}
		if !strings.Contains(string(m.Blocks)+m.Text, e2ePartner) {
			t.Errorf("updated message does not name the approver %s:\n%s", e2ePartner, m.Blocks)
		}
		if alder.ActedBy != e2ePartner || alder.SentAt.IsZero() {
			t.Errorf("sent invoice: acted by %q at %v", alder.ActedBy, alder.SentAt)
		}
	})

	t.Run("edit with a write-down", func(t *testing.T) { e2eEdit(t, w) })
	t.Run("hold and release", func(t *testing.T) { e2eHoldRelease(t, w) })

	// The other two are approved too, so every invoice ends sent.
	for _, c := range []string{e2eEditClient, e2eHoldClient} {
		w.click(e2ePartner, chat.ActionApprove, w.invoice(c))
		w.waitState(c, store.StateSent)
	}
	if n := w.books.sends(); n != len(e2eClients) {
		t.Errorf("QBO sends = %d, want one per invoice (%d)", n, len(e2eClients))
	}

	t.Run("payment webhook", func(t *testing.T) {
		inv := w.invoice(e2eApproveClient)
		total, _ := w.books.amounts(t, inv)
		w.books.pay(t, inv, total)
		body, path, sign := w.books.webhook(t)
		hook := func(header, signature string) int {
			req, err := http.NewRequest(http.MethodPost, w.base+path, bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(header, signature)
			status, _ := w.send(req)
			return status
		}
		// Signed with another secret: refused, nothing refreshed.
		calls := w.books.totalCalls()
		if status := hook(sign("not-the-verifier")); status != http.StatusUnauthorized {
			t.Errorf("forged webhook: HTTP %d, want 401", status)
		}
		if got := w.invoice(e2eApproveClient); got.State != store.StateSent || w.books.totalCalls() != calls {
			t.Errorf("after a forged webhook: %s, %d ledger calls; want sent and none", got.State, w.books.totalCalls()-calls)
		}
		if status := hook(sign("")); status != http.StatusOK {
			t.Fatalf("webhook delivery: HTTP %d", status)
		}
		paid := w.waitState(e2eApproveClient, store.StatePaid)
		if paid.Balance != 0 || paid.PaidAt.IsZero() {
			t.Errorf("paid invoice: balance %s, paid at %v", paid.Balance.Format(paid.Currency), paid.PaidAt)
		}
	})

	t.Run("conservation", func(t *testing.T) { e2eConservation(t, w) })
	if ledger != config.LedgerQuickBooks {
		t.Run("Slack names the firm's ledger", func(t *testing.T) { e2eNamesTheLedger(t, w) })
	}
	t.Run("rejected requests left no trace", func(t *testing.T) { e2eNoTrace(t, w) })
	t.Run("pool and Slack figures on /metrics", func(t *testing.T) { e2eMetrics(t, w) })
}

// e2eMetrics checks that serve publishes its pool, sized by
// DATABASE_MAX_CONNS, and the counters of busy and failed Slack replies.
func e2eMetrics(t *testing.T, w *e2eWorld) {
	resp, err := w.http.Get(w.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"\nbillbot_db_pool_max_open_connections 4\n",
		"\n# TYPE billbot_db_pool_in_use_connections gauge\n",
		"\n# TYPE billbot_db_pool_waits_total counter\n",
		"\n# TYPE billbot_slack_busy_replies_total counter\n",
		"\n# TYPE billbot_slack_errors_total counter\n",
	} {
		if !strings.Contains("\n"+string(body), want) {
			t.Errorf("/metrics lacks %q", strings.TrimSpace(want))
		}
	}
}

// e2eNoTrace checks, once everything else has run, that the approver named
// only in badly signed requests appears nowhere: no audit event, no Slack
// call, no invoice acted on.
func e2eNoTrace(t *testing.T, w *e2eWorld) {
	evs, err := w.store.AuditEvents(context.Background(), "invoice", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Actor == e2eImpostor || strings.Contains(ev.Note, e2eImpostor) {
			t.Errorf("audit event %d %s by %s: a rejected request took effect", ev.ID, ev.Action, ev.Actor)
		}
	}
	for _, c := range w.slack.Calls() {
		if c.User == e2eImpostor || strings.Contains(c.Text+string(c.Blocks), e2eImpostor) {
			t.Errorf("Slack %s names %s: a rejected request took effect", c.Method, e2eImpostor)
		}
	}
	for _, c := range e2eClients {
		if inv := w.invoice(c); inv.ActedBy == e2eImpostor {
			t.Errorf("%s invoice acted on by %s", c, e2eImpostor)
		}
	}
}

// e2eRejections sends an Approve for inv four ways Slack never would:
// signed with another secret, unsigned, signed 6 minutes ago, and a
// captured body replayed under a new timestamp. Each gets 401 and nothing
// happens: no Slack call, no audit event, no QBO call, no state change.
// Then it sends correctly signed requests from another workspace and
// another app: each is refused and, again, nothing happens.
func e2eRejections(t *testing.T, w *e2eWorld, inv store.Invoice) {
	target := w.base + "/slack/interactions"
	action := func() slacksandbox.BlockAction {
		return w.blockAction(e2eImpostor, chat.ActionApprove, inv, w.slack.NewResponseURLFor(inv.SlackChannel, inv.SlackTS), w.slack.NewTriggerID())
	}
	slackCalls, audits, qboCalls := len(w.slack.Calls()), w.auditCount(), w.books.totalCalls()

	forged := slacksandbox.Signer{Secret: "not-the-signing-secret"}.BlockAction(target, action())
	unsigned := w.signer.BlockAction(target, action())
	unsigned.Header.Del("X-Slack-Signature")
	unsigned.Header.Del("X-Slack-Request-Timestamp")
	stale := slacksandbox.Signer{Secret: e2eSigningSecret, Now: func() time.Time { return time.Now().Add(-6 * time.Minute) }}.BlockAction(target, action())
	// A request captured 6 minutes ago, sent again with a fresh timestamp
	// but its old signature.
	captured := slacksandbox.Signer{Secret: e2eSigningSecret, Now: func() time.Time { return time.Now().Add(-6 * time.Minute) }}.BlockAction(target, action())
	body, err := io.ReadAll(captured.Body)
	if err != nil {
		t.Fatal(err)
	}
	replayed, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	replayed.Header = captured.Header.Clone()
	replayed.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(time.Now().Unix(), 10))

	for _, tc := range []struct {
		name string
		req  *http.Request
	}{{"forged", forged}, {"unsigned", unsigned}, {"stale", stale}, {"replayed", replayed}} {
		if status, body := w.send(tc.req); status != http.StatusUnauthorized {
			t.Errorf("%s request: HTTP %d %q, want 401", tc.name, status, body)
		}
	}
	// Over 1 MiB: 413 before the signature is even looked at.
	huge := w.signer.Request(target, "application/x-www-form-urlencoded", bytes.Repeat([]byte("a"), 1<<20+1))
	if status, _ := w.send(huge); status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized request: HTTP %d, want 413", status)
	}
	// Correctly signed by Slack, but from a workspace (or app) that is not
	// the firm's: an attacker who installs the app in their own workspace
	// sends exactly these. Answered 200 (a refusal, not a transport
	// failure), and nothing happens.
	for _, o := range []struct{ name, team, app string }{
		{"another workspace", "T0ATTACKER", slacksandbox.AppID},
		{"another app", slacksandbox.TeamID, "A0ATTACKER"},
	} {
		a := action()
		a.TeamID, a.AppID = o.team, o.app
		if status, body := w.send(w.signer.BlockAction(target, a)); status != http.StatusOK || body != "" {
			t.Errorf("approve from %s: HTTP %d %q, want an empty 200", o.name, status, body)
		}
		status, body := w.send(w.signer.SlashCommand(w.base+"/slack/commands", url.Values{
			"command": {"/ar"}, "text": {"aging"}, "team_id": {o.team}, "api_app_id": {o.app}, "user_id": {e2eImpostor},
			"channel_id": {e2eChannel}, "response_url": {w.slack.NewResponseURL()}, "trigger_id": {w.slack.NewTriggerID()},
		}))
		if status != http.StatusOK || !strings.Contains(body, "another Slack workspace") || strings.Contains(body, e2eApproveClient) {
			t.Errorf("/ar aging from %s: HTTP %d %q, want a refusal that shows nothing of the firm", o.name, status, body)
		}
	}
	// A signed no-op (an unknown interaction type) goes through the same
	// server after the rejected ones: once it is answered, anything they
	// had started would have had its chance to show.
	ok := w.signer.Request(target, "application/x-www-form-urlencoded", []byte("payload="+`{"type":"view_closed","api_app_id":"`+slacksandbox.AppID+`","team":{"id":"`+slacksandbox.TeamID+`"},"user":{"id":"`+e2ePartner+`"}}`))
	if status, body := w.send(ok); status != http.StatusOK {
		t.Fatalf("signed view_closed: HTTP %d %q", status, body)
	}
	if got := len(w.slack.Calls()); got != slackCalls {
		t.Errorf("Slack Web API calls: %d new, want 0", got-slackCalls)
	}
	if got := w.auditCount(); got != audits {
		t.Errorf("audit events: %d new, want 0", got-audits)
	}
	if got := w.books.totalCalls(); got != qboCalls {
		t.Errorf("QBO calls: %d new, want 0", got-qboCalls)
	}
	if got := w.invoice(inv.Client); got.State != store.StatePending || got.Version != inv.Version {
		t.Errorf("invoice after rejected requests: %s v%d, want pending v%d", got.State, got.Version, inv.Version)
	}
}

// e2eEdit opens the edit modal as the partner, lowers the first hourly line
// by an hour with an efficiency write-down, and checks QBO and Slack follow.
func e2eEdit(t *testing.T, w *e2eWorld) {
	inv := w.invoice(e2eEditClient)
	_, trigger := w.click(e2ePartner, chat.ActionEdit, inv)
	viewID := w.openedView(trigger)
	if v, ok := w.slack.View(viewID); !ok || !strings.Contains(string(v.JSON), chat.CallbackEdit) {
		t.Fatalf("edit modal %q not open", viewID)
	}
	line := -1
	for i, l := range inv.Lines {
		if l.Kind == billing.LineHourly && l.Qty > money.HoursScale {
			line = i
			break
		}
	}
	if line < 0 {
		t.Fatalf("no hourly line over an hour on %s: %+v", inv.Client, inv.Lines)
	}
	l := inv.Lines[line]
	newHours := l.Qty - money.HoursScale
	updates, versions := w.books.updates(), w.message(inv).Versions
	const note = "First-year learning curve on the new chart of accounts"
	w.submit(e2ePartner, viewID, chat.CallbackEdit, inv, map[string]map[string]slacksandbox.Input{
		slackui.EditBlockID(line, slackui.FieldHours):       {slackui.InputAction: {Value: newHours.String()}},
		slackui.EditBlockID(line, slackui.FieldRate):        {slackui.InputAction: {Value: l.UnitPrice.Format(inv.Currency)}},
		slackui.EditBlockID(line, slackui.FieldDescription): {slackui.InputAction: {Value: l.Description}},
		slackui.BlockWriteDown:                              {slackui.InputAction: {Type: "static_select", Value: slackui.WriteDownEfficiency}},
		slackui.BlockWriteDownNote:                          {slackui.InputAction: {Value: note}},
	})
	want := inv.Total - money.LineAmount(money.HoursScale, l.UnitPrice)
	var edited store.Invoice
	w.eventually("edited total stored", func() (bool, error) {
		edited = w.invoice(e2eEditClient)
		return edited.Total != inv.Total, nil
	})
	if edited.Total != want || edited.Lines[line].Qty != newHours {
		t.Errorf("edited invoice: total %s, line qty %s; want %s and %s", edited.Total.Format(edited.Currency), edited.Lines[line].Qty, want.Format(inv.Currency), newHours)
	}
	if len(edited.WriteDowns) != 1 || !strings.Contains(edited.WriteDowns[0].Reason, slackui.WriteDownEfficiency) {
		t.Errorf("write-downs = %+v, want one for %q", edited.WriteDowns, slackui.WriteDownEfficiency)
	}
	w.eventually("QBO invoice updated", func() (bool, error) {
		total, _ := w.books.amounts(t, edited)
		return total == want, nil
	})
	if w.books.updates() <= updates {
		t.Errorf("no QBO invoice update after the edit")
	}
	m := w.waitMessageVersion(edited, versions+1)
	if !strings.Contains(string(m.Blocks), want.Format(inv.Currency)) && !strings.Contains(string(m.Blocks), want.Display(inv.Currency)) {
		t.Errorf("draft message does not show the new total %s:\n%s", want.Display(inv.Currency), m.Blocks)
	}
	if edited.State != store.StatePending {
		t.Errorf("state after edit = %s, want pending", edited.State)
	}
}

// e2eHoldRelease holds an invoice with a reason through the hold modal,
// then releases it back to approval.
func e2eHoldRelease(t *testing.T, w *e2eWorld) {
	inv := w.invoice(e2eHoldClient)
	_, trigger := w.click(e2ePartner, chat.ActionHold, inv)
	viewID := w.openedView(trigger)
	versions := w.message(inv).Versions
	const reason = "Client disputes the scope of the payroll clean-up; call on Friday"
	// Typed with a NUL and an escape in it (Postgres refuses NUL in text):
	// held all the same, with the reason as a person would read it.
	w.submit(e2ePartner, viewID, chat.CallbackHold, inv, map[string]map[string]slacksandbox.Input{
		slackui.BlockHoldReason: {slackui.InputAction: {Value: "Client disputes\x00 the scope of the payroll clean-up;\x1b call on Friday"}},
	})
	held := w.waitState(e2eHoldClient, store.StateHeld)
	if held.HoldReason != reason {
		t.Errorf("hold reason = %q, want %q", held.HoldReason, reason)
	}
	m := w.waitMessageVersion(held, versions+1)
	if !strings.Contains(string(m.Blocks)+m.Text, "payroll clean-up") || !strings.Contains(string(m.Blocks), chat.ActionRelease) {
		t.Errorf("held message lacks the reason or a Release button:\n%s", m.Blocks)
	}
	// Approve of the held invoice: the partner is told why nothing happens.
	sends := w.books.sends()
	respURL, _ := w.click(e2ePartner, chat.ActionApprove, held)
	w.eventually("the approve of a held invoice is answered", func() (bool, error) { return len(w.slack.ResponsePosts(respURL)) > 0, nil })
	if post := w.slack.ResponsePosts(respURL)[0]; !strings.Contains(post.Text, "on hold") || post.ReplaceOriginal {
		t.Errorf("approve of a held invoice answered %+v, want an ephemeral saying it is on hold", post)
	}
	if got := w.invoice(e2eHoldClient); got.State != store.StateHeld || w.books.sends() != sends {
		t.Errorf("approve of a held invoice: %s, %d new QBO sends", got.State, w.books.sends()-sends)
	}
	w.click(e2ePartner, chat.ActionRelease, held)
	released := w.waitState(e2eHoldClient, store.StatePending)
	if m := w.waitMessageVersion(released, versions+2); !strings.Contains(string(m.Blocks), chat.ActionApprove) {
		t.Errorf("released message has no Approve button:\n%s", m.Blocks)
	}
}

// e2eConservation checks that every approved billable minute at the
// firm's time source is
// on exactly one line of a sent (or paid) invoice or held by exactly one
// open exception, that nothing else is billed, and that every invoice's
// total is QBO's TotalAmt.
func e2eConservation(t *testing.T, w *e2eWorld) {
	ctx := context.Background()
	invs, err := w.store.Invoices(ctx, store.InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	places := map[int64][]string{} // billbot entry id → where it is
	for _, inv := range invs {
		if inv.State != store.StateSent && inv.State != store.StatePaid {
			t.Errorf("%s invoice is %s at the end of the cycle, want sent or paid", inv.Client, inv.State)
		}
		total, _ := w.books.amounts(t, inv)
		if total != inv.Total || inv.LedgerTotal != inv.Total {
			t.Errorf("%s: billbot total %s, stored QBO total %s, QBO TotalAmt %s", inv.Client,
				inv.Total.Format(inv.Currency), inv.LedgerTotal.Format(inv.Currency), total.Format(inv.Currency))
		}
		for i, l := range inv.Lines {
			for _, id := range l.EntryIDs {
				places[id] = append(places[id], fmt.Sprintf("invoice %d line %d", inv.ID, i))
			}
		}
	}
	exs, err := w.store.Exceptions(ctx, store.ExceptionFilter{OpenOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range exs {
		if !ex.Holds {
			continue
		}
		for _, id := range ex.EntryIDs {
			places[id] = append(places[id], fmt.Sprintf("exception %d (%s)", ex.ID, ex.Code))
		}
	}
	ids := make([]int64, 0, len(places))
	for id := range places {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	unallocated, err := w.store.UnallocatedEntries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range unallocated {
		ids = append(ids, e.ID)
	}
	entries, err := w.store.Entries(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	byExternal := map[string]billing.TimeEntry{}
	for _, e := range entries {
		byExternal[e.ExternalID] = e
	}

	var approvedMinutes, placedMinutes int64
	for _, he := range w.firm.Entries {
		e, ok := byExternal[strconv.FormatInt(he.ID, 10)]
		approved := he.IsClosed && he.Billable && !he.IsBilled && !he.IsRunning
		if !approved {
			if ok && len(places[e.ID]) > 0 {
				t.Errorf("%s entry %d is not approved but is on %v", w.source, he.ID, places[e.ID])
			}
			continue
		}
		approvedMinutes += he.RoundedHours.Minutes()
		if !ok {
			t.Errorf("approved %s entry %d never reached billbot", w.source, he.ID)
			continue
		}
		if got := places[e.ID]; len(got) != 1 {
			t.Errorf("approved %s entry %d (%s h) is in %d places %v, want exactly 1", w.source, he.ID, he.RoundedHours, len(got), got)
			continue
		}
		if e.Hours != he.RoundedHours {
			t.Errorf("%s entry %d: billbot has %s h, the source %s h", w.source, he.ID, e.Hours, he.RoundedHours)
		}
		placedMinutes += e.Hours.Minutes()
	}
	if approvedMinutes == 0 || placedMinutes != approvedMinutes {
		t.Errorf("approved billable minutes: %d in %s, %d placed exactly once", approvedMinutes, w.source, placedMinutes)
	}
	t.Logf("%d invoices, %d open exceptions, %d approved minutes all accounted for", len(invs), len(exs), approvedMinutes)
}

// TestE2EConnectTakesEffectWithoutRestart connects QuickBooks on a running
// serve and approves a draft on that same serve: the company connected
// through OAuth is used at once, without a restart.
func TestE2EConnectTakesEffectWithoutRestart(t *testing.T) {
	w := newE2EWorld(t)
	w.startServe()
	w.connectQBO()
	w.cli("jobs", "run", "sync")
	w.cli("jobs", "run", "draft")
	inv := w.invoice(e2eApproveClient)
	w.click(e2ePartner, chat.ActionApprove, inv)
	w.waitMessageVersion(inv, 2)
	if got := w.invoice(e2eApproveClient); got.State != store.StateSent || w.books.sends() != 1 {
		t.Errorf("approved on the serve that connected QuickBooks: state %s, %d QBO sends; want sent once", got.State, w.books.sends())
	}
}
