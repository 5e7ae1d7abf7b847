package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"billbot/internal/billing"
	"billbot/internal/clock"
	"billbot/internal/config"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/money"
	"billbot/internal/setup"
	"billbot/internal/shadow"
	"billbot/internal/slacksandbox"
	"billbot/internal/workflow"
)

// goLiveDay is the cut-over of the demo firm: October is its first cycle
// billed by billbot; September, the cycle it shadows, was billed by hand.
var (
	shadowStart = billing.MustDate("2026-09-01")
	shadowEnd   = billing.MustDate("2026-09-30")
	goLiveDay   = billing.MustDate("2026-10-01")
)

// Clients whose September invoices, made by hand, differ from billbot's.
const (
	handRateClient   = EditedClient   // billed at an old rate
	handMissedClient = LateClient     // an entry left off
	handCreditClient = RetainerClient // the retainer credit forgotten
)

// prologue is the demo's first chapter: the firm goes live. setup reads
// the three vendors, the firm imports its file in shadow mode, billbot
// shadows September against the invoices the firm made by hand, and the
// firm cuts over to October. It runs in a world of its own (its own
// database and sandboxes), so the cycle the rest of the demo bills starts
// as it always has.
func prologue(ctx context.Context, out io.Writer, dir string, seed uint64, source config.TimeSource, ledger config.Ledger, logger *slog.Logger) error {
	firm := NewFirm(billing.Period{Start: shadowStart, End: shadowEnd}, seed).OnSource(source).OnLedger(ledger)
	directory := addPeople(&firm)
	clk := clock.NewFake(time.Date(2026, 10, 1, 13, 0, 0, 0, time.UTC))
	e, err := newEnv(ctx, filepath.Join(dir, "go-live"), firm, clk, logger)
	if e != nil {
		defer e.close()
	}
	if err != nil {
		return fmt.Errorf("go-live chapter: %w", err)
	}
	for _, u := range directory {
		e.slack.AddUser(u)
	}
	s := &story{e: e, out: out}

	s.section(clk.Now(), "going live: billbot setup reads "+firm.Source.Label()+", QuickBooks and Slack")
	sources := e.time.Setup()
	sources.Directory = setup.NewSlackDirectory(e.api, setup.SlackTier3PerWindow, setup.SlackTier3Window)
	e.books.setupSources(&sources)
	in, _, err := setup.Gather(ctx, sources)
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	plan := setup.Build(in)
	res, err := setup.Render(plan, nil)
	if err != nil {
		return err
	}
	s.say("Priya Shah (billing manager) runs: billbot setup --out firm.yml")
	s.say("│ setup: %d clients, %d engagements, %d to finish by hand; %d decisions listed", len(plan.Clients), len(plan.Engagements), len(plan.Pending), res.Decisions)
	s.say("│ setup: read %d %s clients, %d projects, %d users; %d QuickBooks customers, %d items; %d of %d people found in Slack",
		len(in.Clients), firm.Source.Label(), len(in.Projects), len(in.Users), len(in.Customers), len(in.Items), len(in.Slack), len(in.Users))
	s.say("She works through the DECIDE lines against the engagement letters (the fixed fee, mixed and retainer")
	s.say("letters, partners, the time zone), sets go_live: %s and keeps firm.mode: shadow, and imports it.", shadowStart)
	if err := importFirm(ctx, e, shadowFile(firm.ConfigYAML)); err != nil {
		return err
	}
	sync, err := e.wf.Sync(ctx, e.syncer, workflow.SyncOptions{})
	if err != nil {
		return err
	}
	s.say("The sync job pulls September's time: %d entries; the firm issues September's invoices by hand.", sync.Source.Fetched)
	if err := plantHandInvoices(ctx, e); err != nil {
		return err
	}

	clk.Set(time.Date(2026, 10, 2, 10, 0, 0, 0, time.UTC))
	s.section(clk.Now(), "one shadow cycle: September as billbot would have billed it")
	rep, err := e.wf.Shadow(ctx, workflow.ShadowOptions{PeriodEnd: shadowEnd, Actor: BillingManager})
	if err != nil {
		return fmt.Errorf("shadow: %w", err)
	}
	s.say("Priya runs: billbot shadow   (nothing is written to QuickBooks or posted for approval)")
	for _, a := range rep.Amounts {
		s.say("│ agreement by amount (%s): %s", a.Currency, shadow.Percent(money.Ratio(int64(a.Agreed), int64(a.Compared))))
	}
	s.say("│ agreement by invoice: %s — %d of %d clients' invoices agree line for line", shadow.Percent(rep.ByInvoice()), rep.InvoicesAgreed, rep.InvoicesCompared)
	for _, cr := range rep.Clients {
		if cr.Agrees {
			continue
		}
		for _, l := range cr.Lines {
			if l.Status == shadow.Same {
				continue
			}
			s.say("│ %s", shadowLineText(cr.Client, l))
		}
	}

	clk.Set(time.Date(2026, 10, 5, 13, 0, 0, 0, time.UTC))
	s.section(clk.Now(), "go-live: the cut-over moves to October, every client goes live")
	s.say("Each difference is the hand-made invoice's: Priya corrects them in QuickBooks. September stays billed")
	s.say("by hand: go_live: %s keeps its time, and all time before it, off every invoice billbot drafts.", goLiveDay)
	s.say("firm.mode: live; billbot config import firm.yml. October is billbot's first cycle.")
	return nil
}

// shadowLineText is one line of the shadow comparison that is not the
// same, in QuickBooks' words (say puts the ledger's).
func shadowLineText(client string, l shadow.LineResult) string {
	switch {
	case l.Status == shadow.OnlyBillbot:
		return fmt.Sprintf("%s: only in billbot — %s %s", client, l.Billbot.Description, l.Billbot.Amount.Format("USD"))
	case l.Status == shadow.OnlyLedger:
		return fmt.Sprintf("%s: only in QuickBooks — %s %s", client, l.Ledger.Description, l.Ledger.Amount.Format("USD"))
	}
	var fs []string
	for _, f := range l.Diffs {
		fs = append(fs, string(f))
	}
	return fmt.Sprintf("%s: %s differs (%s) — billbot %s × %s, QuickBooks %s × %s", client, l.Billbot.Item, strings.Join(fs, ", "),
		l.Billbot.Qty, l.Billbot.UnitPrice.Format("USD"), l.Ledger.Qty, l.Ledger.UnitPrice.Format("USD"))
}

// shadowFile is the firm's file after the person's decisions, during the
// shadow cycle: go_live at the cycle shadowed, the firm in shadow mode.
func shadowFile(cfg []byte) []byte {
	return []byte(strings.Replace(string(cfg), "  go_live: "+goLiveDay.String()+"\n", "  go_live: "+shadowStart.String()+"\n  mode: shadow\n", 1))
}

// importFirm loads a firm file as config import does.
func importFirm(ctx context.Context, e *env, yml []byte) error {
	parsed, err := config.ParseFirm("firm.yml", yml)
	if err != nil {
		return err
	}
	_, clients, engs := parsed.Billing()
	return e.store.SaveConfig(ctx, yml, clients, engs, BillingManager)
}

// plantHandInvoices puts in QuickBooks the September invoices the firm
// made by hand: as billbot drafts them, but one at an old rate, one with an
// entry left off and one without its retainer credit.
func plantHandInvoices(ctx context.Context, e *env) error {
	// What billbot would draft, read in live mode before the shadow run.
	live := strings.Replace(string(shadowFile(e.firm.ConfigYAML)), "  mode: shadow\n", "", 1)
	if err := importFirm(ctx, e, []byte(live)); err != nil {
		return err
	}
	dry, err := e.wf.Draft(ctx, workflow.DraftOptions{PeriodEnd: shadowEnd, DryRun: true, Actor: BillingManager})
	if err != nil {
		return err
	}
	if err := importFirm(ctx, e, shadowFile(e.firm.ConfigYAML)); err != nil {
		return err
	}
	books := e.books.ledger()
	items, err := books.Items(ctx)
	if err != nil {
		return err
	}
	var clients []billing.Client
	for _, inv := range dry.Invoices {
		clients = append(clients, billing.Client{Name: inv.Client, Currency: inv.Currency})
	}
	ids, _, err := books.MatchCustomers(ctx, clients)
	if err != nil {
		return err
	}
	for n, inv := range dry.Invoices {
		switch inv.Client {
		case handRateClient:
			l := &inv.Lines[0]
			l.UnitPrice -= money.MustParse("20.00", inv.Currency)
			l.Amount = money.LineAmount(l.Qty, l.UnitPrice)
		case handMissedClient:
			l := &inv.Lines[0]
			entries, err := e.store.Entries(ctx, l.EntryIDs[len(l.EntryIDs)-1:])
			if err != nil || len(entries) != 1 {
				return fmt.Errorf("hand invoice of %s: %v", inv.Client, err)
			}
			l.Qty -= entries[0].Hours
			l.Amount = money.LineAmount(l.Qty, l.UnitPrice)
		case handCreditClient:
			inv.Lines = slices.DeleteFunc(inv.Lines, func(l billing.Line) bool { return l.Kind == billing.LineRetainerCredit })
		}
		inv.Total = 0
		for _, l := range inv.Lines {
			inv.Total += l.Amount
		}
		c := billing.Client{Name: inv.Client, Currency: inv.Currency, LedgerCustomerID: ids[inv.Client]}
		if err := e.books.plant(ctx, inv, c, items, fmt.Sprintf("S-%04d", 2001+n), goLiveDay); err != nil {
			return fmt.Errorf("hand invoice of %s: %w", inv.Client, err)
		}
	}
	return nil
}

// addPeople gives the firm's Harvest people the emails, roles and project
// assignments setup reads, and returns them as Slack members.
func addPeople(f *Firm) []slacksandbox.User {
	ids := []string{PartnerHartwell, PartnerMoss, ManagerChen, ManagerOkafor, ManagerReyes, Staffer}
	var dir []slacksandbox.User
	h := &f.Harvest
	for i := range h.Users {
		u := &h.Users[i]
		u.Email = strings.ToLower(u.FirstName+"."+u.LastName) + "@hartwellmoss.example"
		if i < 2 {
			u.Roles = []string{"administrator"}
		}
		id := fmt.Sprintf("U0STAFF%02d", i)
		if i < len(ids) {
			id = ids[i]
		}
		dir = append(dir, slacksandbox.User{ID: id, Name: strings.ToLower(u.FirstName), RealName: u.Name(), Email: u.Email})
	}
	for i, p := range h.Projects {
		people := []int64{7000 + int64(i%2), 7002 + int64(i%3)} // the partner, then the manager
		for k, uid := range people {
			h.UserAssignments = append(h.UserAssignments, harvestsandbox.UserAssignment{ID: p.ID*10 + int64(k), ProjectID: p.ID, UserID: uid,
				IsProjectManager: true, IsActive: true, UseDefaultRates: true, CreatedAt: p.CreatedAt, UpdatedAt: p.CreatedAt})
		}
		for _, t := range h.Tasks {
			h.TaskAssignments = append(h.TaskAssignments, harvestsandbox.TaskAssignment{ID: p.ID*10 + t.ID%10, ProjectID: p.ID, TaskID: t.ID, Billable: true, IsActive: true,
				HourlyRate: f.letterRate(clientNames[max(0, indexOf(strings.SplitN(p.Name, " — ", 2)[0]))], "USD", int(t.ID-9000)), CreatedAt: p.CreatedAt, UpdatedAt: p.CreatedAt})
		}
	}
	return dir
}
