// Package slacksandbox is an in-process fake of the parts of Slack billbot
// talks to: the Web API methods it calls, the response_url endpoints Slack
// hands out with every slash command and interaction, a signer that
// builds requests the way Slack sends them to billbot, and Socket Mode
// (apps.connections.open and its WebSocket, socket.go). It runs on an
// httptest server on 127.0.0.1 and records every call for assertions.
//
// The simulated rules follow Slack's method reference pages
// (docs.slack.dev/reference/methods/...) and its rate-limit page
// (docs.slack.dev/apis/web-api/rate-limits); each rule cites its page.
package slacksandbox

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Options configures a Server. The zero value is usable.
type Options struct {
	// Token is the only bot token the Web API accepts; default DefaultToken.
	Token string
	// Now is the sandbox clock (rate-limit windows, trigger and response_url
	// lifetimes, message timestamps); default time.Now.
	Now func() time.Time
	// FaultRate is the share of Web API calls answered with an injected
	// failure (HTTP 503, or 429 with Retry-After: 1), drawn from a PRNG
	// seeded with FaultSeed so that a run can be repeated exactly.
	FaultRate float64
	FaultSeed uint64
	// EnterpriseID, when set, makes the workspace part of an Enterprise
	// Grid organisation: auth.test then reports it.
	EnterpriseID string
	// AppToken is the only app-level token apps.connections.open accepts
	// (Socket Mode, socket.go); default DefaultAppToken. SocketPingInterval
	// is how often each Socket Mode connection is pinged; default
	// DefaultSocketPingInterval.
	AppToken           string
	SocketPingInterval time.Duration
}

// Identity of the sandbox workspace and its bot user.
const (
	DefaultToken = "xoxb-sandbox-token"
	TeamID       = "T0SANDBOX"
	BotUserID    = "U0BILLBOT"
	BotID        = "B0BILLBOT"
	// AppID is billbot's app in the sandbox: bots.info reports it for
	// BotID, and the Signer puts it in api_app_id.
	AppID = "A0BILLBOT"
)

// Server is a running Slack sandbox. All methods are safe for concurrent use.
type Server struct {
	srv  *httptest.Server
	opts Options

	mu        sync.Mutex
	seq       int
	rng       *rand.Rand
	calls     []Call
	messages  map[string][]*Message // by channel, in posting order
	users     map[string]User
	triggers  map[string]*trigger
	views     map[string]*storedView
	homes     map[string]json.RawMessage // published home tab by user id
	limits    map[string]*limit
	failNext  map[string][]string
	responses map[string]*responseURL
	outside   map[string]bool // channels the bot is not in (see channels.go)
	files     *fileStore      // uploads (see files.go), made on first use
	sock      *socketHub      // Socket Mode (socket.go)
}

// New starts a sandbox; stop it with Close.
func New(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts:      opts,
		rng:       rand.New(rand.NewPCG(opts.FaultSeed, opts.FaultSeed^0x5eed)),
		messages:  map[string][]*Message{},
		outside:   map[string]bool{},
		users:     map[string]User{},
		triggers:  map[string]*trigger{},
		views:     map[string]*storedView{},
		homes:     map[string]json.RawMessage{},
		limits:    map[string]*limit{},
		failNext:  map[string][]string{},
		responses: map[string]*responseURL{},
		sock:      newSocketHub(opts.Now, opts.SocketPingInterval),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", s.serveAPI)
	mux.HandleFunc("POST /response/{id}", s.serveResponseURL)
	mux.HandleFunc("POST /upload/{key}", s.serveUpload)
	mux.HandleFunc("GET /link/", s.serveLink)
	s.srv = httptest.NewServer(mux)
	return s
}

// Close shuts the server down.
func (s *Server) Close() {
	s.sock.close()
	s.srv.Close()
}

// URL is the server's base URL (http://127.0.0.1:port).
func (s *Server) URL() string { return s.srv.URL }

// APIURL is the Web API base to give slack.OptionAPIURL; it ends with a slash
// because slack-go appends the method name to it.
func (s *Server) APIURL() string { return s.srv.URL + "/api/" }

// Call is one recorded Web API call.
type Call struct {
	Method    string
	Channel   string
	TS        string
	User      string
	Text      string
	Blocks    json.RawMessage
	TriggerID string
	ViewID    string
	// Status is the HTTP status answered; Error is Slack's error code when
	// the answer was not ok.
	Status int
	Error  string
	At     time.Time
}

// Calls returns every Web API call so far, in arrival order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// SetRateLimit lets method answer at most n calls per window; further calls
// get HTTP 429 with Retry-After (whole seconds until the window ends), as
// Slack does: docs.slack.dev/apis/web-api/rate-limits ("HTTP 429 Too Many
// Requests ... Retry-After header"). n <= 0 removes the limit.
func (s *Server) SetRateLimit(method string, n int, window time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n <= 0 {
		delete(s.limits, method)
		return
	}
	s.limits[method] = &limit{max: n, window: window}
}

// FailNext makes the next call of method answer {"ok":false,"error":code}.
// Repeated calls queue further failures.
func (s *Server) FailNext(method, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext[method] = append(s.failNext[method], code)
}

type limit struct {
	max    int
	window time.Duration
	start  time.Time
	count  int
}

// admit counts one call and, when over the limit, returns the wait to tell.
func (l *limit) admit(now time.Time) (retryAfter time.Duration, ok bool) {
	if l.start.IsZero() || !now.Before(l.start.Add(l.window)) {
		l.start, l.count = now, 0
	}
	if l.count >= l.max {
		return l.start.Add(l.window).Sub(now), false
	}
	l.count++
	return 0, true
}

// nextID returns a fresh id with the given one-letter Slack prefix.
func (s *Server) nextID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%08d", prefix, s.seq)
}

// nextTS returns a message timestamp, unique in the sandbox: Slack message
// ts values are "<unix seconds>.<6 digits>" (docs.slack.dev/messaging).
func (s *Server) nextTS() string {
	s.seq++
	return fmt.Sprintf("%d.%06d", s.opts.Now().Unix(), s.seq%1_000_000)
}

// writeJSON writes v with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// okResponse merges fields into {"ok":true}.
func okResponse(fields map[string]any) map[string]any {
	out := map[string]any{"ok": true}
	for k, v := range fields {
		out[k] = v
	}
	return out
}

// bearer returns the token of an "Authorization: Bearer" header.
func bearer(h http.Header) string {
	v, ok := strings.CutPrefix(h.Get("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	return strings.TrimSpace(v)
}
