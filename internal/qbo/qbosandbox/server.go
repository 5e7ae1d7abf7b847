// Package qbosandbox is an in-process QuickBooks Online stand-in for tests
// and the demo: an httptest server that follows the shapes of Intuit's
// Accounting API v3 reference and the rules in docs/vendors.md §2 (OAuth with
// rotating refresh tokens, Fault bodies, SyncToken locking, requestid
// replay, query paging, batch, CDC, webhooks, throttling), plus seeded fault
// injection: throttling, server errors, timeouts and responses dropped after
// the write was committed.
package qbosandbox

import (
	"encoding/json"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Paths of the OAuth endpoints on the sandbox; the API lives under
// /v3/company/{realmId}/ (docs/vendors.md §2.1, §2.9).
const (
	AuthorizePath = "/connect/oauth2"
	TokenPath     = "/oauth2/v1/tokens/bearer"
)

// Faults are the fractions (0–1) of API calls that fail, drawn from a RNG
// seeded with Seed so a run is reproducible.
type Faults struct {
	Seed        uint64
	Throttle    float64 // 429
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

// Options configure a Server. Zero values take QBO's documented defaults.
type Options struct {
	RealmID      string
	ClientID     string
	ClientSecret string
	HomeCurrency string // "USD"
	CompanyName  string
	// AccessTokenTTL is the access token lifetime (QBO: 1 hour).
	AccessTokenTTL time.Duration
	// RefreshGrace is how many more times a rotated-out refresh token is
	// still accepted (0: it stops working at once).
	RefreshGrace int
	// StaticToken, when set, is a bearer token that is always valid.
	StaticToken string
	// Now is the sandbox clock for token expiry, timestamps and CDC;
	// throttling windows always use real time.
	Now func() time.Time
	// MaxConcurrent, PerWindow and BatchPerWindow are QBO's 10 concurrent,
	// 500 requests/min and 40 batch/min (docs/vendors.md §2.7–2.8) over Window
	// (one minute; scaled down in benchmarks). A negative value disables
	// the limit.
	MaxConcurrent  int
	PerWindow      int
	BatchPerWindow int
	Window         time.Duration
	// RetryAfter is the Retry-After header value on 429; empty sends none
	// (then clients wait QBO's 60 s).
	RetryAfter string
	// TimeoutHold is how long a "timeout" fault holds the request when the
	// client does not give up first (QBO: 120 s).
	TimeoutHold time.Duration
	Faults      Faults
}

// Server is a running sandbox. Its methods are safe for concurrent use.
type Server struct {
	opts Options
	ts   *httptest.Server

	mu            sync.Mutex
	rng           *rand.Rand
	forced        []string
	codes         map[string]string // authorization code → realm
	realmOf       map[string]string // token of another company → its realm
	others        map[string]string // other companies' realm → name
	authRealm     string            // realm the authorize page grants; "" = the sandbox's
	access        map[string]time.Time
	refresh       map[string]int // token → remaining uses; -1 = current
	refreshes     int
	invalidGrants int
	ent           map[string]*table
	nextID        int
	docNumber     int
	replays       map[string]stored
	changes       []change
	delivered     int
	calls         map[string]int
	byRID         map[string]int
	emails        map[string][]string // invoice id → addresses emailed, one per send (replays excluded)
	inflight      int
	win           []time.Time
	batchWin      []time.Time
}

type stored struct {
	status int
	body   []byte
}

// New starts a sandbox on 127.0.0.1.
func New(opts Options) *Server {
	if opts.RealmID == "" {
		opts.RealmID = "9130350000000001"
	}
	if opts.ClientID == "" {
		opts.ClientID = "sandbox-client"
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = "sandbox-secret"
	}
	if opts.HomeCurrency == "" {
		opts.HomeCurrency = "USD"
	}
	if opts.CompanyName == "" {
		opts.CompanyName = "Sandbox Company_US_1"
	}
	if opts.AccessTokenTTL == 0 {
		opts.AccessTokenTTL = time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxConcurrent == 0 {
		opts.MaxConcurrent = 10
	}
	if opts.PerWindow == 0 {
		opts.PerWindow = 500
	}
	if opts.BatchPerWindow == 0 {
		opts.BatchPerWindow = 40
	}
	if opts.Window == 0 {
		opts.Window = time.Minute
	}
	if opts.TimeoutHold == 0 {
		opts.TimeoutHold = 120 * time.Second
	}
	s := &Server{
		opts:    opts,
		rng:     rand.New(rand.NewPCG(opts.Faults.Seed, opts.Faults.Seed^0x9e3779b97f4a7c15)),
		codes:   map[string]string{},
		realmOf: map[string]string{},
		others:  map[string]string{},
		access:  map[string]time.Time{},
		refresh: map[string]int{},
		ent:     map[string]*table{},
		nextID:  1,
		replays: map[string]stored{},
		calls:   map[string]int{},
		byRID:   map[string]int{},
		emails:  map[string][]string{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+AuthorizePath, s.authorize)
	mux.HandleFunc("POST "+TokenPath, s.token)
	mux.HandleFunc("/v3/company/{realm}/{rest...}", s.api)
	s.ts = httptest.NewServer(mux)
	return s
}

// Close stops the server.
func (s *Server) Close() { s.ts.Close() }

// URL is the API base URL to give qbo.NewClient.
func (s *Server) URL() string { return s.ts.URL + "/" }

// AuthURL is the authorize endpoint.
func (s *Server) AuthURL() string { return s.ts.URL + AuthorizePath }

// TokenURL is the token endpoint.
func (s *Server) TokenURL() string { return s.ts.URL + TokenPath }

// RealmID is the sandbox company's id.
func (s *Server) RealmID() string { return s.opts.RealmID }

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Calls returns the number of API calls by endpoint ("POST invoice",
// "GET query", ...), failed ones included.
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

// InvoicesByRequestID returns how many invoices each requestid created
// (batch items count as "requestid/bId"). Every value should be 1.
func (s *Server) InvoicesByRequestID() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.byRID)
}

// FailNext makes the next n API calls fail with kind (Fault* constants),
// before any random faults.
func (s *Server) FailNext(kind string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.forced = append(s.forced, kind)
	}
}

// writeJSON sends v with the intuit_tid header QBO sets on every response.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	w.Write(body)
}

// result is a handler's answer before it is written, so it can be stored
// for requestid replay or dropped.
type result struct {
	status int
	body   map[string]any
}

func (s *Server) marshal(r result) []byte {
	if r.body == nil {
		r.body = map[string]any{}
	}
	r.body["time"] = s.opts.Now().Format("2006-01-02T15:04:05.000-07:00")
	b, err := json.Marshal(r.body)
	if err != nil {
		return []byte(`{"Fault":{"Error":[{"Message":"internal","code":"-1"}],"type":"SystemFault"}}`)
	}
	return b
}

// endpoint names a call for the counters: "POST invoice", "GET invoice/{id}".
func endpoint(method, rest string) string {
	parts := strings.Split(rest, "/")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "send" && parts[i] != "pdf" {
			parts[i] = "{id}"
		}
	}
	return method + " " + strings.Join(parts, "/")
}
