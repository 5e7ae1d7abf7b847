package bot

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"billbot/internal/chat"
	"billbot/internal/slacksandbox"
)

type socketEnv struct {
	s      *Socket
	slack  *slacksandbox.Server
	cmds   *fakeCommands
	ints   *fakeInteractions
	events *fakeEvents
}

func newSocketEnv(t *testing.T) *socketEnv {
	t.Helper()
	clock := newFakeClock()
	sb := slacksandbox.New(slacksandbox.Options{Now: clock.Now})
	t.Cleanup(sb.Close)
	api := slacksandbox.SlackClient(sb, slacksandbox.DefaultToken, slack.OptionAppLevelToken("xapp-sandbox"))
	e := &socketEnv{slack: sb, cmds: &fakeCommands{}, ints: &fakeInteractions{}, events: &fakeEvents{}}
	s, err := NewSocket(SocketConfig{
		API: api, Identity: testIdentity, Commands: e.cmds, Interactions: e.ints, Events: e.events,
		Responder: NewResponder(api, nil, nil, ResponderClock(clock.Now)), Now: clock.Now, AckBudget: time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.s = s
	t.Cleanup(s.d.wait)
	return e
}

// acks records what each envelope was acknowledged with.
type acks struct {
	mu       sync.Mutex
	payloads []any
}

func (a *acks) fn(payload any) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.payloads = append(a.payloads, payload)
	return nil
}

func TestSocketCommandAcksAtOnceThenResponds(t *testing.T) {
	t.Parallel()
	e := newSocketEnv(t)
	release := make(chan struct{})
	e.cmds.fn = func(context.Context, chat.Command) (chat.Reply, error) {
		<-release
		return chat.Reply{Text: "3 open exceptions"}, nil
	}
	ru := e.slack.NewResponseURL()
	var got acks
	e.s.handle(context.Background(), socketmode.Event{
		Type:    socketmode.EventTypeSlashCommand,
		Data:    slack.SlashCommand{TeamID: "T0FIRM", APIAppID: "A0BILLBOT", UserID: "U0PARTNER1", ChannelID: "C0BILLING", Command: "/billing", Text: "exceptions", ResponseURL: ru},
		Request: &socketmode.Request{EnvelopeID: "env-1", Type: "slash_commands"},
	}, got.fn)
	// The ack went out while the handler was still blocked.
	if diff := cmp.Diff([]any{nil}, got.payloads); diff != "" {
		t.Errorf("acks (-want +got):\n%s", diff)
	}
	close(release)
	e.s.d.wait()
	posts := e.slack.ResponsePosts(ru)
	if len(posts) != 1 || posts[0].Text != "3 open exceptions" {
		t.Errorf("response_url posts = %+v", posts)
	}
}

func TestSocketViewSubmissionAcksWithErrors(t *testing.T) {
	t.Parallel()
	e := newSocketEnv(t)
	e.ints.view = func(_ context.Context, v chat.ViewSubmission) (chat.ViewResponse, func(context.Context) error, error) {
		if v.Values["amount"]["value"] == "" {
			return chat.ViewResponse{Errors: map[string]string{"amount": "Enter an amount."}}, nil, nil
		}
		return chat.ViewResponse{}, nil, nil
	}
	var got acks
	e.s.handle(context.Background(), socketmode.Event{
		Type: socketmode.EventTypeInteractive,
		Data: slack.InteractionCallback{
			Type: slack.InteractionTypeViewSubmission, APIAppID: "A0BILLBOT", User: slack.User{ID: "U0PARTNER1"}, Team: slack.Team{ID: "T0FIRM"},
			View: slack.View{ID: "V1", CallbackID: chat.CallbackEdit, State: &slack.ViewState{Values: map[string]map[string]slack.BlockAction{
				"amount": {"value": {Type: "plain_text_input", Value: ""}},
			}}},
		},
		Request: &socketmode.Request{EnvelopeID: "env-2", Type: "interactive"},
	}, got.fn)
	if len(got.payloads) != 1 {
		t.Fatalf("acks = %+v, want 1", got.payloads)
	}
	raw, _ := json.Marshal(got.payloads[0])
	if want := `{"response_action":"errors","errors":{"amount":"Enter an amount."}}`; string(raw) != want {
		t.Errorf("ack payload = %s, want %s", raw, want)
	}
}

func TestSocketEventsDeduplicated(t *testing.T) {
	t.Parallel()
	e := newSocketEnv(t)
	inner := json.RawMessage(`{"type":"app_home_opened","user":"U0MANAGER1","channel":"D0MANAGER1","tab":"home","event_ts":"1.2"}`)
	var got acks
	for attempt := range 2 {
		e.s.handle(context.Background(), socketmode.Event{
			Type: socketmode.EventTypeEventsAPI,
			Data: slackevents.EventsAPIEvent{Type: "event_callback", TeamID: "T0FIRM", Data: &slackevents.EventsAPICallbackEvent{
				Type: "event_callback", TeamID: "T0FIRM", APIAppID: "A0BILLBOT", EventID: "Ev0HOME2", InnerEvent: &inner,
			}},
			Request: &socketmode.Request{EnvelopeID: "env-3", Type: "events_api", RetryAttempt: attempt, RetryReason: "timeout"},
		}, got.fn)
		e.s.d.wait()
	}
	if len(got.payloads) != 2 {
		t.Errorf("acks = %d, want one per delivery", len(got.payloads))
	}
	want := []chat.Event{{TeamID: "T0FIRM", EventID: "Ev0HOME2", Type: "app_home_opened", UserID: "U0MANAGER1", Tab: "home"}}
	if diff := cmp.Diff(want, e.events.Events()); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}
