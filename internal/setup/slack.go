package setup

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/time/rate"

	"billbot/internal/retry"
)

// SlackTier3 is users.lookupByEmail's rate limit, Tier 3: 50+ per minute
// (docs.slack.dev/reference/methods/users.lookupByEmail,
// docs.slack.dev/apis/web-api/rate-limits).
const (
	SlackTier3PerWindow = 50
	SlackTier3Window    = time.Minute
)

// SlackDirectory looks users up by email with slack-go, paced to the
// method's tier and waiting out a 429's Retry-After.
type SlackDirectory struct {
	api     *slack.Client
	limiter *rate.Limiter
}

// NewSlackDirectory paces calls to n per window (SlackTier3PerWindow per
// SlackTier3Window for Slack itself): a burst of n, then n a window. Slack
// tolerates bursts ("50+ per minute"); a 429 is waited out.
func NewSlackDirectory(api *slack.Client, n int, window time.Duration) *SlackDirectory {
	return &SlackDirectory{api: api, limiter: rate.NewLimiter(rate.Every(window/time.Duration(n)), n)}
}

// LookupEmail calls users.lookupByEmail; users_not_found is not an error.
func (d *SlackDirectory) LookupEmail(ctx context.Context, email string) (string, bool, error) {
	for attempt := 0; ; attempt++ {
		if err := d.limiter.Wait(ctx); err != nil {
			return "", false, err
		}
		u, err := d.api.GetUserByEmailContext(ctx, email)
		var rl *slack.RateLimitedError
		var se slack.SlackErrorResponse
		switch {
		case err == nil:
			return u.ID, true, nil
		case errors.As(err, &se) && (se.Err == "users_not_found" || se.Err == "user_not_found"):
			return "", false, nil
		case err.Error() == "users_not_found" || err.Error() == "user_not_found":
			return "", false, nil
		case errors.As(err, &rl) && attempt < 5:
			if err := retry.Sleep(ctx, rl.RetryAfter); err != nil {
				return "", false, err
			}
		default:
			return "", false, fmt.Errorf("slack users.lookupByEmail: %w", err)
		}
	}
}
