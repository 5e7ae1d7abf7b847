// Package qbtimesandbox is an in-process imitation of the QuickBooks Time
// (formerly TSheets) API v1 for tests and the demo: users with their
// approved_to dates, the jobcode tree, timesheets and deleted timesheets,
// with the API's bearer-token check, page/limit/"more" paging,
// supplemental_data, the 300-calls-per-5-minutes rate limit and injectable
// faults. Every simulated behaviour cites the doc it follows
// (tsheetsteam.github.io/api_docs/); where the docs are silent the
// comment says what the sandbox chose.
package qbtimesandbox

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"billbot/internal/ratelimit"
)

// Defaults of Options.
const (
	DefaultToken = "sandbox-access-token"
	// DefaultLimit and DefaultWindow are QuickBooks Time's rate limit: "a
	// maximum of 300 calls within any 5 minute time window"
	// (tsheetsteam.github.io/api_docs/ "Request Throttling").
	DefaultLimit  = 300
	DefaultWindow = 5 * time.Minute
)

// Options configures a Server. Zero values take the defaults.
type Options struct {
	Token string
	// Limit requests are allowed per Window; more get 429. A negative Limit
	// turns the rate limit off.
	Limit  int
	Window time.Duration
	// OmitRetryAfter sends 429s without a Retry-After header. The docs name
	// no such header; by default the sandbox sends one (seconds until a
	// slot frees) and clients must cope with either.
	OmitRetryAfter bool
	// NoAncestors leaves a timesheet's parent jobcodes out of
	// supplemental_data, keeping only the jobcodes the timesheets name. The
	// docs' example includes the parent; whether the API always does is
	// not documented.
	NoAncestors bool
	// Now is the server's clock: rate-limit windows and the last_modified
	// of mutations. Nil means time.Now.
	Now func() time.Time
	// Seed seeds the random source that picks faulty requests.
	Seed   uint64
	Faults Faults
}

// Faults makes some requests fail, picked at random with the seeded
// source, or the next few fail in order.
type Faults struct {
	ErrorRate float64 // fraction of requests answered with a 5xx
	// Statuses are the 5xx codes to pick from; empty means 500 and 503, the
	// codes the docs list (tsheetsteam.github.io/api_docs/ "5xx response
	// codes").
	Statuses []int
	// Throttle answers the next Throttle requests with 429, whatever the
	// rate limit says.
	Throttle int
	// Fail answers the next Fail requests with 503.
	Fail int
}

// Stats counts what the server has answered.
type Stats struct {
	Requests     int // every request received
	Throttled    int // answered 429
	Faults       int // answered with an injected 5xx
	Unauthorized int // answered 401
	Timesheets   int // timesheets served
}

// Server is the sandbox: an http.Handler, and an httptest server once
// started.
type Server struct {
	opts Options
	now  func() time.Time
	mux  *http.ServeMux

	mu         sync.Mutex
	company    string
	users      map[int64]*User
	userOrder  []int64
	jobcodes   map[int64]*Jobcode
	jobOrder   []int64
	children   map[int64][]int64
	timesheets []Timesheet
	live       []bool
	index      map[int64]int
	deleted    []Deleted
	queries    map[string][]int32
	rendered   map[[2]int64][]byte // users (0, id) and jobcodes (1, id) as JSON
	nextID     int64
	hits       ratelimit.Log
	rng        *rand.Rand
	faults     Faults
	stats      Stats

	ts *httptest.Server
}

// New returns a sandbox holding an empty company; Seed or Add fill it.
func New(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	if opts.Limit == 0 {
		opts.Limit = DefaultLimit
	}
	if opts.Window <= 0 {
		opts.Window = DefaultWindow
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts:   opts,
		now:    opts.Now,
		rng:    rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
		faults: opts.Faults,
	}
	s.Seed(Firm{Company: "Sandbox CPA"})
	s.routes()
	return s
}

// Token is the access token the server accepts.
func (s *Server) Token() string { return s.opts.Token }

// Start serves on a random port of 127.0.0.1.
func (s *Server) Start() { s.ts = httptest.NewServer(s) }

// URL is the API base, ending in "/api/v1/", for qbtime.NewClient.
func (s *Server) URL() string {
	if s.ts == nil {
		return ""
	}
	return s.ts.URL + "/api/v1/"
}

// Close stops the server started by Start.
func (s *Server) Close() {
	if s.ts != nil {
		s.ts.Close()
	}
}

// SetFaults replaces the fault settings.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// SetRateLimit replaces the rate limit: n requests per window; n < 0 turns
// it off.
func (s *Server) SetRateLimit(n int, window time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.Limit, s.opts.Window = n, window
	s.hits.Reset()
}

// Stats returns the server's counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// ServeHTTP checks what the API checks before any endpoint: the access
// token, the rate limit, then the injected faults.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.stats.Requests++
	s.mu.Unlock()
	// "Failure to include the access token or using an expired token will
	// result in a 401 response" (tsheetsteam.github.io/api_docs/ "Access
	// Token Request"), sent as "Authorization: Bearer <token>".
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok != s.opts.Token {
		s.mu.Lock()
		s.stats.Unauthorized++
		s.mu.Unlock()
		writeError(w, http.StatusUnauthorized, "Unauthorized: the access token is missing, expired or revoked")
		return
	}
	if retry, ok := s.admit(); !ok {
		// 429 "Too many requests" until the window has passed
		// (tsheetsteam.github.io/api_docs/ "Request Throttling"). The docs
		// name no Retry-After; the sandbox sends whole seconds, rounded up,
		// unless OmitRetryAfter.
		if !s.opts.OmitRetryAfter {
			w.Header().Set("Retry-After", strconv.FormatInt(int64((retry+time.Second-1)/time.Second), 10))
		}
		writeError(w, http.StatusTooManyRequests, "Too many requests")
		return
	}
	if status := s.pickFault(); status != 0 {
		// 5xx: "Try your request again in a moment"
		// (tsheetsteam.github.io/api_docs/ "5xx response codes").
		writeError(w, status, http.StatusText(status))
		return
	}
	s.mux.ServeHTTP(w, r)
}

// admit applies the rate limit as a sliding window: a request received at
// t occupies its slot until exactly t+Window. The docs count calls "within
// any 5 minute time window". Throttled requests do not count.
func (s *Server) admit() (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.Throttle > 0 {
		s.faults.Throttle--
		s.stats.Throttled++
		return time.Second, false
	}
	if s.opts.Limit < 0 {
		return 0, true
	}
	wait, ok := s.hits.Admit(s.now(), s.opts.Limit, s.opts.Window)
	if !ok {
		s.stats.Throttled++
	}
	return wait, ok
}

// pickFault decides whether this request fails.
func (s *Server) pickFault() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &s.faults
	if f.Fail > 0 {
		f.Fail--
		s.stats.Faults++
		return http.StatusServiceUnavailable
	}
	if f.ErrorRate > 0 && s.rng.Float64() < f.ErrorRate {
		codes := f.Statuses
		if len(codes) == 0 {
			codes = []int{http.StatusInternalServerError, http.StatusServiceUnavailable}
		}
		s.stats.Faults++
		return codes[s.rng.IntN(len(codes))]
	}
	return 0
}

// writeError writes an exception: "code" and "message"
// (tsheetsteam.github.io/api_docs/ "Exceptions"), under "error".
func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(`{"error":{"code":` + strconv.Itoa(code) + `,"message":` + strconv.Quote(msg) + `}}`))
}
