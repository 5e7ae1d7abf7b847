// Package harvestsandbox is an in-process imitation of the Harvest API v2
// for tests and the demo: time entries, clients, projects, assignments and
// the company, with Harvest's headers, pagination, rate limit and injectable
// faults. Every simulated behaviour cites the Harvest doc it follows.
package harvestsandbox

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"billbot/internal/ratelimit"
	"billbot/internal/retry"
)

// Defaults of Options.
const (
	DefaultAccountID = "123456"
	DefaultToken     = "sandbox-token"
	// DefaultLimit and DefaultWindow are Harvest's general rate limit,
	// 100 requests per 15 seconds
	// (help.getharvest.com/api-v2/introduction/overview/general/ "Rate Limiting").
	DefaultLimit  = 100
	DefaultWindow = 15 * time.Second
)

// Options configures a Server. Zero values take the defaults.
type Options struct {
	AccountID string
	Token     string
	// Limit requests are allowed per Window; more get 429. A negative Limit
	// turns the rate limit off.
	Limit  int
	Window time.Duration
	// Now is the server's clock: rate-limit windows and the updated_at of
	// mutations. Nil means time.Now.
	Now func() time.Time
	// Sleep waits out simulated slow responses; nil uses a real timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Seed seeds the random source that picks faulty requests.
	Seed   uint64
	Faults Faults
}

// Faults makes some requests fail or answer slowly, picked at random with
// the seeded source.
type Faults struct {
	ErrorRate float64 // fraction of requests answered with a 5xx
	// Statuses are the 5xx codes to pick from; empty means 500, 502, 503.
	Statuses  []int
	SlowRate  float64       // fraction of requests delayed by SlowDelay
	SlowDelay time.Duration // delay of a slow response
}

// Stats counts what the server has answered.
type Stats struct {
	Requests     int // every request received
	Throttled    int // answered 429
	Faults       int // answered with an injected 5xx
	Unauthorized int // answered 400 or 401 for missing headers
	TimeEntries  int // time entries served
}

// Server is the sandbox: an http.Handler, and an httptest server once
// started.
type Server struct {
	opts Options
	now  func() time.Time
	mux  *http.ServeMux

	mu              sync.Mutex
	company         Company
	clients         map[int64]Client
	clientOrder     []int64
	projects        map[int64]Project
	projectOrder    []int64
	tasks           map[int64]Task
	users           map[int64]User
	taskAssignments []TaskAssignment
	userAssignments []UserAssignment
	uaByPU          map[[2]int64]UserAssignment
	taByPT          map[[2]int64]TaskAssignment
	entries         []Entry
	index           map[int64]int
	queries         map[string][]int32
	nextID          int64
	hits            ratelimit.Log // admissions of counted requests
	rng             *rand.Rand
	faults          Faults
	stats           Stats

	ts *httptest.Server
}

// New returns a sandbox holding an empty account; Seed or Add fill it.
func New(opts Options) *Server {
	if opts.AccountID == "" {
		opts.AccountID = DefaultAccountID
	}
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
	if opts.Sleep == nil {
		opts.Sleep = retry.Sleep
	}
	s := &Server{
		opts:   opts,
		now:    opts.Now,
		rng:    rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
		faults: opts.Faults,
	}
	s.Seed(GeneratedFirm{Company: Company{Name: "Sandbox CPA", ApprovalFeature: true, WeekStartDay: "Monday"}})
	s.routes()
	return s
}

// AccountID is the Harvest-Account-Id the server accepts.
func (s *Server) AccountID() string { return s.opts.AccountID }

// Token is the bearer token the server accepts.
func (s *Server) Token() string { return s.opts.Token }

// Start serves on a random port of 127.0.0.1.
func (s *Server) Start() {
	s.ts = httptest.NewServer(s)
}

// URL is the API base, ending in "/v2/", for harvest.NewClient.
func (s *Server) URL() string {
	if s.ts == nil {
		return ""
	}
	return s.ts.URL + "/v2/"
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

// ServeHTTP checks what Harvest checks before any endpoint: headers, rate
// limit, then the injected faults.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.stats.Requests++
	s.mu.Unlock()
	if code, body := s.checkHeaders(r); code != 0 {
		s.mu.Lock()
		s.stats.Unauthorized++
		s.mu.Unlock()
		writeJSON(w, code, body)
		return
	}
	if retry, ok := s.admit(); !ok {
		// 429 with Retry-After in whole seconds, rounded up so that a
		// client waiting exactly that long is admitted
		// (help.getharvest.com/api-v2/introduction/overview/general/ "Rate Limiting").
		secs := int64((retry + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", itoa(secs))
		writeJSON(w, http.StatusTooManyRequests, []byte(`{"message":"Too Many Requests"}`))
		return
	}
	if status, delay := s.pickFault(); status != 0 || delay > 0 {
		if delay > 0 {
			if err := s.opts.Sleep(r.Context(), delay); err != nil {
				return
			}
		}
		if status != 0 {
			writeJSON(w, status, []byte(`{"message":"Internal Server Error"}`))
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// checkHeaders applies Harvest's header rules
// (help.getharvest.com/api-v2/introduction/overview/general/ "API Requests"):
// a User-Agent is required (400 without it), and the bearer token and
// Harvest-Account-Id must match, else 401 invalid_token, the body reported on
// GitHub in googleworkspace/apps-script-oauth2, thread #90.
func (s *Server) checkHeaders(r *http.Request) (int, []byte) {
	if strings.TrimSpace(r.Header.Get("User-Agent")) == "" {
		return http.StatusBadRequest, []byte(`{"error":"bad_request","error_description":"A User-Agent header naming your application and a contact is required."}`)
	}
	auth := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || tok != s.opts.Token || r.Header.Get("Harvest-Account-Id") != s.opts.AccountID {
		return http.StatusUnauthorized, []byte(`{"error":"invalid_token","error_description":"The access token provided is expired, revoked, malformed or invalid for other reasons."}`)
	}
	return 0, nil
}

// admit applies the sliding-window rate limit. A request received at t
// occupies its slot until exactly t+Window. Throttled requests do not count.
func (s *Server) admit() (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opts.Limit < 0 {
		return 0, true
	}
	wait, ok := s.hits.Admit(s.now(), s.opts.Limit, s.opts.Window)
	if !ok {
		s.stats.Throttled++
	}
	return wait, ok
}

// pickFault decides, with the seeded source, whether this request fails or
// is slow.
func (s *Server) pickFault() (status int, delay time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faults
	if f.SlowRate > 0 && s.rng.Float64() < f.SlowRate {
		delay = f.SlowDelay
	}
	if f.ErrorRate > 0 && s.rng.Float64() < f.ErrorRate {
		codes := f.Statuses
		if len(codes) == 0 {
			codes = []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}
		}
		status = codes[s.rng.IntN(len(codes))]
		s.stats.Faults++
	}
	return status, delay
}

func writeJSON(w http.ResponseWriter, code int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(body)
}
