package bot

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"billbot/internal/chat"
)

// signRequest signs body as Slack would at ts (v0 HMAC-SHA256 over
// "v0:<ts>:<body>") and sets the two headers on req.
func signRequest(t *testing.T, req *http.Request, secret string, body []byte, ts time.Time) {
	t.Helper()
	stamp := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + stamp + ":"))
	mac.Write(body)
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
}

// fakeClock is a settable clock whose Sleep advances time instead of
// waiting, and records each wait.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	c.sleeps = append(c.sleeps, d)
	return ctx.Err()
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// fakeCommands records commands and answers with fn.
type fakeCommands struct {
	mu    sync.Mutex
	calls []chat.Command
	fn    func(ctx context.Context, c chat.Command) (chat.Reply, error)
}

func (f *fakeCommands) HandleCommand(ctx context.Context, c chat.Command) (chat.Reply, error) {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	if f.fn == nil {
		return chat.Reply{Text: "ok"}, nil
	}
	return f.fn(ctx, c)
}

func (f *fakeCommands) Calls() []chat.Command {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]chat.Command(nil), f.calls...)
}

// fakeInteractions records actions and submissions.
type fakeInteractions struct {
	mu      sync.Mutex
	actions []chat.Action
	views   []chat.ViewSubmission
	action  func(ctx context.Context, a chat.Action) (chat.Reply, error)
	view    func(ctx context.Context, v chat.ViewSubmission) (chat.ViewResponse, func(context.Context) error, error)
}

func (f *fakeInteractions) HandleAction(ctx context.Context, a chat.Action) (chat.Reply, error) {
	f.mu.Lock()
	f.actions = append(f.actions, a)
	f.mu.Unlock()
	if f.action == nil {
		return chat.Reply{}, nil
	}
	return f.action(ctx, a)
}

func (f *fakeInteractions) HandleViewSubmission(ctx context.Context, v chat.ViewSubmission) (chat.ViewResponse, func(context.Context) error, error) {
	f.mu.Lock()
	f.views = append(f.views, v)
	f.mu.Unlock()
	if f.view == nil {
		return chat.ViewResponse{}, nil, nil
	}
	return f.view(ctx, v)
}

func (f *fakeInteractions) Actions() []chat.Action {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]chat.Action(nil), f.actions...)
}

func (f *fakeInteractions) Views() []chat.ViewSubmission {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]chat.ViewSubmission(nil), f.views...)
}

// fakeEvents records events.
type fakeEvents struct {
	mu     sync.Mutex
	events []chat.Event
}

func (f *fakeEvents) HandleEvent(_ context.Context, e chat.Event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, e)
	return nil
}

func (f *fakeEvents) Events() []chat.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]chat.Event(nil), f.events...)
}

// logBuffer is a concurrency-safe sink for a JSON slog handler.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newTestLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}
