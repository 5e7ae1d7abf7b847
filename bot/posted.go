package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// Tagged messages carry message metadata
// (docs.slack.dev/messaging/message-metadata) so that billbot can find a
// message it posted again — after a crash between posting it and recording
// its ts — instead of posting a second one. The metadata is
//
//	{"event_type": eventType, "event_payload": {"<noun>_key": key}}
//
// where noun is eventType without its "billbot_" prefix: event type
// "billbot_invoice" carries "invoice_key".

// KeyField returns the event_payload field that holds a tagged message's
// key for eventType.
func KeyField(eventType string) string {
	return strings.TrimPrefix(eventType, "billbot_") + "_key"
}

func tagOption(eventType, key string) slack.MsgOption {
	return slack.MsgOptionMetadata(slack.SlackMetadata{
		EventType:    eventType,
		EventPayload: map[string]any{KeyField(eventType): key},
	})
}

// PostTagged posts a message to channel labelled with metadata (eventType,
// key) and returns its ts; FindPosted finds it again.
// docs.slack.dev/reference/methods/chat.postMessage (argument metadata)
func (m *Messenger) PostTagged(ctx context.Context, channel, text string, blocks []slack.Block, eventType, key string) (string, error) {
	return m.post(ctx, channel, append(msgOptions(text, blocks), tagOption(eventType, key)))
}

// OpenDM returns the direct-message channel with userID, opening it when
// needed. docs.slack.dev/reference/methods/conversations.open
func (m *Messenger) OpenDM(ctx context.Context, userID string) (string, error) {
	return m.dmChannel(ctx, userID)
}

// FindPosted looks through channel's messages newer than since for one
// tagged (eventType, key) and returns its ts. It reads at most
// HistoryPages pages of HistoryPageSize messages, newest first, asking for
// metadata, which Slack returns only with include_all_metadata
// (docs.slack.dev/reference/methods/conversations.history; scopes
// channels:history, groups:history, im:history). A message older than
// that window is reported as not found.
func (m *Messenger) FindPosted(ctx context.Context, channel, eventType, key string, since time.Time) (string, bool, error) {
	field := KeyField(eventType)
	params := &slack.GetConversationHistoryParameters{
		ChannelID:          channel,
		Limit:              m.cfg.HistoryPageSize,
		IncludeAllMetadata: true,
	}
	if !since.IsZero() {
		params.Oldest = fmt.Sprintf("%d.%06d", since.Unix(), since.Nanosecond()/1000)
		params.Inclusive = true
	}
	for page := 0; page < m.cfg.HistoryPages; page++ {
		var resp *slack.GetConversationHistoryResponse
		err := m.retry(ctx, "conversations.history", func() (err error) {
			resp, err = m.api.GetConversationHistoryContext(ctx, params)
			return err
		})
		if err != nil {
			return "", false, fmt.Errorf("bot: read history of %s: %w", channel, err)
		}
		for _, msg := range resp.Messages {
			if msg.Metadata.EventType != eventType {
				continue
			}
			if v, ok := msg.Metadata.EventPayload[field].(string); ok && v == key {
				return msg.Timestamp, true, nil
			}
		}
		if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
			return "", false, nil
		}
		params.Cursor = resp.ResponseMetaData.NextCursor
	}
	m.cfg.Logger.Warn("message search stopped at its page bound", "channel", channel, "event_type", eventType, "pages", m.cfg.HistoryPages)
	return "", false, nil
}
