package loadtest

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"time"

	"billbot/bot"
	"billbot/commands"
	"billbot/internal/answers"
	"billbot/internal/app"
	"billbot/internal/server"
	"billbot/internal/slacksandbox"
	"billbot/internal/workflow"
	"billbot/store"
)

// Sandbox credentials, never real ones.
const (
	slackToken    = "xoxb-loadtest-bot-token"
	signingSecret = "loadtest-signing-secret"
)

// App is billbot's HTTP side over a store as `billbot serve` assembles it
// (Slack request URLs behind the server's middleware), without QuickBooks,
// with Slack's Web API played by the in-repo sandbox, on a loopback test
// server.
type App struct {
	Workflow *workflow.Workflow
	Commands *commands.Handler
	// Answers is the cache of aging and status answers; nil when the app
	// recomputes every answer (NewAppRecomputing).
	Answers *answers.Ledger
	// Client sends requests to the server, keeping enough idle
	// connections for the load's concurrency.
	Client *http.Client

	url    string
	signer slacksandbox.Signer
	slack  *slacksandbox.Server
	bot    *bot.HTTP
	srv    *httptest.Server
}

// NewApp starts billbot's endpoints over st. today is the business clock
// (which day it is for aging and status); request signatures use the real
// time, as Slack's do.
func NewApp(st *store.Store, today func() time.Time, logger *slog.Logger) (*App, error) {
	return newApp(st, today, logger, false, false)
}

// NewAppRecomputing is NewApp remembering nothing: aging and status
// computed, and charts drawn and uploaded, on every request (app.Parts'
// Recompute and RedrawCharts) — the baseline of the answer cache's
// benchmark.
func NewAppRecomputing(st *store.Store, today func() time.Time, logger *slog.Logger) (*App, error) {
	return newApp(st, today, logger, true, true)
}

// NewAppRecomputingAnswers computes aging and status on every request, as
// NewAppRecomputing does, but shows the chart of unchanged data from its
// earlier upload, as serve does: what the slash-command benchmark times.
func NewAppRecomputingAnswers(st *store.Store, today func() time.Time, logger *slog.Logger) (*App, error) {
	return newApp(st, today, logger, true, false)
}

func newApp(st *store.Store, today func() time.Time, logger *slog.Logger, recompute, redraw bool) (*App, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	a := &App{signer: slacksandbox.Signer{Secret: signingSecret}}
	a.slack = slacksandbox.New(slacksandbox.Options{Token: slackToken})
	api := slacksandbox.SlackClient(a.slack, slackToken)
	messenger := bot.NewMessenger(api, bot.MessengerConfig{Logger: logger})
	billbot := app.Assemble(app.Parts{Store: st, Slack: messenger, Now: today, Logger: logger, Recompute: recompute, RedrawCharts: redraw})
	slk := billbot.Slack(messenger)
	a.Workflow, a.Commands, a.Answers = billbot.Workflow, slk.Commands, billbot.Answers
	var err error
	a.bot, err = bot.NewHTTP(bot.HTTPConfig{
		SigningSecret: signingSecret,
		Identity:      bot.Identity{TeamID: slacksandbox.TeamID, AppID: slacksandbox.AppID},
		Commands:      a.Commands,
		Interactions:  slk.Interactions,
		Events:        slk.Events,
		Deduper:       st,
		Responder:     bot.NewResponder(api, nil, logger),
		Logger:        logger,
	})
	if err != nil {
		a.slack.Close()
		return nil, fmt.Errorf("loadtest: slack transport: %w", err)
	}
	srv := server.New(server.Config{Slack: a.bot.Handler(), Logger: logger, Ready: st.Ping})
	a.srv = httptest.NewServer(srv.Handler())
	a.url = a.srv.URL
	tr := a.srv.Client().Transport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	a.Client = &http.Client{Transport: tr, Timeout: 30 * time.Second}
	return a, nil
}

// Command returns a signed slash command request, as Slack sends one to
// POST /slack/commands (docs.slack.dev/interactivity/implementing-slash-commands).
func (a *App) Command(command, text, user string) *http.Request {
	req, _ := a.CommandReplyingTo(command, text, user)
	return req
}

// CommandReplyingTo is Command that also returns the request's
// response_url, where a reply that missed the ack goes (see ReplyAt).
func (a *App) CommandReplyingTo(command, text, user string) (*http.Request, string) {
	respond := a.slack.NewResponseURL()
	return a.signer.SlashCommand(a.url+"/slack/commands", url.Values{
		"command":      {command},
		"text":         {text},
		"team_id":      {slacksandbox.TeamID},
		"channel_id":   {"C0BILLING"},
		"user_id":      {user},
		"user_name":    {"load"},
		"response_url": {respond},
		"trigger_id":   {"1337." + strconv.FormatInt(time.Now().UnixNano(), 10)},
	}), respond
}

// ReplyAt returns when the first reply reached responseURL; ok is false
// when none did.
func (a *App) ReplyAt(responseURL string) (time.Time, bool) {
	for _, p := range a.slack.ResponsePosts(responseURL) {
		if p.Error == "" {
			return p.At, true
		}
	}
	return time.Time{}, false
}

// Uploads returns how many files were uploaded to the Slack sandbox (the
// charts).
func (a *App) Uploads() int { return len(a.slack.Files()) }

// Wait waits for the work started after acks: the replies that missed
// theirs.
func (a *App) Wait() { a.bot.Wait() }

// Close stops the server and waits for work started after acks.
func (a *App) Close() {
	a.srv.Close()
	a.bot.Wait()
	a.Client.CloseIdleConnections()
	a.slack.Close()
}

// Ping checks that the app's store answers; it exists so callers can warm
// the connection pool before measuring.
func (a *App) Ping(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.url+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := a.Client.Do(req)
	if err != nil {
		return fmt.Errorf("loadtest: readyz: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("loadtest: readyz: %s", resp.Status)
	}
	return nil
}
