package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/clock"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/money"
	"billbot/internal/qbo"
	"billbot/internal/qbo/qbosandbox"
	"billbot/internal/slacksandbox"
)

// The go-live firm: four clients whose time Harvest has held for two
// years, approved and billable and never marked invoiced, and whose
// invoices the firm has made by hand in QuickBooks.
const (
	glAlder   = "Alder Dental"     // hand invoices agree with billbot; goes live first
	glBirch   = "Birch Logistics"  // September's Bookkeeping at 180.00, not the letter's 195.00; goes live first
	glCedar   = "Cedar Bakery"     // September's invoice misses one entry; stays in shadow
	glDogwood = "Dogwood Partners" // a retainer; September's credit forgotten; stays in shadow

	glSlackToken = "xoxb-golive"
	glQBORealm   = "9341453000000777"
	glQBOID      = "golive-client-id"
	glQBOSecret  = "golive-client-secret"
	glHarvestAct = "7654777"
	glHarvestTok = "golive-harvest-token"
)

var glClients = []string{glAlder, glBirch, glCedar, glDogwood}

// glHistoryStart is the first month of Harvest history; glShadowEnd the
// last day of the cycle the firm shadows (the last closed one on the day
// it runs setup); glLiveStart the first day billbot bills.
var (
	glHistoryStart = billing.MustDate("2024-10-01")
	glShadowStart  = billing.MustDate("2026-09-01")
	glShadowEnd    = billing.MustDate("2026-09-30")
	glLiveStart    = billing.MustDate("2026-10-01")
	glLiveEnd      = billing.MustDate("2026-10-31")
)

// glWorld is the sandboxes, the firm as each vendor holds it, billbot's
// environment and the clock billbot runs on.
type glWorld struct {
	t       *testing.T
	clock   *clock.Fake
	harvest *harvestsandbox.Server
	qbo     *qbosandbox.Server
	slack   *slacksandbox.Server
	firm    harvestsandbox.GeneratedFirm
	items   map[string]string // QBO item name → id
	cust    map[string]string // client → QBO customer id
	env     map[string]string
	dir     string
	nextDoc int
}

// glRate is the engagement letter's rate of a client's task (and what
// Harvest carries as the entry's billable rate).
func glRate(client, task string) money.Amount {
	switch client {
	case glBirch:
		return money.MustParse("195.00", "USD")
	case glDogwood:
		return money.MustParse("150.00", "USD")
	}
	if task == "Tax Prep" {
		return money.MustParse("225.00", "USD")
	}
	return money.MustParse("95.00", "USD")
}

// glEntryDays, glEntryTasks, glEntryHours and glEntryUsers are each
// client's four entries of a month.
var (
	glEntryDays  = []int{3, 10, 17, 24}
	glEntryTasks = []int64{9001, 9002, 9001, 9002}
	glEntryHours = []string{"1.5", "2.25", "3.0", "0.75"}
	glEntryUsers = []int64{7001, 7003, 7002, 7003}
	glTaskName   = map[int64]string{9001: "Tax Prep", 9002: "Bookkeeping"}
)

func newGLWorld(t *testing.T, databaseURL string) *glWorld {
	t.Helper()
	w := &glWorld{t: t, clock: clock.NewFake(time.Date(2026, 10, 5, 15, 0, 0, 0, time.UTC)), dir: t.TempDir(), nextDoc: 1001}
	usd := func(s string) money.Amount { return money.MustParse(s, "USD") }
	created := glHistoryStart.Time(time.UTC)
	f := &w.firm
	f.Company = harvestsandbox.Company{Name: "Hawthorn & Vale CPAs", ApprovalFeature: true, WeekStartDay: "Monday"}
	f.Tasks = []harvestsandbox.Task{{ID: 9001, Name: "Tax Prep"}, {ID: 9002, Name: "Bookkeeping"}}
	f.Users = []harvestsandbox.User{
		{ID: 7001, FirstName: "Dana", LastName: "Reed", Email: "dana@hawthorn.example", Roles: []string{"administrator"}, Rate: usd("225.00")},
		{ID: 7002, FirstName: "Eli", LastName: "Stone", Email: "eli@hawthorn.example", Roles: []string{"manager"}, Rate: usd("195.00")},
		{ID: 7003, FirstName: "Fay", LastName: "Ng", Email: "fay@hawthorn.example", Rate: usd("95.00")},
	}
	// Project managers: Dana (Alder, Dogwood), Fay (Birch: not in Slack,
	// so setup names a placeholder partner), Eli (Cedar).
	pms := []int64{7001, 7003, 7002, 7001}
	for i, c := range glClients {
		cid, pid := int64(5001+i), int64(14001+i)
		f.Clients = append(f.Clients, harvestsandbox.Client{ID: cid, Name: c, Currency: "USD", IsActive: true, CreatedAt: created, UpdatedAt: created})
		p := harvestsandbox.Project{ID: pid, ClientID: cid, Name: "Monthly services", Code: fmt.Sprintf("HV-%d", i+1), IsActive: true, IsBillable: true,
			BillBy: "Tasks", StartsOn: glHistoryStart, CreatedAt: created, UpdatedAt: created}
		if c == glBirch || c == glDogwood {
			p.BillBy, p.HourlyRate = "Project", glRate(c, "")
		}
		f.Projects = append(f.Projects, p)
		for _, tk := range f.Tasks {
			rate := money.Amount(0)
			if p.BillBy == "Tasks" {
				rate = glRate(c, tk.Name)
			}
			f.TaskAssignments = append(f.TaskAssignments, harvestsandbox.TaskAssignment{ID: pid*10 + tk.ID%10, ProjectID: pid, TaskID: tk.ID, Billable: true, IsActive: true, HourlyRate: rate, CreatedAt: created, UpdatedAt: created})
		}
		for _, u := range []int64{7001, 7002, 7003} {
			f.UserAssignments = append(f.UserAssignments, harvestsandbox.UserAssignment{ID: pid*10 + u%10, ProjectID: pid, UserID: u, IsProjectManager: u == pms[i], IsActive: true, UseDefaultRates: true, CreatedAt: created, UpdatedAt: created})
		}
	}
	for m := glHistoryStart; m.Before(glLiveStart); m = glAddMonths(m, 1) {
		w.addMonth(m)
	}
	w.harvest = harvestsandbox.New(harvestsandbox.Options{AccountID: glHarvestAct, Token: glHarvestTok})
	w.harvest.Seed(w.firm)
	w.harvest.Start()
	t.Cleanup(w.harvest.Close)

	w.qbo = qbosandbox.New(qbosandbox.Options{RealmID: glQBORealm, ClientID: glQBOID, ClientSecret: glQBOSecret, HomeCurrency: "USD", CompanyName: "Hawthorn & Vale CPAs"})
	t.Cleanup(w.qbo.Close)
	term := w.qbo.SeedTerm(qbosandbox.Term{Name: "Net 30", DueDays: 30})
	w.items = map[string]string{}
	for _, it := range []string{"Services", "Tax Prep", "Bookkeeping"} {
		w.items[it] = w.qbo.SeedItem(qbosandbox.Item{Name: it})
	}
	w.cust = map[string]string{}
	for _, c := range glClients {
		w.cust[c] = w.qbo.SeedCustomer(qbosandbox.Customer{DisplayName: c, Email: "ap@" + strings.ToLower(strings.Fields(c)[0]) + ".example", TermID: term})
	}
	_, refresh := w.qbo.MintTokens()

	w.slack = slacksandbox.New(slacksandbox.Options{Token: glSlackToken})
	t.Cleanup(w.slack.Close)
	w.slack.AddUser(slacksandbox.User{ID: "U0DANA", Name: "dana", RealName: "Dana Reed", Email: "dana@hawthorn.example"})
	w.slack.AddUser(slacksandbox.User{ID: "U0ELI", Name: "eli", RealName: "Eli Stone", Email: "eli@hawthorn.example"})

	w.env = map[string]string{
		"DATABASE_URL":           databaseURL,
		"BILLBOT_DATA_DIR":       w.dir,
		"BILLBOT_ENCRYPTION_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
		"LOG_LEVEL":              "error",
		"LOG_FORMAT":             "text",
		"SLACK_BOT_TOKEN":        glSlackToken,
		"SLACK_API_URL":          w.slack.APIURL(),
		"HARVEST_ACCOUNT_ID":     glHarvestAct,
		"HARVEST_ACCESS_TOKEN":   glHarvestTok,
		"HARVEST_API_URL":        w.harvest.URL(),
		"QBO_CLIENT_ID":          glQBOID,
		"QBO_CLIENT_SECRET":      glQBOSecret,
		"QBO_REDIRECT_URL":       "http://127.0.0.1/oauth/qbo/callback",
		"QBO_API_URL":            w.qbo.URL(),
		"QBO_AUTH_URL":           w.qbo.AuthURL(),
		"QBO_TOKEN_URL":          w.qbo.TokenURL(),
		"QBO_REALM_ID":           glQBORealm,
		"QBO_REFRESH_TOKEN":      refresh,
	}
	return w
}

// addMonth adds each client's four approved, billable entries of the
// month starting m, approved the day after they were spent.
func (w *glWorld) addMonth(m billing.Date) {
	for i, c := range glClients {
		for k := range glEntryDays {
			spent := m.AddDays(glEntryDays[k] - 1)
			at := spent.Time(time.UTC).Add(18 * time.Hour)
			h := money.MustHours(glEntryHours[k])
			task := glEntryTasks[k]
			w.firm.Entries = append(w.firm.Entries, harvestsandbox.Entry{
				ID: glEntryID(i, m, k), SpentDate: spent, UserID: glEntryUsers[k], ClientID: int64(5001 + i), ProjectID: int64(14001 + i), TaskID: task,
				Hours: h, RoundedHours: h, Notes: fmt.Sprintf("%s for %s", glTaskName[task], c), IsClosed: true, Billable: true,
				BillableRate: glRate(c, glTaskName[task]), CreatedAt: at, UpdatedAt: at.Add(24 * time.Hour),
			})
		}
	}
}

// glEntryID is the Harvest id of client i's entry k of month m.
func glEntryID(i int, m billing.Date, k int) int64 {
	return int64(3_000_000 + i*100_000 + (m.Year*12+int(m.Month))*10 + k)
}

// cli runs one billbot command through run on the world's clock.
func (w *glWorld) cli(args ...string) string {
	w.t.Helper()
	out, errOut, err := w.try(args...)
	if err != nil {
		w.t.Fatalf("billbot %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

func (w *glWorld) try(args ...string) (string, string, error) {
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(withClock(context.Background(), w.clock.Now), 2*time.Minute)
	defer cancel()
	err := run(ctx, args, func(k string) string { return w.env[k] }, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

// glHandLine is one line of an invoice the firm made by hand.
type glHandLine struct {
	task  string
	hours money.Hours
	rate  money.Amount
	desc  string
}

// handInvoice plants in QuickBooks the invoice the firm made by hand for
// client's cycle of month m, dated txn, as billbot would word its lines;
// edit may change it (the planted differences).
func (w *glWorld) handInvoice(client string, m billing.Date, txn billing.Date, edit func([]glHandLine) []glHandLine) {
	w.t.Helper()
	end := glAddMonths(m, 1).AddDays(-1)
	var lines []glHandLine
	for _, task := range []string{"Bookkeeping", "Tax Prep"} {
		var h money.Hours
		n := 0
		for k := range glEntryDays {
			if glTaskName[glEntryTasks[k]] == task {
				h += money.MustHours(glEntryHours[k])
				n++
			}
		}
		lines = append(lines, glHandLine{task: task, hours: h, rate: glRate(client, task), desc: fmt.Sprintf("%s — %s to %s (%d entries)", task, m, end, n)})
	}
	if edit != nil {
		lines = edit(lines)
	}
	inv := qbo.Invoice{DocNumber: fmt.Sprint(w.nextDoc), TxnDate: txn.String(), CustomerRef: &qbo.Ref{Value: w.cust[client]}}
	w.nextDoc++
	for _, l := range lines {
		inv.Line = append(inv.Line, qbo.Line{Amount: qbo.Decimal(money.LineAmount(l.hours, l.rate).Format("USD")), DetailType: qbo.SalesItemLine, Description: l.desc,
			SalesItemLineDetail: &qbo.SalesItemLineDetail{ItemRef: &qbo.Ref{Value: w.items[l.task], Name: l.task}, Qty: qbo.Decimal(l.hours.String()), UnitPrice: qbo.Decimal(l.rate.Format("USD"))}})
	}
	if _, err := w.qbo.SeedInvoice(inv); err != nil {
		w.t.Fatalf("plant %s's hand-made invoice of %s: %v", client, m, err)
	}
}

// editFile applies a person's edits to the firm file: each old text must
// occur exactly once.
func (w *glWorld) editFile(path string, edits ...[2]string) {
	w.t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		w.t.Fatal(err)
	}
	s := string(b)
	for _, e := range edits {
		if n := strings.Count(s, e[0]); n != 1 {
			w.t.Fatalf("edit of %s: %q occurs %d times, want once:\n%s", filepath.Base(path), e[0], n, s)
		}
		s = strings.Replace(s, e[0], e[1], 1)
	}
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// glAddMonths is the first day of the month n months after d's.
func glAddMonths(d billing.Date, n int) billing.Date {
	return billing.DateOf(time.Date(d.Year, d.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC))
}
