package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/time/rate"

	"billbot/internal/retry"
)

// MessengerConfig tunes a Messenger; the zero value gives Slack's limits
// and the real clock.
type MessengerConfig struct {
	// ChannelInterval spaces messages posted to one channel: chat.postMessage
	// allows about 1 message per second per channel, with short bursts
	// (docs.slack.dev/apis/web-api/rate-limits, docs/vendors.md §1.4). Default 1 s.
	ChannelInterval time.Duration
	// MaxRetries bounds the retries of one call after HTTP 429; default 3.
	MaxRetries int
	// MaxWait is the longest Retry-After the Messenger will sit out; a
	// longer one is returned as the error. Default 2 minutes.
	MaxWait time.Duration
	Now     func() time.Time
	// Sleep waits d or until ctx ends; default a timer.
	Sleep  func(ctx context.Context, d time.Duration) error
	Logger *slog.Logger
	// HistoryPageSize is the limit of each conversations.history page
	// FindPosted reads; default 100, Slack's default. HistoryPages bounds
	// how many pages it reads; default 10.
	HistoryPageSize int
	HistoryPages    int
}

// Messenger sends everything billbot says outside of a response_url:
// messages, updates, DMs, modals and the App Home tab. It spaces posts per
// channel and sits out 429s. Build api without slack.OptionRetry: the
// Messenger does the retrying, with its injectable clock.
type Messenger struct {
	api *slack.Client
	cfg MessengerConfig

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
	dms      map[string]string // user id → DM channel id
}

// NewMessenger wraps api.
func NewMessenger(api *slack.Client, cfg MessengerConfig) *Messenger {
	if cfg.ChannelInterval <= 0 {
		cfg.ChannelInterval = time.Second
	}
	if cfg.MaxRetries <= 0 {
		cfg.MaxRetries = 3
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 2 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = retry.Sleep
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.HistoryPageSize <= 0 {
		cfg.HistoryPageSize = 100
	}
	if cfg.HistoryPages <= 0 {
		cfg.HistoryPages = 10
	}
	return &Messenger{api: api, cfg: cfg, limiters: map[string]*rate.Limiter{}, dms: map[string]string{}}
}

func msgOptions(text string, blocks []slack.Block) []slack.MsgOption {
	opts := []slack.MsgOption{slack.MsgOptionText(text, false)}
	if len(blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(blocks...))
	}
	return opts
}

// Post posts a message to channel and returns its ts.
// docs.slack.dev/reference/methods/chat.postMessage
func (m *Messenger) Post(ctx context.Context, channel, text string, blocks []slack.Block) (string, error) {
	return m.post(ctx, channel, msgOptions(text, blocks))
}

// post paces, posts and sits out 429s.
func (m *Messenger) post(ctx context.Context, channel string, opts []slack.MsgOption) (string, error) {
	if err := m.pace(ctx, channel); err != nil {
		return "", err
	}
	var ts string
	err := m.retry(ctx, "chat.postMessage", func() (err error) {
		_, ts, err = m.api.PostMessageContext(ctx, channel, opts...)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("bot: post to %s: %w", channel, err)
	}
	return ts, nil
}

// Update replaces the text and blocks of message channel/ts.
// docs.slack.dev/reference/methods/chat.update
func (m *Messenger) Update(ctx context.Context, channel, ts, text string, blocks []slack.Block) error {
	err := m.retry(ctx, "chat.update", func() error {
		_, _, _, err := m.api.UpdateMessageContext(ctx, channel, ts, msgOptions(text, blocks)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("bot: update %s/%s: %w", channel, ts, err)
	}
	return nil
}

// PostEphemeral shows a message to userID only, in channel.
// docs.slack.dev/reference/methods/chat.postEphemeral
func (m *Messenger) PostEphemeral(ctx context.Context, channel, userID, text string, blocks []slack.Block) error {
	if err := m.pace(ctx, channel); err != nil {
		return err
	}
	err := m.retry(ctx, "chat.postEphemeral", func() error {
		_, err := m.api.PostEphemeralContext(ctx, channel, userID, msgOptions(text, blocks)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("bot: ephemeral to %s in %s: %w", userID, channel, err)
	}
	return nil
}

// DM opens (or reuses) the direct-message channel with userID and posts
// there. docs.slack.dev/reference/methods/conversations.open (scope im:write)
func (m *Messenger) DM(ctx context.Context, userID, text string, blocks []slack.Block) (channel, ts string, err error) {
	channel, err = m.dmChannel(ctx, userID)
	if err != nil {
		return "", "", err
	}
	ts, err = m.Post(ctx, channel, text, blocks)
	if err != nil {
		return "", "", err
	}
	return channel, ts, nil
}

func (m *Messenger) dmChannel(ctx context.Context, userID string) (string, error) {
	m.mu.Lock()
	ch, ok := m.dms[userID]
	m.mu.Unlock()
	if ok {
		return ch, nil
	}
	err := m.retry(ctx, "conversations.open", func() error {
		c, _, _, err := m.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{userID}})
		if err == nil {
			ch = c.ID
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("bot: open DM with %s: %w", userID, err)
	}
	m.mu.Lock()
	m.dms[userID] = ch
	m.mu.Unlock()
	return ch, nil
}

// OpenView opens a modal with a trigger_id, which Slack accepts once and
// for 3 seconds (docs/vendors.md §1.2); returns the view id.
// docs.slack.dev/reference/methods/views.open
func (m *Messenger) OpenView(ctx context.Context, triggerID string, view slack.ModalViewRequest) (string, error) {
	var id string
	err := m.retry(ctx, "views.open", func() error {
		resp, err := m.api.OpenViewContext(ctx, triggerID, view)
		if err == nil {
			id = resp.ID
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("bot: open view %s: %w", view.CallbackID, err)
	}
	return id, nil
}

// UpdateView replaces the modal viewID.
// docs.slack.dev/reference/methods/views.update
func (m *Messenger) UpdateView(ctx context.Context, viewID string, view slack.ModalViewRequest) error {
	err := m.retry(ctx, "views.update", func() error {
		_, err := m.api.UpdateViewContext(ctx, view, "", "", viewID)
		return err
	})
	if err != nil {
		return fmt.Errorf("bot: update view %s: %w", viewID, err)
	}
	return nil
}

// PublishHome sets userID's App Home tab.
// docs.slack.dev/reference/methods/views.publish
func (m *Messenger) PublishHome(ctx context.Context, userID string, view slack.HomeTabViewRequest) error {
	err := m.retry(ctx, "views.publish", func() error {
		_, err := m.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID, View: view})
		return err
	})
	if err != nil {
		return fmt.Errorf("bot: publish home for %s: %w", userID, err)
	}
	return nil
}

// pace waits for the channel's next free slot. A burst queues: each
// message reserves the slot after the previous one.
func (m *Messenger) pace(ctx context.Context, channel string) error {
	m.mu.Lock()
	lim, ok := m.limiters[channel]
	if !ok {
		lim = rate.NewLimiter(rate.Every(m.cfg.ChannelInterval), 1)
		m.limiters[channel] = lim
	}
	now := m.cfg.Now()
	res := lim.ReserveN(now, 1)
	m.mu.Unlock()
	delay := res.DelayFrom(now)
	if delay <= 0 {
		return nil
	}
	if err := m.cfg.Sleep(ctx, delay); err != nil {
		res.CancelAt(m.cfg.Now())
		return fmt.Errorf("bot: waiting to post to %s: %w", channel, err)
	}
	return nil
}

// retry calls fn again after HTTP 429, waiting Retry-After each time
// (slack-go returns *slack.RateLimitedError, misc.go; docs/vendors.md §1.4).
func (m *Messenger) retry(ctx context.Context, method string, fn func() error) error {
	for attempt := 0; ; attempt++ {
		err := fn()
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || attempt >= m.cfg.MaxRetries || rl.RetryAfter > m.cfg.MaxWait {
			return err
		}
		wait := max(rl.RetryAfter, time.Second)
		m.cfg.Logger.Debug("slack rate limited; waiting", "method", method, "retry_after_ms", wait.Milliseconds(), "attempt", attempt+1)
		if err := m.cfg.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("waiting after rate limit: %w", err)
		}
	}
}

// UserIDByEmail finds the workspace member with that email address.
// docs.slack.dev/reference/methods/users.lookupByEmail (scope
// users:read.email); an unknown or deactivated address is users_not_found.
func (m *Messenger) UserIDByEmail(ctx context.Context, email string) (string, error) {
	var id string
	err := m.retry(ctx, "users.lookupByEmail", func() error {
		u, err := m.api.GetUserByEmailContext(ctx, email)
		if err == nil {
			id = u.ID
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("bot: look up %s: %w", email, err)
	}
	return id, nil
}
