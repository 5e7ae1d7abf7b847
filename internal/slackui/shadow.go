package slackui

import (
	"strconv"

	"github.com/slack-go/slack"

	"billbot/internal/shadow"
)

// Shown caps of the shadow report.
const (
	shadowClientsShown = 10
	shadowPastShown    = 6
)

// ShadowReport renders the latest shadow cycle's agreement with the
// invoices the firm issued itself, the clients that differ (when given) and
// the agreement of past cycles. cycles is latest first; none says how to
// start.
func ShadowReport(cycles []shadow.Summary, clients []ShadowClient) (text string, blocks []slack.Block) {
	if len(cycles) == 0 {
		text = "No shadow cycle has been compared yet. Run `billbot shadow`, or set `firm.mode: shadow` to compare each cycle instead of drafting it."
		return text, []slack.Block{section("shadow_none", text)}
	}
	c := cycles[0]
	blocks = append(blocks, header("shadow_header", "Shadow mode: cycle ending "+formatDate(c.PeriodEnd)))
	blocks = append(blocks, fieldsSection("shadow_fields",
		"*Agreement by amount*\n"+shadow.Percent(c.ByAmount())+" ("+c.AmountAgreed.Display(c.Currency)+" of "+c.AmountCompared.Display(c.Currency)+")",
		"*Agreement by invoice*\n"+shadow.Percent(c.ByInvoice())+" ("+strconv.Itoa(c.InvoicesAgreed)+" of "+strconv.Itoa(c.InvoicesCompared)+" clients)",
		"*Lines the same*\n"+strconv.Itoa(c.Same),
		"*Lines that differ*\n"+strconv.Itoa(c.Differs),
		"*Only in billbot*\n"+strconv.Itoa(c.OnlyBillbot)+" (likely unbilled time)",
		"*Only in QuickBooks*\n"+strconv.Itoa(c.OnlyLedger),
	))
	if len(clients) > 0 {
		items := []string{"*Clients that differ*"}
		for i, cl := range clients {
			if i == shadowClientsShown {
				items = append(items, "_…and "+strconv.Itoa(len(clients)-i)+" more_")
				break
			}
			items = append(items, "• *"+esc(clipPlain(cl.Client, 100))+"* — billbot "+cl.Billbot.Display(cl.Currency)+
				", QuickBooks "+cl.Ledger.Display(cl.Currency)+" ("+strconv.Itoa(cl.Differs)+" differ, "+
				strconv.Itoa(cl.OnlyBillbot)+" only in billbot, "+strconv.Itoa(cl.OnlyLedger)+" only in QuickBooks)")
		}
		blocks = append(blocks, packSections("shadow_clients", items)...)
	}
	if len(cycles) > 1 {
		items := []string{"*Earlier shadow cycles*"}
		for i, p := range cycles[1:] {
			if i == shadowPastShown {
				items = append(items, "_…and "+strconv.Itoa(len(cycles)-1-i)+" more_")
				break
			}
			items = append(items, "• "+formatDate(p.PeriodEnd)+" — "+shadow.Percent(p.ByAmount())+" by amount, "+shadow.Percent(p.ByInvoice())+" by invoice")
		}
		blocks = append(blocks, packSections("shadow_past", items)...)
	}
	blocks = append(blocks, contextBlock("shadow_context",
		"Nothing was written to QuickBooks or posted for approval. `billbot shadow --period-end "+c.PeriodEnd.String()+"` lists every line."))
	text = "Shadow mode, cycle ending " + formatDate(c.PeriodEnd) + ": " + shadow.Percent(c.ByAmount()) + " agreement by amount, " +
		shadow.Percent(c.ByInvoice()) + " by invoice."
	return clipMrkdwn(text, MaxTextLen), blocks
}
