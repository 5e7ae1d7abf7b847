package toggl

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Toggl's documented limits.
//
// Pacing: "For rate limiting we have implemented a Leaky bucket. When a
// limit has been hit the request will get a HTTP 429 response … a safe
// window will be 1 request per second" (engineering.toggl.com/docs/).
//
// Quota: requests that name a workspace or organization count against an
// hourly quota per user and organization, set by the organization's plan
// (Free 30, Starter 240, Premium 600, Enterprise custom); past it the
// server answers 402 until the window resets ("API & Webhook limits",
// support.toggl.com/en/articles/11484112-api-webhook-limits). billbot
// assumes Premium, the plan a firm billing clients from Toggl needs for
// billable rates; WithQuota sets another.
const (
	DefaultInterval    = time.Second
	DefaultQuota       = 600
	DefaultQuotaWindow = time.Hour
)

// Headers with which Toggl reports the quota on every answer (the
// engineering docs' "API Quota" section; the support FAQ "FAQs about API
// limits" says "the response header will show the amount of requests left").
const (
	HeaderQuotaRemaining = "X-Toggl-Quota-Remaining"
	HeaderQuotaResetsIn  = "X-Toggl-Quota-Resets-In" // seconds
)

// limiter keeps the client at one request per interval and under quota
// requests per window, and stops sending when the server says the quota
// is spent until it says it resets.
//
// The quota slots are stamped when a response arrives, not when the request
// leaves: the server counted the request somewhere in between, so counting
// from the later instant never undercounts on the server's side.
type limiter struct {
	interval time.Duration
	quota    int
	window   time.Duration
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error

	mu       sync.Mutex
	next     time.Time   // earliest start of the next request
	done     []time.Time // completion stamps within the window, oldest first
	inFlight int
	blocked  time.Time // the server said the quota is spent until then
}

func newLimiter(interval time.Duration, quota int, window time.Duration, now func() time.Time, sleep func(context.Context, time.Duration) error) *limiter {
	return &limiter{interval: interval, quota: quota, window: window, now: now, sleep: sleep}
}

// acquire waits for the pacing and the quota, reporting whether it waited.
// The slot is released by observe (or release when no response came).
func (l *limiter) acquire(ctx context.Context) (waited bool, err error) {
	for {
		l.mu.Lock()
		now := l.now()
		l.prune(now)
		var wait time.Duration
		switch {
		case now.Before(l.blocked):
			wait = l.blocked.Sub(now)
		case l.quota > 0 && len(l.done)+l.inFlight >= l.quota:
			wait = l.window / time.Duration(l.quota)
			if len(l.done) > 0 {
				wait = l.done[0].Add(l.window).Sub(now)
			}
		case now.Before(l.next):
			wait = l.next.Sub(now)
		default:
			l.next = now.Add(l.interval)
			l.inFlight++
			l.mu.Unlock()
			return waited, nil
		}
		l.mu.Unlock()
		if wait <= 0 {
			wait = time.Millisecond
		}
		waited = true
		if err := l.sleep(ctx, wait); err != nil {
			return waited, err
		}
	}
}

// observe releases the slot of a request whose answer carried h, and
// heeds the quota headers: none left means no request until the reset.
func (l *limiter) observe(h http.Header) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.inFlight--
	l.done = append(l.done, now)
	rem, okRem := headerInt(h, HeaderQuotaRemaining)
	reset, okReset := headerInt(h, HeaderQuotaResetsIn)
	// When the client's own count is full too, it already waits exactly as
	// long as the server's window needs (its stamps are never earlier than
	// the server's); the header, in whole seconds, matters when the count
	// thinks there is room: another program spends the same quota.
	ownFull := l.quota > 0 && len(l.done)+l.inFlight >= l.quota
	if okRem && rem <= 0 && okReset && !ownFull {
		if until := now.Add(time.Duration(reset) * time.Second); until.After(l.blocked) {
			l.blocked = until
		}
	}
}

// release gives back the slot of a request that got no answer.
func (l *limiter) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight--
}

func (l *limiter) prune(now time.Time) {
	cut := now.Add(-l.window)
	i := 0
	for i < len(l.done) && !l.done[i].After(cut) {
		i++
	}
	if i > 0 {
		l.done = append(l.done[:0], l.done[i:]...)
	}
}

func headerInt(h http.Header, name string) (int64, bool) {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}
