package slackui

import (
	"strconv"

	"github.com/slack-go/slack"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// Aging is accounts receivable by age, as /ar aging shows it.
type Aging struct {
	AsOf billing.Date
	// Client or Manager narrows the scope; both empty means all clients.
	Client     string
	Manager    string // Slack user id
	Currencies []CurrencyAging
	Overdue    []OverdueInvoice // most overdue first
}

// CurrencyAging is the aging buckets of open invoices in one currency:
// amounts are never added across currencies.
type CurrencyAging struct {
	Currency   money.Currency
	Current    money.Amount // not yet due
	Days1to30  money.Amount
	Days31to60 money.Amount
	Days61to90 money.Amount
	Over90     money.Amount
	Total      money.Amount
	// DSO is days sales outstanding in tenths of a day (423 is 42.3 days);
	// negative when unknown, e.g. without sales in the window.
	DSO int64
}

// OverdueInvoice is one invoice past its due date.
type OverdueInvoice struct {
	InvoiceID   int64
	Client      string
	DocNumber   string
	DaysPastDue int
	Currency    money.Currency
	Balance     money.Amount
}

// agingOverdueShown is how many overdue invoices /ar aging lists.
const agingOverdueShown = 10

// agingCurrenciesShown caps the currencies listed, one block each.
const agingCurrenciesShown = 30

func agingScope(a Aging) (mrkdwn, plainText string) {
	switch {
	case a.Client != "":
		return esc(a.Client), a.Client
	case a.Manager != "":
		return "clients managed by " + mention(a.Manager), "by manager"
	}
	return "all clients", "all clients"
}

// AgingReply renders AR aging: per-currency buckets (current, 1–30, 31–60,
// 61–90, 90+ days past due), totals and DSO, then the most overdue invoices.
func AgingReply(a Aging) (text string, blocks []slack.Block) {
	scope, plainScope := agingScope(a)
	blocks = append(blocks, header("aging_header", "AR aging — "+plainScope))
	blocks = append(blocks, contextBlock("aging_scope", "Scope: "+scope+" · as of "+formatDate(a.AsOf)))
	if len(a.Currencies) == 0 {
		text = "Nothing outstanding for " + scope + "."
		blocks = append(blocks, section("aging_none", text))
		return text, blocks
	}
	var totals []CurrencyAmount
	for i, c := range a.Currencies {
		totals = append(totals, CurrencyAmount{Currency: c.Currency, Amount: c.Total})
		if i == agingCurrenciesShown {
			blocks = append(blocks, contextBlock("aging_more_currencies",
				"…and "+plural(len(a.Currencies)-i, "more currency", "more currencies")))
			continue
		}
		if i > agingCurrenciesShown {
			continue
		}
		cur := c.Currency
		dso := "—"
		if c.DSO >= 0 {
			dso = tenths(c.DSO) + " days"
		}
		blocks = append(blocks, fieldsSection("aging_currency_"+strconv.Itoa(i),
			"*"+string(cur)+" total*\n"+c.Total.Display(cur),
			"*DSO*\n"+dso,
			"*Current*\n"+c.Current.Display(cur),
			"*1–30 days*\n"+c.Days1to30.Display(cur),
			"*31–60 days*\n"+c.Days31to60.Display(cur),
			"*61–90 days*\n"+c.Days61to90.Display(cur),
			"*90+ days*\n"+c.Over90.Display(cur),
		))
	}
	text = "AR for " + scope + ": " + amounts(totals)
	if len(a.Overdue) > 0 {
		shown := a.Overdue
		if len(shown) > agingOverdueShown {
			shown = shown[:agingOverdueShown]
		}
		items := []string{"*Most overdue*"}
		for _, o := range shown {
			items = append(items, "• *"+esc(clipPlain(o.Client, 100))+"* · "+docNumber(o.DocNumber)+" · "+
				plural(o.DaysPastDue, "day", "days")+" past due · "+o.Balance.Display(o.Currency))
		}
		if rest := len(a.Overdue) - len(shown); rest > 0 {
			items = append(items, "_…and "+plural(rest, "more overdue invoice", "more overdue invoices")+"_")
		}
		blocks = append(blocks, slack.NewDividerBlock())
		blocks = append(blocks, packSections("aging_overdue", items)...)
	}
	return clipMrkdwn(text, MaxTextLen), blocks
}

// StatusReply renders the counts and totals of pending, held, sent and
// overdue invoices.
func StatusReply(s Status) (text string, blocks []slack.Block) {
	scope, plainScope := "all clients", "all clients"
	if s.Client != "" {
		scope, plainScope = esc(s.Client), s.Client
	}
	field := func(label string, c StatusCount) string {
		return "*" + label + "* · " + strconv.Itoa(c.Count) + "\n" + amounts(c.Totals)
	}
	blocks = []slack.Block{
		header("status_header", "Billing status — "+plainScope),
		fieldsSection("status_fields",
			field("Awaiting approval", s.Pending),
			field("Held", s.Held),
			field("Sent, unpaid", s.Sent),
			field("Overdue", s.Overdue),
		),
	}
	if !s.AsOf.IsZero() {
		blocks = append(blocks, contextBlock("status_as_of", "As of "+formatDate(s.AsOf)))
	}
	text = "Billing status for " + scope + ": " + strconv.Itoa(s.Pending.Count) + " awaiting approval, " +
		strconv.Itoa(s.Held.Count) + " held, " + strconv.Itoa(s.Sent.Count) + " sent and unpaid, " +
		strconv.Itoa(s.Overdue.Count) + " overdue"
	return clipMrkdwn(text, MaxTextLen), blocks
}
