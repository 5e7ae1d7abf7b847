package qbtime

import "time"

// QuickBooks Time's rate limit: at most 300 calls within any 5-minute
// window, per access token (tsheetsteam.github.io/api_docs/ "Request
// Throttling"). The docs add that the threshold may be lowered for a
// client found abusing the API; WithLimiter sets a lower one.
const (
	DefaultLimit  = 300
	DefaultWindow = 5 * time.Minute
)

// The client keeps under the limit with a ratelimit.Window of
// DefaultLimit requests per DefaultWindow (WithLimiter sets others).
