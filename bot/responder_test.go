package bot

import (
	"context"
	"errors"
	"testing"
	"time"

	"billbot/internal/chat"
	"billbot/internal/slacksandbox"
)

func TestResponderKeepsToSlackLimits(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	sb := slacksandbox.New(slacksandbox.Options{Now: clock.Now})
	t.Cleanup(sb.Close)
	api := slacksandbox.SlackClient(sb, slacksandbox.DefaultToken)
	r := NewResponder(api, nil, nil, ResponderClock(clock.Now))
	ctx := context.Background()

	ru := sb.NewResponseURL()
	to := ResponseTarget{URL: ru, ChannelID: "C0BILLING", UserID: "U0PARTNER1", IssuedAt: clock.Now()}
	for i := range 6 {
		if err := r.Respond(ctx, to, chat.Reply{Text: "reply"}); err != nil {
			t.Fatalf("reply %d: %v", i+1, err)
		}
	}
	if n := len(sb.ResponsePosts(ru)); n != 5 {
		t.Errorf("response_url posts = %d, want 5 (Slack's limit)", n)
	}
	if eph := sb.Messages("C0BILLING"); len(eph) != 1 || !eph[0].Ephemeral || eph[0].User != "U0PARTNER1" {
		t.Errorf("6th reply should fall back on an ephemeral message; channel has %+v", eph)
	}

	// A URL older than 30 minutes is not tried at all.
	old := sb.NewResponseURL()
	clock.Advance(31 * time.Minute)
	if err := r.Respond(ctx, ResponseTarget{URL: old, ChannelID: "C0OTHER", UserID: "U0PARTNER1", IssuedAt: clock.Now().Add(-31 * time.Minute)}, chat.Reply{Text: "late"}); err != nil {
		t.Fatal(err)
	}
	if n := len(sb.ResponsePosts(old)); n != 0 {
		t.Errorf("expired response_url was posted to %d times", n)
	}
	if n := len(sb.Messages("C0OTHER")); n != 1 {
		t.Errorf("late reply not sent as ephemeral: %d messages", n)
	}

	// Slack refusing the URL (used elsewhere, e.g. by another instance)
	// also falls back.
	spent := sb.NewResponseURL()
	for range 5 {
		_ = NewResponder(nil, nil, nil, ResponderClock(clock.Now)).Respond(ctx, ResponseTarget{URL: spent}, chat.Reply{Text: "x"})
	}
	if err := r.Respond(ctx, ResponseTarget{URL: spent, ChannelID: "C0THIRD", UserID: "U0PARTNER1"}, chat.Reply{Text: "y"}); err != nil {
		t.Fatal(err)
	}
	if n := len(sb.Messages("C0THIRD")); n != 1 {
		t.Errorf("refused response_url did not fall back: %d messages", n)
	}

	// Without a client or a channel there is nowhere to go.
	noAPI := NewResponder(nil, nil, nil, ResponderClock(clock.Now))
	if err := noAPI.Respond(ctx, ResponseTarget{}, chat.Reply{Text: "z"}); !errors.Is(err, ErrResponseURLSpent) {
		t.Errorf("Respond without URL = %v, want ErrResponseURLSpent", err)
	}
}
