package bot

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"billbot/internal/chat"
	"billbot/internal/slacksandbox"
)

const testSecret = "8f742231b10e8888abcd99yyyzzz85a5-test"

type httpEnv struct {
	t       *testing.T
	srv     *httptest.Server
	h       *HTTP
	slack   *slacksandbox.Server
	signer  slacksandbox.Signer
	clock   *fakeClock
	cmds    *fakeCommands
	ints    *fakeInteractions
	events  *fakeEvents
	logs    *logBuffer
	deduper *MemoryDeduper
}

func newHTTPEnv(t *testing.T, ackBudget time.Duration) *httpEnv {
	t.Helper()
	return newHTTPEnvWith(t, ackBudget, nil)
}

// newHTTPEnvWith is newHTTPEnv with cfg changed by edit before NewHTTP.
func newHTTPEnvWith(t *testing.T, ackBudget time.Duration, edit func(*HTTPConfig)) *httpEnv {
	t.Helper()
	clock := newFakeClock()
	sb := slacksandbox.New(slacksandbox.Options{Now: clock.Now})
	t.Cleanup(sb.Close)
	logger, logs := newTestLogger()
	e := &httpEnv{
		t: t, slack: sb, clock: clock, logs: logs,
		signer: slacksandbox.Signer{Secret: testSecret, Now: clock.Now},
		cmds:   &fakeCommands{}, ints: &fakeInteractions{}, events: &fakeEvents{},
		deduper: NewMemoryDeduper(time.Hour),
	}
	cfg := HTTPConfig{
		SigningSecret: testSecret, Identity: testIdentity, Commands: e.cmds, Interactions: e.ints, Events: e.events,
		Deduper:   e.deduper,
		Responder: NewResponder(slacksandbox.SlackClient(sb, slacksandbox.DefaultToken), nil, logger, ResponderClock(clock.Now)),
		Logger:    logger, Now: clock.Now, AckBudget: ackBudget,
	}
	if edit != nil {
		edit(&cfg)
	}
	h, err := NewHTTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	e.srv = httptest.NewServer(h.Handler())
	t.Cleanup(e.srv.Close)
	t.Cleanup(h.Wait)
	return e
}

// do sends req and returns the status and body; it then waits for the
// post-ack work so assertions see its effects.
func (e *httpEnv) do(req *http.Request) (int, string) {
	e.t.Helper()
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (e *httpEnv) url(path string) string { return e.srv.URL + path }

func commandForm(command, text, responseURL string) url.Values {
	return url.Values{
		"token": {"legacy"}, "team_id": {"T0FIRM"}, "team_domain": {"firm"}, "channel_id": {"C0BILLING"},
		"channel_name": {"billing"}, "user_id": {"U0PARTNER1"}, "user_name": {"pat"}, "command": {command},
		"text": {text}, "response_url": {responseURL}, "trigger_id": {"1.2.abc"}, "api_app_id": {"A0BILLBOT"},
	}
}

func TestHTTPRejectsUnverifiedRequests(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t, time.Second)
	now := e.clock.Now()
	body := []byte(commandForm("/billing", "run", e.slack.NewResponseURL()).Encode())
	type build func(req *http.Request)
	cases := []struct {
		name string
		sign build
	}{
		{"unsigned", func(*http.Request) {}},
		{"forged with another secret", func(r *http.Request) { signRequest(t, r, "not-the-secret", body, now) }},
		{"stale by 6 minutes", func(r *http.Request) { signRequest(t, r, testSecret, body, now.Add(-6*time.Minute)) }},
		{"6 minutes in the future", func(r *http.Request) { signRequest(t, r, testSecret, body, now.Add(6*time.Minute)) }},
		{"replayed body with a new timestamp", func(r *http.Request) {
			// A captured request signed 10 minutes ago, resent with a fresh
			// timestamp header: the old signature does not cover it.
			signRequest(t, r, testSecret, body, now.Add(-10*time.Minute))
			r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now.Unix(), 10))
		}},
		{"signature of another body", func(r *http.Request) { signRequest(t, r, testSecret, []byte("text=other"), now) }},
	}
	for _, path := range []string{"/slack/commands", "/slack/interactions", "/slack/events"} {
		for _, c := range cases {
			req, _ := http.NewRequest(http.MethodPost, e.url(path), strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			c.sign(req)
			if status, _ := e.do(req); status != http.StatusUnauthorized {
				t.Errorf("%s %s: status %d, want 401", path, c.name, status)
			}
		}
	}
	e.h.Wait()
	if n := len(e.cmds.Calls()) + len(e.ints.Actions()) + len(e.ints.Views()) + len(e.events.Events()); n != 0 {
		t.Errorf("handlers called %d times for rejected requests", n)
	}
	if calls := e.slack.Calls(); len(calls) != 0 {
		t.Errorf("Slack called for rejected requests: %+v", calls)
	}
}

func TestHTTPBodyLimit(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t, time.Second)
	for _, c := range []struct {
		size int
		want int
	}{
		{MaxBodyBytes + 1, http.StatusRequestEntityTooLarge},
		{MaxBodyBytes, http.StatusOK},
	} {
		fields := commandForm("/billing", "", "")
		pad := c.size - len(fields.Encode()) - len("&pad=")
		fields.Set("pad", strings.Repeat("a", pad))
		req := e.signer.SlashCommand(e.url("/slack/commands"), fields)
		if req.ContentLength != int64(c.size) {
			t.Fatalf("built a %d-byte body, want %d", req.ContentLength, c.size)
		}
		// Served in process: over a real connection, net/http lingers
		// 500 ms before closing one whose body it did not finish reading.
		rec := httptest.NewRecorder()
		e.h.Handler().ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("body of %d bytes: status %d, want %d", c.size, rec.Code, c.want)
		}
	}
	e.h.Wait()
	if n := len(e.cmds.Calls()); n != 1 {
		t.Errorf("command handler called %d times, want 1 (only the body within the limit)", n)
	}
}

func TestHTTPFastCommandRepliesInline(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t, time.Minute)
	e.cmds.fn = func(_ context.Context, c chat.Command) (chat.Reply, error) {
		return chat.Reply{Text: "status of " + c.Text}, nil
	}
	ru := e.slack.NewResponseURL()
	status, body := e.do(e.signer.SlashCommand(e.url("/slack/commands"), commandForm("/billing", "status Acme", ru)))
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("ack body %q: %v", body, err)
	}
	want := map[string]any{"response_type": "ephemeral", "text": "status of status Acme"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ack body (-want +got):\n%s", diff)
	}
	wantCmd := []chat.Command{{
		TeamID: "T0FIRM", ChannelID: "C0BILLING", UserID: "U0PARTNER1", Command: "/billing",
		Text: "status Acme", ResponseURL: ru, TriggerID: "1.2.abc",
	}}
	if diff := cmp.Diff(wantCmd, e.cmds.Calls()); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	e.h.Wait()
	if posts := e.slack.ResponsePosts(ru); len(posts) != 0 {
		t.Errorf("inline reply also posted to response_url: %+v", posts)
	}
}

func TestHTTPSlowCommandAcksThenPostsToResponseURL(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t, 10*time.Millisecond)
	release := make(chan struct{})
	e.cmds.fn = func(ctx context.Context, _ chat.Command) (chat.Reply, error) {
		<-release // the handler is still working when the ack budget ends
		if ctx.Err() != nil {
			return chat.Reply{}, ctx.Err()
		}
		return chat.Reply{Text: "drafted 3 invoices", InChannel: true}, nil
	}
	ru := e.slack.NewResponseURL()
	status, body := e.do(e.signer.SlashCommand(e.url("/slack/commands"), commandForm("/billing", "run", ru)))
	if status != http.StatusOK || body != "" {
		t.Fatalf("ack = %d %q, want 200 with an empty body", status, body)
	}
	close(release)
	e.h.Wait()
	posts := e.slack.ResponsePosts(ru)
	if len(posts) != 1 {
		t.Fatalf("response_url posts = %+v, want 1", posts)
	}
	if posts[0].Text != "drafted 3 invoices" || posts[0].ResponseType != "in_channel" || posts[0].Error != "" {
		t.Errorf("response_url post = %+v", posts[0])
	}
}

// TestHTTPCommandFollowUpAfterTheAck: a reply's Then runs only once the
// reply is acked inline, and what it returns follows on response_url.
func TestHTTPCommandFollowUpAfterTheAck(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t, time.Minute)
	acked := make(chan struct{})
	e.cmds.fn = func(context.Context, chat.Command) (chat.Reply, error) {
		return chat.Reply{Text: "AR for all clients", Then: func(ctx context.Context) chat.Reply {
			select {
			case <-acked:
				return chat.Reply{Text: "the chart"}
			case <-time.After(10 * time.Second):
				return chat.Reply{Text: "the ack waited for the follow-up"}
			}
		}}, nil
	}
	ru := e.slack.NewResponseURL()
	status, body := e.do(e.signer.SlashCommand(e.url("/slack/commands"), commandForm("/ar", "aging", ru)))
	close(acked)
	if status != http.StatusOK || !strings.Contains(body, "AR for all clients") {
		t.Fatalf("ack = %d %q, want the reply inline", status, body)
	}
	e.h.Wait()
	posts := e.slack.ResponsePosts(ru)
	if len(posts) != 1 || posts[0].Text != "the chart" || posts[0].ResponseType != "ephemeral" {
		t.Errorf("response_url posts = %+v, want the follow-up alone, ephemeral", posts)
	}
}

// TestHTTPSlowCommandFollowUpAfterItsReply: a reply that missed the ack
// goes to response_url first, its follow-up second.
func TestHTTPSlowCommandFollowUpAfterItsReply(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t, 10*time.Millisecond)
	release := make(chan struct{})
	e.cmds.fn = func(context.Context, chat.Command) (chat.Reply, error) {
		<-release
		return chat.Reply{Text: "AR for all clients", Then: func(context.Context) chat.Reply {
			return chat.Reply{Text: "the chart"}
		}}, nil
	}
	ru := e.slack.NewResponseURL()
	status, body := e.do(e.signer.SlashCommand(e.url("/slack/commands"), commandForm("/ar", "aging", ru)))
	if status != http.StatusOK || body != "" {
		t.Fatalf("ack = %d %q, want 200 with an empty body", status, body)
	}
	close(release)
	e.h.Wait()
	var texts []string
	for _, p := range e.slack.ResponsePosts(ru) {
		texts = append(texts, p.Text)
	}
	if diff := cmp.Diff([]string{"AR for all clients", "the chart"}, texts); diff != "" {
		t.Errorf("response_url posts (-want +got):\n%s", diff)
	}
}

func TestHTTPCommandErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		err      error
		wantText string
	}{
		{"user error", &UserError{Msg: "Usage: /billing run [YYYY-MM-DD]"}, "Usage: /billing run [YYYY-MM-DD]"},
		{"wrapped user error", errors.Join(errors.New("parse"), &UserError{Msg: "No client named Acme."}), "No client named Acme."},
		{"internal error", errors.New("qbo: create invoice: connection reset"), "Sorry, something went wrong"},
		{"panic", nil, "Sorry, something went wrong"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newHTTPEnv(t, time.Minute)
			e.cmds.fn = func(context.Context, chat.Command) (chat.Reply, error) {
				if c.err == nil {
					panic("connection reset")
				}
				return chat.Reply{}, c.err
			}
			_, body := e.do(e.signer.SlashCommand(e.url("/slack/commands"), commandForm("/billing", "run", "")))
			var got replyBody
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("ack body %q: %v", body, err)
			}
			if got.ResponseType != "ephemeral" || !strings.HasPrefix(got.Text, c.wantText) {
				t.Errorf("reply = %+v, want ephemeral %q", got, c.wantText)
			}
			if strings.HasPrefix(c.wantText, "Sorry") {
				ref := got.Text[strings.LastIndex(got.Text, " ")+1:]
				if !strings.Contains(e.logs.String(), `"correlation_id":"`+ref+`"`) || !strings.Contains(e.logs.String(), "connection reset") {
					t.Errorf("log does not carry correlation id %s and the cause:\n%s", ref, e.logs.String())
				}
			}
		})
	}
}

func TestHTTPBlockActionAcksThenReplacesMessage(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t, time.Minute)
	api := slacksandbox.SlackClient(e.slack, slacksandbox.DefaultToken)
	_, ts, err := api.PostMessage("C0BILLING", slack.MsgOptionText("Draft invoice INV-1", false))
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	e.ints.action = func(context.Context, chat.Action) (chat.Reply, error) {
		close(started)
		return chat.Reply{Text: "Approved by <@U0PARTNER1>", ReplaceOriginal: true}, nil
	}
	ru := e.slack.NewResponseURLFor("C0BILLING", ts)
	status, body := e.do(e.signer.BlockAction(e.url("/slack/interactions"), slacksandbox.BlockAction{
		TeamID: "T0FIRM", UserID: "U0PARTNER1", ChannelID: "C0BILLING", MessageTS: ts,
		ActionID: chat.ActionApprove, BlockID: "draft", Value: "inv-1", ResponseURL: ru, TriggerID: "9.9.x",
	}))
	if status != http.StatusOK || body != "" {
		t.Fatalf("ack = %d %q, want an empty 200", status, body)
	}
	<-started
	e.h.Wait()
	want := []chat.Action{{
		TeamID: "T0FIRM", UserID: "U0PARTNER1", ActionID: chat.ActionApprove, BlockID: "draft", Value: "inv-1",
		ChannelID: "C0BILLING", MessageTS: ts, ResponseURL: ru, TriggerID: "9.9.x",
	}}
	if diff := cmp.Diff(want, e.ints.Actions()); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
	m, _ := e.slack.Message("C0BILLING", ts)
	if m.Text != "Approved by <@U0PARTNER1>" || m.Versions != 2 {
		t.Errorf("message after approve = %+v", m)
	}
}

func TestHTTPViewSubmission(t *testing.T) {
	t.Parallel()
	submit := slacksandbox.ViewSubmission{
		TeamID: "T0FIRM", UserID: "U0PARTNER1", ViewID: "V1", CallbackID: chat.CallbackHold,
		PrivateMetadata: "inv-1",
		Values: map[string]map[string]slacksandbox.Input{
			"reason": {"text": {Value: "client disputes hours"}},
			"until":  {"date": {Type: "datepicker", Value: "2026-04-01"}},
			"who":    {"pick": {Type: "static_select", Value: "U0MANAGER1"}},
		},
	}
	cases := []struct {
		name       string
		resp       chat.ViewResponse
		err        error
		wantBody   string
		wantFollow bool
	}{
		{"valid closes and follows up", chat.ViewResponse{}, nil, "", true},
		{"errors keep the modal open", chat.ViewResponse{Errors: map[string]string{"until": "Pick a date after today."}}, nil,
			`{"response_action":"errors","errors":{"until":"Pick a date after today."}}`, false},
		{"user error replaces the modal", chat.ViewResponse{}, &UserError{Msg: "Invoice inv-1 was already sent."}, "Invoice inv-1 was already sent.", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newHTTPEnv(t, time.Minute)
			followed := make(chan struct{}, 1)
			e.ints.view = func(context.Context, chat.ViewSubmission) (chat.ViewResponse, func(context.Context) error, error) {
				return c.resp, func(context.Context) error { followed <- struct{}{}; return nil }, c.err
			}
			status, body := e.do(e.signer.ViewSubmission(e.url("/slack/interactions"), submit))
			if status != http.StatusOK {
				t.Fatalf("status %d", status)
			}
			if c.wantBody == "" && body != "" || !strings.Contains(body, c.wantBody) {
				t.Errorf("ack body = %q, want %q", body, c.wantBody)
			}
			e.h.Wait()
			if got := len(followed) == 1; got != c.wantFollow {
				t.Errorf("follow-up ran = %v, want %v", got, c.wantFollow)
			}
			want := []chat.ViewSubmission{{
				TeamID: "T0FIRM", UserID: "U0PARTNER1", CallbackID: chat.CallbackHold, ViewID: "V1", PrivateMetadata: "inv-1",
				Values: map[string]map[string]string{
					"reason": {"text": "client disputes hours"}, "until": {"date": "2026-04-01"}, "who": {"pick": "U0MANAGER1"},
				},
			}}
			if diff := cmp.Diff(want, e.ints.Views()); diff != "" {
				t.Errorf("submissions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHTTPEvents(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t, time.Minute)
	status, body := e.do(e.signer.Event(e.url("/slack/events"), []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)))
	if status != http.StatusOK || !strings.Contains(body, `"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"`) {
		t.Errorf("url_verification answer = %d %q", status, body)
	}
	event := []byte(`{"token":"x","team_id":"T0FIRM","api_app_id":"A0BILLBOT","type":"event_callback","event_id":"Ev0HOME1","event_time":1772442000,
		"event":{"type":"app_home_opened","user":"U0PARTNER1","channel":"D0PARTNER1","tab":"home","event_ts":"1772442000.000100"}}`)
	for retry := range 3 {
		req := e.signer.Event(e.url("/slack/events"), event)
		if retry > 0 {
			req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(retry))
			req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
		}
		if status, body := e.do(req); status != http.StatusOK || body != "" {
			t.Errorf("delivery %d: ack = %d %q", retry, status, body)
		}
		e.h.Wait()
	}
	want := []chat.Event{{TeamID: "T0FIRM", EventID: "Ev0HOME1", Type: "app_home_opened", UserID: "U0PARTNER1", Tab: "home"}}
	if diff := cmp.Diff(want, e.events.Events()); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestHTTPLogsEachRequestOnceWithoutSecrets(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t, time.Minute)
	e.do(e.signer.SlashCommand(e.url("/slack/commands"), commandForm("/ar", "client Very Secret Client", "")))
	e.h.Wait()
	logs := e.logs.String()
	lines := strings.Count(logs, `"msg":"slack request"`)
	if lines != 1 {
		t.Errorf("%d request lines, want 1:\n%s", lines, logs)
	}
	for _, want := range []string{`"team_id":"T0FIRM"`, `"user_id":"U0PARTNER1"`, `"command":"/ar"`, `"duration_ms":`} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s:\n%s", want, logs)
		}
	}
	for _, secret := range []string{testSecret, "Very Secret Client", "legacy"} {
		if strings.Contains(logs, secret) {
			t.Errorf("log contains %q:\n%s", secret, logs)
		}
	}
}

func TestHTTPSlowViewSubmissionAnswersInTime(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t, 10*time.Millisecond)
	release := make(chan struct{})
	followed := make(chan struct{}, 1)
	e.ints.view = func(ctx context.Context, _ chat.ViewSubmission) (chat.ViewResponse, func(context.Context) error, error) {
		<-release
		return chat.ViewResponse{}, func(context.Context) error { followed <- struct{}{}; return nil }, nil
	}
	status, body := e.do(e.signer.ViewSubmission(e.url("/slack/interactions"), slacksandbox.ViewSubmission{
		TeamID: "T0FIRM", UserID: "U0PARTNER1", ViewID: "V1", CallbackID: chat.CallbackEdit,
	}))
	close(release)
	e.h.Wait()
	if status != http.StatusOK || !strings.Contains(body, `"response_action":"update"`) || !strings.Contains(body, "Sorry, something went wrong") {
		t.Errorf("ack = %d %s, want a modal update with the generic message", status, body)
	}
	if len(followed) != 0 {
		t.Error("follow-up of a submission answered too late still ran")
	}
}
