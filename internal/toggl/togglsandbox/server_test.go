package togglsandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/toggl/togglsandbox"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func start(t *testing.T, opts togglsandbox.Options, f togglsandbox.Firm) (*togglsandbox.Server, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	opts.Now = clk.Now
	s := togglsandbox.New(opts)
	s.Seed(f)
	s.Start()
	t.Cleanup(s.Close)
	return s, clk
}

func do(t *testing.T, s *togglsandbox.Server, method, url, user, pass, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func firm(n int) togglsandbox.Firm {
	return togglsandbox.Generate(1, togglsandbox.GenerateOptions{Entries: n, Clients: 2, Users: 2,
		From: billing.MustDate("2026-10-01"), To: billing.MustDate("2026-10-31")})
}

// TestAuth: only Basic <token>:api_token passes; everything else is 403.
func TestAuth(t *testing.T) {
	s, _ := start(t, togglsandbox.Options{Interval: -1}, firm(1))
	ws := s.URL() + "workspaces/" + strconv.FormatInt(s.WorkspaceID(), 10)
	for _, tc := range []struct {
		user, pass string
		want       int
	}{
		{s.Token(), "api_token", 200},
		{s.Token(), "password", 403},
		{"someone-else", "api_token", 403},
		{"", "", 403},
	} {
		if resp, body := do(t, s, "GET", ws, tc.user, tc.pass, ""); resp.StatusCode != tc.want {
			t.Errorf("%s:%s → %d %s, want %d", tc.user, tc.pass, resp.StatusCode, body, tc.want)
		}
	}
	if resp, _ := do(t, s, "GET", s.URL()+"workspaces/1/clients", s.Token(), "api_token", ""); resp.StatusCode != 403 {
		t.Errorf("another workspace: %d, want 403", resp.StatusCode)
	}
}

// TestSearchPaging: pages follow X-Next-ID / X-Next-Row-Number, the last
// page has neither, and the rows carry the documented fields.
func TestSearchPaging(t *testing.T) {
	s, _ := start(t, togglsandbox.Options{Interval: -1}, firm(120))
	url := s.ReportsURL() + "workspace/" + strconv.FormatInt(s.WorkspaceID(), 10) + "/search/time_entries"
	body := map[string]any{"start_date": "2026-10-01", "end_date": "2026-10-31", "page_size": 50}
	var ids []int64
	for pages := 1; ; pages++ {
		b, _ := json.Marshal(body)
		resp, text := do(t, s, "POST", url, s.Token(), "api_token", string(b))
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, text)
		}
		var rows []map[string]any
		if err := json.Unmarshal([]byte(text), &rows); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			for _, k := range []string{"user_id", "username", "project_id", "task_id", "billable", "description", "hourly_rate_in_cents", "billable_amount_in_cents", "currency", "row_number", "time_entries"} {
				if _, ok := r[k]; !ok {
					t.Fatalf("row lacks %s: %v", k, r)
				}
			}
			te := r["time_entries"].([]any)[0].(map[string]any)
			ids = append(ids, int64(te["id"].(float64)))
		}
		next, row := resp.Header.Get("X-Next-ID"), resp.Header.Get("X-Next-Row-Number")
		if next == "" || row == "" {
			if pages != 3 || len(ids) != 120 {
				t.Fatalf("%d pages, %d entries; want 3 and 120", pages, len(ids))
			}
			return
		}
		if len(rows) != 50 {
			t.Fatalf("a middle page of %d rows", len(rows))
		}
		body["first_id"], _ = strconv.ParseInt(next, 10, 64)
		body["first_row_number"], _ = strconv.Atoi(row)
	}
}

// TestLimits: a burst past the leaky bucket is 429; past the hourly quota
// is 402 with X-Toggl-Quota-Remaining 0 and X-Toggl-Quota-Resets-In, and
// admitted answers carry the remaining count.
func TestLimits(t *testing.T) {
	s, clk := start(t, togglsandbox.Options{Burst: 2, Quota: 4}, firm(1))
	url := s.URL() + "workspaces/" + strconv.FormatInt(s.WorkspaceID(), 10) + "/clients"
	var codes []int
	for range 3 {
		resp, _ := do(t, s, "GET", url, s.Token(), "api_token", "")
		codes = append(codes, resp.StatusCode)
	}
	if !reflect.DeepEqual(codes, []int{200, 200, 429}) {
		t.Fatalf("burst of 3 with a bucket of 2: %v", codes)
	}
	clk.Add(time.Second)
	resp, _ := do(t, s, "GET", url, s.Token(), "api_token", "")
	if resp.StatusCode != 200 || resp.Header.Get("X-Toggl-Quota-Remaining") != "1" {
		t.Fatalf("after a second: %d, remaining %q", resp.StatusCode, resp.Header.Get("X-Toggl-Quota-Remaining"))
	}
	clk.Add(time.Second)
	do(t, s, "GET", url, s.Token(), "api_token", "")
	clk.Add(time.Second)
	resp, _ = do(t, s, "GET", url, s.Token(), "api_token", "")
	if resp.StatusCode != 402 || resp.Header.Get("X-Toggl-Quota-Remaining") != "0" || resp.Header.Get("X-Toggl-Quota-Resets-In") != "3597" {
		t.Fatalf("past the quota: %d, headers %v", resp.StatusCode, resp.Header)
	}
	clk.Add(time.Hour)
	if resp, _ := do(t, s, "GET", url, s.Token(), "api_token", ""); resp.StatusCode != 200 {
		t.Fatalf("after the reset: %d", resp.StatusCode)
	}
	if st := s.Stats(); st.Throttled != 1 || st.OverQuota != 1 {
		t.Errorf("stats %+v", st)
	}
}

// TestDeleteAndApprovals: a deletion keeps the entry with
// server_deleted_at in the since feed; timesheets need the feature.
func TestDeleteAndApprovals(t *testing.T) {
	f := firm(10)
	s, clk := start(t, togglsandbox.Options{Interval: -1}, f)
	var mine togglsandbox.Entry
	for _, e := range f.Entries {
		if e.UserID == f.Users[0].ID {
			mine = e
			break
		}
	}
	since := clk.Now().Unix()
	clk.Add(time.Minute)
	if !s.Delete(mine.ID) || s.Delete(mine.ID) {
		t.Fatal("Delete should succeed once")
	}
	_, text := do(t, s, "GET", s.URL()+"me/time_entries?since="+strconv.FormatInt(since, 10), s.Token(), "api_token", "")
	var got []map[string]any
	if err := json.Unmarshal([]byte(text), &got); err != nil || len(got) != 1 || got[0]["server_deleted_at"] == nil {
		t.Fatalf("since feed %s", text)
	}
	ts := s.URL() + "workspaces/" + strconv.FormatInt(s.WorkspaceID(), 10) + "/timesheets"
	if resp, _ := do(t, s, "GET", ts, s.Token(), "api_token", ""); resp.StatusCode != 402 {
		t.Errorf("timesheets without approvals: %d, want 402", resp.StatusCode)
	}
	f2 := s.Firm()
	f2.Workspace.Approvals = true
	s.Seed(f2)
	s.Approve(f.Users[1].ID, billing.MustDate("2026-10-05"), billing.MustDate("2026-10-11"))
	_, text = do(t, s, "GET", ts+"?start_date=2026-10-01&end_date=2026-10-31", s.Token(), "api_token", "")
	if !strings.Contains(text, `"status":"approved"`) || !strings.Contains(text, `"start_date":"2026-10-05"`) {
		t.Errorf("timesheets %s", text)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a := togglsandbox.Generate(9, togglsandbox.GenerateOptions{Entries: 300, Approvals: true})
	b := togglsandbox.Generate(9, togglsandbox.GenerateOptions{Entries: 300, Approvals: true})
	if !reflect.DeepEqual(a, b) || len(a.Entries) != 300 || len(a.Timesheets) == 0 {
		t.Fatal("Generate is not deterministic, or made the wrong firm")
	}
}
