package slacksandbox_test

import (
	"testing"

	"github.com/slack-go/slack"

	"billbot/internal/slacksandbox"
)

// TestChannelMembership: the bot posts only to channels it was invited to
// (chat.postMessage answers not_in_channel otherwise), and conversations.info
// says so in is_member.
func TestChannelMembership(t *testing.T) {
	s := slacksandbox.New(slacksandbox.Options{})
	t.Cleanup(s.Close)
	api := slacksandbox.SlackClient(s, slacksandbox.DefaultToken)
	ctx := t.Context()

	s.RemoveBotFrom("C0BILLING")
	ch, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C0BILLING"})
	if err != nil || ch.IsMember {
		t.Fatalf("conversations.info = %+v, %v; want is_member false", ch, err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C0BILLING", slack.MsgOptionText("hi", false)); err == nil || err.Error() != "not_in_channel" {
		t.Fatalf("post to a channel without the bot: err = %v, want not_in_channel", err)
	}
	if n := len(s.Messages("C0BILLING")); n != 0 {
		t.Errorf("%d messages posted to a channel without the bot", n)
	}

	s.InviteBot("C0BILLING")
	ch, err = api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C0BILLING"})
	if err != nil || !ch.IsMember || ch.ID != "C0BILLING" {
		t.Fatalf("conversations.info after /invite = %+v, %v; want is_member true", ch, err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C0BILLING", slack.MsgOptionText("hi", false)); err != nil {
		t.Fatalf("post after /invite: %v", err)
	}
	// A DM needs no invitation.
	s.RemoveBotFrom(slacksandbox.DMChannel("U1"))
	if _, _, err := api.PostMessageContext(ctx, slacksandbox.DMChannel("U1"), slack.MsgOptionText("hi", false)); err != nil {
		t.Errorf("post to a DM: %v", err)
	}
}
