package slackui

import (
	"strconv"

	"github.com/slack-go/slack"

	"billbot/internal/billing"
	"billbot/internal/chat"
	"billbot/internal/money"
)

// EscalationDM renders the collections escalation: the invoice, how long it
// has been outstanding, what the client owes in all, and buttons to snooze
// the reminder for billing.SnoozeDays or mark the invoice disputed.
func EscalationDM(e Escalation) (text string, blocks []slack.Block) {
	id := strconv.FormatInt(e.InvoiceID, 10)
	invoice := "An invoice"
	if e.DocNumber != "" {
		invoice = "Invoice #" + esc(e.DocNumber)
	}
	text = invoice + " to " + esc(e.Client) + " is unpaid after " +
		plural(e.DaysOutstanding, "day", "days") + ": " + e.AmountDue.Display(e.Currency) + " due"
	intro := text + ". Please follow up with the client."
	if m := mention(e.ManagerID); m != "" {
		intro = m + ": " + intro
	}
	blocks = []slack.Block{
		header("escalation_header", "Payment overdue: "+e.Client),
		section("escalation_intro", intro),
		fieldsSection("escalation_fields",
			"*Invoice*\n"+docNumber(e.DocNumber),
			"*Amount due*\n"+e.AmountDue.Display(e.Currency),
			"*Days outstanding*\n"+strconv.Itoa(e.DaysOutstanding),
			"*Due date*\n"+formatDate(e.DueDate),
			"*Client owes in all*\n"+e.ClientOutstanding.Display(e.Currency)+" across "+
				plural(e.ClientOpenInvoices, "invoice", "invoices"),
		),
	}
	blocks = append(blocks, actions("escalation_actions",
		button(chat.ActionSnooze, id, "Snooze "+strconv.Itoa(billing.SnoozeDays)+" days"),
		disputeButton(id),
		linkButton(chat.ActionOpenInQBO, "Open in "+ledgerName(e.Ledger), e.QBOURL),
	))
	return clipMrkdwn(text, MaxTextLen), blocks
}

// Caps that keep the digest within one message: at most digestPeople
// sections of at most digestEngagements lines each.
const (
	digestPeople      = 30
	digestEngagements = 8
)

// ApprovalDigestDM renders the weekly digest of unapproved time, grouped by
// person and engagement with hours, so that approvers can chase it before
// the cycle closes.
func ApprovalDigestDM(d ApprovalDigest) (text string, blocks []slack.Block) {
	var total money.Hours
	for _, p := range d.People {
		for _, e := range p.Engagements {
			total += e.Hours
		}
	}
	since := "more than " + plural(d.Days, "day", "days")
	if len(d.People) == 0 {
		text = "No time has been unapproved for " + since + "."
		return text, []slack.Block{section("digest_none", text)}
	}
	text = plural(len(d.People), "person has", "people have") + " " + total.String() +
		" hours unapproved for " + since
	blocks = append(blocks, header("digest_header", "Time awaiting approval"))
	ctx := "Entries unapproved for " + since
	if !d.AsOf.IsZero() {
		ctx += " · as of " + formatDate(d.AsOf)
	}
	blocks = append(blocks, contextBlock("digest_context", ctx))
	for i, p := range d.People {
		if i == digestPeople {
			blocks = append(blocks, contextBlock("digest_more",
				"…and "+plural(len(d.People)-i, "more person", "more people")))
			break
		}
		blocks = append(blocks, section("digest_"+strconv.Itoa(i), personText(p)))
	}
	return clipMrkdwn(text, MaxTextLen), blocks
}

func personText(p PersonApprovals) string {
	var hours money.Hours
	for _, e := range p.Engagements {
		hours += e.Hours
	}
	s := "*" + esc(clipPlain(p.Name, 100)) + "*"
	if m := mention(p.SlackID); m != "" {
		s += " (" + m + ")"
	}
	s += " · " + hours.String() + " h"
	for i, e := range p.Engagements {
		if i == digestEngagements {
			s += "\n   _…and " + plural(len(p.Engagements)-i, "more engagement", "more engagements") + "_"
			break
		}
		s += "\n   • " + esc(clipPlain(e.Client, 80)) + " · " + esc(clipPlain(e.Engagement, 80)) + ": " +
			e.Hours.String() + " h in " + plural(e.Entries, "entry", "entries") + " since " + formatDate(e.Oldest)
	}
	return s
}

// disputeButton is Mark disputed on invoice id, confirmed first.
func disputeButton(id string) *slack.ButtonBlockElement {
	confirm := slack.NewConfirmationBlockObject(
		plain("Mark disputed?", maxConfirmTitle),
		plain("Reminders for this invoice stop until the dispute is resolved.", maxConfirmText),
		plain("Mark disputed", maxConfirmButton),
		plain("Cancel", maxConfirmButton),
	)
	return button(chat.ActionDispute, id, "Mark disputed").WithStyle(slack.StyleDanger).WithConfirm(confirm)
}
