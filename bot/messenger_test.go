package bot

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"billbot/internal/slacksandbox"
)

func newMessengerEnv(t *testing.T) (*Messenger, *slacksandbox.Server, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	sb := slacksandbox.New(slacksandbox.Options{Now: clock.Now})
	t.Cleanup(sb.Close)
	m := NewMessenger(slacksandbox.SlackClient(sb, slacksandbox.DefaultToken), MessengerConfig{Now: clock.Now, Sleep: clock.Sleep})
	return m, sb, clock
}

func TestMessengerSpacesPostsPerChannel(t *testing.T) {
	t.Parallel()
	m, sb, clock := newMessengerEnv(t)
	ctx := context.Background()
	for i := range 3 {
		if _, err := m.Post(ctx, "C0BILLING", "draft", nil); err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
	}
	if _, err := m.Post(ctx, "C0OTHER", "other channel", nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{time.Second, time.Second}, clock.Sleeps()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	msgs := sb.Messages("C0BILLING")
	for i := 1; i < len(msgs); i++ {
		if gap := msgs[i].PostedAt.Sub(msgs[i-1].PostedAt); gap < time.Second {
			t.Errorf("messages %d and %d are %s apart, want ≥ 1s", i-1, i, gap)
		}
	}
}

func TestMessengerRetriesAfterRateLimit(t *testing.T) {
	t.Parallel()
	m, sb, clock := newMessengerEnv(t)
	ctx := context.Background()
	sb.SetRateLimit("chat.update", 1, time.Minute)
	ts, err := m.Post(ctx, "C0BILLING", "draft v1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Update(ctx, "C0BILLING", ts, "draft v2", nil); err != nil {
		t.Fatal(err)
	}
	// The second update is over the limit: 429 with Retry-After: 60, then
	// it goes through once the window has passed.
	if err := m.Update(ctx, "C0BILLING", ts, "approved", nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{time.Minute}, clock.Sleeps()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	if msg, _ := sb.Message("C0BILLING", ts); msg.Text != "approved" || msg.Versions != 3 {
		t.Errorf("message = %+v", msg)
	}
	var statuses []int
	for _, c := range sb.Calls() {
		if c.Method == "chat.update" {
			statuses = append(statuses, c.Status)
		}
	}
	if diff := cmp.Diff([]int{200, 429, 200}, statuses); diff != "" {
		t.Errorf("chat.update statuses (-want +got):\n%s", diff)
	}
}

func TestMessengerRetriesAreBounded(t *testing.T) {
	t.Parallel()
	m, sb, clock := newMessengerEnv(t)
	sb.SetRateLimit("views.publish", 1, time.Hour)
	ctx := context.Background()
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab}
	if err := m.PublishHome(ctx, "U0PARTNER1", home); err != nil {
		t.Fatal(err)
	}
	// Retry-After 3600 s is past MaxWait: returned, not waited out.
	err := m.PublishHome(ctx, "U0PARTNER1", home)
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Hour {
		t.Fatalf("PublishHome = %v, want a rate limit error of 1h", err)
	}
	if len(clock.Sleeps()) != 0 {
		t.Errorf("waited %v", clock.Sleeps())
	}

	// A Slack that keeps answering 429: MaxRetries retries, then the error.
	var calls atomic.Int32
	always := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "2")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	t.Cleanup(always.Close)
	limited := NewMessenger(slack.New("xoxb-x", slack.OptionAPIURL(always.URL+"/api/")), MessengerConfig{Now: clock.Now, Sleep: clock.Sleep, MaxRetries: 3})
	if _, err := limited.Post(ctx, "C0BILLING", "x", nil); !errors.As(err, &rl) {
		t.Fatalf("Post = %v, want a rate limit error", err)
	}
	if n := calls.Load(); n != 4 {
		t.Errorf("%d calls, want 1 + 3 retries", n)
	}
	if diff := cmp.Diff([]time.Duration{2 * time.Second, 2 * time.Second, 2 * time.Second}, clock.Sleeps()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

func TestMessengerDMAndViews(t *testing.T) {
	t.Parallel()
	m, sb, _ := newMessengerEnv(t)
	ctx := context.Background()
	for range 2 {
		ch, ts, err := m.DM(ctx, "U0MANAGER1", "INV-1001 is 35 days overdue", nil)
		if err != nil {
			t.Fatal(err)
		}
		if ch != slacksandbox.DMChannel("U0MANAGER1") || ts == "" {
			t.Errorf("DM = %s %s", ch, ts)
		}
	}
	opens := 0
	for _, c := range sb.Calls() {
		if c.Method == "conversations.open" {
			opens++
		}
	}
	if opens != 1 {
		t.Errorf("conversations.open called %d times, want 1 (DM channel remembered)", opens)
	}

	trigger := sb.NewTriggerID()
	view := slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: "edit_invoice_modal",
		Title:  slack.NewTextBlockObject(slack.PlainTextType, "Edit invoice", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}},
	}
	id, err := m.OpenView(ctx, trigger, view)
	if err != nil || id == "" {
		t.Fatalf("OpenView = %q, %v", id, err)
	}
	if _, err := m.OpenView(ctx, trigger, view); err == nil || err.Error() != "bot: open view edit_invoice_modal: exchanged_trigger_id" {
		t.Errorf("second OpenView with the same trigger = %v, want exchanged_trigger_id", err)
	}
	view.Title = slack.NewTextBlockObject(slack.PlainTextType, "Saved", false, false)
	if err := m.UpdateView(ctx, id, view); err != nil {
		t.Fatal(err)
	}
	if err := m.PostEphemeral(ctx, "C0BILLING", "U0PARTNER1", "only you", nil); err != nil {
		t.Fatal(err)
	}
	if err := m.PublishHome(ctx, "U0PARTNER1", slack.HomeTabViewRequest{Type: slack.VTHomeTab}); err != nil {
		t.Fatal(err)
	}
	if _, ok := sb.Home("U0PARTNER1"); !ok {
		t.Error("home tab not published")
	}
}
