package qbtimesandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/qbtime/qbtimesandbox"
)

func start(t *testing.T, opts qbtimesandbox.Options, firm qbtimesandbox.Firm) *qbtimesandbox.Server {
	t.Helper()
	srv := qbtimesandbox.New(opts)
	srv.Seed(firm)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, srv *qbtimesandbox.Server, token, path string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("GET %s: body %q is not JSON: %v", path, body, err)
	}
	return resp.StatusCode, resp.Header, v
}

func count(v map[string]any, list string) int {
	res, _ := v["results"].(map[string]any)
	m, _ := res[list].(map[string]any)
	return len(m)
}

func firm() qbtimesandbox.Firm {
	f := qbtimesandbox.Generate(5, qbtimesandbox.GenerateOptions{Timesheets: 250, Customers: 2, Users: 3})
	f.Timesheets = append(f.Timesheets, qbtimesandbox.Timesheet{ID: 999_999_999, UserID: f.Users[0].ID, JobcodeID: f.Jobcodes[2].ID,
		Date: f.Timesheets[0].Date, Start: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC), OnTheClock: true})
	return f
}

// TestRequests pins the sandbox's answers, each as the docs describe.
func TestRequests(t *testing.T) {
	f := firm()
	srv := start(t, qbtimesandbox.Options{Limit: -1}, f)
	tok := srv.Token()
	for _, tc := range []struct {
		name, path, token string
		status            int
		list              string
		n                 int
		more              bool
	}{
		{"no token", "timesheets?start_date=2000-01-01", "", 401, "", 0, false},
		{"wrong token", "timesheets?start_date=2000-01-01", "nope", 401, "", 0, false},
		{"no filter", "timesheets", tok, 417, "", 0, false},
		{"limit too big", "timesheets?start_date=2000-01-01&limit=201", tok, 417, "", 0, false},
		{"limit zero", "timesheets?start_date=2000-01-01&limit=0", tok, 417, "", 0, false},
		{"first page of 200", "timesheets?start_date=2000-01-01", tok, 200, "timesheets", 200, true},
		{"last page", "timesheets?start_date=2000-01-01&page=2", tok, 200, "timesheets", 50, false},
		{"past the end", "timesheets?start_date=2000-01-01&page=9", tok, 200, "timesheets", 0, false},
		{"on the clock both", "timesheets?start_date=2000-01-01&page=2&on_the_clock=both", tok, 200, "timesheets", 51, false},
		{"ids", "timesheets?ids=100000000,100000001", tok, 200, "timesheets", 2, false},
		{"modified since later", "timesheets?modified_since=2030-01-01T00:00:00-07:00", tok, 200, "timesheets", 0, false},
		{"deleted needs both dates", "timesheets_deleted?start_date=2000-01-01", tok, 417, "", 0, false},
		{"deleted by dates", "timesheets_deleted?start_date=2000-01-01&end_date=2030-01-01", tok, 200, "timesheets_deleted", 0, false},
		{"users", "users", tok, 200, "users", 3, false},
		{"jobcodes top level", "jobcodes?parent_ids=0", tok, 200, "jobcodes", 2, false},
		{"jobcodes small pages", "jobcodes?limit=5", tok, 200, "jobcodes", 5, true},
		{"current user", "current_user", tok, 200, "users", 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, v := get(t, srv, tc.token, tc.path)
			if status != tc.status {
				t.Fatalf("status %d (%v), want %d", status, v, tc.status)
			}
			if status != 200 {
				e, _ := v["error"].(map[string]any)
				if e["code"] != float64(status) || e["message"] == "" {
					t.Errorf("error body %v, want code and message", v)
				}
				return
			}
			if got := count(v, tc.list); got != tc.n || v["more"] != tc.more {
				t.Errorf("%d %s, more %v; want %d, more %v", got, tc.list, v["more"], tc.n, tc.more)
			}
		})
	}
}

// TestJobcodeFilterTakesChildren and supplemental_data=no.
func TestJobcodeFilterTakesChildren(t *testing.T) {
	f := firm()
	srv := start(t, qbtimesandbox.Options{Limit: -1}, f)
	customer := f.Jobcodes[0].ID
	want := 0
	under := map[int64]bool{customer: true}
	for _, j := range f.Jobcodes {
		if under[j.ParentID] {
			under[j.ID] = true
		}
	}
	for _, ts := range f.Timesheets {
		if under[ts.JobcodeID] && !ts.OnTheClock {
			want++
		}
	}
	_, _, v := get(t, srv, srv.Token(), "timesheets?start_date=2000-01-01&limit=200&supplemental_data=no&jobcode_ids="+itoa(customer))
	got := count(v, "timesheets")
	if want == 0 || got != min(want, 200) {
		t.Errorf("%d timesheets under customer %d, want %d", got, customer, want)
	}
	if s, _ := v["supplemental_data"].(map[string]any); len(s) != 0 {
		t.Errorf("supplemental_data=no still sent %v", s)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestRateLimit: the 4th request in the window gets 429 with Retry-After
// (or none with OmitRetryAfter); once the window passes, requests pass.
func TestRateLimit(t *testing.T) {
	for _, omit := range []bool{false, true} {
		now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		srv := start(t, qbtimesandbox.Options{Limit: 3, Window: time.Minute, OmitRetryAfter: omit, Now: func() time.Time { return now }}, firm())
		for range 3 {
			if status, _, _ := get(t, srv, srv.Token(), "users"); status != 200 {
				t.Fatalf("status %d within the limit", status)
			}
		}
		status, h, _ := get(t, srv, srv.Token(), "users")
		if status != 429 || (h.Get("Retry-After") == "60") == omit {
			t.Fatalf("over the limit: %d, Retry-After %q (omit %v); want 429", status, h.Get("Retry-After"), omit)
		}
		now = now.Add(time.Minute)
		if status, _, _ := get(t, srv, srv.Token(), "users"); status != 200 {
			t.Errorf("after the window: %d, want 200", status)
		}
		if st := srv.Stats(); st.Throttled != 1 || st.Requests != 5 {
			t.Errorf("stats %+v", st)
		}
	}
}

// TestMutations: Update and Delete stamp last_modified; SetApprovedTo
// changes the user, not the timesheets; Add assigns a new id.
func TestMutations(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	f := firm()
	srv := start(t, qbtimesandbox.Options{Limit: -1, Now: func() time.Time { return now }}, f)
	now = now.Add(time.Hour)
	since := "2026-11-02T09:30:00%2B00:00"
	if err := srv.SetApprovedTo(f.Users[0].ID, billing.MustDate("2026-11-01")); err != nil {
		t.Fatal(err)
	}
	if _, _, v := get(t, srv, srv.Token(), "timesheets?modified_since="+since); count(v, "timesheets") != 0 {
		t.Errorf("approving changed timesheets: %v", v)
	}
	ts := f.Timesheets[3]
	ts.Duration = 60
	if err := srv.Update(ts); err != nil {
		t.Fatal(err)
	}
	if err := srv.Delete(f.Timesheets[4].ID); err != nil {
		t.Fatal(err)
	}
	if err := srv.Delete(f.Timesheets[4].ID); err == nil {
		t.Error("deleted twice")
	}
	added := srv.Add(qbtimesandbox.Timesheet{UserID: ts.UserID, JobcodeID: ts.JobcodeID, Date: ts.Date, Duration: 30})
	if added.ID <= f.Timesheets[len(f.Timesheets)-1].ID {
		t.Errorf("added id %d not new", added.ID)
	}
	if _, _, v := get(t, srv, srv.Token(), "timesheets?modified_since="+since); count(v, "timesheets") != 2 {
		t.Errorf("modified since: %v, want the updated and the added", v)
	}
	if _, _, v := get(t, srv, srv.Token(), "timesheets_deleted?modified_since="+since); count(v, "timesheets_deleted") != 1 {
		t.Errorf("deleted since: %v, want 1", v)
	}
	_, _, v := get(t, srv, srv.Token(), "users?ids="+itoa(f.Users[0].ID))
	u := v["results"].(map[string]any)["users"].(map[string]any)[itoa(f.Users[0].ID)].(map[string]any)
	if u["approved_to"] != "2026-11-01" || u["last_modified"] != "2026-11-02T10:00:00+00:00" {
		t.Errorf("user %v", u)
	}
}

// TestGenerateIsDeterministic: the same seed gives the same company.
func TestGenerateIsDeterministic(t *testing.T) {
	a := qbtimesandbox.Generate(9, qbtimesandbox.GenerateOptions{Timesheets: 50})
	b := qbtimesandbox.Generate(9, qbtimesandbox.GenerateOptions{Timesheets: 50})
	c := qbtimesandbox.Generate(10, qbtimesandbox.GenerateOptions{Timesheets: 50})
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	jc, _ := json.Marshal(c)
	if string(ja) != string(jb) || string(ja) == string(jc) || len(a.Timesheets) != 50 {
		t.Error("Generate is not deterministic by seed")
	}
}
