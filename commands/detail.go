package commands

import (
	"context"
	"strconv"
	"strings"

	"billbot/internal/chat"
	"billbot/internal/slackui"
	"billbot/internal/workflow"
)

// invoice answers `/billing invoice NUMBER`: the lines with their entries,
// write-downs, dispute, and a signed link to every entry on the web.
func (h *Handler) invoice(ctx context.Context, user, arg string) (chat.Reply, error) {
	if arg == "" || len(strings.Fields(arg)) != 1 {
		return render(slackui.UsageError(Billing, "Name one invoice, like `/billing invoice 1042`.")), nil
	}
	d, err := h.wf.ReadableDetail(ctx, user, arg)
	if err != nil {
		return chat.Reply{}, err
	}
	firm, err := h.wf.LoadFirm(ctx)
	if err != nil {
		return chat.Reply{}, err
	}
	inv, err := h.wf.Invoice(ctx, d.InvoiceID)
	if err != nil {
		return chat.Reply{}, err
	}
	link, _ := h.wf.DetailLink(inv.Key)
	return render(slackui.InvoiceDetailReply(d, link, firm.Location())), nil
}

// history answers `/billing history NUMBER`: the invoice's audit trail.
func (h *Handler) history(ctx context.Context, user, arg string) (chat.Reply, error) {
	if arg == "" || len(strings.Fields(arg)) != 1 {
		return render(slackui.UsageError(Billing, "Name one invoice, like `/billing history 1042`.")), nil
	}
	d, err := h.wf.ReadableDetail(ctx, user, arg) // the same check as the detail
	if err != nil {
		return chat.Reply{}, err
	}
	firm, err := h.wf.LoadFirm(ctx)
	if err != nil {
		return chat.Reply{}, err
	}
	lines, err := h.wf.AuditTrail(ctx, workflow.AuditQuery{Invoice: "#" + itoa(d.InvoiceID)})
	if err != nil {
		return chat.Reply{}, err
	}
	rows := make([]slackui.AuditRow, len(lines))
	for i, l := range lines {
		rows[i] = slackui.AuditRow{At: l.At, Actor: l.Actor, Action: l.Action, Change: l.Change, Note: l.Note}
	}
	return render(slackui.AuditReply(d.Number, rows, firm.Location())), nil
}

// withDisputed appends the disputed invoices user may read (of one client,
// or all) to a reply, each with a Resolve button.
func (h *Handler) withDisputed(ctx context.Context, r chat.Reply, user, client string) (chat.Reply, error) {
	ds, err := h.wf.Disputed(ctx, user, client)
	if err != nil || len(ds) == 0 {
		return r, err
	}
	firm, err := h.wf.LoadFirm(ctx)
	if err != nil {
		return r, err
	}
	room := slackui.MaxMessageBlocks - len(r.Blocks) - 2
	if room < 1 {
		return r, nil
	}
	r.Blocks = append(r.Blocks, slackui.DisputedBlocks("reply", DisputedView(ds), firm.Location(), room)...)
	r.Text += " · " + itoa(int64(len(ds))) + " disputed"
	return r, nil
}

// DisputedView maps disputed invoices to their Slack view.
func DisputedView(ds []workflow.DisputedInvoice) []slackui.DisputedInvoice {
	out := make([]slackui.DisputedInvoice, len(ds))
	for i, d := range ds {
		out[i] = slackui.DisputedInvoice{
			InvoiceID: d.Invoice.ID, Number: d.Number, Client: d.Invoice.Client, Currency: d.Invoice.Currency,
			Balance: d.Invoice.Balance, Reason: d.Dispute.Reason, OpenedBy: d.Dispute.OpenedBy, OpenedAt: d.Dispute.OpenedAt,
		}
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// statusClient is the client `/billing status` named, "" for all; ok is
// false when the name matched none (the reply suggests names instead).
func statusClient(ctx context.Context, h *Handler, arg string) (string, bool) {
	if arg == "" {
		return "", true
	}
	name, _, _ := h.wf.ResolveClient(ctx, arg)
	return name, name != ""
}
