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
	"billbot/interactions"
	"billbot/internal/notify"
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
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	a := &App{signer: slacksandbox.Signer{Secret: signingSecret}}
	a.slack = slacksandbox.New(slacksandbox.Options{Token: slackToken})
	api := slacksandbox.SlackClient(a.slack, slackToken)
	messenger := bot.NewMessenger(api, bot.MessengerConfig{Logger: logger})
	a.Workflow = workflow.New(workflow.Deps{Store: st, Notifier: notify.New(messenger, logger), Now: today, Logger: logger})
	a.Commands = commands.New(a.Workflow, today, logger)
	var err error
	a.bot, err = bot.NewHTTP(bot.HTTPConfig{
		SigningSecret: signingSecret,
		Identity:      bot.Identity{TeamID: slacksandbox.TeamID, AppID: slacksandbox.AppID},
		Commands:      a.Commands,
		Interactions:  interactions.New(a.Workflow, messenger, logger),
		Events:        interactions.NewEvents(a.Workflow, messenger),
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
	return a.signer.SlashCommand(a.url+"/slack/commands", url.Values{
		"command":      {command},
		"text":         {text},
		"team_id":      {slacksandbox.TeamID},
		"channel_id":   {"C0BILLING"},
		"user_id":      {user},
		"user_name":    {"load"},
		"response_url": {a.slack.NewResponseURL()},
		"trigger_id":   {"1337." + strconv.FormatInt(time.Now().UnixNano(), 10)},
	})
}

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
