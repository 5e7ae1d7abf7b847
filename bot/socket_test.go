package bot

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"strings"
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
	logs   *logBuffer
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
	api := slacksandbox.SlackClient(sb, slacksandbox.DefaultToken, slack.OptionAppLevelToken(slacksandbox.DefaultAppToken))
	logger, logs := newTestLogger()
	e := &socketEnv{slack: sb, logs: logs, cmds: &fakeCommands{}, ints: &fakeInteractions{}, events: &fakeEvents{}}
	s, err := NewSocket(SocketConfig{
		API: api, Identity: testIdentity, Commands: e.cmds, Interactions: e.ints, Events: e.events, Logger: logger,
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

// TestSocketAcksEnvelopesSlackGoCannotRead: an envelope slack-go fails to
// decode (here an Events API event type it does not know) is still an
// envelope, and Slack wants every envelope acknowledged (docs/vendors.md
// §1.9); unacknowledged, an event comes back three more times.
func TestSocketAcksEnvelopesSlackGoCannotRead(t *testing.T) {
	t.Parallel()
	e := newSocketEnv(t)
	raw := json.RawMessage(`{"envelope_id":"env-9","type":"events_api","accepts_response_payload":false,"payload":{"type":"event_callback","team_id":"T0FIRM","api_app_id":"A0BILLBOT","event_id":"Ev9","event":{"type":"a_future_event"}}}`)
	evt := socketmode.Event{Type: socketmode.EventTypeErrorBadMessage, Data: &socketmode.ErrorBadMessage{Cause: errors.New("inner Event does not exist! a_future_event"), Message: raw}}
	if id := envelopeID(evt); id != "env-9" {
		t.Errorf("envelopeID = %q, want env-9", id)
	}
	var got acks
	e.s.handle(context.Background(), evt, got.fn)
	if diff := cmp.Diff([]any{nil}, got.payloads); diff != "" {
		t.Errorf("acks (-want +got):\n%s", diff)
	}
	if !strings.Contains(e.logs.String(), "a_future_event") {
		t.Errorf("the unreadable envelope is not logged:\n%s", e.logs.String())
	}
	// An interaction slack-go cannot read is left unacknowledged: Slack then
	// tells the user it failed, where an empty ack would close a modal as
	// if it had been saved.
	modal := socketmode.Event{Type: socketmode.EventTypeErrorBadMessage, Data: &socketmode.ErrorBadMessage{Cause: errors.New("bad"), Message: json.RawMessage(`{"envelope_id":"env-10","type":"interactive","payload":{"type":"view_submission","view":7}}`)}}
	e.s.handle(context.Background(), modal, got.fn)
	if len(got.payloads) != 1 {
		t.Errorf("acks after an unreadable interaction = %v, want still one", got.payloads)
	}
	// A message that is no envelope at all has nothing to acknowledge.
	none := socketmode.Event{Type: socketmode.EventTypeErrorBadMessage, Data: &socketmode.ErrorBadMessage{Cause: errors.New("bad"), Message: json.RawMessage(`{"type":"something"}`)}}
	if id := envelopeID(none); id != "" {
		t.Errorf("envelopeID of a message without one = %q", id)
	}
}

// TestSocketRefreshIsNotTrouble: when Slack refreshes the connection,
// slack-go closes the old socket and its pending read fails with "use of
// closed network connection". That is the routine end of a connection
// (Slack refreshes them every few hours, docs/vendors.md §1.9), not a
// warning.
func TestSocketRefreshIsNotTrouble(t *testing.T) {
	t.Parallel()
	e := newSocketEnv(t)
	closed := &net.OpError{Op: "read", Net: "tcp", Err: net.ErrClosed}
	var got acks
	e.s.handle(context.Background(), socketmode.Event{Type: socketmode.EventTypeIncomingError, Data: &slack.IncomingEventError{ErrorObj: closed}}, got.fn)
	if strings.Contains(e.logs.String(), `"level":"WARN"`) {
		t.Errorf("a closed connection logged as a warning:\n%s", e.logs.String())
	}
	// Other read errors still are.
	e.s.handle(context.Background(), socketmode.Event{Type: socketmode.EventTypeIncomingError, Data: &slack.IncomingEventError{ErrorObj: errors.New("unexpected EOF")}}, got.fn)
	if !strings.Contains(e.logs.String(), `"level":"WARN"`) {
		t.Errorf("a broken read not logged as a warning:\n%s", e.logs.String())
	}
	if len(got.payloads) != 0 {
		t.Errorf("acks = %v, want none", got.payloads)
	}
}

// TestSocketRunAgainstSandbox runs the transport over a real WebSocket to
// the Slack sandbox: a slash command, a refresh, then a click and an event
// slack-go cannot read; every envelope is acknowledged, on the connection
// that is open.
func TestSocketRunAgainstSandbox(t *testing.T) {
	t.Parallel()
	e := newSocketEnv(t)
	e.cmds.fn = func(context.Context, chat.Command) (chat.Reply, error) { return chat.Reply{Text: "ok"}, nil }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.s.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
	}()
	wait := func(env *slacksandbox.Envelope) slacksandbox.Ack {
		t.Helper()
		wctx, wcancel := context.WithTimeout(ctx, 10*time.Second) // bounds a hang only
		defer wcancel()
		a, err := env.Wait(wctx)
		if err != nil {
			t.Fatalf("%v; problems %q", err, e.slack.AckProblems())
		}
		return a
	}
	ru := e.slack.NewResponseURL()
	wait(e.slack.SocketSlashCommand(url.Values{"command": {"/billing"}, "text": {"status"}, "team_id": {"T0FIRM"}, "user_id": {"U0PARTNER1"}, "channel_id": {"C0BILLING"}, "response_url": {ru}}))
	e.slack.SocketDisconnect(slacksandbox.DisconnectRefresh)
	if a := wait(e.slack.SocketEvent([]byte(`{"type":"event_callback","team_id":"T0FIRM","api_app_id":"A0BILLBOT","event_id":"Ev9","event":{"type":"a_future_event"}}`))); a.Conn != 2 {
		t.Errorf("event acknowledged on connection %d, want 2 (after the refresh)", a.Conn)
	}
	wait(e.slack.SocketBlockAction(slacksandbox.BlockAction{TeamID: "T0FIRM", UserID: "U0PARTNER1", ChannelID: "C0BILLING", MessageTS: "1.1", ActionID: chat.ActionApprove, Value: "7"}))
	// The ack carries a view submission's response_action...
	e.ints.view = func(context.Context, chat.ViewSubmission) (chat.ViewResponse, func(context.Context) error, error) {
		return chat.ViewResponse{Errors: map[string]string{"amount": "Enter an amount."}}, nil, nil
	}
	a := wait(e.slack.SocketViewSubmission(slacksandbox.ViewSubmission{TeamID: "T0FIRM", UserID: "U0PARTNER1", ViewID: "V1", CallbackID: chat.CallbackEdit}))
	if want := `{"response_action":"errors","errors":{"amount":"Enter an amount."}}`; string(a.Payload) != want {
		t.Errorf("view submission ack payload = %s, want %s", a.Payload, want)
	}
	// ... and the refusal of a command from another workspace, which is
	// posted nowhere else.
	other := e.slack.NewResponseURL()
	a = wait(e.slack.SocketSlashCommand(url.Values{"command": {"/billing"}, "text": {"status"}, "team_id": {"T0ATTACKER"}, "user_id": {"U0X"}, "response_url": {other}}))
	if !strings.Contains(string(a.Payload), "another Slack workspace") || len(e.slack.ResponsePosts(other)) != 0 {
		t.Errorf("refusal: ack payload %s, %d response_url posts", a.Payload, len(e.slack.ResponsePosts(other)))
	}
	if p := e.slack.AckProblems(); len(p) != 0 {
		t.Errorf("ack problems: %q", p)
	}
	if n := e.slack.SocketOpens(); n != 2 {
		t.Errorf("connections = %d, want 2", n)
	}
}

// TestSocketRunStopsOnRefusedToken: apps.connections.open refusing the
// app-level token for good (wrong token, missing connections:write) ends
// Run with an error that names SLACK_APP_TOKEN, instead of retrying with
// backoff for ever while Slack's requests go unanswered
// (docs/vendors.md §1.9).
func TestSocketRunStopsOnRefusedToken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		token string
		fail  string
		want  string
	}{
		{"unknown token", "xapp-1-A0BILLBOT-1-revoked", "", "invalid_auth"},
		{"missing scope", slacksandbox.DefaultAppToken, "missing_scope", "connections:write"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sb := slacksandbox.New(slacksandbox.Options{})
			t.Cleanup(sb.Close)
			if tc.fail != "" {
				sb.FailNext("apps.connections.open", tc.fail)
			}
			api := slacksandbox.SlackClient(sb, slacksandbox.DefaultToken, slack.OptionAppLevelToken(tc.token))
			s, err := NewSocket(SocketConfig{API: api, Identity: testIdentity, Commands: &fakeCommands{}, Interactions: &fakeInteractions{}, Responder: NewResponder(api, nil, nil)})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- s.Run(ctx) }()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second): // bounds a hang only
				t.Fatalf("Run still retrying; connections opened %d", sb.SocketOpens())
			}
			if err == nil || !strings.Contains(err.Error(), "SLACK_APP_TOKEN") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Run = %v, want an error naming SLACK_APP_TOKEN and %s", err, tc.want)
			}
			if n := sb.SocketOpens(); n != 0 {
				t.Errorf("connections opened = %d, want 0", n)
			}
		})
	}
}
