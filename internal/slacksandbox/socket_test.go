package slacksandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// hang bounds a wait that only a bug makes long.
const hang = 10 * time.Second

func TestAppsConnectionsOpenTokens(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	t.Cleanup(s.Close)
	ctx := context.Background()
	for _, tc := range []struct{ name, token, want string }{
		{"bot token", DefaultToken, "not_allowed_token_type"},
		{"unknown app token", "xapp-1-A0OTHER-1-nope", "invalid_auth"},
		{"no token", "", "not_authed"},
	} {
		_, _, err := SlackClient(s, DefaultToken, slack.OptionAppLevelToken(tc.token)).StartSocketModeContext(ctx)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: apps.connections.open error %v, want %s", tc.name, err, tc.want)
		}
	}
	// The app-level token opens connections and nothing else.
	if _, err := SlackClient(s, DefaultAppToken).AuthTestContext(ctx); err == nil || err.Error() != "not_allowed_token_type" {
		t.Errorf("auth.test with the app-level token: %v, want not_allowed_token_type", err)
	}
	_, u, err := SlackClient(s, DefaultToken, slack.OptionAppLevelToken(DefaultAppToken)).StartSocketModeContext(ctx)
	if err != nil || !strings.HasPrefix(u, "ws://") {
		t.Fatalf("apps.connections.open = %q, %v", u, err)
	}
	// The URL opens one connection.
	ws, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if _, resp, err := websocket.DefaultDialer.Dial(u, nil); err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("second dial of the same URL: %v, want HTTP 401", err)
	}
}

// rawSocket opens a connection the test drives frame by frame.
func rawSocket(t *testing.T, s *Server) *websocket.Conn {
	t.Helper()
	_, u, err := SlackClient(s, DefaultToken, slack.OptionAppLevelToken(DefaultAppToken)).StartSocketModeContext(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ws, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	_ = ws.SetReadDeadline(time.Now().Add(hang))
	return ws
}

func readFrame(t *testing.T, ws *websocket.Conn) map[string]any {
	t.Helper()
	var m map[string]any
	if err := ws.ReadJSON(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSocketHelloEnvelopeAck(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	t.Cleanup(s.Close)
	ws := rawSocket(t, s)
	hello := readFrame(t, ws)
	info, _ := hello["connection_info"].(map[string]any)
	if hello["type"] != "hello" || hello["num_connections"] != float64(1) || info["app_id"] != AppID || hello["debug_info"] == nil {
		t.Errorf("hello = %v", hello)
	}

	e := s.SocketSlashCommand(url.Values{"command": {"/billing"}, "text": {"status"}, "user_id": {"U1"}})
	f := readFrame(t, ws)
	p, _ := f["payload"].(map[string]any)
	if f["type"] != EnvelopeSlashCommands || f["envelope_id"] != e.ID || f["accepts_response_payload"] != true ||
		p["command"] != "/billing" || p["team_id"] != TeamID || p["api_app_id"] != AppID {
		t.Errorf("slash command envelope = %v", f)
	}
	if _, ok := e.Acked(); ok {
		t.Fatal("acked before any ack")
	}
	if err := ws.WriteJSON(map[string]any{"envelope_id": e.ID, "payload": map[string]any{"text": "3 pending"}}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), hang)
	defer cancel()
	a, err := e.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if string(a.Payload) != `{"text":"3 pending"}` || a.Conn != 1 || a.Late() {
		t.Errorf("ack = %+v", a)
	}
	// A second ack of the same envelope is a problem Slack would not expect.
	if err := ws.WriteJSON(map[string]any{"envelope_id": e.ID}); err != nil {
		t.Fatal(err)
	}
	b := s.SocketBlockAction(BlockAction{TeamID: TeamID, UserID: "U1", ChannelID: "C1", MessageTS: "1.1", ActionID: "approve", Value: "7"})
	f = readFrame(t, ws)
	if f["type"] != EnvelopeInteractive || f["accepts_response_payload"] != false {
		t.Errorf("block action envelope = %v", f)
	}
	if err := ws.WriteJSON(map[string]any{"envelope_id": b.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if got := s.AckProblems(); len(got) != 1 || !strings.Contains(got[0], "acknowledged twice") {
		t.Errorf("problems = %q, want the repeated ack", got)
	}
}

func TestSocketUnackedEnvelopes(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	t.Cleanup(s.Close)
	ws := rawSocket(t, s)
	readFrame(t, ws) // hello
	ev := s.SocketEvent([]byte(`{"type":"event_callback","event_id":"Ev1","team_id":"T0SANDBOX","api_app_id":"A0BILLBOT","event":{"type":"app_home_opened","user":"U1","tab":"home"}}`))
	click := s.SocketBlockAction(BlockAction{TeamID: TeamID, UserID: "U1", ActionID: "approve"})
	readFrame(t, ws)
	readFrame(t, ws)
	if got := s.AckProblems(); len(got) != 2 {
		t.Errorf("problems before the deadline = %q, want both envelopes unacknowledged", got)
	}
	// The deadline passes: the event comes again, the click does not.
	var last *Envelope
	for attempt := 1; attempt <= SocketEventRetries; attempt++ {
		again := s.SocketRetryUnacked()
		if len(again) != 1 || again[0].RetryAttempt != attempt || again[0].RetryOf == "" || again[0].ID == ev.ID {
			t.Fatalf("retry %d = %+v", attempt, again)
		}
		f := readFrame(t, ws)
		if f["retry_attempt"] != float64(attempt) || f["retry_reason"] != "timeout" || f["envelope_id"] != again[0].ID {
			t.Errorf("redelivery %d = %v", attempt, f)
		}
		last = again[0]
	}
	if again := s.SocketRetryUnacked(); len(again) != 0 {
		t.Errorf("retries after the third: %d", len(again))
	}
	got := s.AckProblems()
	if len(got) != 2 || !strings.Contains(strings.Join(got, "\n"), click.ID) || !strings.Contains(strings.Join(got, "\n"), last.ID) {
		t.Errorf("problems = %q, want the click and the last retry", got)
	}
}

// TestSocketModeClientReconnectsOnRefresh runs slack-go's own Socket Mode
// client against the sandbox: hello, an envelope acked with a payload,
// disconnect (refresh_requested), a new apps.connections.open and a
// delivery on the new connection.
func TestSocketModeClientReconnectsOnRefresh(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	t.Cleanup(s.Close)
	client := socketmode.New(SlackClient(s, DefaultToken, slack.OptionAppLevelToken(DefaultAppToken)))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- client.RunContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	hellos := make(chan struct{}, 4)
	go func() {
		for evt := range client.Events {
			switch evt.Type {
			case socketmode.EventTypeHello:
				hellos <- struct{}{}
			case socketmode.EventTypeSlashCommand:
				cmd := evt.Data.(slack.SlashCommand)
				_ = client.AckCtx(ctx, evt.Request.EnvelopeID, map[string]string{"text": "got " + cmd.Text})
			}
		}
	}()
	wait := func(what string, ch <-chan struct{}) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(hang):
			t.Fatalf("%s: not reached", what)
		}
	}
	wait("first hello", hellos)
	send := func(text string) Ack {
		t.Helper()
		e := s.SocketSlashCommand(url.Values{"command": {"/billing"}, "text": {text}})
		wctx, wcancel := context.WithTimeout(ctx, hang)
		defer wcancel()
		a, err := e.Wait(wctx)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Text string }
		if err := json.Unmarshal(a.Payload, &body); err != nil || body.Text != "got "+text {
			t.Errorf("ack payload %s, want the reply to %q", a.Payload, text)
		}
		return a
	}
	if a := send("before"); a.Conn != 1 {
		t.Errorf("first ack on connection %d", a.Conn)
	}
	if n := s.SocketDisconnect(DisconnectRefresh); n != 1 {
		t.Fatalf("disconnect told %d connections", n)
	}
	wait("hello after the refresh", hellos)
	if a := send("after"); a.Conn != 2 {
		t.Errorf("ack after the refresh on connection %d, want 2", a.Conn)
	}
	if got := s.SocketOpens(); got != 2 {
		t.Errorf("connections opened = %d, want 2", got)
	}
	opens := 0
	for _, c := range s.Calls() {
		if c.Method == "apps.connections.open" {
			opens++
		}
	}
	if opens != 2 {
		t.Errorf("apps.connections.open calls = %d, want 2", opens)
	}
	if p := s.AckProblems(); len(p) != 0 {
		t.Errorf("ack problems: %q", p)
	}
}
