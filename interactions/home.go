package interactions

import (
	"context"

	"github.com/slack-go/slack"

	"billbot/internal/chat"
	"billbot/internal/slackui"
	"billbot/internal/workflow"
)

// HomePublisher publishes App Home tabs; the bot's Messenger satisfies it.
type HomePublisher interface {
	PublishHome(ctx context.Context, userID string, view slack.HomeTabViewRequest) error
}

// Events answers Events API events: app_home_opened refreshes the user's
// App Home.
type Events struct {
	wf   *workflow.Workflow
	home HomePublisher
}

// NewEvents returns the events handler.
func NewEvents(wf *workflow.Workflow, home HomePublisher) *Events { return &Events{wf: wf, home: home} }

// EventTypes lists the events answered (see manifest.yml).
func EventTypes() []string { return []string{"app_home_opened"} }

// HandleEvent answers one event.
func (e *Events) HandleEvent(ctx context.Context, ev chat.Event) error {
	if ev.Type != "app_home_opened" || (ev.Tab != "" && ev.Tab != "home") {
		return nil
	}
	firm, err := e.wf.LoadFirm(ctx)
	if err != nil {
		return err
	}
	rd := firm.Reader(ev.UserID)
	if !rd.Allowed() {
		return e.home.PublishHome(ctx, ev.UserID, slackui.StrangerHome())
	}
	h, err := e.wf.Home(ctx, ev.UserID)
	if err != nil {
		return err
	}
	if h, err = e.scopeHome(ctx, rd, ev.UserID, h); err != nil {
		return err
	}
	return e.home.PublishHome(ctx, ev.UserID, slackui.HomeView(h))
}
