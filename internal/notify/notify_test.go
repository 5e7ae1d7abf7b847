package notify_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"billbot/bot"
	"billbot/internal/clock"
	"billbot/internal/notify"
	"billbot/internal/slacksandbox"
	"billbot/internal/view"
	"billbot/store"
)

func newSandbox(t *testing.T) (*slacksandbox.Server, *bot.Messenger, *clock.Fake) {
	t.Helper()
	c := clock.NewFake(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	sb := slacksandbox.New(slacksandbox.Options{Now: c.Now})
	t.Cleanup(sb.Close)
	m := bot.NewMessenger(slacksandbox.SlackClient(sb, slacksandbox.DefaultToken), bot.MessengerConfig{Now: c.Now, Sleep: c.Sleep})
	return sb, m, c
}

func pendingInvoice(c *clock.Fake) store.Invoice {
	return store.Invoice{ID: 7, Key: "acme/2026-10-31", Client: "Acme Corp", Currency: "USD", Total: 125000, State: store.StatePending, CreatedAt: c.Now()}
}

func draftOf(inv store.Invoice) view.Draft {
	return view.Draft{InvoiceID: inv.ID, Key: inv.Key, Client: inv.Client, Currency: inv.Currency, Total: inv.Total, State: string(inv.State)}
}

// A re-run of a draft whose channel was recorded but not its ts finds the
// message the first attempt posted instead of posting a second one.
func TestPostDraftFindsTheEarlierPost(t *testing.T) {
	sb, m, c := newSandbox(t)
	n := notify.New(m, nil)
	ctx := context.Background()
	inv := pendingInvoice(c)
	var remembered []string
	remember := func(ch string) error { remembered = append(remembered, ch); return nil }
	before := 0
	ch, ts, posted, err := n.PostDraft(ctx, inv, draftOf(inv), time.UTC, "C0BILLING", false, remember, func() { before++ })
	if err != nil || !posted || ch != "C0BILLING" || ts == "" {
		t.Fatalf("first post = %q, %q, %v, %v", ch, ts, posted, err)
	}
	if len(remembered) != 1 || remembered[0] != "C0BILLING" || before != 1 {
		t.Fatalf("remembered %q, beforePost called %d times; want the channel once, once", remembered, before)
	}
	inv.SlackChannel = ch // recorded, but the ts was lost
	ch2, ts2, posted, err := n.PostDraft(ctx, inv, draftOf(inv), time.UTC, "C0BILLING", false, remember, func() { before++ })
	if err != nil || posted || ch2 != ch || ts2 != ts {
		t.Fatalf("re-run = %q, %q, posted %v, %v; want the first post %q, %q", ch2, ts2, posted, err, ch, ts)
	}
	if len(remembered) != 1 {
		t.Errorf("re-run remembered the channel again: %q", remembered)
	}
	if msgs := sb.Messages("C0BILLING"); len(msgs) != 1 {
		t.Errorf("%d messages in the billing channel, want 1", len(msgs))
	}
}

// plain offers only notify.Messenger's methods.
type plain struct{ m *bot.Messenger }

func (p plain) Post(ctx context.Context, channel, text string, blocks []slack.Block) (string, error) {
	return p.m.Post(ctx, channel, text, blocks)
}

func (p plain) Update(ctx context.Context, channel, ts, text string, blocks []slack.Block) error {
	return p.m.Update(ctx, channel, ts, text, blocks)
}

func (p plain) DM(ctx context.Context, user, text string, blocks []slack.Block) (string, string, error) {
	return p.m.DM(ctx, user, text, blocks)
}

// A messenger that cannot find its posts again posts a partner's draft to
// the DM directly, without recording the channel first.
func TestPostDraftWithAPlainMessenger(t *testing.T) {
	sb, m, c := newSandbox(t)
	n := notify.New(plain{m}, nil)
	inv := pendingInvoice(c)
	ch, ts, posted, err := n.PostDraft(context.Background(), inv, draftOf(inv), time.UTC, "U0PARTNER", true,
		func(string) error { t.Fatal("remember called without a PostFinder"); return nil }, func() {})
	if err != nil || !posted || ch != slacksandbox.DMChannel("U0PARTNER") || ts == "" {
		t.Fatalf("post = %q, %q, %v, %v", ch, ts, posted, err)
	}
	if msgs := sb.Messages(ch); len(msgs) != 1 || len(msgs[0].Metadata) != 0 {
		t.Errorf("DM messages %+v, want one untagged", msgs)
	}
	if _, err := n.UserIDByEmail(context.Background(), "pat@firm.example"); !errors.Is(err, notify.ErrNoDirectory) {
		t.Errorf("UserIDByEmail through a plain messenger: %v, want ErrNoDirectory", err)
	}
}

// A post to a channel billbot was not invited to is told apart, so that the
// drafts wait and the billing manager hears how to fix it.
func TestIsNotInChannel(t *testing.T) {
	sb, m, c := newSandbox(t)
	sb.RemoveBotFrom("C0BILLING")
	n := notify.New(m, nil)
	inv := pendingInvoice(c)
	_, _, _, err := n.PostDraft(context.Background(), inv, draftOf(inv), time.UTC, "C0BILLING", false, func(string) error { return nil }, func() {})
	if err == nil || !n.IsNotInChannel(err) {
		t.Fatalf("err = %v, want not_in_channel", err)
	}
	if n.IsNotInChannel(errors.New("boom")) {
		t.Error("IsNotInChannel(boom) = true")
	}
}

// A retried nudge step finds the DM its first attempt posted.
func TestNudgeRetryDoesNotPostTwice(t *testing.T) {
	sb, m, c := newSandbox(t)
	n := notify.New(m, nil)
	inv := pendingInvoice(c)
	for _, retry := range []bool{false, true} {
		if err := n.Nudge(context.Background(), inv, "nudge:approval:3", "U0PARTNER", 4, c.Now(), retry); err != nil {
			t.Fatal(err)
		}
	}
	msgs := sb.Messages(slacksandbox.DMChannel("U0PARTNER"))
	if len(msgs) != 1 || msgs[0].Text != "The Acme Corp invoice (USD 1,250.00) has waited 4 days for approval." {
		t.Errorf("nudge DMs %+v, want one", msgs)
	}
}
