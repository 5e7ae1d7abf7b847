package interactions

import (
	"context"
	"fmt"

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
	wf    *workflow.Workflow
	home  HomePublisher
	links ConnectLinker
}

// ConnectLinker gives the App Home QuickBooks section for user: a fresh
// one-time connect link for a firm approver, nil for anyone else.
type ConnectLinker func(ctx context.Context, userID string) (*slackui.QBOConnect, error)

// WithConnectLinks makes App Home offer firm approvers a one-time link that
// connects QuickBooks.
func (e *Events) WithConnectLinks(f ConnectLinker) *Events {
	e.links = f
	return e
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
	if rd.All {
		// Last month's figures; a failure leaves the block out, not the tab.
		if health, err := e.wf.LastMonthHealth(ctx); err == nil {
			h.Health = &health
		}
	}
	var linkErr error
	if e.links != nil {
		// Without a link the rest of the tab is still worth showing.
		if h.QBO, linkErr = e.links(ctx, ev.UserID); linkErr != nil {
			h.QBO, linkErr = nil, fmt.Errorf("app home: qbo connect link: %w", linkErr)
		}
	}
	if err := e.home.PublishHome(ctx, ev.UserID, slackui.HomeView(h)); err != nil {
		return err
	}
	return linkErr
}
