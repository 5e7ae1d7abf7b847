package toggl_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/toggl"
	"billbot/internal/toggl/togglsandbox"
)

// fakeClock is one clock for the client and the sandbox: the client's
// waits advance it, so Toggl's real limits (1 request a second, 600 an
// hour) apply without real waiting.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	c.sleeps = append(c.sleeps, d)
	return nil
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}

// setup starts a sandbox with firm and returns a client for it, both on clk.
func setup(t *testing.T, clk *fakeClock, firm togglsandbox.Firm, sopts togglsandbox.Options, copts ...toggl.Option) (*togglsandbox.Server, *toggl.Client) {
	t.Helper()
	sopts.Now = clk.Now
	srv := togglsandbox.New(sopts)
	srv.Seed(firm)
	srv.Start()
	t.Cleanup(srv.Close)
	copts = append([]toggl.Option{toggl.WithClock(clk.Now), toggl.WithSleep(clk.Sleep)}, copts...)
	c, err := toggl.NewClient(srv.URL(), srv.ReportsURL(), srv.Token(), srv.WorkspaceID(), copts...)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func genFirm(entries int) togglsandbox.Firm {
	return togglsandbox.Generate(3, togglsandbox.GenerateOptions{Entries: entries, Clients: 4, Users: 3,
		From: billing.MustDate("2026-10-01"), To: billing.MustDate("2026-10-31")})
}

// TestSearchFollowsPagingHeaders: 230 entries at 50 a page are 5 searches,
// each entry once, and the client's pacing keeps every one of them under
// the sandbox's leaky bucket.
func TestSearchFollowsPagingHeaders(t *testing.T) {
	clk := newFakeClock()
	firm := genFirm(230)
	srv, c := setup(t, clk, firm, togglsandbox.Options{})
	var ids []int64
	pages := 0
	err := c.SearchTimeEntries(t.Context(), time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC), 50,
		func(rows []toggl.SearchRow) error {
			pages++
			for _, r := range rows {
				for _, it := range r.TimeEntries {
					ids = append(ids, it.ID)
				}
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if pages != 5 || len(ids) != 230 {
		t.Fatalf("%d pages, %d entries; want 5 and 230", pages, len(ids))
	}
	slices.Sort(ids)
	if len(slices.Compact(ids)) != 230 {
		t.Fatal("an entry came twice")
	}
	if st := srv.Stats(); st.Throttled != 0 || st.OverQuota != 0 {
		t.Errorf("sandbox refused %d (429) and %d (402) requests; the client's pacing should prevent both", st.Throttled, st.OverQuota)
	}
	if got := c.Stats(); got.Requests != 5 || got.ThrottledWaits < 4 {
		t.Errorf("stats %+v: want 5 requests, paced (at least 4 waits)", got)
	}
}

// TestThrottledThenSuccess: a 429 is waited out (one request's worth of the
// 1/s window, no Retry-After being documented), a 402 with the quota
// headers for X-Toggl-Quota-Resets-In seconds; then the call succeeds.
func TestThrottledThenSuccess(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults togglsandbox.Faults
		wait   time.Duration
	}{
		{"429", togglsandbox.Faults{Throttle429: 2}, time.Second},
		{"402", togglsandbox.Faults{Throttle402: 1, ResetsIn: 90 * time.Second}, 90 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock()
			srv, c := setup(t, clk, genFirm(5), togglsandbox.Options{Faults: tc.faults})
			w, err := c.GetWorkspace(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if w.Name != "Generated CPAs" {
				t.Errorf("workspace %q", w.Name)
			}
			if !slices.Contains(clk.Sleeps(), tc.wait) {
				t.Errorf("sleeps %v, want one of %s", clk.Sleeps(), tc.wait)
			}
			st := srv.Stats()
			if st.Throttled+st.OverQuota != tc.faults.Throttle429+tc.faults.Throttle402 || c.Stats().Requests != int64(st.Requests) {
				t.Errorf("sandbox %+v, client %+v", st, c.Stats())
			}
		})
	}
}

// TestQuotaHeadersHoldTheClient: with its own count off, the client still
// stops when X-Toggl-Quota-Remaining says 0 and waits the reset, so the
// server never has to answer 402.
func TestQuotaHeadersHoldTheClient(t *testing.T) {
	clk := newFakeClock()
	srv, c := setup(t, clk, genFirm(5), togglsandbox.Options{Quota: 3}, toggl.WithQuota(0, time.Hour))
	for range 5 {
		if _, err := c.ListClients(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if st := srv.Stats(); st.OverQuota != 0 {
		t.Errorf("sandbox answered %d 402s; the client should have heeded the quota headers", st.OverQuota)
	}
	if elapsed := clk.Now().Sub(newFakeClock().Now()); elapsed < time.Hour {
		t.Errorf("5 requests under a quota of 3 an hour took %s, want over an hour", elapsed)
	}
}

// TestClientCountsTheQuota: the client's own count keeps it under the
// quota even when the server sends no headers to go by.
func TestClientCountsTheQuota(t *testing.T) {
	clk := newFakeClock()
	srv, c := setup(t, clk, genFirm(5), togglsandbox.Options{Quota: 4}, toggl.WithQuota(4, time.Hour))
	for range 9 {
		if _, err := c.ListClients(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if st := srv.Stats(); st.OverQuota != 0 || st.Requests != 9 {
		t.Errorf("sandbox %+v: want 9 requests, no 402", st)
	}
}

// TestAuthFailure: a wrong token is Toggl's 403, matched by
// ErrUnauthorized, with a message that says what to check and no token.
func TestAuthFailure(t *testing.T) {
	clk := newFakeClock()
	srv := togglsandbox.New(togglsandbox.Options{Now: clk.Now})
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := toggl.NewClient(srv.URL(), srv.ReportsURL(), "wrong-secret-token", srv.WorkspaceID(), toggl.WithClock(clk.Now), toggl.WithSleep(clk.Sleep))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetWorkspace(t.Context())
	if !errors.Is(err, toggl.ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "403") || !strings.Contains(msg, "TOGGL_API_TOKEN") || strings.Contains(msg, "wrong-secret-token") {
		t.Errorf("message %q: want the status and the setting, never the token", msg)
	}
	if c.Stats().Retries != 0 {
		t.Error("a 403 was retried")
	}
}

// TestDeletionIsRecorded: a deleted entry leaves the detailed search and
// shows in /me/time_entries?since with server_deleted_at.
func TestDeletionIsRecorded(t *testing.T) {
	clk := newFakeClock()
	firm := genFirm(20)
	srv, c := setup(t, clk, firm, togglsandbox.Options{})
	me := firm.Users[0].ID
	var victim int64
	for _, e := range firm.Entries {
		if e.UserID == me {
			victim = e.ID
			break
		}
	}
	before := clk.Now()
	clk.Sleep(t.Context(), time.Minute)
	if !srv.Delete(victim) {
		t.Fatal("no entry deleted")
	}
	mine, err := c.ListMyTimeEntriesSince(t.Context(), before)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 1 || mine[0].ID != victim || mine[0].ServerDeletedAt == nil {
		t.Fatalf("since feed %+v, want the deleted entry with server_deleted_at", mine)
	}
	seen := 0
	err = c.SearchTimeEntries(t.Context(), time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC), 0,
		func(rows []toggl.SearchRow) error {
			for _, r := range rows {
				for _, it := range r.TimeEntries {
					seen++
					if it.ID == victim {
						t.Error("the search still lists the deleted entry")
					}
				}
			}
			return nil
		})
	if err != nil || seen != 19 {
		t.Fatalf("search: %d entries, err %v; want 19", seen, err)
	}
}

// TestCatalog: projects and tasks are read over several pages; rates come
// as exact decimals; a workspace without approvals answers 402 as
// ErrPremium, which is not mistaken for the quota.
func TestCatalog(t *testing.T) {
	clk := newFakeClock()
	firm := togglsandbox.Generate(5, togglsandbox.GenerateOptions{Entries: 1, Clients: 100, Users: 2})
	srv, c := setup(t, clk, firm, togglsandbox.Options{})
	ps, err := c.ListProjects(t.Context())
	if err != nil || len(ps) != len(firm.Projects) || len(ps) <= 200 {
		t.Fatalf("%d projects, err %v; want %d over two pages", len(ps), err, len(firm.Projects))
	}
	if ps[0].Rate.String() != "195.00" || ps[0].ClientID == nil || *ps[0].ClientID != firm.Clients[0].ID {
		t.Errorf("first project %+v", ps[0])
	}
	ts, err := c.ListTasks(t.Context())
	if err != nil || len(ts) != len(firm.Tasks) {
		t.Fatalf("%d tasks, err %v; want %d", len(ts), err, len(firm.Tasks))
	}
	pus, err := c.ListProjectUsers(t.Context())
	if err != nil || len(pus) != len(firm.ProjectUsers) || pus[0].Rate.String() != "225.00" {
		t.Fatalf("project users %v, err %v", len(pus), err)
	}
	wus, err := c.ListWorkspaceUsers(t.Context())
	if err != nil || len(wus) != 2 || wus[1].Rate.String() != "125.00" {
		t.Fatalf("workspace users %+v, err %v", wus, err)
	}
	_, err = c.ListTimesheets(t.Context(), time.Time{}, time.Time{})
	if !errors.Is(err, toggl.ErrPremium) {
		t.Fatalf("timesheets without approvals: %v, want ErrPremium", err)
	}
	if st := srv.Stats(); st.OverQuota != 0 {
		t.Errorf("%d quota refusals", st.OverQuota)
	}
	if c.Stats().ThrottledWaits == 0 {
		t.Error("no pacing between requests")
	}
}

// TestServerErrorsAreRetried: a 5xx is retried with backoff up to the
// limit, then returned.
func TestServerErrorsAreRetried(t *testing.T) {
	clk := newFakeClock()
	_, c := setup(t, clk, genFirm(1), togglsandbox.Options{Faults: togglsandbox.Faults{ErrorRate: 1}}, toggl.WithRetry(2, time.Second, time.Minute))
	_, err := c.GetWorkspace(t.Context())
	var ae *toggl.APIError
	if !errors.As(err, &ae) || ae.StatusCode < 500 {
		t.Fatalf("err %v, want a 5xx APIError", err)
	}
	if st := c.Stats(); st.Retries != 2 || st.Requests != 3 {
		t.Errorf("stats %+v: want 3 requests, 2 retries", st)
	}
}

func TestHoursAndRates(t *testing.T) {
	for _, tc := range []struct {
		sec  int64
		want string
	}{{3600, "1.00"}, {5400, "1.50"}, {1, "0.0003"}, {7, "0.0019"}, {0, "0.00"}, {-1, "0.00"}} {
		if got := toggl.Hours(tc.sec).String(); got != tc.want {
			t.Errorf("Hours(%d) = %s, want %s", tc.sec, got, tc.want)
		}
	}
	if got := toggl.RateOf(19500, "USD"); got != 19500 {
		t.Errorf("USD rate %d", got)
	}
	if got := toggl.RateOf(1500000, "JPY"); got != 15000 {
		t.Errorf("JPY rate %d", got)
	}
}
