package harvest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"billbot/internal/harvest"
)

func TestNewClientValidates(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, base, account, token string
		opts                       []harvest.Option
		wantErr                    string
	}{
		{"no account", "https://api.harvestapp.com/v2/", "", "tok", nil, "account id"},
		{"no token", "https://api.harvestapp.com/v2/", "1", "", nil, "no access token"},
		{"relative base", "api/v2", "1", "tok", nil, "absolute"},
		{"token source instead of token", "https://api.harvestapp.com/v2/", "1", "",
			[]harvest.Option{harvest.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "x"}))}, ""},
		{"default base", "", "1", "tok", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := harvest.NewClient(tc.base, tc.account, tc.token, tc.opts...)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("NewClient: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
			}
		})
	}
}

func TestGetCompany(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t)
	mux.HandleFunc("/v2/company", fixture(t, "company.json"))
	co, err := c.GetCompany(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if co.Name != "API Examples" || !co.ApprovalFeature || co.WeeklyCapacity != 126000 {
		t.Errorf("company = %+v", co)
	}
}

func TestListClientsProjectsAssignments(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t)
	mux.HandleFunc("/v2/clients", fixture(t, "clients.json"))
	mux.HandleFunc("/v2/projects", fixture(t, "projects.json"))
	mux.HandleFunc("/v2/projects/14308069/task_assignments", fixture(t, "task_assignments.json"))
	mux.HandleFunc("/v2/projects/14308069/user_assignments", fixture(t, "user_assignments.json"))
	ctx := context.Background()

	clients, err := c.ListClients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{clients[0].Currency, clients[1].Currency}; !cmp.Equal(got, []string{"EUR", "USD"}) {
		t.Errorf("client currencies = %v", got)
	}
	projects, err := c.ListProjects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p := projects[1]; !p.IsFixedFee || p.Fee.String() != "8000.0" || p.EndsOn.String() != "2017-03-31" || p.HourlyRate != "" {
		t.Errorf("fixed-fee project = %+v", p)
	}
	if p := projects[0]; p.EndsOn.IsZero() != true || p.Client.Currency != "EUR" {
		t.Errorf("open project = %+v", p)
	}
	tas, err := c.ListTaskAssignments(ctx, 14308069)
	if err != nil {
		t.Fatal(err)
	}
	if len(tas) != 2 || tas[0].Billable || tas[0].Task.Name != "Research" || tas[1].HourlyRate.String() != "100.0" {
		t.Errorf("task assignments = %+v", tas)
	}
	uas, err := c.ListUserAssignments(ctx, 14308069)
	if err != nil {
		t.Fatal(err)
	}
	if len(uas) != 2 || uas[1].User.Name != "Bob Powell" || uas[1].HourlyRate.String() != "187.5" {
		t.Errorf("user assignments = %+v", uas)
	}
}

func TestListTimeEntriesSendsFilters(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t)
	var query string
	serve := fixture(t, "time_entries.json")
	mux.HandleFunc("/v2/time_entries", func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.RawQuery
		serve(w, r)
	})
	running := false
	opts := harvest.TimeEntryListOptions{
		UpdatedSince: time.Date(2026, 3, 1, 12, 30, 0, 0, time.FixedZone("EST", -5*3600)),
		From:         mustDate("2026-03-01"), To: mustDate("2026-03-31"),
		IsRunning: &running, ProjectID: 14308069, ClientID: 5735776,
	}
	var got []harvest.TimeEntry
	err := c.ListTimeEntries(context.Background(), opts, func(page []harvest.TimeEntry) error {
		got = append(got, page...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "client_id=5735776&from=2026-03-01&is_running=false&per_page=2000&project_id=14308069&to=2026-03-31&updated_since=2026-03-01T17%3A30%3A00Z"
	if query != want {
		t.Errorf("query = %s\nwant    %s", query, want)
	}
	if len(got) != 3 {
		t.Fatalf("got %d entries, want 3", len(got))
	}
}

// Harvest may switch to cursor pagination: page numbers go null mid-stream
// and only links.next leads on (help.getharvest.com/api-v2/introduction/overview/pagination/).
func TestListTimeEntriesFollowsLinksNext(t *testing.T) {
	t.Parallel()
	c, mux, srv, _ := setup(t)
	var calls []string
	mux.HandleFunc("/v2/time_entries", func(w http.ResponseWriter, r *http.Request) {
		testHeaders(t, r)
		calls = append(calls, r.URL.RawQuery)
		switch r.URL.Query().Get("cursor") {
		case "":
			fmt.Fprintf(w, `{"time_entries":[{"id":1,"spent_date":"2026-03-02","hours":1.0,"rounded_hours":1.0,"updated_at":"2026-03-02T10:00:00Z","created_at":"2026-03-02T10:00:00Z"}],
				"per_page":1,"total_pages":2,"total_entries":2,"next_page":2,"previous_page":null,"page":1,
				"links":{"first":"x","next":"%s/v2/time_entries?cursor=eyJhZnRlciI6MX0&per_page=1&ref=next_cursor","previous":null,"last":"x"}}`, srv.URL)
		case "eyJhZnRlciI6MX0":
			fmt.Fprint(w, `{"time_entries":[{"id":2,"spent_date":"2026-03-01","hours":2.0,"rounded_hours":2.0,"updated_at":"2026-03-01T10:00:00Z","created_at":"2026-03-01T10:00:00Z"}],
				"per_page":1,"total_pages":2,"total_entries":2,"next_page":null,"previous_page":null,"page":null,
				"links":{"first":"x","next":null,"previous":null,"last":"x"}}`)
		default:
			t.Errorf("unexpected query %s", r.URL.RawQuery)
		}
	})
	var ids []int64
	err := c.ListTimeEntries(context.Background(), harvest.TimeEntryListOptions{PerPage: 1}, func(page []harvest.TimeEntry) error {
		for _, e := range page {
			ids = append(ids, e.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{1, 2}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"per_page=1", "cursor=eyJhZnRlciI6MX0&per_page=1&ref=next_cursor"}, calls); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

func TestListTimeEntriesStopsOnCallbackError(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t)
	mux.HandleFunc("/v2/time_entries", fixture(t, "time_entries.json"))
	boom := errors.New("disk full")
	err := c.ListTimeEntries(context.Background(), harvest.TimeEntryListOptions{}, func([]harvest.TimeEntry) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
}

// A pagination link to another host must not receive the token.
func TestRefusesLinkToOtherHost(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t)
	mux.HandleFunc("/v2/clients", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"clients":[],"links":{"next":"https://evil.example/v2/clients?page=2"}}`)
	})
	_, err := c.ListClients(context.Background())
	if err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Fatalf("err = %v, want a refusal", err)
	}
}

func TestAPIErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		status   int
		body     string
		is       error
		wantText string
	}{
		{"not found", 404, `{"status":404,"error":"Not Found"}`, harvest.ErrNotFound, "Not Found"},
		{"invalid token", 401, `{"error":"invalid_token","error_description":"The access token provided is expired, revoked, malformed or invalid for other reasons."}`, harvest.ErrUnauthorized, "invalid_token"},
		{"forbidden", 403, `{"message":"You do not have access"}`, harvest.ErrUnauthorized, "do not have access"},
		{"validation", 422, `{"message":"from must be a date"}`, nil, "from must be a date"},
		{"html", 400, "<html>" + strings.Repeat("x", 5000) + "</html>", nil, "<html>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _, _ := setup(t)
			var calls atomic.Int32
			mux.HandleFunc("/v2/company", func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			})
			_, err := c.GetCompany(context.Background())
			var ae *harvest.APIError
			if !errors.As(err, &ae) || ae.StatusCode != tc.status {
				t.Fatalf("err = %v, want *APIError %d", err, tc.status)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.wantText) || len(err.Error()) > 500 {
				t.Errorf("error text = %q", err.Error())
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("error leaks the token: %q", err.Error())
			}
			if calls.Load() != 1 {
				t.Errorf("%d calls; 4xx must not be retried", calls.Load())
			}
		})
	}
}

func TestRetriesServerErrors(t *testing.T) {
	t.Parallel()
	c, mux, _, clock := setup(t, harvest.WithRetry(3, time.Second, 4*time.Second))
	var calls atomic.Int32
	mux.HandleFunc("/v2/company", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 3 {
			w.WriteHeader([]int{500, 502, 503}[calls.Load()-1])
			return
		}
		fixture(t, "company.json")(w, r)
	})
	if _, err := c.GetCompany(context.Background()); err != nil {
		t.Fatal(err)
	}
	sleeps := clock.Sleeps()
	if len(sleeps) != 3 {
		t.Fatalf("sleeps = %v, want 3 backoffs", sleeps)
	}
	// Equal jitter: each wait lies in [d/2, d] for d = 1s, 2s, 4s (capped).
	for i, d := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		if sleeps[i] < d/2 || sleeps[i] > d {
			t.Errorf("backoff %d = %v, want within [%v, %v]", i+1, sleeps[i], d/2, d)
		}
	}
	if st := c.Stats(); st.Retries != 3 || st.Requests != 4 {
		t.Errorf("stats = %+v", st)
	}
}

func TestGivesUpAfterMaxRetries(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t, harvest.WithRetry(2, time.Second, time.Second))
	var calls atomic.Int32
	mux.HandleFunc("/v2/company", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	_, err := c.GetCompany(context.Background())
	var ae *harvest.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 503 {
		t.Fatalf("err = %v", err)
	}
	if calls.Load() != 3 {
		t.Errorf("calls = %d, want 1 + 2 retries", calls.Load())
	}
}

func TestRetriesTransportErrors(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("/v2/company", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close() // connection dropped mid-request
			}
			return
		}
		fixture(t, "company.json")(w, r)
	})
	if _, err := c.GetCompany(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := c.Stats(); st.Retries != 1 {
		t.Errorf("retries = %d, want 1", st.Retries)
	}
}

func TestWaitsOutRateLimit(t *testing.T) {
	t.Parallel()
	c, mux, _, clock := setup(t, harvest.WithRetry(0, time.Second, time.Second))
	var calls atomic.Int32
	mux.HandleFunc("/v2/company", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		fixture(t, "company.json")(w, r)
	})
	// No retries are allowed for failures, yet the throttled requests go
	// through: a 429 is not a failure.
	if _, err := c.GetCompany(context.Background()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{7 * time.Second, 7 * time.Second}, clock.Sleeps()); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
	if st := c.Stats(); st.ThrottledWaits != 2 || st.Retries != 0 {
		t.Errorf("stats = %+v", st)
	}
}

func TestRateLimitErrorWhenThrottledForever(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t)
	mux.HandleFunc("/v2/company", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests) // no Retry-After: one window
	})
	_, err := c.GetCompany(context.Background())
	var rl *harvest.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != harvest.DefaultWindow {
		t.Fatalf("err = %v, want *RateLimitError of one window", err)
	}
}

func TestClientLimiterKeepsUnderLimit(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	c, mux, _, _ := setup(t, harvest.WithLimiter(3, 10*time.Second), harvest.WithClock(clock.Now), harvest.WithSleep(clock.Sleep))
	var seen []time.Time
	mux.HandleFunc("/v2/company", func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, clock.Now())
		fixture(t, "company.json")(w, r)
	})
	for range 7 {
		if _, err := c.GetCompany(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	for i := 3; i < len(seen); i++ {
		if gap := seen[i].Sub(seen[i-3]); gap < 10*time.Second {
			t.Errorf("requests %d and %d only %v apart: more than 3 in a 10 s window", i-3, i, gap)
		}
	}
	if st := c.Stats(); st.ThrottledWaits != 2 {
		t.Errorf("throttled waits = %d, want 2 (requests 4 and 7)", st.ThrottledWaits)
	}
}

func TestCanceledContextStopsWaiting(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t)
	mux.HandleFunc("/v2/company", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.GetCompany(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	cases := []struct{ opt, want string }{
		{"", "billbot (ops@firm.example)"}, // setup's contact stays
		{"ops@firm.example", "billbot (ops@firm.example)"},
		{"Billbot-Acme (it@acme.example)", "Billbot-Acme (it@acme.example)"},
	}
	for _, tc := range cases {
		c, mux, _, _ := setup(t, harvest.WithUserAgent(tc.opt))
		var got string
		mux.HandleFunc("/v2/company", func(w http.ResponseWriter, r *http.Request) {
			got = r.Header.Get("User-Agent")
			fmt.Fprint(w, `{}`)
		})
		if _, err := c.GetCompany(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("WithUserAgent(%q): User-Agent = %q, want %q", tc.opt, got, tc.want)
		}
	}
}

func TestDefaultUserAgent(t *testing.T) {
	t.Parallel()
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("User-Agent")
		fmt.Fprint(w, `{}`)
	}))
	defer srv.Close()
	c, err := harvest.NewClient(srv.URL+"/v2/", testAccount, testToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCompany(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got != harvest.DefaultUserAgent {
		t.Errorf("User-Agent = %q, want %q", got, harvest.DefaultUserAgent)
	}
}

func TestTokenSource(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t, harvest.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "oauth-abc"})))
	var got string
	mux.HandleFunc("/v2/company", func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Authorization")
		fmt.Fprint(w, `{}`)
	})
	if _, err := c.GetCompany(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got != "Bearer oauth-abc" {
		t.Errorf("Authorization = %q", got)
	}
}

func TestListUsers(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t)
	mux.HandleFunc("/v2/users", fixture(t, "users.json"))
	users, err := c.ListUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 2 || users[1].Name() != "Kim Allen" || users[1].Email != "kimallen@example.com" ||
		!cmp.Equal(users[1].AccessRoles, []string{"administrator"}) || users[0].DefaultHourlyRate.String() != "100.0" {
		t.Errorf("users = %+v", users)
	}
}

func TestListAllAssignments(t *testing.T) {
	t.Parallel()
	c, mux, _, _ := setup(t)
	mux.HandleFunc("/v2/task_assignments", fixture(t, "task_assignments.json"))
	mux.HandleFunc("/v2/user_assignments", fixture(t, "user_assignments.json"))
	tas, err := c.ListAllTaskAssignments(context.Background())
	if err != nil || len(tas) != 2 || tas[1].Project == nil || tas[1].Project.ID != 14308069 {
		t.Errorf("task assignments = %+v, %v", tas, err)
	}
	uas, err := c.ListAllUserAssignments(context.Background())
	if err != nil || len(uas) != 2 || uas[1].User.Name != "Bob Powell" {
		t.Errorf("user assignments = %+v, %v", uas, err)
	}
}
