package loadtest

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/store"
	"billbot/store/storetest"
)

// small is a seeded firm small enough for a unit test: 40 clients over 14
// months.
var small = Size{Clients: 40, Managers: 5, Invoices: 40 * 14, Entries: 5000}

// TestSeededFirm seeds a small firm the benchmark's way and checks the
// seed (row counts, a parseable configuration, every state present), that
// the fast aging and status equal the whole-invoice ones on it, that its
// DSO needs only the first sales window, and that every request of the
// benchmark's mix is answered inline with a rendered reply.
func TestSeededFirm(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	ctx := t.Context()
	st, err := store.Open(ctx, dsn, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	now := time.Date(2026, 11, 20, 20, 0, 0, 0, time.UTC)
	asOf := billing.DateIn(now, mustLocation(t, "America/New_York"))
	if err := Seed(ctx, st, conn, small, asOf); err != nil {
		t.Fatal(err)
	}

	for table, want := range map[string]int{"invoices": small.Invoices, "invoice_lines": small.Invoices, "time_entries": small.Entries, "clients": small.Clients, "engagements": small.Clients} {
		var n int
		if err := conn.QueryRow(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%s: %d rows, want %d", table, n, want)
		}
	}
	var states []string
	if err := conn.QueryRow(ctx, "SELECT array_agg(DISTINCT state ORDER BY state) FROM invoices").Scan(&states); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"approved", "draft", "flagged", "held", "paid", "pending", "sent", "voided"}, states); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}

	app, err := NewApp(st, func() time.Time { return now }, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()

	for _, f := range []store.ReportFilter{{}, {Client: ClientName(5)}, {Client: ClientName(7)}, {Manager: ManagerID(2)}} {
		got, err := app.Workflow.Aging(ctx, asOf, f.Client, f.Manager)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(slowAging(t, st, f.Client, f.Manager, asOf), got); diff != "" {
			t.Errorf("Aging(%+v) differs (-whole invoices +fast):\n%s", f, diff)
		}
		if len(got.Invoices) == 0 {
			t.Errorf("Aging(%+v): nothing open; the seed should leave invoices open", f)
		}
		open, err := st.OpenBalances(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		sales, err := st.MonthlySales(ctx, f, AgingSince(asOf), asOf)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range billing.Age(open, sales, asOf).DSO {
			if !d.Complete {
				t.Errorf("Aging(%+v): DSO in %s needs more than %d months of sales", f, d.Currency, AgingWindowMonths)
			}
		}
		n, err := RawAging(ctx, conn, f, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if n != len(open)+len(sales) {
			t.Errorf("RawAging(%+v) read %d rows, want %d", f, n, len(open)+len(sales))
		}
	}
	for _, client := range []string{"", ClientName(3)} {
		got, err := app.Workflow.Status(ctx, client)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(slowStatus(t, st, client, asOf), got); diff != "" {
			t.Errorf("Status(%q) differs (-whole invoices +fast):\n%s", client, diff)
		}
	}

	next := mix(app)
	for i := range 8 {
		kind, req := next(i)
		resp, err := app.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var reply struct {
			Text   string            `json:"text"`
			Blocks []json.RawMessage `json:"blocks"`
		}
		err = json.NewDecoder(resp.Body).Decode(&reply)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || len(reply.Blocks) == 0 {
			t.Errorf("%s: status %d, err %v, reply %+v", kind, resp.StatusCode, err, reply)
		}
	}
}

func TestFirmYAML(t *testing.T) {
	t.Parallel()
	f, err := config.ParseFirm("load test firm", FirmYAML(small))
	if err != nil {
		t.Fatal(err)
	}
	_, clients, engs := f.Billing()
	if len(clients) != small.Clients || len(engs) != small.Clients {
		t.Fatalf("%d clients and %d engagements, want %d of each", len(clients), len(engs), small.Clients)
	}
	managers := map[string]bool{}
	for i, c := range clients {
		if c.Name != ClientName(i+1) || string(c.Currency) != clientCurrency(i+1) {
			t.Errorf("client %d = %s in %s", i+1, c.Name, c.Currency)
		}
		managers[engs[i].Manager] = true
	}
	if len(managers) != small.Managers {
		t.Errorf("%d managers, want %d", len(managers), small.Managers)
	}
}

type parsedFirm struct {
	clients []billing.Client
	engs    []billing.Engagement
}

func configBilling(raw []byte) (parsedFirm, error) {
	f, err := config.ParseFirm("load test firm", raw)
	if err != nil {
		return parsedFirm{}, err
	}
	_, clients, engs := f.Billing()
	return parsedFirm{clients, engs}, nil
}
