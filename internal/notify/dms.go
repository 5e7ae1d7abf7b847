package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"billbot/internal/shadow"
	"billbot/internal/slackui"
	"billbot/internal/view"
	"billbot/store"
)

// DraftsReady DMs the billing manager (user) what a draft run produced.
func (n *Notifier) DraftsReady(ctx context.Context, user string, r view.DraftsReady) error {
	text, blocks := slackui.DraftsReadyDM(r)
	return n.dm(ctx, user, text, blocks)
}

// RetainerAlert DMs user that a retainer's prepaid block is 80 % used or
// used up.
func (n *Notifier) RetainerAlert(ctx context.Context, user string, a view.RetainerAlert) error {
	text, blocks := slackui.RetainerAlertDM(a)
	return n.dm(ctx, user, text, blocks)
}

// ApprovalDigest DMs an approver the time entries left unapproved too long.
func (n *Notifier) ApprovalDigest(ctx context.Context, user string, d view.ApprovalDigest) error {
	text, blocks := slackui.ApprovalDigestDM(d)
	return n.dm(ctx, user, text, blocks)
}

// KPIs DMs user the firm's billing figures under title (the monthly DM to
// the billing manager).
func (n *Notifier) KPIs(ctx context.Context, user, title string, sections []view.KPISection) error {
	text, blocks := slackui.KPIReply(title, sections)
	return n.dm(ctx, user, text, blocks)
}

// NotInChannel DMs the billing manager (user) that drafts wait because
// billbot is not a member of the billing channel, with the fix.
func (n *Notifier) NotInChannel(ctx context.Context, user, channel string, drafts int) error {
	text := fmt.Sprintf(":warning: I am not in the billing channel <#%s>, so %d draft invoice(s) wait to be posted. Type `%s` in <#%s>; I post them at the next run (or `/billing run`).", channel, drafts, slackui.InviteFix, channel)
	return n.dm(ctx, user, text, nil)
}

// ShadowReport posts the shadow cycle's comparison to channel, else DMs it
// to user; sent is false when there is neither.
func (n *Notifier) ShadowReport(ctx context.Context, channel, user string, cycles []shadow.Summary, clients []view.ShadowClient) (sent bool, err error) {
	text, blocks := slackui.ShadowReport(cycles, clients)
	return n.postOrDM(ctx, channel, user, text, blocks)
}

// Announce posts text (Slack mrkdwn) to channel, else DMs it to user;
// sent is false when there is neither.
func (n *Notifier) Announce(ctx context.Context, channel, user, text string) (sent bool, err error) {
	return n.postOrDM(ctx, channel, user, text, nil)
}

// Escalate DMs esc.ManagerID about an invoice long unpaid, once per
// collection step: with a PostFinder the DM is tagged with the invoice, step
// and manager (docs.slack.dev/messaging/message-metadata), and a retry
// first looks for the tagged DM in the manager's DM channel.
func (n *Notifier) Escalate(ctx context.Context, inv store.Invoice, step string, esc view.Escalation, retry bool) error {
	text, blocks := slackui.EscalationDM(esc)
	manager := esc.ManagerID
	pf, ok := n.m.(PostFinder)
	if !ok {
		_, _, err := n.m.DM(ctx, manager, text, blocks)
		return err
	}
	channel, err := pf.OpenDM(ctx, manager)
	if err != nil {
		return err
	}
	key := fmt.Sprintf("%s|%s|%s", inv.Key, step, manager)
	if retry {
		// Escalations come after the invoice was sent: the search starts there.
		_, found, err := pf.FindPosted(ctx, channel, escalationEventType, key, inv.SentAt.Add(-postSearchSlack))
		switch {
		case err != nil && slackErrorCode(err) == "missing_scope":
			n.logger.Warn("cannot search Slack for an earlier escalation DM: add the im:history scope", "invoice_id", inv.ID, "error", err)
		case err != nil:
			return fmt.Errorf("look for an earlier escalation DM: %w", err)
		case found:
			return nil
		}
	}
	_, err = pf.PostTagged(ctx, channel, text, blocks, escalationEventType, key)
	return err
}

// Nudge DMs user that inv has waited days for approval (or, held, on hold)
// since since, once per step: tagged when the messenger can find tagged
// posts, so that a retry does not post it twice.
func (n *Notifier) Nudge(ctx context.Context, inv store.Invoice, step, user string, waited int, since time.Time, retry bool) error {
	text := fmt.Sprintf("The %s invoice (%s) has waited %d days for approval.", inv.Client, inv.Total.Display(inv.Currency), waited)
	if inv.State == store.StateHeld {
		text = fmt.Sprintf("The %s invoice (%s) has been on hold for %d days: %s", inv.Client, inv.Total.Display(inv.Currency), waited, inv.HoldReason)
	}
	blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)}
	pf, ok := n.m.(PostFinder)
	if !ok {
		_, _, err := n.m.DM(ctx, user, text, blocks)
		return err
	}
	channel, err := pf.OpenDM(ctx, user)
	if err != nil {
		return err
	}
	key := fmt.Sprintf("%s|%s|%s", inv.Key, step, user)
	if retry {
		if _, found, err := pf.FindPosted(ctx, channel, nudgeEventType, key, since.Add(-postSearchSlack)); err == nil && found {
			return nil
		}
	}
	_, err = pf.PostTagged(ctx, channel, text, blocks, nudgeEventType, key)
	return err
}
