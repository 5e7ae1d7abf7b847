package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"billbot/internal/billing"
	"billbot/internal/chat"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/money"
	"billbot/internal/slacksandbox"
	"billbot/internal/slackui"
	"billbot/internal/workflow"
	"billbot/store"
)

// story is the demo's narrative: each step acts as a person or a scheduled
// job would, and prints what Slack shows.
type story struct {
	e   *env
	out io.Writer
	// chartDir is where the story saves the chart of its last reply;
	// empty: not saved.
	chartDir string
}

func (s *story) section(when time.Time, title string) {
	fmt.Fprintf(s.out, "\n━━ %s — %s\n", when.In(s.e.loc).Format("Mon Jan 2, 15:04 MST"), title)
}

func (s *story) say(format string, args ...any) { fmt.Fprintf(s.out, "   "+format+"\n", args...) }

func who(id string) string {
	if n, ok := Names[id]; ok {
		return n
	}
	return id
}

// slash sends a signed slash command as user and prints the reply.
func (s *story) slash(ctx context.Context, user, command, text string) error {
	return s.slashShort(ctx, user, command, text, 0)
}

// slashShort is slash printing at most maxLines lines of the reply (0: all
// of it), then how many more there were.
func (s *story) slashShort(ctx context.Context, user, command, text string, maxLines int) error {
	respURL := s.e.slack.NewResponseURL()
	req := s.e.signer.SlashCommand(s.e.srv.URL+"/slack/commands", url.Values{
		"team_id": {slacksandbox.TeamID}, "user_id": {user}, "channel_id": {BillingChannel},
		"command": {command}, "text": {text}, "response_url": {respURL}, "trigger_id": {s.e.slack.NewTriggerID()},
	})
	status, body, err := s.e.do(req)
	if err != nil {
		return err
	}
	if status != 200 {
		return fmt.Errorf("%s %s: HTTP %d", command, text, status)
	}
	s.say("%s types: %s %s", who(user), command, text)
	var msg struct {
		Text   string          `json:"text"`
		Blocks json.RawMessage `json:"blocks"`
	}
	if len(body) > 0 {
		_ = json.Unmarshal(body, &msg)
	} else if posts := s.e.slack.ResponsePosts(respURL); len(posts) > 0 {
		msg.Text, msg.Blocks = posts[len(posts)-1].Text, posts[len(posts)-1].Blocks
	}
	reply := Render(msg.Text, msg.Blocks, "   │ ")
	if lines := strings.SplitAfter(reply, "\n"); maxLines > 0 && len(lines) > maxLines+1 {
		reply = strings.Join(lines[:maxLines], "") + fmt.Sprintf("   │ … (%d more lines)\n", len(lines)-1-maxLines)
	}
	fmt.Fprint(s.out, reply)
	return nil
}

// click sends a signed button click on an invoice's message.
func (s *story) click(ctx context.Context, user, actionID string, inv store.Invoice) (string, error) {
	return s.clickIn(ctx, user, actionID, "actions", inv.SlackChannel, inv.SlackTS, inv.ID)
}

// clickIn sends a signed click on the button actionID of block blockID,
// valued invoice id, in a message of channel (ts: empty for a reply only
// the clicker sees).
func (s *story) clickIn(ctx context.Context, user, actionID, blockID, channel, ts string, id int64) (string, error) {
	trigger := s.e.slack.NewTriggerID()
	respURL := s.e.slack.NewResponseURL()
	if ts != "" {
		respURL = s.e.slack.NewResponseURLFor(channel, ts)
	}
	req := s.e.signer.BlockAction(s.e.srv.URL+"/slack/interactions", slacksandbox.BlockAction{
		TeamID: slacksandbox.TeamID, UserID: user, ChannelID: channel, MessageTS: ts,
		ActionID: actionID, BlockID: blockID, Value: strconv.FormatInt(id, 10),
		ResponseURL: respURL, TriggerID: trigger,
	})
	status, _, err := s.e.do(req)
	if err != nil {
		return "", err
	}
	if status != 200 {
		return "", fmt.Errorf("click %s: HTTP %d", actionID, status)
	}
	if posts := s.e.slack.ResponsePosts(respURL); len(posts) > 0 {
		return posts[len(posts)-1].Text, nil
	}
	return "", nil
}

// submit sends a signed modal submission.
func (s *story) submit(ctx context.Context, user, callback string, invoiceID int64, values map[string]map[string]slacksandbox.Input) error {
	req := s.e.signer.ViewSubmission(s.e.srv.URL+"/slack/interactions", slacksandbox.ViewSubmission{
		TeamID: slacksandbox.TeamID, UserID: user, ViewID: "V" + strconv.FormatInt(invoiceID, 10),
		CallbackID: callback, PrivateMetadata: strconv.FormatInt(invoiceID, 10), Values: values,
	})
	status, body, err := s.e.do(req)
	if err != nil {
		return err
	}
	if status != 200 || len(strings.TrimSpace(string(body))) > 0 {
		return fmt.Errorf("%s submission: HTTP %d %s", callback, status, body)
	}
	return nil
}

// showMessage prints an invoice's Slack message as it stands.
func (s *story) showMessage(inv store.Invoice) {
	if m, ok := s.e.slack.Message(inv.SlackChannel, inv.SlackTS); ok {
		fmt.Fprint(s.out, Render(m.Text, m.Blocks, "   │ "))
	}
}

func (s *story) invoiceOf(ctx context.Context, client string, pred func(store.Invoice) bool) (store.Invoice, error) {
	invs, err := s.e.store.Invoices(ctx, store.InvoiceFilter{Client: client})
	if err != nil {
		return store.Invoice{}, err
	}
	for _, inv := range invs {
		if pred == nil || pred(inv) {
			return inv, nil
		}
	}
	return store.Invoice{}, fmt.Errorf("no invoice for %s", client)
}

func regular(inv store.Invoice) bool { return !inv.Replenish && !inv.Supplemental }

// run tells the whole story.
func (s *story) run(ctx context.Context) error {
	e := s.e
	start := time.Date(2026, 11, 2, 6, 0, 0, 0, e.loc)
	e.clock.Set(start)

	s.section(start, "the sync job pulls October's time from Harvest")
	rep, err := e.wf.Sync(ctx, e.syncer, workflow.SyncOptions{})
	if err != nil {
		return err
	}
	var hours money.Hours
	for _, en := range e.firm.Harvest.Entries {
		hours += en.RoundedHours
	}
	s.say("%d entries (%s h) fetched in %d request(s); %d exceptions opened.", rep.Source.Fetched, hours, rep.Source.Requests, rep.Opened)
	s.say("%d retainer alert(s): the manager and partner of %s hear that its prepaid block is past 80 %%.", rep.Alerts, RetainerClient)
	s.showDM(ManagerReyes, 1)
	if err := s.slash(ctx, BillingManager, "/billing", "exceptions"); err != nil {
		return err
	}

	s.section(start, "the draft job: October closed, one invoice per client")
	dr, err := e.wf.Draft(ctx, workflow.DraftOptions{Actor: "scheduler"})
	if err != nil {
		return err
	}
	if err := e.wf.NotifyDraftsReady(ctx, dr); err != nil {
		return err
	}
	posted := e.slack.Messages(BillingChannel)
	s.say("%d draft invoices created in QuickBooks and posted to #billing; the billing manager's DM:", len(posted))
	s.showDM(BillingManager, 1)
	retainer, err := s.invoiceOf(ctx, RetainerClient, regular)
	if err != nil {
		return err
	}
	s.say("One of them, as #billing shows it:")
	s.showMessage(retainer)

	e.clock.Set(start.Add(3 * time.Hour))
	s.section(e.clock.Now(), "partners review the drafts")
	sample, err := s.invoiceOf(ctx, CADClient, nil)
	if err != nil {
		return err
	}
	note, err := s.click(ctx, Staffer, chat.ActionApprove, sample)
	if err != nil {
		return err
	}
	s.say("%s clicks Approve on %s → refused: %q", who(Staffer), sample.Client, note)

	edited, err := s.invoiceOf(ctx, EditedClient, regular)
	if err != nil {
		return err
	}
	if err := s.edit(ctx, edited); err != nil {
		return err
	}
	held, err := s.invoiceOf(ctx, HeldClient, regular)
	if err != nil {
		return err
	}
	partner := held.Partners[0]
	if _, err := s.click(ctx, partner, chat.ActionHold, held); err != nil {
		return err
	}
	reason := "Client disputes the scope of the September advisory work; call scheduled Friday."
	if err := s.submit(ctx, partner, chat.CallbackHold, held.ID, map[string]map[string]slacksandbox.Input{
		slackui.BlockHoldReason: {slackui.InputAction: {Type: "plain_text_input", Value: reason}},
	}); err != nil {
		return err
	}
	held, _ = e.store.Invoice(ctx, held.ID)
	s.say("%s holds %s: %q", who(partner), held.Client, reason)
	s.showMessage(held)

	waiting, err := e.store.Invoices(ctx, store.InvoiceFilter{States: []store.InvoiceState{store.StatePending}})
	if err != nil {
		return err
	}
	approved := 0
	for _, inv := range waiting {
		if _, err := s.click(ctx, inv.Partners[0], chat.ActionApprove, inv); err != nil {
			return err
		}
		approved++
	}
	s.say("The partners approve the other %d drafts; QuickBooks emails each to its client.", approved)
	s.say("Double clicks change nothing: a second Approve on %s →", sample.Client)
	before := s.sends()
	sample, _ = e.store.Invoice(ctx, sample.ID)
	if _, err := s.click(ctx, sample.Partners[0], chat.ActionApprove, sample); err != nil {
		return err
	}
	s.say("   still %s; QuickBooks sends before the click %d, after it %d.", sample.State, before, s.sends())
	sample, _ = e.store.Invoice(ctx, sample.ID)
	s.showMessage(sample)

	late := start.Add(3 * 24 * time.Hour)
	e.clock.Set(late)
	s.section(late, "a late approval: an October entry approved after the cycle closed")
	if err := e.harvest.Update(e.firm.LateEntryID, func(en *harvestsandbox.Entry) { en.IsClosed = true }); err != nil {
		return err
	}
	if _, err := e.wf.Sync(ctx, e.syncer, workflow.SyncOptions{}); err != nil {
		return err
	}
	exs, err := e.store.Exceptions(ctx, store.ExceptionFilter{OpenOnly: true, Codes: []billing.ExceptionCode{billing.ExLateApproval}})
	if err != nil {
		return err
	}
	for _, ex := range exs {
		s.say("Exception: %s", ex.Message)
		eng := ex.Engagement
		partnerID := PartnerHartwell
		if f, err := e.wf.LoadFirm(ctx); err == nil {
			if en, ok := f.Engagement(eng); ok {
				partnerID = en.Partner
			}
		}
		req := e.signer.BlockAction(e.srv.URL+"/slack/interactions", slacksandbox.BlockAction{
			TeamID: slacksandbox.TeamID, UserID: partnerID, ChannelID: BillingChannel,
			ActionID: chat.ActionSupplemental, BlockID: "exceptions", Value: strconv.FormatInt(ex.ID, 10),
			ResponseURL: e.slack.NewResponseURL(), TriggerID: e.slack.NewTriggerID(),
		})
		if _, _, err := e.do(req); err != nil {
			return err
		}
		sup, err := s.invoiceOf(ctx, ex.Client, func(i store.Invoice) bool { return i.Supplemental })
		if err != nil {
			return err
		}
		s.say("%s asks for a supplemental invoice: %s, %s.", who(partnerID), sup.Client, sup.Total.Display(sup.Currency))
		if _, err := s.click(ctx, partnerID, chat.ActionApprove, sup); err != nil {
			return err
		}
	}
	return s.collect(ctx, start)
}

// sends counts the invoice sends QuickBooks received.
func (s *story) sends() int {
	n := 0
	for ep, c := range s.e.qbo.Calls() {
		if strings.HasSuffix(ep, "/send") {
			n += c
		}
	}
	return n
}

// edit opens the edit modal on inv and saves it with one line written down.
func (s *story) edit(ctx context.Context, inv store.Invoice) error {
	partner := inv.Partners[0]
	if _, err := s.click(ctx, partner, chat.ActionEdit, inv); err != nil {
		return err
	}
	line := -1
	for i, l := range inv.Lines {
		if l.Kind == billing.LineHourly && l.Qty > money.HoursScale {
			line = i
			break
		}
	}
	if line < 0 {
		return fmt.Errorf("no hourly line to edit on %s", inv.Client)
	}
	l := inv.Lines[line]
	newHours := l.Qty - money.HoursScale
	values := map[string]map[string]slacksandbox.Input{
		slackui.EditBlockID(line, slackui.FieldHours):       {slackui.InputAction: {Type: "plain_text_input", Value: newHours.String()}},
		slackui.EditBlockID(line, slackui.FieldRate):        {slackui.InputAction: {Type: "plain_text_input", Value: l.UnitPrice.Format(inv.Currency)}},
		slackui.EditBlockID(line, slackui.FieldDescription): {slackui.InputAction: {Type: "plain_text_input", Value: l.Description}},
		slackui.BlockWriteDown:                              {slackui.InputAction: {Type: "static_select", Value: slackui.WriteDownEfficiency}},
		slackui.BlockWriteDownNote:                          {slackui.InputAction: {Type: "plain_text_input", Value: "Junior staff learning curve on the new GL"}},
	}
	// A write-down without a reason is refused inline first.
	noReason := map[string]map[string]slacksandbox.Input{}
	for k, v := range values {
		if k != slackui.BlockWriteDown {
			noReason[k] = v
		}
	}
	if err := s.submit(ctx, partner, chat.CallbackEdit, inv.ID, noReason); err != nil {
		s.say("%s saves an edit of %s without a write-down reason → the modal says: %s", who(partner), inv.Client, firstError(err))
	}
	if err := s.submit(ctx, partner, chat.CallbackEdit, inv.ID, values); err != nil {
		return err
	}
	after, err := s.e.store.Invoice(ctx, inv.ID)
	if err != nil {
		return err
	}
	s.say("%s edits %s: %s %s h → %s h (write-down: efficiency). Total %s → %s; QBO's total %s.",
		who(partner), inv.Client, l.Description, l.Qty, newHours, inv.Total.Display(inv.Currency), after.Total.Display(after.Currency), after.LedgerTotal.Display(after.Currency))
	s.showMessage(after)
	return nil
}

func firstError(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, `"errors":`); i >= 0 {
		var v struct {
			Errors map[string]string `json:"errors"`
		}
		if j := strings.Index(msg, "{"); j >= 0 && json.Unmarshal([]byte(msg[j:]), &v) == nil {
			for _, m := range v.Errors {
				return m
			}
		}
	}
	return msg
}

// showDM prints the last n DMs to user.
func (s *story) showDM(user string, n int) {
	msgs := s.e.slack.Messages(slacksandbox.DMChannel(user))
	if len(msgs) > n {
		msgs = msgs[len(msgs)-n:]
	}
	for _, m := range msgs {
		s.say("DM to %s:", who(user))
		fmt.Fprint(s.out, Render(m.Text, m.Blocks, "   │ "))
	}
}

// collect runs the payments and collections part of the story.
func (s *story) collect(ctx context.Context, start time.Time) error {
	e := s.e
	sent, err := e.store.Invoices(ctx, store.InvoiceFilter{States: []store.InvoiceState{store.StateSent}})
	if err != nil {
		return err
	}
	sort.Slice(sent, func(i, j int) bool { return sent[i].ID < sent[j].ID })
	payday := start.Add(18 * 24 * time.Hour)
	e.clock.Set(payday)
	s.section(payday, "payments arrive in QuickBooks; Intuit's webhook tells billbot")
	paid := 0
	for i, inv := range sent {
		if i%5 == 0 || i%5 == 3 || inv.Balance == 0 { // about 40 % are still unpaid later
			continue
		}
		amount := inv.Balance
		if i%7 == 1 {
			amount = inv.Balance / 2 // a partial payment
		}
		if _, err := e.qbo.Pay(inv.LedgerID, amount); err != nil {
			return err
		}
		paid++
	}
	status, err := e.qbo.DeliverWebhook(ctx, e.srv.URL+"/webhooks/qbo", qboVerifier, "cloudevents")
	if err != nil {
		return err
	}
	select {
	case <-e.hooks:
	case <-time.After(30 * time.Second):
		return fmt.Errorf("webhook was not handled")
	case <-ctx.Done():
		return ctx.Err()
	}
	nowPaid, _ := e.store.Invoices(ctx, store.InvoiceFilter{States: []store.InvoiceState{store.StatePaid}})
	s.say("%d clients pay (some in part); the signed CloudEvents webhook (HTTP %d) → %d invoices now paid in full.", paid, status, len(nowPaid))

	disputed, err := s.disputeChapter(ctx, start.Add(21*24*time.Hour+3*time.Hour))
	if err != nil {
		return err
	}

	firm, err := e.wf.LoadFirm(ctx)
	if err != nil {
		return err
	}
	sched := firm.Collections()
	remindDay, escalateDay := sched.ReminderDays[0], sched.EscalationDays[0]
	for _, day := range []int{remindDay, escalateDay} {
		at := start.Add(time.Duration(day)*24*time.Hour + 3*time.Hour)
		e.clock.Set(at)
		s.section(at, fmt.Sprintf("the collections job, day %d after sending", day))
		rep, err := e.wf.Collect(ctx)
		if err != nil {
			return err
		}
		switch day {
		case remindDay:
			s.say("%d reminders sent through QuickBooks (each invoice once; paid ones skipped).", rep.Reminders)
			if inv, _ := e.store.Invoice(ctx, disputed.ID); inv.LastRemindedAt.IsZero() {
				s.say("None to %s's invoice #%s: it is disputed, so collections skip it.", inv.Client, inv.DocNumber)
			}
			again, err := e.wf.Collect(ctx)
			if err != nil {
				return err
			}
			s.say("The job runs again the same day: %d reminders — nothing is sent twice.", again.Reminders)
			if err := s.resolveChapter(ctx, start.Add(30*24*time.Hour+3*time.Hour), disputed); err != nil {
				return err
			}
		case escalateDay:
			s.say("%d escalation DMs to engagement managers.", rep.Escalations)
			if inv, _ := e.store.Invoice(ctx, disputed.ID); !inv.LastRemindedAt.IsZero() {
				s.say("%d reminder through QuickBooks: collections resumed for %s, and #%s gets the one the dispute held back.", rep.Reminders, inv.Client, inv.DocNumber)
			}
			s.showDM(ManagerChen, 1)
		}
	}
	if err := s.slash(ctx, BillingManager, "/ar", "aging"); err != nil {
		return err
	}
	return s.kpisChapter(ctx, e.clock.Now())
}

// disputedInvoice picks the invoice the story's client disputes: the first
// sent invoice nobody has paid anything of, with two lines or more, whose
// manager's DMs the story does not show.
func (s *story) disputedInvoice(ctx context.Context) (store.Invoice, error) {
	sent, err := s.e.store.Invoices(ctx, store.InvoiceFilter{States: []store.InvoiceState{store.StateSent}})
	if err != nil {
		return store.Invoice{}, err
	}
	sort.Slice(sent, func(i, j int) bool { return sent[i].ID < sent[j].ID })
	for _, inv := range sent {
		if regular(inv) && inv.Balance == inv.Total && inv.Balance > 0 && len(inv.Lines) >= 2 &&
			len(inv.Managers) > 0 && inv.Managers[0] != ManagerChen {
			return inv, nil
		}
	}
	return store.Invoice{}, fmt.Errorf("no unpaid invoice to dispute")
}

// disputeChapter: a client questions a line; the billing manager reads
// the invoice's entries and marks it disputed from its detail.
func (s *story) disputeChapter(ctx context.Context, at time.Time) (store.Invoice, error) {
	e := s.e
	e.clock.Set(at)
	inv, err := s.disputedInvoice(ctx)
	if err != nil {
		return inv, err
	}
	line, no := inv.Lines[0], 1
	for i, l := range inv.Lines {
		if l.Kind == billing.LineHourly && len(l.EntryIDs) > 1 {
			line, no = l, i+1
			break
		}
	}
	s.section(at, "a client disputes a line: the invoice detail, Mark disputed")
	manager := inv.Managers[0]
	s.say("%s's accounts payable writes to %s: the %s h of %q look high; they hold payment of #%s until it is explained.",
		inv.Client, who(manager), line.Qty, line.Task, inv.DocNumber)
	s.say("The engagement manager opens the invoice with its time entries:")
	if err := s.slashShort(ctx, manager, "/billing", "invoice "+inv.DocNumber, 8); err != nil {
		return inv, err
	}
	if _, err := s.clickIn(ctx, manager, chat.ActionDispute, "detail_actions", BillingChannel, "", inv.ID); err != nil {
		return inv, err
	}
	reason := fmt.Sprintf("Client questions the %s h of %s on line %d; the manager reviews the entries with them.", line.Qty, line.Task, no)
	if err := s.submit(ctx, manager, chat.CallbackDispute, inv.ID, map[string]map[string]slacksandbox.Input{
		slackui.BlockDisputeReason: {slackui.InputAction: {Type: "plain_text_input", Value: reason}},
	}); err != nil {
		return inv, err
	}
	s.say("%s clicks Mark disputed on the detail, confirms, and gives the reason: %q", who(manager), reason)
	s.say("The billing manager sees it paused:")
	if err := s.slash(ctx, BillingManager, "/billing", "status "+inv.Client); err != nil {
		return inv, err
	}
	return inv, nil
}

// resolveChapter: the partner walks the client through the entries; the
// client withdraws the dispute and collections resume.
func (s *story) resolveChapter(ctx context.Context, at time.Time, inv store.Invoice) error {
	e := s.e
	e.clock.Set(at)
	s.section(at, "the dispute is resolved: the client withdraws it")
	manager := inv.Managers[0]
	if err := s.slashShort(ctx, manager, "/billing", "invoice "+inv.DocNumber, 4); err != nil {
		return err
	}
	if _, err := s.clickIn(ctx, manager, chat.ActionResolveDispute, "detail_dispute", BillingChannel, "", inv.ID); err != nil {
		return err
	}
	note := "Walked the client through the Harvest entries; they agree and will pay in full."
	if err := s.submit(ctx, manager, chat.CallbackResolve, inv.ID, map[string]map[string]slacksandbox.Input{
		slackui.BlockOutcome:     {slackui.InputAction: {Type: "static_select", Value: string(store.OutcomeWithdrawn)}},
		slackui.BlockOutcomeNote: {slackui.InputAction: {Type: "plain_text_input", Value: note}},
	}); err != nil {
		return err
	}
	s.say("%s clicks Resolve on #%s and chooses withdrawn: %q", who(manager), inv.DocNumber, note)
	open, err := e.store.OpenDisputes(ctx)
	if err != nil {
		return err
	}
	s.say("Open disputes now: %d — the invoice is back in collections, its total unchanged (%s).", len(open), inv.Total.Display(inv.Currency))
	return nil
}

// kpisChapter ends the story with October's billing figures, as the
// billing manager reads them in Slack.
func (s *story) kpisChapter(ctx context.Context, at time.Time) error {
	s.section(at, "October's billing figures")
	if err := s.slash(ctx, BillingManager, "/billing", "kpis 2026-10"); err != nil {
		return err
	}
	// The staff rows share out the same lines as the client rows: their
	// sums agree to the cent, per currency.
	rep, err := s.e.wf.KPIs(ctx, billing.MustDate("2026-10-01"), billing.MustDate("2026-10-31"))
	if err != nil {
		return err
	}
	sum := func(rows []billing.RealizationRow) map[money.Currency][2]money.Amount {
		out := map[money.Currency][2]money.Amount{}
		for _, r := range rows {
			v := out[r.Currency]
			out[r.Currency] = [2]money.Amount{v[0] + r.Billed, v[1] + r.Standard}
		}
		return out
	}
	byClient, byStaff := sum(rep.ByClient), sum(rep.ByStaff)
	for _, cur := range []money.Currency{"CAD", "USD"} {
		c, st := byClient[cur], byStaff[cur]
		if c != st {
			return fmt.Errorf("realization %s by staff %v ≠ by client %v", cur, st, c)
		}
		s.say("Realization %s by staff and by client both add up to %s billed of %s standard.", cur, c[0].Display(cur), c[1].Display(cur))
	}
	return s.saveChart("kpis-2026-10.png", ChartFile)
}

// ChartFile is the name the demo saves the chart of its /billing kpis
// reply under, in Options.ChartDir.
const ChartFile = "billbot-demo-kpis-2026-10.png"

// saveChart writes the chart the last reply showed — the PNG billbot
// uploaded to Slack as name — to the chart folder as file, and says so.
func (s *story) saveChart(name, file string) error {
	var chart *slacksandbox.File
	for _, f := range s.e.slack.Files() {
		if f.Name == name {
			chart = &f
		}
	}
	if chart == nil {
		return fmt.Errorf("the reply showed no chart %s", name)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(chart.Data))
	if err != nil {
		return fmt.Errorf("chart %s: %w", name, err)
	}
	s.say("The reply's chart (%q, %d×%d PNG) shows twelve months of realization, leakage, paid within terms and DSO.", chart.Title, cfg.Width, cfg.Height)
	if s.chartDir == "" {
		return nil
	}
	if err := os.WriteFile(filepath.Join(s.chartDir, file), chart.Data, 0o644); err != nil {
		return fmt.Errorf("save the chart: %w", err)
	}
	s.say("Saved as %s (billbot demo --chart-dir DIR chooses the folder; the current one by default).", file)
	return nil
}
