package loadtest

import (
	"fmt"
	"strings"
	"time"

	"billbot/internal/billing"
)

// Size is how big a seeded firm is.
type Size struct {
	Clients  int // one engagement each
	Managers int // engagement managers, spread over the clients
	Invoices int // a multiple of Clients: one invoice per client per month
	Entries  int // time entries, spread over the clients and months
	// QBOCustomers gives every client a QuickBooks customer id, so that a
	// draft bills its time instead of holding it as unmapped.
	QBOCustomers bool
}

// Full is the size of the acceptance target: 100,000 invoices (fifty
// monthly cycles of 2,000 clients) and 1,000,000 time entries.
var Full = Size{Clients: 2000, Managers: 50, Invoices: 100_000, Entries: 1_000_000}

// Months is how many monthly cycles the invoices span.
func (s Size) Months() int { return s.Invoices / s.Clients }

// check reports a size the seed cannot build.
func (s Size) check() error {
	if s.Clients <= 0 || s.Managers <= 0 || s.Invoices <= 0 || s.Entries < 0 || s.Invoices%s.Clients != 0 {
		return fmt.Errorf("loadtest: size %+v: need positive clients and managers and invoices a multiple of clients", s)
	}
	return nil
}

// ClientName is the name of client i (1-based).
func ClientName(i int) string { return fmt.Sprintf("Client %04d", i) }

// ManagerID is the Slack user id of manager i (0-based).
func ManagerID(i int) string { return fmt.Sprintf("U0MGR%02d", i) }

// clientCurrency is client i's currency: every fifth client is billed in
// Canadian dollars, the others in the firm's US dollars.
func clientCurrency(i int) string {
	if i%5 == 0 {
		return "CAD"
	}
	return "USD"
}

// FirmYAML is the firm configuration of a seeded firm (CONTRACT.md "Firm
// configuration"): one hourly, monthly engagement per client, managed by
// manager i mod Managers.
func FirmYAML(s Size) []byte {
	var b strings.Builder
	b.WriteString(`firm:
  name: Load Test CPA
  timezone: America/New_York
  home_currency: USD
  billing_channel: C0BILLING
  billing_manager: U0BILLMGR
  approvers: [U0PARTNER0]
  reminder_days: [25]
  escalation_days: [35]
clients:
`)
	for i := 1; i <= s.Clients; i++ {
		fmt.Fprintf(&b, "  - name: %s\n    harvest_client_id: %d\n    currency: %s\n    email: ap%d@client.example\n",
			ClientName(i), 1000+i, clientCurrency(i), i)
		if s.QBOCustomers {
			fmt.Fprintf(&b, "    qbo_customer_id: \"%d\"\n", 5000+i)
		}
	}
	b.WriteString("engagements:\n")
	for i := 1; i <= s.Clients; i++ {
		fmt.Fprintf(&b, `  - key: client-%04d
    client: %s
    harvest_project_id: %d
    kind: hourly
    starts_on: 2020-01-01
    partner: U0PARTNER%d
    manager: %s
    cycle: monthly
    terms_days: 30
    rates: {"*": "195.00"}
`, i, ClientName(i), 100000+i, i%10, ManagerID(i%s.Managers))
	}
	return []byte(b.String())
}

// firstInvoiceDate is the invoice date of the oldest cycle: invoices are
// dated the first of each month, the newest on the first of asOf's month.
func firstInvoiceDate(s Size, asOf billing.Date) billing.Date {
	return billing.DateOf(time.Date(asOf.Year, asOf.Month-time.Month(s.Months()-1), 1, 0, 0, 0, 0, time.UTC))
}
