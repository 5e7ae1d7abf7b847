package setup_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/oauth2"

	"billbot/internal/config"
	"billbot/internal/harvest"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/qbo"
	"billbot/internal/qbo/qbosandbox"
	"billbot/internal/setup"
	"billbot/internal/setup/setuptest"
	"billbot/internal/slacksandbox"
)

// vendors is the three sandboxes with clients for them.
type vendors struct {
	harvest *harvestsandbox.Server
	qbo     *qbosandbox.Server
	slack   *slacksandbox.Server
	src     setup.Sources
}

// limits scales the vendors' rate limits: Harvest n per window, QBO per
// minute scaled the same, Slack Tier 3 scaled the same.
type limits struct {
	scale float64 // 1 = the vendors' real limits
}

func startVendors(t testing.TB, f setuptest.Firm, l limits) *vendors {
	t.Helper()
	hw := time.Duration(float64(harvest.DefaultWindow) / l.scale)
	qw := time.Duration(float64(time.Minute) / l.scale)
	sw := time.Duration(float64(setup.SlackTier3Window) / l.scale)
	v := &vendors{
		harvest: harvestsandbox.New(harvestsandbox.Options{Limit: harvest.DefaultLimit, Window: hw}),
		qbo:     qbosandbox.New(qbosandbox.Options{StaticToken: "qbo-static", Window: qw}),
		slack:   slacksandbox.New(slacksandbox.Options{Token: "xoxb-setup"}),
	}
	v.harvest.Start()
	t.Cleanup(v.harvest.Close)
	t.Cleanup(v.qbo.Close)
	t.Cleanup(v.slack.Close)
	v.slack.SetRateLimit("users.lookupByEmail", setup.SlackTier3PerWindow, sw)
	f.Seed(v.harvest, v.qbo, v.slack)

	hc, err := harvest.NewClient(v.harvest.URL(), v.harvest.AccountID(), v.harvest.Token(),
		harvest.WithLimiter(harvest.DefaultLimit, hw), harvest.WithUserAgent("setup-test@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	httpc := &http.Client{Transport: &oauth2.Transport{Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "qbo-static"})}, Timeout: 30 * time.Second}
	qc, err := qbo.NewClient(v.qbo.URL(), v.qbo.RealmID(), httpc, qbo.WithLimits(qbo.Limits{Per: qw}))
	if err != nil {
		t.Fatal(err)
	}
	api := slack.New("xoxb-setup", slack.OptionAPIURL(v.slack.APIURL()))
	v.src = setup.Sources{Harvest: hc, Books: qc, Directory: setup.NewSlackDirectory(api, setup.SlackTier3PerWindow, sw)}
	return v
}

func runSetup(t *testing.T, v *vendors, existing []byte) setup.Result {
	t.Helper()
	in, _, err := setup.Gather(context.Background(), v.src)
	if err != nil {
		t.Fatal(err)
	}
	res, err := setup.Render(setup.Build(in), existing)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestSetupAgainstSandboxes(t *testing.T) {
	t.Parallel()
	for _, perProject := range []bool{false, true} {
		t.Run(map[bool]string{false: "bulk", true: "per-project"}[perProject], func(t *testing.T) {
			t.Parallel()
			testSetupAgainstSandboxes(t, perProject)
		})
	}
}

func testSetupAgainstSandboxes(t *testing.T, perProject bool) {
	f := setuptest.Small()
	v := startVendors(t, f, limits{scale: 100})
	v.src.PerProject = perProject
	res := runSetup(t, v, nil)
	out := string(res.YAML)
	firm, err := config.ParseFirm("setup.yml", res.YAML)
	if err != nil {
		t.Fatalf("config import rejects setup's file: %v\n%s", err, out)
	}
	if len(firm.Clients) != 4 || len(firm.Engagements) != 5 {
		t.Errorf("%d clients, %d engagements, want 4 and 5\n%s", len(firm.Clients), len(firm.Engagements), out)
	}
	for _, want := range []string{
		"name: Alder & Birch CPAs",
		"approvers: [U0DANA]",
		"- name: Acme Corp\n    harvest_client_id: 5001\n    qbo_customer_id: \"6\"", // exact: no decision
		`DECIDE: QBO customer "Smith & Jones, LLC" (id 7) matched by normalised name`,
		`DECIDE: QBO customer "Brown Holdings" (id 8) matched by normalised name`,
		"DECIDE: no QBO customer matches this name",
		`person_rates: {Dana Reed: "250.00", Eli Stone: "180.00", Fay Ng: "120.00"}`,
		"    # DECIDE: Fay Ng (fay@alderbirch.example) was not found in Slack by email; add slack: with their Slack user id, or leave it out\n    - harvest_user_id: 7003\n      name: Fay Ng\n",
		"DECIDE: kind fixed_fee: Harvest's fee 12000.00 over 12 month(s) is written as 1000.00 a cycle",
		"fixed_fee: \"1000.00\"",
		`rates: {Tax Prep: "225.00", Bookkeeping: "95.00"}`,
		`task_items: {Tax Prep: Tax Prep., Bookkeeping: bookkeeping}`,
		"terms_days: 30",
		"DECIDE: project manager Fay Ng (fay@alderbirch.example) was not found in Slack",
		"partner: U0DANA",
		"harvest_project_id: 14002\n    kind: hourly\n    starts_on: \"2026-01-01\"\n    partner: U0ELI",
		"ledger_write: at_approval",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("file lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("\n%s", out)
	}
}

// TestSlackDirectoryWaitsOutRateLimit: a 429 from users.lookupByEmail is
// waited out (Retry-After) and the lookup retried, not reported as missing.
func TestSlackDirectoryWaitsOutRateLimit(t *testing.T) {
	t.Parallel()
	s := slacksandbox.New(slacksandbox.Options{Token: "xoxb-rl"})
	t.Cleanup(s.Close)
	s.AddUser(slacksandbox.User{ID: "U0A", Email: "a@firm.example"})
	s.AddUser(slacksandbox.User{ID: "U0B", Email: "b@firm.example"})
	s.SetRateLimit("users.lookupByEmail", 1, time.Second)
	d := setup.NewSlackDirectory(slack.New("xoxb-rl", slack.OptionAPIURL(s.APIURL())), 10, time.Second)
	for _, c := range []struct{ email, id string }{{"a@firm.example", "U0A"}, {"b@firm.example", "U0B"}} {
		id, found, err := d.LookupEmail(t.Context(), c.email)
		if err != nil || !found || id != c.id {
			t.Fatalf("LookupEmail(%s) = %q, %v, %v", c.email, id, found, err)
		}
	}
	if _, found, err := d.LookupEmail(t.Context(), "nobody@firm.example"); err != nil || found {
		t.Errorf("unknown address: found %v, err %v", found, err)
	}
	var throttled int
	for _, c := range s.Calls() {
		if c.Status == http.StatusTooManyRequests {
			throttled++
		}
	}
	if throttled == 0 {
		t.Error("the sandbox never throttled; the test does not exercise the retry")
	}
}
