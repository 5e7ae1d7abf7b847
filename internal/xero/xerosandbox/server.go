// Package xerosandbox is an in-process Xero stand-in for tests, benchmarks
// and the demo: an httptest server that follows Xero's Accounting API 2.0
// and identity endpoints as docs/vendors.md §6 describes them — OAuth 2.0
// with rotating refresh tokens, GET /connections and the xero-tenant-id
// header, invoices with Xero's rounding, totals and status rules, emails,
// payments, credit notes, If-Modified-Since, Idempotency-Key replay, the
// per-tenant limits with 429 + Retry-After + X-Rate-Limit-Problem, and
// signed webhooks with the intent-to-receive probe — plus seeded fault
// injection: throttling, server errors, timeouts and responses dropped after
// the write was committed.
package xerosandbox

import (
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Faults are the fractions (0–1) of API calls that fail, drawn from a RNG
// seeded with Seed so a run is reproducible.
type Faults struct {
	Seed        uint64
	Throttle    float64 // 429, X-Rate-Limit-Problem: minute
	ServerError float64 // 500
	Unavailable float64 // 503
	Timeout     float64 // no answer until the client gives up
	// DropAfterCommit applies the request, then closes the connection
	// without a response: the client cannot know the write happened.
	DropAfterCommit float64
}

// Fault kinds for FailNext.
const (
	FaultThrottle        = "throttle"
	FaultServerError     = "server_error"
	FaultUnavailable     = "unavailable"
	FaultTimeout         = "timeout"
	FaultDropAfterCommit = "drop_after_commit"
)

// Options configure a Server. Zero values take Xero's documented defaults.
type Options struct {
	TenantID     string
	TenantName   string
	ClientID     string
	ClientSecret string
	BaseCurrency string   // "USD"
	Currencies   []string // enabled besides the base: EUR, GBP, AUD, NZD by default
	// AccessTokenTTL is the access token lifetime (Xero: 30 minutes).
	AccessTokenTTL time.Duration
	// RefreshGrace is how long a rotated-out refresh token still works.
	// Xero lets a client that lost the answer retry the old token for 30
	// minutes (developer.xero.com/faq/oauth2); 0, the default, refuses it at
	// once, the strict reading a client must survive.
	RefreshGrace time.Duration
	// StaticToken, when set, is a bearer token that is always valid.
	StaticToken string
	// Now is the sandbox clock for tokens, UpdatedDateUTC and
	// If-Modified-Since; throttling windows always use real time.
	Now func() time.Time
	// MaxConcurrent, PerWindow, PerDay and AppPerWindow are Xero's 5 at
	// once, 60 a minute and 5,000 a day per tenant and 10,000 a minute per
	// app (docs/vendors.md §6.10) over Window and DayWindow (scaled down in
	// benchmarks). A negative value disables the limit.
	MaxConcurrent int
	PerWindow     int
	PerDay        int
	AppPerWindow  int
	Window        time.Duration
	DayWindow     time.Duration
	// RetryAfter overrides the computed Retry-After (whole seconds until the
	// window frees a call) on 429s; "-" sends none.
	RetryAfter string
	// IdempotencyTTL is how long a key's answer is replayed (24 hours by
	// default; see docs/vendors.md §6.9).
	IdempotencyTTL time.Duration
	// WebhookKey signs webhook deliveries (x-xero-signature).
	WebhookKey string
	// TimeoutHold is how long a "timeout" fault holds the request when the
	// client does not give up first.
	TimeoutHold time.Duration
	Faults      Faults
}

// Server is a running sandbox. Its methods are safe for concurrent use.
type Server struct {
	opts Options
	ts   *httptest.Server

	mu        sync.Mutex
	rng       *rand.Rand
	forced    []string
	codes     map[string]bool
	access    map[string]time.Time
	refresh   map[string]time.Time // token → dies at (zero: current)
	refreshes int
	refused   int
	seq       int
	contacts  []*contact
	items     []*item
	accounts  []account
	taxRates  []taxRate
	invoices  []*invoice
	byID      map[string]*invoice
	credits   []*creditNote
	payments  int
	keys      map[string]replay
	created   map[string]int // idempotency key → invoices it created
	calls     map[string]int
	emails    map[string][]string
	events    []event
	delivered int
	inflight  int
	win       []time.Time
	day       []time.Time
}

type replay struct {
	at     time.Time
	status int
	body   []byte
}

// New starts a sandbox on 127.0.0.1 with a chart of accounts, tax rates and
// currencies; contacts and items are added with AddContact and AddItem.
func New(opts Options) *Server {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&opts.TenantID, "b1c2d3e4-0000-4000-8000-00000000a001")
	def(&opts.TenantName, "Demo Company (US)")
	def(&opts.ClientID, "sandbox-client")
	def(&opts.ClientSecret, "sandbox-secret")
	def(&opts.BaseCurrency, "USD")
	if opts.Currencies == nil {
		opts.Currencies = []string{"EUR", "GBP", "AUD", "NZD"}
	}
	if opts.AccessTokenTTL == 0 {
		opts.AccessTokenTTL = 30 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	defInt := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	defInt(&opts.MaxConcurrent, 5)
	defInt(&opts.PerWindow, 60)
	defInt(&opts.PerDay, 5000)
	defInt(&opts.AppPerWindow, 10000)
	if opts.Window == 0 {
		opts.Window = time.Minute
	}
	if opts.DayWindow == 0 {
		opts.DayWindow = 24 * time.Hour
	}
	if opts.IdempotencyTTL == 0 {
		opts.IdempotencyTTL = 24 * time.Hour
	}
	if opts.TimeoutHold == 0 {
		opts.TimeoutHold = 2 * time.Minute
	}
	s := &Server{
		opts: opts, rng: rand.New(rand.NewPCG(opts.Faults.Seed, opts.Faults.Seed^0x9e3779b97f4a7c15)),
		codes: map[string]bool{}, access: map[string]time.Time{}, refresh: map[string]time.Time{},
		byID: map[string]*invoice{}, keys: map[string]replay{}, created: map[string]int{},
		calls: map[string]int{}, emails: map[string][]string{},
	}
	s.seed()
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+AuthorizePath, s.authorize)
	mux.HandleFunc("POST "+TokenPath, s.token)
	mux.HandleFunc("GET /connections", s.connections)
	mux.HandleFunc("/api.xro/2.0/{rest...}", s.api)
	s.ts = httptest.NewServer(mux)
	return s
}

// Paths of the identity endpoints below IdentityURL (Xero's are
// login.xero.com/identity/connect/authorize and identity.xero.com/connect/token).
const (
	AuthorizePath = "/identity/connect/authorize"
	TokenPath     = "/connect/token"
)

// Close stops the server.
func (s *Server) Close() { s.ts.Close() }

// URL is the API base URL to give xero.NewClient.
func (s *Server) URL() string { return s.ts.URL + "/" }

// IdentityURL is the identity base URL to give xero.NewOAuthConfig.
func (s *Server) IdentityURL() string { return s.ts.URL }

// TenantID is the sandbox organisation's id.
func (s *Server) TenantID() string { return s.opts.TenantID }

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Calls returns the number of API calls by endpoint ("PUT Invoices",
// "POST Invoices/{id}/Email", ...), failed ones included.
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.calls)
}

// TotalCalls is the sum of Calls.
func (s *Server) TotalCalls() int {
	n := 0
	for _, v := range s.Calls() {
		n += v
	}
	return n
}

// InvoiceCount is the number of invoices, deleted and voided included.
func (s *Server) InvoiceCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.invoices)
}

// InvoicesByKey returns how many invoices each Idempotency-Key created.
// Every value should be 1.
func (s *Server) InvoicesByKey() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.created)
}

// Emails returns the addresses invoice id was emailed to, one per email.
func (s *Server) Emails(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.emails[id]...)
}

// Refreshes is the number of refresh-token grants honoured; Refused the
// number of refresh or code grants refused with invalid_grant.
func (s *Server) Refreshes() (ok, refused int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshes, s.refused
}

// FailNext makes the next n API calls fail with kind (Fault* constants).
func (s *Server) FailNext(kind string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.forced = append(s.forced, kind)
	}
}

// endpoint names a call for the counters: "PUT Invoices", "GET Invoices/{id}".
func endpoint(method, rest string) string {
	parts := strings.Split(rest, "/")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "Email" {
			parts[i] = "{id}"
		}
	}
	return method + " " + strings.Join(parts, "/")
}
