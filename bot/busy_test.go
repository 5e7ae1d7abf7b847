package bot

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"billbot/internal/chat"
	"billbot/internal/metrics"
	"billbot/internal/slacksandbox"
)

// errTooManyClients stands for the database refusing one more session.
var errTooManyClients = errors.New("FATAL: sorry, too many clients already (SQLSTATE 53300)")

// busyEnv is an HTTP transport with one in-flight slot, a short wait (it
// bounds how long a refused request waits; nothing asserts on time), and
// Busy recognising errTooManyClients.
func busyEnv(t *testing.T, ready func(context.Context) error) (*httpEnv, *metrics.Registry) {
	t.Helper()
	reg := metrics.NewRegistry()
	e := newHTTPEnvWith(t, time.Minute, func(c *HTTPConfig) {
		c.Metrics = reg
		c.Limits = Limits{MaxInFlight: 1, Wait: 10 * time.Millisecond, Ready: ready,
			Busy: func(err error) bool { return errors.Is(err, errTooManyClients) }}
	})
	return e, reg
}

// holdSlot starts a slash command whose handler blocks until the returned
// func is called, and returns once the handler is running: the one slot
// is then taken.
func holdSlot(t *testing.T, e *httpEnv) (free func()) {
	t.Helper()
	running, unblock := make(chan struct{}), make(chan struct{})
	var once sync.Once
	e.cmds.fn = func(_ context.Context, c chat.Command) (chat.Reply, error) {
		if c.Text == "hold" {
			close(running)
			<-unblock
		}
		return chat.Reply{Text: "answered " + c.Text}, nil
	}
	held := make(chan string, 1)
	go func() {
		_, body := e.do(e.signer.SlashCommand(e.url("/slack/commands"), commandForm("/ar", "hold", "")))
		held <- body
	}()
	<-running
	t.Cleanup(func() { once.Do(func() { close(unblock) }) })
	return func() {
		once.Do(func() { close(unblock) })
		if body := <-held; !strings.Contains(body, "answered hold") {
			t.Errorf("held command answered %q", body)
		}
	}
}

func metricLine(t *testing.T, reg *metrics.Registry, line string) bool {
	t.Helper()
	var b strings.Builder
	if _, err := reg.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return strings.Contains("\n"+b.String(), "\n"+line+"\n")
}

func ackReply(t *testing.T, body string) replyBody {
	t.Helper()
	var r replyBody
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("ack body %q: %v", body, err)
	}
	return r
}

// TestHTTPBusyWhenNoSlot: with the only slot taken, a slash command gets
// the plain busy reply inline, a click gets it through its response_url
// (the clicked message untouched), and a modal submit gets it in place of
// the modal; each is counted as busy, none as an error, and no handler ran.
func TestHTTPBusyWhenNoSlot(t *testing.T) {
	t.Parallel()
	e, reg := busyEnv(t, nil)
	free := holdSlot(t, e)

	status, body := e.do(e.signer.SlashCommand(e.url("/slack/commands"), commandForm("/billing", "status", "")))
	if r := ackReply(t, body); status != http.StatusOK || r.Text != BusyText || r.ResponseType != "ephemeral" {
		t.Errorf("command = %d %+v, want an ephemeral %q", status, r, BusyText)
	}

	ru := e.slack.NewResponseURL()
	e.do(e.signer.BlockAction(e.url("/slack/interactions"), slacksandbox.BlockAction{
		TeamID: "T0FIRM", UserID: "U0PARTNER1", ChannelID: "C0BILLING", MessageTS: "1.1",
		ActionID: chat.ActionApprove, BlockID: "draft", Value: "inv-1", ResponseURL: ru, TriggerID: "9.9.x",
	}))
	posts := e.slack.ResponsePosts(ru)
	if len(posts) != 1 || posts[0].Text != BusyText || posts[0].ReplaceOriginal || posts[0].ResponseType != "ephemeral" {
		t.Errorf("click answered %+v, want one ephemeral busy post that replaces nothing", posts)
	}

	_, body = e.do(e.signer.ViewSubmission(e.url("/slack/interactions"), slacksandbox.ViewSubmission{
		TeamID: "T0FIRM", UserID: "U0PARTNER1", ViewID: "V1", CallbackID: chat.CallbackHold, PrivateMetadata: "inv-1",
	}))
	if !strings.Contains(body, `"response_action":"update"`) || !strings.Contains(body, BusyText) {
		t.Errorf("submit answered %q, want the modal replaced by the busy text", body)
	}

	for _, kind := range []string{"command", "block_actions", "view_submission"} {
		if !metricLine(t, reg, `billbot_slack_busy_replies_total{kind="`+kind+`"} 1`) {
			t.Errorf("busy replies of %s not counted once", kind)
		}
	}
	if n := len(e.cmds.Calls()); n != 1 {
		t.Errorf("%d commands handled, want only the held one", n)
	}
	if len(e.ints.Actions())+len(e.ints.Views()) != 0 {
		t.Error("an interaction was handled without a slot")
	}
	if strings.Contains(e.logs.String(), `"level":"ERROR"`) {
		t.Errorf("busy logged as an error:\n%s", e.logs.String())
	}

	// The slot given back, the next command is answered.
	free()
	_, body = e.do(e.signer.SlashCommand(e.url("/slack/commands"), commandForm("/billing", "status", "")))
	if r := ackReply(t, body); r.Text != "answered status" {
		t.Errorf("after the slot was freed: %+v", r)
	}
	e.h.Wait()
}

// TestHTTPBusyWhenNotReady: Ready not answering within the wait (the
// database pool held) is busy; Ready failing otherwise (the database
// down) is a counted failure with the generic text. Neither runs the
// handler.
func TestHTTPBusyWhenNotReady(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	down := false
	e, reg := busyEnv(t, func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		if down {
			return errors.New("dial tcp 127.0.0.1:5432: connection refused")
		}
		<-ctx.Done()
		return ctx.Err()
	})
	_, body := e.do(e.signer.SlashCommand(e.url("/slack/commands"), commandForm("/ar", "aging", "")))
	if r := ackReply(t, body); r.Text != BusyText {
		t.Errorf("pool held: reply %+v, want %q", r, BusyText)
	}
	mu.Lock()
	down = true
	mu.Unlock()
	_, body = e.do(e.signer.SlashCommand(e.url("/slack/commands"), commandForm("/ar", "aging", "")))
	if r := ackReply(t, body); !strings.HasPrefix(r.Text, "Sorry, something went wrong") || strings.Contains(r.Text, "refused") {
		t.Errorf("database down: reply %+v, want the generic failure without the cause", r)
	}
	if !metricLine(t, reg, `billbot_slack_busy_replies_total{kind="command"} 1`) || !metricLine(t, reg, `billbot_slack_errors_total{kind="command"} 1`) {
		t.Error("want one busy reply and one error counted")
	}
	if len(e.cmds.Calls()) != 0 {
		t.Error("a command was handled without being admitted")
	}
}

// TestHTTPHandlerErrorsCounted: a handler error Busy recognises gets the
// busy text, never the database's; any other error is counted in
// billbot_slack_errors_total and logged; a user error is neither.
func TestHTTPHandlerErrorsCounted(t *testing.T) {
	t.Parallel()
	e, reg := busyEnv(t, nil)
	e.cmds.fn = func(_ context.Context, c chat.Command) (chat.Reply, error) {
		switch c.Text {
		case "busy":
			return chat.Reply{}, errors.Join(errors.New("store: load firm"), errTooManyClients)
		case "user":
			return chat.Reply{}, &UserError{Msg: "No client named Acme."}
		default:
			return chat.Reply{}, errors.New("qbo: connection reset")
		}
	}
	for text, want := range map[string]string{"busy": BusyText, "user": "No client named Acme.", "fail": "Sorry, something went wrong"} {
		_, body := e.do(e.signer.SlashCommand(e.url("/slack/commands"), commandForm("/ar", text, "")))
		if r := ackReply(t, body); !strings.HasPrefix(r.Text, want) || strings.Contains(r.Text, "SQLSTATE") {
			t.Errorf("%s: reply %+v, want %q", text, r, want)
		}
	}
	if !metricLine(t, reg, `billbot_slack_busy_replies_total{kind="command"} 1`) || !metricLine(t, reg, `billbot_slack_errors_total{kind="command"} 1`) {
		t.Error("want one busy reply and one error counted")
	}
	if !strings.Contains(e.logs.String(), "qbo: connection reset") || !strings.Contains(e.logs.String(), "too many clients") {
		t.Errorf("causes not logged:\n%s", e.logs.String())
	}
}

func TestNewHTTPRefusesNegativeInFlight(t *testing.T) {
	t.Parallel()
	_, err := NewHTTP(HTTPConfig{SigningSecret: testSecret, Identity: testIdentity, Commands: &fakeCommands{}, Interactions: &fakeInteractions{},
		Responder: NewResponder(nil, nil, nil), Limits: Limits{MaxInFlight: -1}})
	if err == nil || !strings.Contains(err.Error(), "MaxInFlight") {
		t.Errorf("NewHTTP with MaxInFlight -1 = %v, want an error", err)
	}
}
