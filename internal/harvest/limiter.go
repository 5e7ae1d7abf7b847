package harvest

import "time"

// Harvest's general rate limit: 100 requests per 15 seconds
// (help.getharvest.com/api-v2/introduction/overview/general/ "Rate Limiting").
const (
	DefaultLimit  = 100
	DefaultWindow = 15 * time.Second
)

// The client keeps under the limit with a ratelimit.Window of
// DefaultLimit requests per DefaultWindow (WithLimiter sets others).
