package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"billbot/internal/slackui"
	"billbot/internal/view"
	"billbot/store"
)

// PostDraft posts an invoice's draft message (d, dates in loc) for
// approval, once, and returns where it is: channel and ts. target is the
// billing channel, or a user whose DM gets the draft when dm is set. posted
// is false when the message was found where an earlier attempt posted it.
//
// With a PostFinder the channel is known before posting: an invoice whose
// channel is recorded (inv.SlackChannel) but not its ts may have been
// posted by an attempt that died before recording the ts (or whose answer
// was lost), so the re-run first looks for that message. A first attempt
// calls remember with the channel before it posts, for the caller to record.
// Only re-runs read the history, which keeps conversations.history (Tier 3,
// docs.slack.dev/apis/web-api/rate-limits) off the normal path. beforePost
// is called just before the search and the post (a crash-test fail point).
func (n *Notifier) PostDraft(ctx context.Context, inv store.Invoice, d view.Draft, loc *time.Location, target string, dm bool,
	remember func(channel string) error, beforePost func()) (channel, ts string, posted bool, err error) {
	text, blocks := slackui.DraftMessage(d, loc)
	pf, ok := n.m.(PostFinder)
	if !ok {
		return n.postDraftUntagged(ctx, inv, target, dm, text, blocks, beforePost)
	}
	channel = inv.SlackChannel
	again := channel != ""
	if !again {
		channel = target
		if dm {
			if channel, err = pf.OpenDM(ctx, target); err != nil {
				return "", "", false, fmt.Errorf("post invoice %s to Slack: %w", inv.Key, err)
			}
		}
		if err := remember(channel); err != nil {
			return "", "", false, err
		}
	}
	beforePost()
	if again {
		ts, found, err := pf.FindPosted(ctx, channel, draftEventType, inv.Key, inv.CreatedAt.Add(-postSearchSlack))
		switch {
		case err != nil && slackErrorCode(err) == "missing_scope":
			// Without a *:history scope the search cannot be done; posting
			// again risks a duplicate, not posting would lose the draft.
			n.logger.Warn("cannot search Slack for an earlier post of a draft: add the channels:history, groups:history and im:history scopes",
				"invoice_id", inv.ID, "error", err)
		case err != nil:
			return "", "", false, fmt.Errorf("look for an earlier Slack post of invoice %s: %w", inv.Key, err)
		case found:
			return channel, ts, false, nil
		}
	}
	ts, err = pf.PostTagged(ctx, channel, text, blocks, draftEventType, inv.Key)
	if err != nil {
		return "", "", false, fmt.Errorf("post invoice %s to Slack: %w", inv.Key, err)
	}
	return channel, ts, true, nil
}

// postDraftUntagged posts through a Messenger that cannot search for an
// earlier post: a crash between posting and recording posts again.
func (n *Notifier) postDraftUntagged(ctx context.Context, inv store.Invoice, target string, dm bool, text string, blocks []slack.Block, beforePost func()) (channel, ts string, posted bool, err error) {
	beforePost()
	if dm {
		channel, ts, err = n.m.DM(ctx, target, text, blocks)
	} else {
		channel = target
		ts, err = n.m.Post(ctx, channel, text, blocks)
	}
	if err != nil {
		return "", "", false, fmt.Errorf("post invoice %s to Slack: %w", inv.Key, err)
	}
	return channel, ts, true, nil
}

// UpdateDraft re-renders the draft message at (channel, ts) in place.
func (n *Notifier) UpdateDraft(ctx context.Context, channel, ts string, d view.Draft, loc *time.Location) error {
	text, blocks := slackui.DraftMessage(d, loc)
	return n.m.Update(ctx, channel, ts, text, blocks)
}
