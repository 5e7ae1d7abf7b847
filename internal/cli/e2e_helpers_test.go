package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/money"
	"billbot/internal/qbo/qbosandbox"
	"billbot/internal/slacksandbox"
	"billbot/internal/timeworld"
	"billbot/internal/xero/xerosandbox"
	"billbot/store"
	"billbot/store/storetest"
)

// Sandbox credentials of the end-to-end world: test values, never real ones.
const (
	e2eSlackToken    = "xoxb-e2e-bot-token"
	e2eSigningSecret = "e2e-signing-secret"
	e2eQBORealm      = "9341453000000042"
	e2eQBOClientID   = "e2e-client-id"
	e2eQBOSecret     = "e2e-client-secret"
	e2eQBOVerifier   = "e2e-webhook-verifier"
)

// People of the end-to-end firm, as Slack user ids.
const (
	e2ePartner        = "U0E2EPARTNER"
	e2eManager        = "U0E2EMANAGER"
	e2eBillingManager = "U0E2EBILLMGR"
	e2eStaffer        = "U0E2ESTAFF" // tracks time, approves nothing
	// e2eImpostor is a firm approver in whose name only requests with bad
	// signatures are sent: any trace of them anywhere is a leak.
	e2eImpostor = "U0E2EIMPOSTOR"
	e2eChannel  = "C0E2EBILLING"
)

// Clients of the end-to-end firm; each one's invoice takes one path.
const (
	e2eApproveClient = "Alder Dental"    // refused click, then approved, then paid
	e2eEditClient    = "Birch Logistics" // edited with a write-down, then approved
	e2eHoldClient    = "Cedar Bakery"    // held, released, then approved
)

var e2eClients = []string{e2eApproveClient, e2eEditClient, e2eHoldClient}

// e2eNeverSchedule fires on Feb 29 at 04:00 only: the scheduler inside
// serve must not race the jobs the test runs by hand, and a spec that never
// fires is refused.
const e2eNeverSchedule = "0 4 29 2 *"

// e2eWorld is everything the end-to-end test runs against: the three
// sandboxes, the firm, a private Postgres schema and serve's environment.
type e2eWorld struct {
	t      *testing.T
	loc    *time.Location
	month  billing.Period // the closed cycle being billed
	time   timeworld.World
	source config.TimeSource
	qbo    *qbosandbox.Server
	// ledger is the firm's ledger; books its sandbox (xero is set on Xero).
	ledger config.Ledger
	books  e2eBooks
	xero   *xerosandbox.Server
	slack  *slacksandbox.Server
	firm   harvestsandbox.GeneratedFirm
	env    map[string]string
	base   string // http://127.0.0.1:port of serve
	store  *store.Store
	signer slacksandbox.Signer
	http   *http.Client
	// socket: Slack reaches serve over Socket Mode (SLACK_APP_TOKEN), not
	// over signed HTTP requests; click, submit and command take that road.
	socket bool
}

// newE2EWorld starts the sandboxes and prepares serve's environment on a
// fresh Postgres schema. It skips without TEST_DATABASE_URL (fails under
// CI), as storetest does.
func newE2EWorld(t *testing.T) *e2eWorld {
	t.Helper()
	return newE2EWorldOn(t, config.SourceHarvest)
}

// newE2EWorldOn is newE2EWorld for a firm keeping its time in source: the
// same firm, people, projects and entries, in that source's sandbox.
func newE2EWorldOn(t *testing.T, source config.TimeSource) *e2eWorld {
	t.Helper()
	return newE2EWorldFor(t, source, config.LedgerQuickBooks)
}

// newE2EWorldFor is newE2EWorldOn for a firm whose books are in ledger.
func newE2EWorldFor(t *testing.T, source config.TimeSource, ledger config.Ledger) *e2eWorld {
	t.Helper()
	dsn := storetest.PostgresURL(t)
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	w := &e2eWorld{t: t, loc: loc, source: source, ledger: config.LedgerQuickBooks, http: &http.Client{Timeout: 30 * time.Second}}
	w.books = e2eQBOBooks{w}
	// The month before today in the firm's zone has closed: its cycle is due.
	now := time.Now().In(loc)
	thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	w.month = billing.Period{Start: billing.DateOf(thisMonth.AddDate(0, -1, 0)), End: billing.DateOf(thisMonth.AddDate(0, 0, -1))}

	w.firm = e2eHarvestFirm(w.month)
	if w.time, err = timeworld.New(source, w.firm, timeworld.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.time.Close)

	w.qbo = qbosandbox.New(qbosandbox.Options{RealmID: e2eQBORealm, ClientID: e2eQBOClientID, ClientSecret: e2eQBOSecret, HomeCurrency: "USD", CompanyName: "Alder & Birch CPAs"})
	t.Cleanup(w.qbo.Close)
	for _, c := range e2eClients {
		w.qbo.SeedCustomer(qbosandbox.Customer{DisplayName: c, CompanyName: c, Email: e2eEmail(c)})
	}
	for _, it := range []string{"Services", "Tax Preparation", "Bookkeeping"} {
		w.qbo.SeedItem(qbosandbox.Item{Name: it})
	}

	w.slack = slacksandbox.New(slacksandbox.Options{Token: e2eSlackToken})
	t.Cleanup(w.slack.Close)
	w.signer = slacksandbox.Signer{Secret: e2eSigningSecret}

	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "firm.yml")
	if err := os.WriteFile(cfgPath, timeworld.FirmYAML(e2eFirmYAML(w.month), source), 0o600); err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	addr := e2eFreeAddr(t)
	w.base = "http://" + addr
	w.env = map[string]string{
		"DATABASE_URL":               dsn,
		"DATABASE_MAX_CONNS":         "4",
		"LISTEN_ADDR":                addr,
		"BILLBOT_PUBLIC_URL":         w.base,
		"BILLBOT_CONFIG":             cfgPath,
		"BILLBOT_ENCRYPTION_KEY":     base64.StdEncoding.EncodeToString(key),
		"BILLBOT_DATA_DIR":           dir,
		"LOG_FORMAT":                 "text",
		"LOG_LEVEL":                  "debug",
		"SLACK_BOT_TOKEN":            e2eSlackToken,
		"SLACK_SIGNING_SECRET":       e2eSigningSecret,
		"SLACK_API_URL":              w.slack.APIURL(),
		"QBO_CLIENT_ID":              e2eQBOClientID,
		"QBO_CLIENT_SECRET":          e2eQBOSecret,
		"QBO_REDIRECT_URL":           w.base + "/oauth/qbo/callback",
		"QBO_API_URL":                w.qbo.URL(),
		"QBO_AUTH_URL":               w.qbo.AuthURL(),
		"QBO_TOKEN_URL":              w.qbo.TokenURL(),
		"QBO_WEBHOOK_VERIFIER_TOKEN": e2eQBOVerifier,
		"QBO_REALM_ID":               e2eQBORealm,
	}
	maps.Copy(w.env, w.time.Env())
	w.store, err = store.Open(context.Background(), dsn, "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("open the test's view of the store: %v", err)
	}
	t.Cleanup(func() { _ = w.store.Close() })
	if ledger == config.LedgerXero {
		w.onXero()
	}
	return w
}

func (w *e2eWorld) getenv(name string) string { return w.env[name] }

// e2eFreeAddr returns a loopback address with a port free right now.
func e2eFreeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

func e2eEmail(client string) string {
	return "ap@" + strings.ToLower(strings.Fields(client)[0]) + ".example"
}

// e2eFirmYAML is the firm configuration: three hourly clients billed
// monthly from the start of the closed month, to one billing channel.
func e2eFirmYAML(month billing.Period) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `firm:
  name: Alder & Birch CPAs
  timezone: America/New_York
  home_currency: USD
  billing_channel: %s
  billing_manager: %s
  approvers: [%s, %s]
  default_item: Services
  unapproved_alert_days: 7
  reminder_days: [25]
  escalation_days: [35]
  schedules: { sync: %q, draft: %q, collections: %q, approvals: %q }
clients:
`, e2eChannel, e2eBillingManager, e2ePartner, e2eImpostor, e2eNeverSchedule, e2eNeverSchedule, e2eNeverSchedule, e2eNeverSchedule)
	for i, c := range e2eClients {
		fmt.Fprintf(&b, "  - name: %s\n    harvest_client_id: %d\n    currency: USD\n    email: %s\n", c, 5001+i, e2eEmail(c))
	}
	b.WriteString("engagements:\n")
	for i, c := range e2eClients {
		fmt.Fprintf(&b, `  - key: %s
    client: %s
    harvest_project_id: %d
    kind: hourly
    starts_on: %s
    ends_on: %s
    partner: %s
    manager: %s
    cycle: monthly
    terms_days: 30
    rates: { "*": "195.00", "Tax Prep": "225.00", Bookkeeping: "95.00" }
    task_items: { "Tax Prep": "Tax Preparation", Bookkeeping: "Bookkeeping" }
`, e2eEngagementKey(c), c, 14001+i, month.Start, month.Start.AddDays(730), e2ePartner, e2eManager)
	}
	return []byte(b.String())
}

func e2eEngagementKey(client string) string {
	return strings.ToLower(strings.Fields(client)[0]) + "-letter"
}

// e2eHarvestFirm is the firm's Harvest account: each client has four
// approved entries in the closed month and one project; Alder Dental also
// has time on a project no engagement letter covers (an exception holds
// it) and one entry still waiting for approval (billed by nobody).
func e2eHarvestFirm(month billing.Period) harvestsandbox.GeneratedFirm {
	created := month.Start.AddDays(-30).Time(time.UTC)
	f := harvestsandbox.GeneratedFirm{
		Company: harvestsandbox.Company{Name: "Alder & Birch CPAs", ApprovalFeature: true, WeekStartDay: "Monday"},
		Tasks:   []harvestsandbox.Task{{ID: 9001, Name: "Tax Prep"}, {ID: 9002, Name: "Bookkeeping"}},
		Users: []harvestsandbox.User{
			{ID: 7001, FirstName: "Dana", LastName: "Reed", Rate: money.MustParse("195.00", "USD")},
			{ID: 7002, FirstName: "Eli", LastName: "Stone", Rate: money.MustParse("195.00", "USD")},
		},
	}
	rates := map[int64]money.Amount{9001: money.MustParse("225.00", "USD"), 9002: money.MustParse("95.00", "USD")}
	id := int64(880000)
	add := func(cid, pid, task int64, day int, hours string, approved bool) {
		id++
		spent := month.Start.AddDays(day)
		at := spent.Time(time.UTC).Add(18 * time.Hour)
		updated := at
		if approved {
			// Approved within the month, at the end of the week's timesheet.
			updated = at.Add(24 * time.Hour)
		}
		h := money.MustHours(hours)
		f.Entries = append(f.Entries, harvestsandbox.Entry{
			ID: id, SpentDate: spent, UserID: 7001 + id%2, ClientID: cid, ProjectID: pid, TaskID: task,
			Hours: h, RoundedHours: h, Notes: fmt.Sprintf("Work item %d", id), IsClosed: approved, Billable: true,
			BillableRate: rates[task], CreatedAt: at, UpdatedAt: updated,
		})
	}
	for i, c := range e2eClients {
		cid, pid := int64(5001+i), int64(14001+i)
		f.Clients = append(f.Clients, harvestsandbox.Client{ID: cid, Name: c, Currency: "USD", IsActive: true, CreatedAt: created, UpdatedAt: created})
		f.Projects = append(f.Projects, harvestsandbox.Project{
			ID: pid, ClientID: cid, Name: c + " — services", Code: fmt.Sprintf("P%d", i+1), IsActive: true, IsBillable: true,
			BillBy: "Tasks", StartsOn: month.Start, CreatedAt: created, UpdatedAt: created,
		})
		add(cid, pid, 9001, 2, "1.5", true)
		add(cid, pid, 9001, 8, "2.25", true)
		add(cid, pid, 9002, 13, "3.0", true)
		add(cid, pid, 9002, 19, "0.75", true)
	}
	// Time on a project no letter covers: an orphaned-entry exception holds it.
	f.Projects = append(f.Projects, harvestsandbox.Project{ID: 14999, ClientID: 5001, Name: "Alder Dental — estate planning", Code: "P999", IsActive: true, IsBillable: true, BillBy: "Tasks", CreatedAt: created, UpdatedAt: created})
	add(5001, 14999, 9001, 20, "2.5", true)
	// Waiting for approval: on no invoice.
	add(5001, 14001, 9002, 21, "1.25", false)
	return f
}

// e2eServe is one running `billbot serve`.
type e2eServe struct {
	cancel context.CancelFunc
	done   chan error
	logs   *e2eBuffer
}

// e2eBuffer is a goroutine-safe log sink.
type e2eBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *e2eBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *e2eBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startServe runs `billbot serve` in a goroutine and waits for /readyz.
func (w *e2eWorld) startServe() *e2eServe {
	w.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &e2eServe{cancel: cancel, done: make(chan error, 1), logs: &e2eBuffer{}}
	go func() { s.done <- run(ctx, []string{"serve"}, w.getenv, strings.NewReader(""), io.Discard, s.logs) }()
	w.t.Cleanup(func() {
		s.stop(w.t)
		if w.t.Failed() {
			w.t.Logf("serve log:\n%s", s.logs.String())
		}
	})
	w.eventually("serve answers /readyz", func() (bool, error) {
		select {
		case err := <-s.done:
			s.done <- err
			return false, fmt.Errorf("serve exited: %v\n%s", err, s.logs.String())
		default:
		}
		resp, err := w.http.Get(w.base + "/readyz")
		if err != nil {
			return false, nil // not listening yet
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, nil
	})
	return s
}

// stop cancels serve and waits for it to drain; a second call does nothing.
func (s *e2eServe) stop(t *testing.T) {
	t.Helper()
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.cancel = nil
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("serve ended with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("serve did not stop within 30s")
	}
}

// cli runs one billbot command with serve's environment.
func (w *e2eWorld) cli(args ...string) string {
	w.t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, args, w.getenv, strings.NewReader(""), &out, &errOut); err != nil {
		w.t.Fatalf("billbot %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String()
}

// connectQBO connects QuickBooks the only way there is: `billbot qbo
// connect` prints a one-time link, and a browser follows it through
// Intuit's authorize page back to billbot's callback. It returns the
// callback page.
func (w *e2eWorld) connectQBO(args ...string) string {
	w.t.Helper()
	code, body := w.followLink(w.connectLink(args...))
	if code != http.StatusOK {
		w.t.Fatalf("connect QuickBooks: HTTP %d: %s", code, body)
	}
	return body
}

// connectLedger connects the firm's ledger as connectQBO does QuickBooks:
// `billbot qbo connect` or `billbot xero connect`, then the link.
func (w *e2eWorld) connectLedger(args ...string) string {
	w.t.Helper()
	code, body := w.followLink(w.connectLink(args...))
	if code != http.StatusOK {
		w.t.Fatalf("connect %s: HTTP %d: %s", w.ledger, code, body)
	}
	return body
}

// connectLink runs `billbot qbo connect [args]` (`billbot xero connect` on
// a Xero firm) and returns its link.
func (w *e2eWorld) connectLink(args ...string) string {
	w.t.Helper()
	cmd, path := "qbo", "/oauth/qbo/connect?t="
	if w.ledger == config.LedgerXero {
		cmd, path = "xero", "/oauth/xero/connect?t="
	}
	link := strings.TrimSpace(w.cli(append([]string{cmd, "connect"}, args...)...))
	if !strings.HasPrefix(link, w.base+path) {
		w.t.Fatalf("billbot %s connect printed %q, want a link under BILLBOT_PUBLIC_URL", cmd, link)
	}
	return link
}

// followLink opens link in a fresh cookie-keeping browser, presses the
// confirmation page's button and follows the redirects; it checks the hops
// are billbot → the ledger's authorize page → billbot's callback.
func (w *e2eWorld) followLink(link string) (int, string) {
	w.t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		w.t.Fatal(err)
	}
	var hops []string
	browser := &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		hops = append(hops, req.URL.Scheme+"://"+req.URL.Host+req.URL.Path)
		return nil
	}}
	resp := pressConnect(w.t, browser, link)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	want := w.books.connectHops(w.base)
	if len(hops) != 2 || hops[0] != want[0] || hops[1] != want[1] {
		w.t.Fatalf("connect link: HTTP %d after hops %v (want %v): %s", resp.StatusCode, hops, want, body)
	}
	return resp.StatusCode, string(body)
}

// eventually polls cond until it holds: serve acknowledges Slack at once
// and works after the ack, so the test waits for the effects. The deadline
// only bounds a hang; nothing depends on how soon the condition holds.
func (w *e2eWorld) eventually(what string, cond func() (bool, error)) {
	w.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ok, err := cond()
		if err != nil {
			w.t.Fatalf("%s: %v", what, err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("%s: not reached", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// send posts req to serve and returns the status and body.
func (w *e2eWorld) send(req *http.Request) (int, string) {
	w.t.Helper()
	resp, err := w.http.Do(req)
	if err != nil {
		w.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// click sends a button click by user on inv's draft message — signed over
// HTTP, or as a Socket Mode envelope — and returns the response_url and
// trigger_id it carried.
func (w *e2eWorld) click(user, actionID string, inv store.Invoice) (respURL, trigger string) {
	w.t.Helper()
	respURL, trigger = w.slack.NewResponseURLFor(inv.SlackChannel, inv.SlackTS), w.slack.NewTriggerID()
	a := w.blockAction(user, actionID, inv, respURL, trigger)
	if w.socket {
		// A click's ack carries nothing (docs/vendors.md §1.9).
		if ack := w.ack(w.slack.SocketBlockAction(a)); ack.Payload != nil {
			w.t.Fatalf("click %s by %s: ack payload %s, want none", actionID, user, ack.Payload)
		}
		return respURL, trigger
	}
	status, body := w.send(w.signer.BlockAction(w.base+"/slack/interactions", a))
	if status != http.StatusOK {
		w.t.Fatalf("click %s by %s: HTTP %d %s", actionID, user, status, body)
	}
	return respURL, trigger
}

// ack waits for serve to acknowledge a Socket Mode envelope.
func (w *e2eWorld) ack(e *slacksandbox.Envelope) slacksandbox.Ack {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	a, err := e.Wait(ctx)
	if err != nil {
		w.t.Fatalf("%v\nack problems: %q", err, w.slack.AckProblems())
	}
	return a
}

// event delivers an Events API callback (JSON body): signed to
// /slack/events, or as a Socket Mode envelope whose ack carries nothing.
func (w *e2eWorld) event(body []byte) {
	w.t.Helper()
	if w.socket {
		if ack := w.ack(w.slack.SocketEvent(body)); ack.Payload != nil {
			w.t.Fatalf("event: ack payload %s, want none", ack.Payload)
		}
		return
	}
	if status, resp := w.send(w.signer.Event(w.base+"/slack/events", body)); status != http.StatusOK {
		w.t.Fatalf("event: HTTP %d %q", status, resp)
	}
}

// command runs a slash command as user and returns the reply's text: the
// immediate one (the HTTP response body, or the Socket Mode ack's payload)
// or, when that is empty, the first post to the command's response_url.
func (w *e2eWorld) command(user, command, text string) string {
	w.t.Helper()
	respURL := w.slack.NewResponseURL()
	fields := url.Values{
		"command": {command}, "text": {text}, "team_id": {slacksandbox.TeamID}, "user_id": {user},
		"channel_id": {e2eChannel}, "response_url": {respURL}, "trigger_id": {w.slack.NewTriggerID()},
	}
	var immediate []byte
	if w.socket {
		immediate = w.ack(w.slack.SocketSlashCommand(fields)).Payload
	} else {
		status, body := w.send(w.signer.SlashCommand(w.base+"/slack/commands", fields))
		if status != http.StatusOK {
			w.t.Fatalf("%s %s: HTTP %d %s", command, text, status, body)
		}
		immediate = []byte(body)
	}
	if len(bytes.TrimSpace(immediate)) > 0 {
		var reply struct{ Text string }
		if err := json.Unmarshal(immediate, &reply); err != nil {
			w.t.Fatalf("%s %s: reply %q: %v", command, text, immediate, err)
		}
		return reply.Text
	}
	w.eventually(command+" "+text+" answered on the response_url", func() (bool, error) {
		return len(w.slack.ResponsePosts(respURL)) > 0, nil
	})
	return w.slack.ResponsePosts(respURL)[0].Text
}

func (w *e2eWorld) blockAction(user, actionID string, inv store.Invoice, respURL, trigger string) slacksandbox.BlockAction {
	return slacksandbox.BlockAction{
		TeamID: slacksandbox.TeamID, UserID: user, ChannelID: inv.SlackChannel, MessageTS: inv.SlackTS,
		ActionID: actionID, BlockID: "actions", Value: strconv.FormatInt(inv.ID, 10),
		ResponseURL: respURL, TriggerID: trigger,
	}
}

// openedView waits for the views.open call made with trigger and returns
// the modal's view id.
func (w *e2eWorld) openedView(trigger string) string {
	w.t.Helper()
	var id string
	w.eventually("views.open with the click's trigger_id", func() (bool, error) {
		for _, c := range w.slack.Calls() {
			if c.Method == "views.open" && c.TriggerID == trigger {
				if c.Error != "" {
					return false, fmt.Errorf("views.open failed: %s", c.Error)
				}
				id = c.ViewID
				return true, nil
			}
		}
		return false, nil
	})
	return id
}

// submit sends a modal submission, signed over HTTP or as a Socket Mode
// envelope; an empty 200 (an ack without payload) closes the modal.
func (w *e2eWorld) submit(user, viewID, callback string, inv store.Invoice, values map[string]map[string]slacksandbox.Input) {
	w.t.Helper()
	v := slacksandbox.ViewSubmission{
		TeamID: slacksandbox.TeamID, UserID: user, ViewID: viewID, CallbackID: callback,
		PrivateMetadata: strconv.FormatInt(inv.ID, 10), Values: values,
	}
	if w.socket {
		if ack := w.ack(w.slack.SocketViewSubmission(v)); ack.Payload != nil {
			w.t.Fatalf("submit %s: ack payload %s, want none (the modal closes)", callback, ack.Payload)
		}
		return
	}
	status, body := w.send(w.signer.ViewSubmission(w.base+"/slack/interactions", v))
	if status != http.StatusOK || strings.TrimSpace(body) != "" {
		w.t.Fatalf("submit %s: HTTP %d %s", callback, status, body)
	}
}

// invoice returns the stored invoice of client (there is one per client).
func (w *e2eWorld) invoice(client string) store.Invoice {
	w.t.Helper()
	invs, err := w.store.Invoices(context.Background(), store.InvoiceFilter{Client: client})
	if err != nil || len(invs) != 1 {
		w.t.Fatalf("invoices of %s: %d, %v", client, len(invs), err)
	}
	return invs[0]
}

// waitState waits until client's invoice reaches state and returns it.
func (w *e2eWorld) waitState(client string, state store.InvoiceState) store.Invoice {
	w.t.Helper()
	var inv store.Invoice
	w.eventually(client+" invoice "+string(state), func() (bool, error) {
		inv = w.invoice(client)
		return inv.State == state, nil
	})
	return inv
}

// qboCalls returns how many calls the QBO sandbox has had to endpoint
// (a qbosandbox.Calls key such as "POST invoice/{id}/send").
func (w *e2eWorld) qboCalls(endpoint string) int {
	return w.qbo.Calls()[endpoint]
}

// qboAmounts reads an invoice's TotalAmt and Balance from the sandbox,
// exactly, in the invoice's currency.
func (w *e2eWorld) qboAmounts(inv store.Invoice) (total, balance money.Amount) {
	w.t.Helper()
	raw, ok := w.qbo.Invoice(inv.LedgerID)
	if !ok {
		w.t.Fatalf("QBO has no invoice %q for %s", inv.LedgerID, inv.Client)
	}
	var doc struct {
		TotalAmt json.Number
		Balance  json.Number
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		w.t.Fatalf("QBO invoice %s: %v", inv.LedgerID, err)
	}
	total, err := money.Parse(doc.TotalAmt.String(), inv.Currency)
	if err != nil {
		w.t.Fatalf("QBO invoice %s TotalAmt %q: %v", inv.LedgerID, doc.TotalAmt, err)
	}
	balance, err = money.Parse(doc.Balance.String(), inv.Currency)
	if err != nil {
		w.t.Fatalf("QBO invoice %s Balance %q: %v", inv.LedgerID, doc.Balance, err)
	}
	return total, balance
}

// auditCount counts every audit event about invoices.
func (w *e2eWorld) auditCount() int {
	w.t.Helper()
	evs, err := w.store.AuditEvents(context.Background(), "invoice", "")
	if err != nil {
		w.t.Fatal(err)
	}
	return len(evs)
}

// message returns the current Slack message of inv's draft.
func (w *e2eWorld) message(inv store.Invoice) slacksandbox.Message {
	w.t.Helper()
	m, ok := w.slack.Message(inv.SlackChannel, inv.SlackTS)
	if !ok {
		w.t.Fatalf("no Slack message %s/%s for %s", inv.SlackChannel, inv.SlackTS, inv.Client)
	}
	return m
}

// waitMessageVersion waits until inv's message has been edited to at least
// version n and returns it.
func (w *e2eWorld) waitMessageVersion(inv store.Invoice, n int) slacksandbox.Message {
	w.t.Helper()
	var m slacksandbox.Message
	w.eventually(fmt.Sprintf("%s message version %d", inv.Client, n), func() (bool, error) {
		m = w.message(inv)
		return m.Versions >= n, nil
	})
	return m
}
