// Package togglsandbox is an in-repo Toggl Track server for tests and the
// demo: the API v9 resources billbot reads, the Reports API v3 detailed
// search with its paging headers, HTTP basic auth with an API token, the
// leaky-bucket 429, the hourly quota's 402 with its headers, and deletions
// recorded as server_deleted_at. Every behaviour cites Toggl's docs.
package togglsandbox

import (
	"encoding/base64"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"billbot/internal/billing"
)

// Defaults of a sandbox.
const (
	DefaultToken       = "sandbox-api-token"
	DefaultWorkspaceID = 7654321
	// DefaultInterval and DefaultBurst shape the leaky bucket: Toggl names
	// "1 request per second" as the safe window and no bucket size
	// (engineering.toggl.com/docs/); billbot assumes room for a few.
	DefaultInterval = time.Second
	DefaultBurst    = 3
	// DefaultQuota per DefaultQuotaWindow is the Premium plan's
	// (support.toggl.com/en/articles/11484112-api-webhook-limits).
	DefaultQuota       = 600
	DefaultQuotaWindow = time.Hour
	// MaxPageSize caps a detailed search page (billbot's assumption; the
	// reference gives none).
	MaxPageSize = 50
)

// Options configure a Server. Zero values take the defaults; a negative
// Interval or Quota turns that limit off.
type Options struct {
	Token       string
	WorkspaceID int64
	// MeID is the token's user; zero: the first user seeded.
	MeID        int64
	Now         func() time.Time
	Interval    time.Duration
	Burst       int
	Quota       int
	QuotaWindow time.Duration
	Seed        uint64
	Faults      Faults
}

// Faults injects failures.
type Faults struct {
	ErrorRate float64 // fraction of requests answered 500..503
	// Throttle429 and Throttle402 answer the next so many requests 429 and
	// 402 (quota spent, with the headers), whatever the limits say.
	Throttle429, Throttle402 int
	// ResetsIn is the X-Toggl-Quota-Resets-In of a forced 402; default 1 s.
	ResetsIn time.Duration
}

// Stats counts what the server answered.
type Stats struct {
	Requests     int
	Throttled    int // 429
	OverQuota    int // 402 for the quota
	Unauthorized int // 403
	Faults       int
	TimeEntries  int // entries served by the detailed search
}

// Server is a running sandbox.
type Server struct {
	opts Options
	srv  *httptest.Server
	mux  *http.ServeMux

	mu     sync.Mutex
	firm   Firm
	nextID int64
	tat    time.Time // leaky bucket: when it is empty again (GCRA)
	// The quota window: it starts at the first request counted and resets
	// QuotaWindow later.
	quotaStart time.Time
	quotaCount int
	faults     Faults
	rng        *rand.Rand
	stats      Stats
	// version counts changes to the entries; the search keeps its sorted
	// result for one (version, range) so paging is not quadratic.
	version int
	cache   searchCache
}

// New returns a sandbox that is not yet listening.
func New(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	if opts.WorkspaceID == 0 {
		opts.WorkspaceID = DefaultWorkspaceID
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Interval == 0 {
		opts.Interval = DefaultInterval
	}
	if opts.Burst <= 0 {
		opts.Burst = DefaultBurst
	}
	if opts.Quota == 0 {
		opts.Quota = DefaultQuota
	}
	if opts.QuotaWindow <= 0 {
		opts.QuotaWindow = DefaultQuotaWindow
	}
	s := &Server{opts: opts, faults: opts.Faults, nextID: 4_000_000_000, rng: rand.New(rand.NewPCG(opts.Seed, 0x7066))}
	s.routes()
	return s
}

// Token is the API token the server accepts.
func (s *Server) Token() string { return s.opts.Token }

// WorkspaceID is the served workspace.
func (s *Server) WorkspaceID() int64 { return s.opts.WorkspaceID }

// Start listens on a loopback port.
func (s *Server) Start() { s.srv = httptest.NewServer(s) }

// URL is the API v9 root (…/api/v9/).
func (s *Server) URL() string { return s.srv.URL + "/api/v9/" }

// ReportsURL is the Reports API v3 root (…/reports/api/v3/).
func (s *Server) ReportsURL() string { return s.srv.URL + "/reports/api/v3/" }

// Close stops the server.
func (s *Server) Close() {
	if s.srv != nil {
		s.srv.Close()
	}
}

// SetFaults replaces the injected faults.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// SetLimits changes the pacing and the quota (negative: off).
func (s *Server) SetLimits(interval time.Duration, quota int, window time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.Interval, s.opts.Quota, s.opts.QuotaWindow = interval, quota, window
	s.tat, s.quotaStart, s.quotaCount = time.Time{}, time.Time{}, 0
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// ServeHTTP checks auth, faults and limits, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.stats.Requests++
	// "If authentication fails, HTTP status code 403 is returned"; the
	// token travels as Basic <token>:api_token
	// (engineering.toggl.com/docs/authentication).
	if !s.authorized(r) {
		s.stats.Unauthorized++
		s.mu.Unlock()
		writeJSON(w, http.StatusForbidden, []byte(`"Incorrect username and/or password"`))
		return
	}
	if status, hdr := s.admit(); status != 0 {
		s.mu.Unlock()
		for k, v := range hdr {
			w.Header().Set(k, v)
		}
		if status == http.StatusPaymentRequired {
			writeJSON(w, status, []byte(`"You have hit your hourly API quota; try again once it resets"`))
		} else {
			writeJSON(w, status, []byte(`"Too Many Requests"`))
		}
		return
	}
	if f := s.faults; f.ErrorRate > 0 && s.rng.Float64() < f.ErrorRate {
		s.stats.Faults++
		s.mu.Unlock()
		writeJSON(w, 500+s.rng.IntN(4), []byte(`"sandbox fault"`))
		return
	}
	for k, v := range s.quotaHeaders() {
		w.Header().Set(k, v)
	}
	s.mu.Unlock()
	s.mux.ServeHTTP(w, r)
}

func (s *Server) authorized(r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	raw, ok := strings.CutPrefix(auth, "Basic ")
	if !ok {
		return false
	}
	dec, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return false
	}
	return string(dec) == s.opts.Token+":api_token"
}

// admit applies the forced throttles, the quota and the leaky bucket,
// returning the refusal's status and headers, or 0. Called with s.mu held.
func (s *Server) admit() (int, map[string]string) {
	now := s.opts.Now()
	if s.faults.Throttle429 > 0 {
		s.faults.Throttle429--
		s.stats.Throttled++
		return http.StatusTooManyRequests, nil
	}
	if s.faults.Throttle402 > 0 {
		s.faults.Throttle402--
		s.stats.OverQuota++
		reset := s.faults.ResetsIn
		if reset <= 0 {
			reset = time.Second
		}
		return http.StatusPaymentRequired, map[string]string{
			"X-Toggl-Quota-Remaining": "0",
			"X-Toggl-Quota-Resets-In": strconv.FormatInt(ceilSeconds(reset), 10),
		}
	}
	// The hourly quota: "The count begins when the initial request is made
	// and remains valid for 60 minutes. After 60 minutes, the count resets.
	// When you reach your limit, the server responds with an HTTP 402"
	// (support.toggl.com/en/articles/11484112-api-webhook-limits).
	if s.opts.Quota > 0 {
		if s.quotaCount > 0 && !now.Before(s.quotaStart.Add(s.opts.QuotaWindow)) {
			s.quotaCount = 0
		}
		if s.quotaCount >= s.opts.Quota {
			s.stats.OverQuota++
			return http.StatusPaymentRequired, map[string]string{
				"X-Toggl-Quota-Remaining": "0",
				"X-Toggl-Quota-Resets-In": strconv.FormatInt(ceilSeconds(s.quotaStart.Add(s.opts.QuotaWindow).Sub(now)), 10),
			}
		}
	}
	// The leaky bucket: "When a limit has been hit the request will get a
	// HTTP 429 response" (engineering.toggl.com/docs/). As a meter: each
	// request fills one interval's worth; the bucket holds Burst of them.
	if s.opts.Interval > 0 {
		tat := s.tat
		if tat.Before(now) {
			tat = now
		}
		if tat.Sub(now) > time.Duration(s.opts.Burst-1)*s.opts.Interval {
			s.stats.Throttled++
			return http.StatusTooManyRequests, nil
		}
		s.tat = tat.Add(s.opts.Interval)
	}
	if s.opts.Quota > 0 {
		if s.quotaCount == 0 {
			s.quotaStart = now
		}
		s.quotaCount++
	}
	return 0, nil
}

// quotaHeaders are sent on every admitted answer ("the response header
// will show the amount of requests left", support.toggl.com FAQs about
// API limits). Called with s.mu held.
func (s *Server) quotaHeaders() map[string]string {
	if s.opts.Quota <= 0 || s.quotaCount == 0 {
		return nil
	}
	now := s.opts.Now()
	return map[string]string{
		"X-Toggl-Quota-Remaining": strconv.Itoa(s.opts.Quota - s.quotaCount),
		"X-Toggl-Quota-Resets-In": strconv.FormatInt(ceilSeconds(s.quotaStart.Add(s.opts.QuotaWindow).Sub(now)), 10),
	}
}

func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Second - 1) / time.Second)
}

func writeJSON(w http.ResponseWriter, code int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(body)
}

// Seed replaces the served workspace with f. Entries without an At get
// the server's now.
func (s *Server) Seed(f Firm) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	now := s.opts.Now()
	f.Entries = append([]Entry(nil), f.Entries...)
	for i := range f.Entries {
		if f.Entries[i].At.IsZero() {
			f.Entries[i].At = now
		}
		if f.Entries[i].ID >= s.nextID {
			s.nextID = f.Entries[i].ID + 1
		}
	}
	s.firm = f
	if s.opts.MeID == 0 && len(f.Users) > 0 {
		s.opts.MeID = f.Users[0].ID
	}
}

// Firm returns a copy of what the server holds now.
func (s *Server) Firm() Firm {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.firm
	f.Entries = append([]Entry(nil), f.Entries...)
	f.Timesheets = append([]Timesheet(nil), f.Timesheets...)
	return f
}

// Add stores a new entry (an id is given when e.ID is zero) and returns it.
func (s *Server) Add(e Entry) Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	if e.ID == 0 {
		e.ID = s.nextID
	}
	if e.ID >= s.nextID {
		s.nextID = e.ID + 1
	}
	e.At = s.opts.Now()
	s.firm.Entries = append(s.firm.Entries, e)
	return e
}

// Update replaces the entry with e's id, stamping at; false when none.
func (s *Server) Update(e Entry) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	for i := range s.firm.Entries {
		if s.firm.Entries[i].ID == e.ID && s.firm.Entries[i].DeletedAt == nil {
			e.At = s.opts.Now()
			s.firm.Entries[i] = e
			return true
		}
	}
	return false
}

// Delete deletes the entry: it keeps it with server_deleted_at set, as
// GET /me/time_entries?since lists "deleted ones" with it
// (engineering.toggl.com/docs/api/time_entries), and the detailed search
// stops listing it. False when there is no such live entry.
func (s *Server) Delete(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	for i := range s.firm.Entries {
		if e := &s.firm.Entries[i]; e.ID == id && e.DeletedAt == nil {
			now := s.opts.Now()
			e.DeletedAt, e.At = &now, now
			return true
		}
	}
	return false
}

// Approve approves member's timesheet for [start, end] (an approver's
// action in Toggl's timesheet approvals), replacing any of the same period.
func (s *Server) Approve(member int64, start, end billing.Date) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := Timesheet{MemberID: member, Start: start, End: end, Status: "approved", DecidedAt: s.opts.Now()}
	for i, old := range s.firm.Timesheets {
		if old.MemberID == member && old.Start == start && old.End == end {
			t.ApproverID = old.ApproverID
			s.firm.Timesheets[i] = t
			return
		}
	}
	s.firm.Timesheets = append(s.firm.Timesheets, t)
}

// Lock sets the workspace's lock date: time on or before day is locked.
func (s *Server) Lock(day billing.Date) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.firm.Workspace.LockedAt = day
}
