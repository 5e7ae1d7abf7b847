package workflow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"billbot/internal/billing"
	"billbot/internal/slackui"
	"billbot/store"
)

// draftView maps a stored invoice to its Slack message's view.
func (w *Workflow) draftView(firm *Firm, inv store.Invoice) slackui.Draft {
	d := slackui.Draft{
		InvoiceID:    inv.ID,
		Key:          inv.Key,
		Client:       inv.Client,
		Engagements:  inv.Engagements,
		Period:       inv.Period,
		DocNumber:    inv.DocNumber,
		Currency:     inv.Currency,
		Total:        inv.Total,
		Subtotal:     inv.Subtotal,
		Discount:     inv.Discount,
		Credit:       inv.Credit,
		Hours:        inv.Hours,
		InvoiceDate:  inv.InvoiceDate,
		DueDate:      inv.DueDate,
		Notes:        inv.Notes,
		State:        string(inv.State),
		ActedBy:      inv.ActedBy,
		ActedAt:      inv.ActedAt,
		HoldReason:   inv.HoldReason,
		Supplemental: inv.Supplemental,
		Replenish:    inv.Replenish,
	}
	// The Edit modal offers the invoice's discount when its engagements
	// share one; otherwise the field starts empty and keeps each.
	if p, ok := billing.CommonDiscount(inv.Billing(), discounts(firm, inv)); ok {
		d.DiscountPercent = p
	}
	if inv.State == store.StateFlagged {
		d.FlagReason = billing.TotalMismatchNote(inv.Currency, inv.QBOTotal, inv.Total)
	}
	if inv.State == store.StateSent || inv.State == store.StatePaid {
		if c, ok := firm.Client(inv.Client); ok {
			d.SentTo = c.Email
		}
	}
	if inv.State == store.StatePending || inv.State == store.StateFlagged {
		d.Version = Version(inv)
	}
	if w.qbo != nil && inv.QBOID != "" {
		d.QBOURL = w.qbo.InvoiceURL(inv.QBOID)
	}
	for _, l := range inv.Lines {
		d.Lines = append(d.Lines, slackui.Line{
			Kind: l.Kind, Description: l.Description, Qty: l.Qty,
			UnitPrice: l.UnitPrice, Amount: l.Amount, Late: l.Late,
		})
	}
	return d
}

// draftChannel is where a draft is posted: the billing channel, else the
// first partner's DM.
func draftChannel(firm *Firm, inv store.Invoice) (channel string, dm bool) {
	if firm.File.BillingChannel != "" {
		return firm.File.BillingChannel, false
	}
	if len(inv.Partners) > 0 {
		return inv.Partners[0], true
	}
	return firm.File.BillingManager, true
}

// draftEventType is the Slack message-metadata event type of draft
// messages; their payload carries the invoice key (see PostFinder).
const draftEventType = "billbot_invoice"

// postSearchSlack widens the search for an earlier post of a draft to
// before the invoice was stored, against clock skew between billbot and
// Slack.
const postSearchSlack = time.Hour

// PostFinder is what postDraft uses, when the Messenger offers it, to post
// each draft exactly once: the message carries Slack message metadata
// naming the invoice (docs.slack.dev/messaging/message-metadata), and after
// a crash between posting and recording the ts, the re-run finds that
// message in the channel's history (conversations.history with
// include_all_metadata) instead of posting again. Messengers without it
// keep working: they post without the search.
type PostFinder interface {
	// PostTagged posts to channel with metadata {event_type: eventType,
	// event_payload: {"invoice_key": key}} and returns the ts.
	PostTagged(ctx context.Context, channel, text string, blocks []slack.Block, eventType, key string) (ts string, err error)
	// OpenDM returns the direct-message channel with user.
	OpenDM(ctx context.Context, user string) (channel string, err error)
	// FindPosted returns the ts of a message in channel newer than since
	// tagged (eventType, key), if there is one among the recent messages.
	FindPosted(ctx context.Context, channel, eventType, key string, since time.Time) (ts string, found bool, err error)
}

// postDraft posts a pending (or flagged) invoice for approval and records
// where, so that a re-run updates that message instead of posting again.
//
// With a PostFinder the channel is recorded before posting: an invoice with
// a channel but no ts may have been posted by an attempt that died before
// recording the ts (or whose answer was lost), so the re-run first looks
// for that message. Only such re-runs read the history, which keeps
// conversations.history (Tier 3, docs.slack.dev/apis/web-api/rate-limits)
// off the normal path.
func (w *Workflow) postDraft(ctx context.Context, firm *Firm, inv store.Invoice) error {
	text, blocks := slackui.DraftMessage(w.draftView(firm, inv), firm.Location())
	target, dm := draftChannel(firm, inv)
	if target == "" {
		return fmt.Errorf("invoice %s: no billing channel, partner or billing manager to post to", inv.Key)
	}
	pf, ok := w.slack.(PostFinder)
	if !ok {
		return w.postDraftUntagged(ctx, inv, target, dm, text, blocks)
	}
	channel := inv.SlackChannel
	again := channel != ""
	if !again {
		channel = target
		if dm {
			var err error
			if channel, err = pf.OpenDM(ctx, target); err != nil {
				return fmt.Errorf("post invoice %s to Slack: %w", inv.Key, err)
			}
		}
		if _, err := w.store.UpdateInvoice(ctx, inv.ID, "billbot", "slack_posting", func(i *store.Invoice) error {
			i.SlackChannel = channel
			return nil
		}); err != nil {
			return fmt.Errorf("record Slack channel of invoice %s: %w", inv.Key, err)
		}
	}
	w.failPoint("slack:before_post")
	if again {
		ts, found, err := pf.FindPosted(ctx, channel, draftEventType, inv.Key, inv.CreatedAt.Add(-postSearchSlack))
		switch {
		case err != nil && slackErrorCode(err) == "missing_scope":
			// Without a *:history scope the search cannot be done; posting
			// again risks a duplicate, not posting would lose the draft.
			w.logger.Warn("cannot search Slack for an earlier post of a draft: add the channels:history, groups:history and im:history scopes",
				"invoice_id", inv.ID, "error", err)
		case err != nil:
			return fmt.Errorf("look for an earlier Slack post of invoice %s: %w", inv.Key, err)
		case found:
			return w.recordPost(ctx, inv, channel, ts)
		}
	}
	ts, err := pf.PostTagged(ctx, channel, text, blocks, draftEventType, inv.Key)
	if err != nil {
		return fmt.Errorf("post invoice %s to Slack: %w", inv.Key, err)
	}
	w.failPoint("slack:after_post")
	return w.recordPost(ctx, inv, channel, ts)
}

// postDraftUntagged posts through a Messenger that cannot search for an
// earlier post: a crash between posting and recording posts again.
func (w *Workflow) postDraftUntagged(ctx context.Context, inv store.Invoice, target string, dm bool, text string, blocks []slack.Block) error {
	var channel, ts string
	var err error
	w.failPoint("slack:before_post")
	if dm {
		channel, ts, err = w.slack.DM(ctx, target, text, blocks)
	} else {
		channel = target
		ts, err = w.slack.Post(ctx, channel, text, blocks)
	}
	if err != nil {
		return fmt.Errorf("post invoice %s to Slack: %w", inv.Key, err)
	}
	w.failPoint("slack:after_post")
	return w.recordPost(ctx, inv, channel, ts)
}

// recordPost stores where the invoice's message is.
func (w *Workflow) recordPost(ctx context.Context, inv store.Invoice, channel, ts string) error {
	_, err := w.store.UpdateInvoice(ctx, inv.ID, "billbot", "slack_posted", func(i *store.Invoice) error {
		i.SlackChannel, i.SlackTS = channel, ts
		return nil
	})
	if err != nil {
		return fmt.Errorf("record Slack message of invoice %s: %w", inv.Key, err)
	}
	return nil
}

// slackErrorCode returns Slack's error code in err ("" when none).
func slackErrorCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

// refreshMessage re-renders an invoice's Slack message in place after a
// change of state.
func (w *Workflow) refreshMessage(ctx context.Context, firm *Firm, inv store.Invoice) error {
	return w.refreshMessageWith(ctx, firm, inv, nil)
}

// refreshMessageWith re-renders the message listing changes made in
// QuickBooks (old → new) above the buttons.
func (w *Workflow) refreshMessageWith(ctx context.Context, firm *Firm, inv store.Invoice, changes []string) error {
	if w.slack == nil || inv.SlackTS == "" {
		return nil
	}
	d := w.draftView(firm, inv)
	d.Changes = changes
	text, blocks := slackui.DraftMessage(d, firm.Location())
	if err := w.slack.Update(ctx, inv.SlackChannel, inv.SlackTS, text, blocks); err != nil {
		return fmt.Errorf("update Slack message of invoice %s: %w", inv.Key, err)
	}
	return nil
}
