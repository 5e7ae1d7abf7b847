package slacksandbox

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
)

func TestHistoryPagesNewestFirstWithMetadataOnRequest(t *testing.T) {
	t.Parallel()
	_, api, clk := setup(t, Options{})
	ctx := context.Background()
	var posted []string
	for i, key := range []string{"a", "b", "c", "d", "e"} {
		opts := []slack.MsgOption{slack.MsgOptionText("invoice "+key, false)}
		if i != 2 {
			opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "billbot_invoice", EventPayload: map[string]any{"invoice_key": key}}))
		}
		_, ts, err := api.PostMessageContext(ctx, "C1", opts...)
		if err != nil {
			t.Fatal(err)
		}
		posted = append(posted, ts)
		clk.Advance(time.Second)
	}
	if _, err := api.PostEphemeralContext(ctx, "C1", "U1", slack.MsgOptionText("only for U1", false)); err != nil {
		t.Fatal(err)
	}

	// Without include_all_metadata: no metadata.
	resp, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Messages) != 5 || resp.HasMore {
		t.Fatalf("got %d messages, has_more %v; want 5, false (ephemeral left out)", len(resp.Messages), resp.HasMore)
	}
	for _, m := range resp.Messages {
		if m.Metadata.EventType != "" {
			t.Errorf("message %s carries metadata without include_all_metadata", m.Timestamp)
		}
	}

	// Paged, newest first, with metadata.
	var got []string
	var keys []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		resp, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: "C1", Limit: 2, Cursor: cursor, IncludeAllMetadata: true, Oldest: posted[0],
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range resp.Messages {
			got = append(got, m.Timestamp)
			k, _ := m.Metadata.EventPayload["invoice_key"].(string)
			keys = append(keys, k)
		}
		if !resp.HasMore {
			break
		}
		cursor = resp.ResponseMetaData.NextCursor
	}
	// oldest is exclusive: the first message is left out.
	want := []string{posted[4], posted[3], posted[2], posted[1]}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ts order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"e", "d", "", "b"}, keys); diff != "" {
		t.Errorf("metadata keys (-want +got):\n%s", diff)
	}
}

func TestHistoryErrors(t *testing.T) {
	t.Parallel()
	_, api, _ := setup(t, Options{})
	ctx := context.Background()
	for name, tc := range map[string]struct {
		params slack.GetConversationHistoryParameters
		want   string
	}{
		"no channel":    {slack.GetConversationHistoryParameters{}, "channel_not_found"},
		"bad cursor":    {slack.GetConversationHistoryParameters{ChannelID: "C1", Cursor: "!!"}, "invalid_cursor"},
		"bad oldest":    {slack.GetConversationHistoryParameters{ChannelID: "C1", Oldest: "yesterday"}, "invalid_ts_oldest"},
		"bad latest":    {slack.GetConversationHistoryParameters{ChannelID: "C1", Latest: "x.1"}, "invalid_ts_latest"},
		"empty is fine": {slack.GetConversationHistoryParameters{ChannelID: "C9"}, ""},
	} {
		_, err := api.GetConversationHistoryContext(ctx, &tc.params)
		if got := slackError(err); got != tc.want {
			t.Errorf("%s: error %q, want %q", name, got, tc.want)
		}
	}
}

func TestPostMessageMetadataIsChecked(t *testing.T) {
	t.Parallel()
	s, api, _ := setup(t, Options{})
	ctx := context.Background()
	for name, tc := range map[string]struct {
		raw  string
		want string
	}{
		"not json":    {`{"event_type":`, "invalid_metadata_format"},
		"no type":     {`{"event_payload":{"k":"v"}}`, "invalid_metadata_schema"},
		"no payload":  {`{"event_type":"x"}`, "invalid_metadata_schema"},
		"well formed": {`{"event_type":"x","event_payload":{"k":"v"}}`, ""},
	} {
		setMeta := slack.UnsafeMsgOptionEndpoint(s.APIURL()+"chat.postMessage", func(v url.Values) { v.Set("metadata", tc.raw) })
		_, _, err := api.PostMessageContext(ctx, "C2", slack.MsgOptionText(name, false), setMeta)
		if got := slackError(err); got != tc.want {
			t.Errorf("%s: error %q, want %q", name, got, tc.want)
		}
	}
	msgs := s.Messages("C2")
	if len(msgs) != 1 || string(msgs[0].Metadata) != `{"event_type":"x","event_payload":{"k":"v"}}` {
		t.Errorf("recorded %+v", msgs)
	}
}
