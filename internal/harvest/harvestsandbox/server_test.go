package harvestsandbox_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/money"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newSandbox(t *testing.T, opts harvestsandbox.Options, entries int) (*harvestsandbox.Server, *clock, harvestsandbox.GeneratedFirm) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 31, 18, 0, 0, 0, time.UTC)}
	opts.Now = clk.Now
	s := harvestsandbox.New(opts)
	firm := harvestsandbox.Generate(3, harvestsandbox.GenerateOptions{Entries: entries, Now: clk.Now(), Currencies: []money.Currency{"USD", "CAD"}})
	s.Seed(firm)
	s.Start()
	t.Cleanup(s.Close)
	return s, clk, firm
}

// get sends an authorised GET unless headers overrides them ("" deletes).
func get(t *testing.T, s *harvestsandbox.Server, path string, headers map[string]string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, strings.TrimSuffix(s.URL(), "/v2/")+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.Token())
	req.Header.Set("Harvest-Account-Id", s.AccountID())
	req.Header.Set("User-Agent", "test (qa@firm.example)")
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
			if k == "User-Agent" {
				req.Header["User-Agent"] = []string{""} // stop net/http adding its own
			}
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%s: body is not a JSON object: %v\n%s", path, err, body)
	}
	return resp.StatusCode, resp.Header, v
}

func TestHeaders(t *testing.T) {
	t.Parallel()
	s, _, _ := newSandbox(t, harvestsandbox.Options{}, 5)
	cases := []struct {
		name    string
		headers map[string]string
		status  int
		errCode string
	}{
		{"all present", nil, 200, ""},
		{"no user agent", map[string]string{"User-Agent": ""}, 400, "bad_request"},
		{"no token", map[string]string{"Authorization": ""}, 401, "invalid_token"},
		{"wrong token", map[string]string{"Authorization": "Bearer nope"}, 401, "invalid_token"},
		{"no account", map[string]string{"Harvest-Account-Id": ""}, 401, "invalid_token"},
		{"wrong account", map[string]string{"Harvest-Account-Id": "1"}, 401, "invalid_token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := get(t, s, "/v2/company", tc.headers)
			if status != tc.status {
				t.Fatalf("status = %d, want %d", status, tc.status)
			}
			if tc.errCode != "" && body["error"] != tc.errCode {
				t.Errorf("error = %v, want %s", body["error"], tc.errCode)
			}
		})
	}
}

func TestTimeEntriesPagination(t *testing.T) {
	t.Parallel()
	s, _, _ := newSandbox(t, harvestsandbox.Options{}, 25)
	status, _, body := get(t, s, "/v2/time_entries?per_page=10&page=2", nil)
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	base := strings.TrimSuffix(s.URL(), "/")
	want := map[string]any{
		"per_page": 10.0, "total_pages": 3.0, "total_entries": 25.0, "next_page": 3.0, "previous_page": 1.0, "page": 2.0,
		"links": map[string]any{
			"first":    base + "/time_entries?page=1&per_page=10",
			"next":     base + "/time_entries?page=3&per_page=10",
			"previous": base + "/time_entries?page=1&per_page=10",
			"last":     base + "/time_entries?page=3&per_page=10",
		},
	}
	entries := body["time_entries"].([]any)
	delete(body, "time_entries")
	if diff := cmp.Diff(want, body); diff != "" {
		t.Errorf("pagination (-want +got):\n%s", diff)
	}
	if len(entries) != 10 {
		t.Errorf("%d entries on page 2, want 10", len(entries))
	}
	_, _, last := get(t, s, "/v2/time_entries?per_page=10&page=3", nil)
	if last["next_page"] != nil || last["links"].(map[string]any)["next"] != nil || len(last["time_entries"].([]any)) != 5 {
		t.Errorf("last page = %v", last)
	}
}

func TestTimeEntryShape(t *testing.T) {
	t.Parallel()
	s, _, firm := newSandbox(t, harvestsandbox.Options{}, 40)
	_, _, body := get(t, s, "/v2/time_entries", nil)
	entries := body["time_entries"].([]any)
	e := entries[0].(map[string]any)
	// The fields of "The time entry object" on Harvest's time-entries page.
	for _, k := range []string{"id", "spent_date", "user", "user_assignment", "client", "project", "task", "task_assignment",
		"external_reference", "invoice", "hours", "hours_without_timer", "rounded_hours", "notes", "is_locked", "locked_reason",
		"is_closed", "is_billed", "timer_started_at", "started_time", "ended_time", "is_running", "billable", "budgeted",
		"billable_rate", "cost_rate", "created_at", "updated_at"} {
		if _, ok := e[k]; !ok {
			t.Errorf("time entry lacks %q", k)
		}
	}
	// Sorted by spent_date, newest first.
	prev := "9999-12-31"
	for _, raw := range entries {
		d := raw.(map[string]any)["spent_date"].(string)
		if d > prev {
			t.Fatalf("spent_date %s after %s: not sorted newest first", d, prev)
		}
		prev = d
	}
	if len(entries) != len(firm.Entries) {
		t.Errorf("%d entries served, want %d", len(entries), len(firm.Entries))
	}
}

func TestPerPageClamped(t *testing.T) {
	t.Parallel()
	s, _, _ := newSandbox(t, harvestsandbox.Options{}, 3)
	for q, want := range map[string]float64{"": 2000, "per_page=0": 1, "per_page=-5": 1, "per_page=5000": 2000, "per_page=7": 7} {
		_, _, body := get(t, s, "/v2/time_entries?"+q, nil)
		if body["per_page"] != want {
			t.Errorf("%q: per_page = %v, want %v", q, body["per_page"], want)
		}
	}
}

func TestTimeEntryFilters(t *testing.T) {
	t.Parallel()
	s, clk, firm := newSandbox(t, harvestsandbox.Options{}, 300)
	count := func(pred func(e harvestsandbox.Entry) bool) float64 {
		n := 0
		for _, e := range firm.Entries {
			if pred(e) {
				n++
			}
		}
		return float64(n)
	}
	p := firm.Projects[1]
	from, to := billing.MustDate("2026-03-01"), billing.MustDate("2026-03-15")
	clk.Advance(time.Hour)
	since := clk.Now()
	if err := s.Update(firm.Entries[0].ID, func(e *harvestsandbox.Entry) { e.Notes = "edited" }); err != nil {
		t.Fatal(err)
	}
	cases := map[string]float64{
		"project_id=" + itoa(p.ID):                                     count(func(e harvestsandbox.Entry) bool { return e.ProjectID == p.ID }),
		"client_id=" + itoa(p.ClientID):                                count(func(e harvestsandbox.Entry) bool { return e.ClientID == p.ClientID }),
		"from=2026-03-01&to=2026-03-15":                                count(func(e harvestsandbox.Entry) bool { return !e.SpentDate.Before(from) && !e.SpentDate.After(to) }),
		"is_running=true":                                              count(func(e harvestsandbox.Entry) bool { return e.IsRunning }),
		"updated_since=" + url.QueryEscape(since.Format(time.RFC3339)): 1,
	}
	for q, want := range cases {
		status, _, body := get(t, s, "/v2/time_entries?"+q, nil)
		if status != 200 || body["total_entries"] != want {
			t.Errorf("%s: status %d, total_entries %v, want %v", q, status, body["total_entries"], want)
		}
	}
	if status, _, _ := get(t, s, "/v2/time_entries?from=March", nil); status != 422 {
		t.Errorf("bad from: status %d, want 422", status)
	}
}

func TestMutations(t *testing.T) {
	t.Parallel()
	s, clk, firm := newSandbox(t, harvestsandbox.Options{}, 10)
	id := firm.Entries[3].ID
	clk.Advance(2 * time.Hour)
	if err := s.Update(id, func(e *harvestsandbox.Entry) { e.IsClosed = true }); err != nil {
		t.Fatal(err)
	}
	e, _ := s.Entry(id)
	if !e.IsClosed || !e.UpdatedAt.Equal(clk.Now()) {
		t.Errorf("after Update: %+v", e)
	}
	if err := s.Delete(id); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Entry(id); ok || s.Len() != 9 {
		t.Error("Delete left the entry")
	}
	if err := s.Delete(id); err == nil {
		t.Error("second Delete succeeded")
	}
	ids := s.Add(harvestsandbox.Entry{SpentDate: billing.MustDate("2026-03-30"), ProjectID: firm.Projects[0].ID,
		ClientID: firm.Projects[0].ClientID, UserID: firm.Users[0].ID, TaskID: firm.Tasks[0].ID, Hours: 10000, Billable: true})
	added, ok := s.Entry(ids[0])
	if !ok || !added.CreatedAt.Equal(clk.Now()) || s.Len() != 10 {
		t.Errorf("Add: %+v", added)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	s, clk, _ := newSandbox(t, harvestsandbox.Options{Limit: 3, Window: 1500 * time.Millisecond}, 1)
	for i := range 3 {
		if status, _, _ := get(t, s, "/v2/company", nil); status != 200 {
			t.Fatalf("request %d: status %d", i, status)
		}
	}
	status, hdr, _ := get(t, s, "/v2/company", nil)
	if status != 429 || hdr.Get("Retry-After") != "2" {
		t.Fatalf("4th request: status %d Retry-After %q, want 429 and 2 (1.5 s rounded up)", status, hdr.Get("Retry-After"))
	}
	clk.Advance(1500 * time.Millisecond)
	if status, _, _ := get(t, s, "/v2/company", nil); status != 200 {
		t.Errorf("after the window: status %d", status)
	}
	if st := s.Stats(); st.Throttled != 1 || st.Requests != 5 {
		t.Errorf("stats = %+v", st)
	}
}

func TestFaultsAreSeeded(t *testing.T) {
	t.Parallel()
	pattern := func() []int {
		s := harvestsandbox.New(harvestsandbox.Options{Seed: 99, Limit: -1, Faults: harvestsandbox.Faults{ErrorRate: 0.5}})
		var got []int
		for range 20 {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, "/v2/company", nil)
			req.Header.Set("Authorization", "Bearer "+s.Token())
			req.Header.Set("Harvest-Account-Id", s.AccountID())
			req.Header.Set("User-Agent", "t (t@t)")
			s.ServeHTTP(rec, req)
			got = append(got, rec.Code)
		}
		return got
	}
	a, b := pattern(), pattern()
	if !cmp.Equal(a, b) {
		t.Errorf("same seed, different faults:\n%v\n%v", a, b)
	}
	fails := 0
	for _, c := range a {
		if c >= 500 {
			fails++
		}
	}
	if fails == 0 || fails == len(a) {
		t.Errorf("faults %v: want some but not all to fail", a)
	}
}

func TestSlowResponses(t *testing.T) {
	t.Parallel()
	var slept []time.Duration
	s := harvestsandbox.New(harvestsandbox.Options{Limit: -1, Sleep: func(_ context.Context, d time.Duration) error {
		slept = append(slept, d)
		return nil
	}})
	s.SetFaults(harvestsandbox.Faults{SlowRate: 1, SlowDelay: 3 * time.Second})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/v2/company", nil)
	req.Header.Set("Authorization", "Bearer "+s.Token())
	req.Header.Set("Harvest-Account-Id", s.AccountID())
	req.Header.Set("User-Agent", "t (t@t)")
	s.ServeHTTP(rec, req)
	if rec.Code != 200 || !cmp.Equal(slept, []time.Duration{3 * time.Second}) {
		t.Errorf("status %d, slept %v", rec.Code, slept)
	}
}

func TestOtherEndpoints(t *testing.T) {
	t.Parallel()
	s, _, firm := newSandbox(t, harvestsandbox.Options{}, 1)
	_, _, clients := get(t, s, "/v2/clients", nil)
	if got := len(clients["clients"].([]any)); got != len(firm.Clients) {
		t.Errorf("%d clients, want %d", got, len(firm.Clients))
	}
	_, _, projects := get(t, s, "/v2/projects", nil)
	pr := projects["projects"].([]any)[0].(map[string]any)
	if pr["client"].(map[string]any)["currency"] == nil || pr["bill_by"] != "Tasks" {
		t.Errorf("project = %v", pr)
	}
	pid := itoa(firm.Projects[0].ID)
	_, _, tas := get(t, s, "/v2/projects/"+pid+"/task_assignments", nil)
	if got := len(tas["task_assignments"].([]any)); got != len(firm.Tasks) {
		t.Errorf("%d task assignments, want %d", got, len(firm.Tasks))
	}
	_, _, uas := get(t, s, "/v2/projects/"+pid+"/user_assignments", nil)
	if got := len(uas["user_assignments"].([]any)); got != len(firm.Users) {
		t.Errorf("%d user assignments, want %d", got, len(firm.Users))
	}
	if status, _, _ := get(t, s, "/v2/projects/1/task_assignments", nil); status != 404 {
		t.Errorf("unknown project: status %d", status)
	}
	_, _, co := get(t, s, "/v2/company", nil)
	if co["approval_feature"] != true {
		t.Errorf("company = %v", co)
	}
}

func TestGenerate(t *testing.T) {
	t.Parallel()
	opts := harvestsandbox.GenerateOptions{Entries: 2000}
	a, b := harvestsandbox.Generate(5, opts), harvestsandbox.Generate(5, opts)
	if !cmp.Equal(a, b) {
		t.Fatal("same seed, different firms")
	}
	var approved, running, nonBillable int
	for _, e := range a.Entries {
		if e.IsClosed {
			approved++
		}
		if e.IsRunning {
			running++
		}
		if !e.Billable {
			nonBillable++
		}
		if e.RoundedHours < e.Hours || e.RoundedHours%2500 != 0 {
			t.Fatalf("entry %d: rounded %s from %s, want up to the quarter hour", e.ID, e.RoundedHours, e.Hours)
		}
	}
	if approved < 1200 || running == 0 || nonBillable < 200 {
		t.Errorf("approved %d, running %d, non-billable %d of 2000", approved, running, nonBillable)
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func TestUsersEndpoint(t *testing.T) {
	t.Parallel()
	s, _, firm := newSandbox(t, harvestsandbox.Options{}, 1)
	firm.Users[0].Email, firm.Users[0].Roles = "ann@example.com", []string{"administrator"}
	firm.Users[1].Archived = true
	s.Seed(firm)
	_, _, body := get(t, s, "/v2/users?per_page=1", nil)
	users := body["users"].([]any)
	u := users[0].(map[string]any)
	if len(users) != 1 || body["total_entries"] != float64(len(firm.Users)) || u["email"] != "ann@example.com" ||
		u["access_roles"].([]any)[0] != "administrator" || u["is_active"] != true {
		t.Errorf("users page = %v", body)
	}
	_, _, body = get(t, s, "/v2/users?page=2&per_page=1", nil)
	if u := body["users"].([]any)[0].(map[string]any); u["is_active"] != false || u["access_roles"].([]any)[0] != "member" {
		t.Errorf("archived user = %v", u)
	}
}

func TestAllAssignmentsEndpoints(t *testing.T) {
	t.Parallel()
	s, _, firm := newSandbox(t, harvestsandbox.Options{}, 1)
	firm.TaskAssignments[0].IsActive = false
	s.Seed(firm)
	_, _, tas := get(t, s, "/v2/task_assignments?per_page=1", nil)
	first := tas["task_assignments"].([]any)[0].(map[string]any)
	if tas["total_entries"] != float64(len(firm.TaskAssignments)) || first["project"].(map[string]any)["id"] != float64(firm.TaskAssignments[0].ProjectID) || first["task"] == nil {
		t.Errorf("task assignments page = %v", tas)
	}
	_, _, active := get(t, s, "/v2/task_assignments?is_active=true", nil)
	if active["total_entries"] != float64(len(firm.TaskAssignments)-1) {
		t.Errorf("active task assignments = %v, want %d", active["total_entries"], len(firm.TaskAssignments)-1)
	}
	_, _, uas := get(t, s, "/v2/user_assignments", nil)
	u := uas["user_assignments"].([]any)[0].(map[string]any)
	if uas["total_entries"] != float64(len(firm.UserAssignments)) || u["user"] == nil || u["project"] == nil {
		t.Errorf("user assignments = %v", uas["total_entries"])
	}
	if status, _, _ := get(t, s, "/v2/user_assignments?is_active=maybe", nil); status != 422 {
		t.Errorf("bad is_active: status %d", status)
	}
}
