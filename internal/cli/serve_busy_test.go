package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"billbot/bot"
	"billbot/commands"
	"billbot/internal/billing"
	"billbot/internal/chat"
	"billbot/internal/config"
	"billbot/internal/metrics"
	"billbot/internal/slacksandbox"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// busyWorld is serve's Slack request handling over a real PostgreSQL pool
// of 4 connections: the signed HTTP handler, the slash commands, and the
// limits serve derives from the store (slackLimits).
type busyWorld struct {
	t      *testing.T
	st     *store.Store
	srv    *httptest.Server
	h      *bot.HTTP
	reg    *metrics.Registry
	slack  *slacksandbox.Server
	signer slacksandbox.Signer
	logs   *e2eBuffer
}

// newBusyWorld builds the world; edit may change the limits (the
// 200-command test gives waits a generous bound so that a slow machine
// cannot turn a queued command into a busy one).
func newBusyWorld(t *testing.T, edit func(*bot.Limits)) *busyWorld {
	t.Helper()
	st := storetest.Postgres(t, store.MaxConns(4))
	if got := st.PoolStats().MaxOpenConnections; got != 4 {
		t.Fatalf("pool cap = %d, want 4", got)
	}
	now := time.Now()
	month := billing.Period{Start: billing.DateOf(now.AddDate(0, -1, 0)), End: billing.DateOf(now.AddDate(0, 0, -1))}
	raw := e2eFirmYAML(month)
	f, err := config.ParseFirm("firm.yml", raw)
	if err != nil {
		t.Fatal(err)
	}
	_, clients, engs := f.Billing()
	if err := st.SaveConfig(t.Context(), raw, clients, engs, "test"); err != nil {
		t.Fatal(err)
	}
	w := &busyWorld{t: t, st: st, reg: metrics.NewRegistry(), logs: &e2eBuffer{}}
	w.slack = slacksandbox.New(slacksandbox.Options{Token: e2eSlackToken})
	t.Cleanup(w.slack.Close)
	w.signer = slacksandbox.Signer{Secret: e2eSigningSecret + "-0123456789"}
	log := slog.New(slog.NewTextHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	wf := workflow.New(workflow.Deps{Store: st, Now: time.Now, Logger: log})
	limits := slackLimits(st)
	if edit != nil {
		edit(&limits)
	}
	w.h, err = bot.NewHTTP(bot.HTTPConfig{
		SigningSecret: w.signer.Secret,
		Identity:      bot.Identity{TeamID: slacksandbox.TeamID, AppID: slacksandbox.AppID},
		Commands:      commands.New(wf, time.Now, log),
		Interactions:  noInteractions{},
		Responder:     bot.NewResponder(slacksandbox.SlackClient(w.slack, e2eSlackToken), nil, log),
		Logger:        log,
		// Replies come inline: the bound only keeps a slow machine from
		// sending them to response_url instead.
		AckBudget: time.Minute,
		Limits:    limits,
		Metrics:   w.reg,
	})
	if err != nil {
		t.Fatal(err)
	}
	w.srv = httptest.NewServer(w.h.Handler())
	t.Cleanup(func() {
		w.srv.Close()
		w.h.Wait()
		if t.Failed() {
			t.Logf("log:\n%s", w.logs.String())
		}
	})
	return w
}

// noInteractions stands in for the click and modal handlers, which these
// tests do not send.
type noInteractions struct{}

func (noInteractions) HandleAction(context.Context, chat.Action) (chat.Reply, error) {
	return chat.Reply{}, nil
}

func (noInteractions) HandleViewSubmission(context.Context, chat.ViewSubmission) (chat.ViewResponse, func(context.Context) error, error) {
	return chat.ViewResponse{}, nil, nil
}

// command sends one signed slash command as the billing manager and
// returns the inline reply.
func (w *busyWorld) command(client *http.Client, cmd, text string) (int, string, error) {
	req := w.signer.SlashCommand(w.srv.URL+"/slack/commands", url.Values{
		"command": {cmd}, "text": {text}, "user_id": {e2eBillingManager}, "channel_id": {e2eChannel},
		"response_url": {w.slack.NewResponseURL()}, "trigger_id": {"1.2.3"},
	})
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, "", err
	}
	var r struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return resp.StatusCode, string(body), nil
	}
	return resp.StatusCode, r.Text, nil
}

func (w *busyWorld) metrics() string {
	var b bytes.Buffer
	if _, err := w.reg.WriteTo(&b); err != nil {
		w.t.Fatal(err)
	}
	return b.String()
}

// badReply reports whether a reply is a failure rather than an answer.
func badReply(text string) bool {
	for _, s := range []string{"Sorry, something went wrong", bot.BusyText, "SQLSTATE", "too many clients", "pgx", "postgres"} {
		if strings.Contains(text, s) {
			return true
		}
	}
	return text == ""
}

// TestSlackCommandsShareSmallPool: 200 overlapping /ar aging and /billing
// status commands against a pool of 4 PostgreSQL connections are all
// answered, none with an error or busy reply, and the pool never grew.
func TestSlackCommandsShareSmallPool(t *testing.T) {
	w := newBusyWorld(t, func(l *bot.Limits) { l.Wait = time.Minute })
	const n = 200
	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxConnsPerHost: n, MaxIdleConnsPerHost: n}}
	// Each command's answer asked alone is what every one of the 200 must get.
	want := map[string]string{}
	for _, c := range [][2]string{{"/ar", "aging"}, {"/billing", "status"}} {
		_, text, err := w.command(client, c[0], c[1])
		if err != nil || badReply(text) {
			t.Fatalf("%s %s alone: %q %v", c[0], c[1], text, err)
		}
		want[c[0]] = text
	}
	start := make(chan struct{})
	type answer struct {
		cmd    string
		status int
		text   string
		err    error
	}
	answers := make([]answer, n)
	var wg sync.WaitGroup
	for i := range n {
		cmd, text := "/ar", "aging"
		if i%2 == 1 {
			cmd, text = "/billing", "status"
		}
		wg.Go(func() {
			<-start
			s, r, err := w.command(client, cmd, text)
			answers[i] = answer{cmd, s, r, err}
		})
	}
	close(start)
	wg.Wait()
	bad := 0
	for i, a := range answers {
		if a.err != nil || a.status != http.StatusOK || a.text != want[a.cmd] {
			bad++
			if bad <= 5 {
				t.Errorf("command %d: %d %q %v", i, a.status, a.text, a.err)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d commands not answered", bad, n)
	}
	if st := w.st.PoolStats(); st.MaxOpenConnections != 4 || st.OpenConnections > 4 {
		t.Errorf("pool stats %+v, want at most 4 connections", st)
	}
	m := w.metrics()
	if !strings.Contains(m, `billbot_slack_busy_replies_total{kind="command"} 0`+"\n") || !strings.Contains(m, `billbot_slack_errors_total{kind="command"} 0`+"\n") {
		t.Errorf("busy or error replies counted:\n%s", m)
	}
}

// TestSlackBusyWhenPoolExhausted: with every connection of the pool held,
// a slash command gets the plain busy reply, not a PostgreSQL error, and
// billbot_slack_busy_replies_total counts it; given back, the next is
// answered.
func TestSlackBusyWhenPoolExhausted(t *testing.T) {
	w := newBusyWorld(t, nil)
	client := &http.Client{Timeout: time.Minute}
	var held []*sql.Conn
	for range 4 {
		c, err := w.st.DB().Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	for _, c := range [][2]string{{"/ar", "aging"}, {"/billing", "status"}} {
		status, text, err := w.command(client, c[0], c[1])
		if err != nil || status != http.StatusOK || text != bot.BusyText {
			t.Errorf("%s %s with the pool held: %d %q %v, want %q", c[0], c[1], status, text, err, bot.BusyText)
		}
	}
	m := w.metrics()
	if !strings.Contains(m, `billbot_slack_busy_replies_total{kind="command"} 2`+"\n") {
		t.Errorf("busy replies not counted:\n%s", m)
	}
	if !strings.Contains(m, `billbot_slack_errors_total{kind="command"} 0`+"\n") {
		t.Errorf("busy counted as an error:\n%s", m)
	}
	for _, c := range held {
		_ = c.Close()
	}
	if status, text, err := w.command(client, "/ar", "aging"); err != nil || status != http.StatusOK || badReply(text) {
		t.Errorf("/ar aging with the pool free: %d %q %v", status, text, err)
	}
}
