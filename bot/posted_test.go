package bot

import (
	"context"
	"testing"
	"time"

	"billbot/internal/slacksandbox"
)

func TestFindPostedFindsTaggedMessageAcrossPages(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	sb := slacksandbox.New(slacksandbox.Options{Now: clock.Now})
	t.Cleanup(sb.Close)
	m := NewMessenger(slacksandbox.SlackClient(sb, slacksandbox.DefaultToken), MessengerConfig{Now: clock.Now, Sleep: clock.Sleep, HistoryPageSize: 2})
	ctx := context.Background()
	since := clock.Now()

	want, err := m.PostTagged(ctx, "C0BILLING", "acme", nil, "billbot_invoice", "acme/2026-10-31")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"b", "c", "d", "e"} { // push it to the third page
		if _, err := m.PostTagged(ctx, "C0BILLING", k, nil, "billbot_invoice", k); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.Post(ctx, "C0BILLING", "untagged", nil); err != nil {
		t.Fatal(err)
	}
	got, found, err := m.FindPosted(ctx, "C0BILLING", "billbot_invoice", "acme/2026-10-31", since)
	if err != nil || !found || got != want {
		t.Fatalf("FindPosted = %q, %v, %v; want %q, true, nil", got, found, err, want)
	}
	if msgs := sb.Messages("C0BILLING"); len(msgs) != 6 || string(msgs[0].Metadata) != `{"event_type":"billbot_invoice","event_payload":{"invoice_key":"acme/2026-10-31"}}` {
		t.Errorf("first message metadata %s", msgs[0].Metadata)
	}

	for name, tc := range map[string]struct {
		eventType, key string
		since          time.Time
		pages          int
	}{
		"other key":                 {"billbot_invoice", "zzz", since, 10},
		"other event type":          {"billbot_digest", "acme/2026-10-31", since, 10},
		"posted before since":       {"billbot_invoice", "acme/2026-10-31", clock.Now().Add(time.Hour), 10},
		"beyond the pages it reads": {"billbot_invoice", "acme/2026-10-31", since, 2},
	} {
		mm := NewMessenger(slacksandbox.SlackClient(sb, slacksandbox.DefaultToken), MessengerConfig{Now: clock.Now, Sleep: clock.Sleep, HistoryPageSize: 2, HistoryPages: tc.pages})
		if ts, found, err := mm.FindPosted(ctx, "C0BILLING", tc.eventType, tc.key, tc.since); err != nil || found {
			t.Errorf("%s: FindPosted = %q, %v, %v; want not found", name, ts, found, err)
		}
	}
}

func TestFindPostedInDM(t *testing.T) {
	t.Parallel()
	m, sb, clock := newMessengerEnv(t)
	ctx := context.Background()
	ch, err := m.OpenDM(ctx, "U0PARTNER")
	if err != nil {
		t.Fatal(err)
	}
	if ch != slacksandbox.DMChannel("U0PARTNER") {
		t.Fatalf("DM channel %q", ch)
	}
	ts, err := m.PostTagged(ctx, ch, "draft", nil, "billbot_invoice", "k1")
	if err != nil {
		t.Fatal(err)
	}
	got, found, err := m.FindPosted(ctx, ch, "billbot_invoice", "k1", clock.Now().Add(-time.Minute))
	if err != nil || !found || got != ts {
		t.Fatalf("FindPosted = %q, %v, %v; want %q", got, found, err, ts)
	}
	if n := len(sb.Messages(ch)); n != 1 {
		t.Errorf("%d messages in the DM", n)
	}
}

func TestFindPostedSitsOutRateLimit(t *testing.T) {
	t.Parallel()
	m, sb, clock := newMessengerEnv(t)
	ctx := context.Background()
	if _, err := m.PostTagged(ctx, "C1", "x", nil, "billbot_invoice", "k"); err != nil {
		t.Fatal(err)
	}
	sb.SetRateLimit("conversations.history", 1, time.Minute)
	for range 2 {
		if _, found, err := m.FindPosted(ctx, "C1", "billbot_invoice", "k", time.Time{}); err != nil || !found {
			t.Fatalf("FindPosted: found %v, err %v", found, err)
		}
	}
	if len(clock.Sleeps()) == 0 {
		t.Error("the second search did not wait out the 429")
	}
}
