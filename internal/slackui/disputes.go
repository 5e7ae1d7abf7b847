package slackui

import (
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"billbot/internal/chat"
)

// Block ids of the dispute and resolve modals.
const (
	BlockDisputeReason = "dispute_reason"
	BlockOutcome       = "dispute_outcome" // static select: upheld, credited, withdrawn
	BlockOutcomeNote   = "dispute_outcome_note"
)

// DisputeModal asks what the client disputes; private_metadata is the
// invoice id.
func DisputeModal(invoiceID int64, client, number string) slack.ModalViewRequest {
	reason := slack.NewPlainTextInputBlockElement(plain("What does the client dispute?", 150), InputAction).
		WithMultiline(true).WithMinLength(1).WithMaxLength(1000)
	blocks := []slack.Block{
		section("dispute_summary", "Mark invoice "+esc(number)+" for *"+esc(client)+"* disputed. No reminder or escalation goes out until someone resolves the dispute."),
		slack.NewInputBlock(BlockDisputeReason, plain("Reason", maxLabelLen), nil, reason),
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain("Mark disputed", maxViewTitleLen),
		Submit: plain("Mark disputed", maxViewTitleLen), Close: plain("Cancel", maxViewTitleLen),
		CallbackID: chat.CallbackDispute, PrivateMetadata: strconv.FormatInt(invoiceID, 10),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// ResolveModal asks how a dispute ended; private_metadata is the invoice id.
func ResolveModal(invoiceID int64, client, number, reason string) slack.ModalViewRequest {
	opts := []struct{ value, label string }{
		{"upheld", "Upheld: the invoice stands"},
		{"credited", "Credited: the client gets a credit"},
		{"withdrawn", "Withdrawn: the client dropped it"},
	}
	objs := make([]*slack.OptionBlockObject, len(opts))
	for i, o := range opts {
		objs[i] = slack.NewOptionBlockObject(o.value, plain(o.label, maxOptionLen), nil)
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose the outcome", 150), InputAction, objs...)
	note := slack.NewPlainTextInputBlockElement(plain("e.g. credit memo 1077 for 2 hours", 150), InputAction).WithMaxLength(1000)
	blocks := []slack.Block{
		section("resolve_summary", "Resolve the dispute of invoice "+esc(number)+" for *"+esc(client)+"*: "+clipMrkdwn(esc(oneLine(reason)), 1000)+"\nReminders and escalations resume."),
		slack.NewInputBlock(BlockOutcome, plain("Outcome", maxLabelLen), nil, sel),
		slack.NewInputBlock(BlockOutcomeNote, plain("Note", maxLabelLen), nil, note).WithOptional(true),
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain("Resolve dispute", maxViewTitleLen),
		Submit: plain("Resolve", maxViewTitleLen), Close: plain("Cancel", maxViewTitleLen),
		CallbackID: chat.CallbackResolve, PrivateMetadata: strconv.FormatInt(invoiceID, 10),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// DisputedBlocks lists disputed invoices, each with a Resolve button, at
// most max of them (a context line says how many more).
func DisputedBlocks(prefix string, ds []DisputedInvoice, loc *time.Location, max int) []slack.Block {
	if len(ds) == 0 {
		return nil
	}
	blocks := []slack.Block{section(prefix+"_disputed_title", "*Disputed* — collections paused ("+plural(len(ds), "invoice", "invoices")+")")}
	for i, d := range ds {
		if i == max {
			blocks = append(blocks, contextBlock(prefix+"_disputed_more", strconv.Itoa(len(ds)-max)+" more: `billbot audit` or `/billing history NUMBER`"))
			break
		}
		text := "*" + esc(d.Client) + "* · invoice " + esc(d.Number) + " · " + d.Balance.Display(d.Currency) + " due\n" +
			"Disputed " + formatTime(d.OpenedAt, loc) + " by " + mention(d.OpenedBy) + ": " + clipMrkdwn(esc(oneLine(d.Reason)), 500)
		s := section(prefix+"_disputed_"+strconv.FormatInt(d.InvoiceID, 10), text)
		s.Accessory = slack.NewAccessory(button(chat.ActionResolveDispute, strconv.FormatInt(d.InvoiceID, 10), "Resolve"))
		blocks = append(blocks, s)
	}
	return blocks
}
