package slackui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"billbot/internal/billing"
	"billbot/internal/chat"
)

// InputAction is the action id of every input in billbot's modals. The
// block id says which value an input holds, so a handler reads a
// submission as Values[blockID][InputAction].
const InputAction = "value"

// Fields of an editable invoice line, as the field part of EditBlockID.
const (
	FieldHours       = "hours"
	FieldRate        = "rate"
	FieldDescription = "description"
)

// Block ids of the edit modal's invoice-wide inputs and the hold modal's
// reason.
const (
	BlockMemo           = "memo"
	BlockDueDate        = "due_date"          // date picker: "YYYY-MM-DD"
	BlockDiscount       = "discount_percent"  // decimal percent, e.g. "10" or "12.5"
	BlockWriteDown      = "write_down_reason" // one of the WriteDown constants
	BlockWriteDownNote  = "write_down_note"
	BlockHoldReason     = "hold_reason"
	editLineBlockPrefix = "line_"
)

// Write-down reasons offered by the edit modal, as the selected option's
// value.
const (
	WriteDownScope              = "scope"
	WriteDownEfficiency         = "efficiency"
	WriteDownClientRelationship = "client_relationship"
	WriteDownRateError          = "rate_error"
	WriteDownOther              = "other"
)

// EditableLines is the most invoice lines the edit modal offers: three
// inputs per line keep the modal under Slack's 100-block limit. Further
// lines are edited in QuickBooks.
const EditableLines = 20

// EditBlockID returns the block id of one input of invoice line i (its
// index in Draft.Lines): EditBlockID(3, FieldHours) is "line_3_hours".
func EditBlockID(line int, field string) string {
	return editLineBlockPrefix + strconv.Itoa(line) + "_" + field
}

// ParseEditBlockID is the inverse of EditBlockID; ok is false for any
// other block id.
func ParseEditBlockID(blockID string) (line int, field string, ok bool) {
	rest, found := strings.CutPrefix(blockID, editLineBlockPrefix)
	if !found {
		return 0, "", false
	}
	num, field, found := strings.Cut(rest, "_")
	if !found {
		return 0, "", false
	}
	line, err := strconv.Atoi(num)
	if err != nil || line < 0 {
		return 0, "", false
	}
	switch field {
	case FieldHours, FieldRate, FieldDescription:
		return line, field, true
	}
	return 0, "", false
}

// editable reports whether the edit modal offers a line: discounts and
// retainer credits are derived from other inputs, never typed.
func editable(l Line) bool {
	return l.Kind != billing.LineDiscount && l.Kind != billing.LineRetainerCredit
}

// EditModal renders the modal that edits a draft before approval: each
// line's hours, rate and description, the memo, the due date, a discount
// and an optional write-down reason. private_metadata is the invoice id.
func EditModal(d Draft) slack.ModalViewRequest {
	var blocks []slack.Block
	blocks = append(blocks, section("edit_summary",
		"*"+esc(d.Client)+"* · "+formatPeriod(d.Period)+" · "+docNumber(d.DocNumber)+" · "+d.Total.Display(d.Currency)))
	shown, skipped := 0, 0
	for i, l := range d.Lines {
		if !editable(l) {
			continue
		}
		if shown == EditableLines {
			skipped++
			continue
		}
		shown++
		blocks = append(blocks, lineInputs(i, shown, l, d)...)
	}
	if skipped > 0 {
		note := "Further " + plural(skipped, "line is", "lines are") + " edited in " + ledgerName(d.Ledger)
		if d.QBOURL != "" && len(d.QBOURL) <= maxURLLen {
			note += ": <" + d.QBOURL + "|open the invoice>"
		}
		blocks = append(blocks, contextBlock("edit_more_lines", note+"."))
	}
	blocks = append(blocks, slack.NewDividerBlock())
	memo := slack.NewPlainTextInputBlockElement(plain("Shown on the invoice", 150), InputAction).
		WithMultiline(true).WithMaxLength(1000).WithInitialValue(clipPlain(d.Memo, 1000))
	blocks = append(blocks, slack.NewInputBlock(BlockMemo, plain("Memo", maxLabelLen), nil, memo).WithOptional(true))
	due := slack.NewDatePickerBlockElement(InputAction)
	due.InitialDate = d.DueDate.String()
	blocks = append(blocks, slack.NewInputBlock(BlockDueDate, plain("Due date", maxLabelLen), nil, due))
	disc := slack.NewPlainTextInputBlockElement(plain("e.g. 10 or 12.5", 150), InputAction).WithMaxLength(12)
	if d.DiscountPercent != 0 {
		disc = disc.WithInitialValue(d.DiscountPercent.String())
	}
	blocks = append(blocks, slack.NewInputBlock(BlockDiscount, plain("Discount (%)", maxLabelLen), nil, disc).WithOptional(true))
	blocks = append(blocks, slack.NewInputBlock(BlockWriteDown, plain("Write-down reason", maxLabelLen),
		plain("Say why when you lower hours or rates.", maxLabelLen), writeDownSelect()).WithOptional(true))
	note := slack.NewPlainTextInputBlockElement(nil, InputAction).WithMultiline(true).WithMaxLength(1000)
	blocks = append(blocks, slack.NewInputBlock(BlockWriteDownNote, plain("Write-down note", maxLabelLen), nil, note).WithOptional(true))
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plain("Edit invoice", maxViewTitleLen),
		Submit:          plain("Save", maxViewTitleLen),
		Close:           plain("Cancel", maxViewTitleLen),
		CallbackID:      chat.CallbackEdit,
		PrivateMetadata: strconv.FormatInt(d.InvoiceID, 10),
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

// lineInputs returns the description, quantity and rate inputs of line i,
// prefilled with its current values (exact decimals, never floats).
func lineInputs(i, n int, l Line, d Draft) []slack.Block {
	label := fmt.Sprintf("Line %d", n)
	qtyLabel := label + " · hours"
	if l.Kind != "" && l.Kind != billing.LineHourly {
		qtyLabel = label + " · quantity"
	}
	desc := slack.NewPlainTextInputBlockElement(nil, InputAction).
		WithMaxLength(maxInputLen).WithInitialValue(clipPlain(l.Description, maxInputLen))
	hours := slack.NewPlainTextInputBlockElement(nil, InputAction).
		WithMaxLength(12).WithInitialValue(l.Qty.String())
	rate := slack.NewPlainTextInputBlockElement(nil, InputAction).
		WithMaxLength(20).WithInitialValue(l.UnitPrice.Format(d.Currency))
	return []slack.Block{
		slack.NewInputBlock(EditBlockID(i, FieldDescription), plain(label+" · description", maxLabelLen), nil, desc).WithOptional(true),
		slack.NewInputBlock(EditBlockID(i, FieldHours), plain(qtyLabel, maxLabelLen), nil, hours),
		slack.NewInputBlock(EditBlockID(i, FieldRate), plain(label+" · rate ("+string(d.Currency)+")", maxLabelLen), nil, rate),
	}
}

func writeDownSelect() *slack.SelectBlockElement {
	opts := []struct{ value, label string }{
		{WriteDownScope, "Scope: more work than quoted"},
		{WriteDownEfficiency, "Efficiency: took longer than it should"},
		{WriteDownClientRelationship, "Client relationship"},
		{WriteDownRateError, "Rate error"},
		{WriteDownOther, "Other (say why in the note)"},
	}
	objs := make([]*slack.OptionBlockObject, len(opts))
	for i, o := range opts {
		objs[i] = slack.NewOptionBlockObject(o.value, plain(o.label, maxOptionLen), nil)
	}
	return slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose a reason", 150), InputAction, objs...)
}

// HoldModal renders the modal that asks why a draft is held; the reason is
// required and shows on the draft's message. private_metadata is the invoice
// id.
func HoldModal(invoiceID int64, client string) slack.ModalViewRequest {
	return HoldModalIn(invoiceID, client, "")
}

// HoldModalIn is HoldModal for a firm whose ledger is ledger ("" is
// QuickBooks).
func HoldModalIn(invoiceID int64, client, ledger string) slack.ModalViewRequest {
	reason := slack.NewPlainTextInputBlockElement(plain("What must happen before it can go out?", 150), InputAction).
		WithMultiline(true).WithMinLength(1).WithMaxLength(1000)
	blocks := []slack.Block{
		section("hold_summary", "Hold the draft invoice for *"+esc(client)+"*. It stays a draft in "+ledgerName(ledger)+" until someone releases it."),
		slack.NewInputBlock(BlockHoldReason, plain("Reason", maxLabelLen), nil, reason),
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plain("Hold invoice", maxViewTitleLen),
		Submit:          plain("Hold", maxViewTitleLen),
		Close:           plain("Cancel", maxViewTitleLen),
		CallbackID:      chat.CallbackHold,
		PrivateMetadata: strconv.FormatInt(invoiceID, 10),
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}
