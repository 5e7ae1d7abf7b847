package slackui

import (
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"billbot/internal/billing"
	"billbot/internal/chat"
	"billbot/internal/money"
)

// States of a draft invoice, as Draft.State.
const (
	StatePending  = "pending"
	StateApproved = "approved"
	StateSent     = "sent"
	StateHeld     = "held"
	StateFlagged  = "flagged"
	StateVoided   = "voided"
	StatePaid     = "paid"
)

// draftLinesShown is how many invoice lines a draft message lists; the rest
// are summed in one "and N more lines" line so that a 500-line invoice
// still fits one message.
const draftLinesShown = 10

// draftNotesShown is how many notes a draft message lists.
const draftNotesShown = 10

// lineDescLen caps one line's description in a message so that ten lines
// fit one section.
const lineDescLen = 150

// DraftMessage renders a draft invoice as a Slack message: what is billed,
// the outcome of any action taken, and — while the draft awaits a decision —
// the Approve, Edit and Hold buttons. loc is the firm's time zone.
func DraftMessage(d Draft, loc *time.Location) (text string, blocks []slack.Block) {
	id := strconv.FormatInt(d.InvoiceID, 10)
	title := d.Client + " · " + formatPeriod(d.Period)
	if d.Supplemental {
		title = "Supplemental: " + title
	}
	blocks = append(blocks, header("draft_header", title))
	blocks = append(blocks, fieldsSection("draft_fields",
		"*Invoice*\n"+docNumber(d.DocNumber),
		"*Total*\n"+d.Total.Display(d.Currency),
		"*Due*\n"+formatDate(d.DueDate),
		"*Hours*\n"+d.Hours.String(),
		"*Invoice date*\n"+formatDate(d.InvoiceDate),
		"*Engagements*\n"+esc(joinOrDash(d.Engagements)),
	))
	var flags []string
	if d.Supplemental {
		flags = append(flags, "Supplemental invoice: bills time approved after its cycle closed")
	}
	if d.Replenish {
		flags = append(flags, "Bills the next prepaid retainer block")
	}
	if len(flags) > 0 {
		blocks = append(blocks, contextBlock("draft_flags", flags...))
	}
	blocks = append(blocks, slack.NewDividerBlock())
	blocks = append(blocks, draftLines(d)...)
	if d.Discount != 0 || d.Credit != 0 {
		blocks = append(blocks, fieldsSection("draft_totals",
			"*Subtotal*\n"+d.Subtotal.Display(d.Currency),
			"*Discount*\n"+d.Discount.Display(d.Currency),
			"*Retainer credit*\n"+d.Credit.Display(d.Currency),
			"*Total*\n"+d.Total.Display(d.Currency),
		))
	}
	blocks = append(blocks, draftNotes(d.Notes)...)
	blocks = append(blocks, draftChanges(d.Changes, d.Ledger)...)
	outcome := draftOutcome(d, loc)
	if outcome != "" {
		blocks = append(blocks, contextBlock("draft_outcome", outcome))
	}
	if a := draftActions(d, id); a != nil {
		blocks = append(blocks, a)
	}
	text = "Draft invoice for " + esc(d.Client) + " (" + formatPeriod(d.Period) + "): " +
		d.Total.Display(d.Currency) + ", due " + formatDate(d.DueDate)
	if outcome != "" {
		text += ". " + outcome
	}
	return clipMrkdwn(text, MaxTextLen), blocks
}

func docNumber(n string) string {
	if n == "" {
		return "not numbered yet"
	}
	return "#" + esc(n)
}

func joinOrDash(ss []string) string {
	if len(ss) == 0 {
		return "—"
	}
	out := ss[0]
	for _, s := range ss[1:] {
		out += ", " + s
	}
	return out
}

// lineText renders one invoice line: "• Tax prep — 12.50 h × USD 195.00 =
// USD 2,437.50". Lines that are not hourly show only their amount.
func lineText(l Line, cur money.Currency) string {
	desc := esc(clipPlain(oneLine(l.Description), lineDescLen))
	if desc == "" {
		desc = "(no description)"
	}
	s := "• " + desc + " — "
	if l.Kind == "" || l.Kind == billing.LineHourly {
		s += l.Qty.String() + " h × " + l.UnitPrice.Display(cur) + " = "
	}
	s += "*" + l.Amount.Display(cur) + "*"
	if l.Late {
		s += " _(approved late)_"
	}
	return s
}

func draftLines(d Draft) []slack.Block {
	if len(d.Lines) == 0 {
		return []slack.Block{section("draft_lines_0", "_No lines._")}
	}
	shown := d.Lines
	if len(shown) > draftLinesShown {
		shown = shown[:draftLinesShown]
	}
	items := make([]string, 0, len(shown)+1)
	items = append(items, "*Lines*")
	for _, l := range shown {
		items = append(items, lineText(l, d.Currency))
	}
	blocks := packSections("draft_lines", items)
	if rest := d.Lines[len(shown):]; len(rest) > 0 {
		var sum money.Amount
		for _, l := range rest {
			sum += l.Amount
		}
		more := "…and " + plural(len(rest), "more line", "more lines") + " (" + sum.Display(d.Currency) + ")"
		if d.QBOURL != "" {
			more += ": open the invoice in " + ledgerName(d.Ledger) + " for all of them"
		}
		blocks = append(blocks, contextBlock("draft_more_lines", more))
	}
	return blocks
}

func draftNotes(notes []string) []slack.Block {
	if len(notes) == 0 {
		return nil
	}
	shown := notes
	if len(shown) > draftNotesShown {
		shown = shown[:draftNotesShown]
	}
	items := []string{"*Notes*"}
	for _, n := range shown {
		items = append(items, "• "+esc(clipPlain(oneLine(n), 280)))
	}
	if rest := len(notes) - len(shown); rest > 0 {
		items = append(items, "_…and "+plural(rest, "more note", "more notes")+"_")
	}
	return packSections("draft_notes", items)
}

// draftOutcome is the line that says what happened to the draft and who did
// it; empty while the draft simply awaits approval.
func draftOutcome(d Draft, loc *time.Location) string {
	byAt := func(verb string) string {
		s := verb
		if d.ActedBy != "" {
			s += " by " + mention(d.ActedBy)
		}
		if !d.ActedAt.IsZero() {
			s += " at " + formatTime(d.ActedAt, loc)
		}
		return s
	}
	switch d.State {
	case StateApproved:
		return "✅ " + byAt("Approved")
	case StateSent:
		s := "✅ " + byAt("Approved") + " — sent"
		if d.SentTo != "" {
			s += " to " + esc(d.SentTo)
		}
		return s
	case StateHeld:
		s := "⏸️ " + byAt("Held")
		if d.HoldReason != "" {
			s += ": " + esc(clipPlain(oneLine(d.HoldReason), 500))
		}
		return s
	case StateFlagged:
		reason := d.FlagReason
		if reason == "" {
			reason = "needs a look before approval"
		}
		return "⚠️ Flagged: " + esc(clipPlain(oneLine(reason), 500))
	case StateVoided:
		return "🚫 " + byAt("Voided")
	case StatePaid:
		s := "💰 Paid in full"
		if !d.ActedAt.IsZero() {
			s += " on " + formatTime(d.ActedAt, loc)
		}
		return s
	}
	return ""
}

// draftActions returns the buttons for the draft's state: Approve, Edit and
// Hold while it awaits a decision, Release while held, and the QuickBooks
// link whenever there is one, and Entries (the time behind each line)
// always.
func draftActions(d Draft, id string) slack.Block {
	qbo := linkButton(chat.ActionOpenInQBO, "Open in "+ledgerName(d.Ledger), d.QBOURL)
	entries := button(chat.ActionShowEntries, id, "Entries")
	switch d.State {
	case StatePending, StateFlagged, "":
		return actions("draft_actions",
			approveButton(d, id),
			button(chat.ActionEdit, id, "Edit"),
			button(chat.ActionHold, id, "Hold").WithStyle(slack.StyleDanger),
			qbo, entries)
	case StateHeld:
		return actions("draft_actions", button(chat.ActionRelease, id, "Release"), qbo, entries)
	}
	return actions("draft_actions", qbo, entries)
}

// approveButton asks for confirmation naming the client and total: approval
// sends the invoice to the client, which cannot be taken back.
func approveButton(d Draft, id string) *slack.ButtonBlockElement {
	confirm := slack.NewConfirmationBlockObject(
		plain("Approve and send?", maxConfirmTitle),
		plain("Send "+clipPlain(d.Client, 120)+" an invoice for "+d.Total.Display(d.Currency)+"?", maxConfirmText),
		plain("Approve", maxConfirmButton),
		plain("Cancel", maxConfirmButton),
	)
	if d.Version != "" {
		id += ":" + d.Version
	}
	return button(chat.ActionApprove, id, "Approve").WithStyle(slack.StylePrimary).WithConfirm(confirm)
}
