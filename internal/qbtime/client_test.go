package qbtime_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/billing"
	"billbot/internal/qbtime"
	"billbot/internal/qbtime/qbtimesandbox"
)

// fakeTime is a clock that sleeping moves forward, shared by the client
// and the sandbox, so rate limits run without real waits.
type fakeTime struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func newFakeTime() *fakeTime {
	return &fakeTime{now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
}

func (f *fakeTime) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeTime) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.slept = append(f.slept, d)
	f.now = f.now.Add(d)
	return nil
}

func (f *fakeTime) Slept() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.slept)
}

func setup(t *testing.T, opts qbtimesandbox.Options, firm qbtimesandbox.Firm, copts ...qbtime.Option) (*qbtimesandbox.Server, *qbtime.Client, *fakeTime) {
	t.Helper()
	ft := newFakeTime()
	opts.Now = ft.Now
	srv := qbtimesandbox.New(opts)
	srv.Seed(firm)
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := qbtime.NewClient(srv.URL(), srv.Token(), append([]qbtime.Option{qbtime.WithClock(ft.Now), qbtime.WithSleep(ft.Sleep)}, copts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c, ft
}

func small(n int) qbtimesandbox.Firm {
	return qbtimesandbox.Generate(3, qbtimesandbox.GenerateOptions{Timesheets: n, Customers: 2, Users: 3})
}

// TestListTimesheetsPagesUntilMoreIsFalse: 450 timesheets at 200 a page
// are three requests, the first two saying more, and every timesheet once.
func TestListTimesheetsPagesUntilMoreIsFalse(t *testing.T) {
	firm := small(450)
	srv, c, _ := setup(t, qbtimesandbox.Options{}, firm)
	var mores []bool
	var got []int64
	err := c.ListTimesheets(t.Context(), qbtime.TimesheetListOptions{StartDate: billing.MustDate("2000-01-01")}, func(p qbtime.TimesheetPage) error {
		mores = append(mores, p.More)
		for _, ts := range p.Timesheets {
			got = append(got, ts.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(mores, []bool{true, true, false}) {
		t.Errorf("more flags %v, want [true true false]", mores)
	}
	var want []int64
	for _, ts := range firm.Timesheets {
		want = append(want, ts.ID)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("got %d timesheets, want the %d seeded, each once", len(got), len(want))
	}
	if st := srv.Stats(); st.Requests != 3 || st.Timesheets != 450 {
		t.Errorf("sandbox saw %+v, want 3 requests serving 450 timesheets", st)
	}
	if st := c.Stats(); st.Requests != 3 || st.Retries != 0 {
		t.Errorf("client stats %+v, want 3 requests, no retry", st)
	}
}

// TestListTimesheetsNeedsAFilter: the API needs modified_since, start_date
// or ids; the client says so before sending anything.
func TestListTimesheetsNeedsAFilter(t *testing.T) {
	srv, c, _ := setup(t, qbtimesandbox.Options{}, small(5))
	err := c.ListTimesheets(t.Context(), qbtime.TimesheetListOptions{}, func(qbtime.TimesheetPage) error { return nil })
	if err == nil || srv.Stats().Requests != 0 {
		t.Fatalf("err %v after %d requests, want a refusal before any request", err, srv.Stats().Requests)
	}
}

// TestSupplementalData: a page brings the users and jobcodes its
// timesheets name, ancestors included, and the mapping places each
// timesheet under its customer and project; without the ancestors the
// client would lack them, which Place reports.
func TestSupplementalData(t *testing.T) {
	for _, noAnc := range []bool{false, true} {
		firm := small(30)
		_, c, _ := setup(t, qbtimesandbox.Options{NoAncestors: noAnc}, firm)
		err := c.ListTimesheets(t.Context(), qbtime.TimesheetListOptions{StartDate: billing.MustDate("2000-01-01")}, func(p qbtime.TimesheetPage) error {
			for _, ts := range p.Timesheets {
				if _, ok := p.Supplemental.Users[ts.UserID]; !ok {
					t.Errorf("user %d of timesheet %d not in supplemental_data", ts.UserID, ts.ID)
				}
				if _, ok := p.Supplemental.Jobcodes[ts.JobcodeID]; !ok {
					t.Errorf("jobcode %d of timesheet %d not in supplemental_data", ts.JobcodeID, ts.ID)
				}
				_, project, task, missing := qbtime.Jobcodes(p.Supplemental.Jobcodes).Place(ts.JobcodeID)
				if noAnc {
					if missing == 0 {
						t.Errorf("NoAncestors: timesheet %d placed without its parents", ts.ID)
					}
					continue
				}
				if missing != 0 || project.ParentID == 0 || task == "" {
					t.Errorf("timesheet %d: project %+v task %q missing %d; want a project under a customer and a task", ts.ID, project, task, missing)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestThrottledThenSuccess: 429s are waited out for their Retry-After, or
// a whole 5-minute window when there is none, and the call then succeeds.
func TestThrottledThenSuccess(t *testing.T) {
	for _, tc := range []struct {
		name string
		omit bool
		want time.Duration
	}{
		{"retry-after", false, time.Second},
		{"no header", true, qbtime.DefaultWindow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c, ft := setup(t, qbtimesandbox.Options{OmitRetryAfter: tc.omit, Faults: qbtimesandbox.Faults{Throttle: 2}}, small(3))
			u, err := c.CurrentUser(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if u.CompanyName != "Generated CPA" {
				t.Errorf("company %q", u.CompanyName)
			}
			if got := ft.Slept(); !slices.Equal(got, []time.Duration{tc.want, tc.want}) {
				t.Errorf("slept %v, want two waits of %s", got, tc.want)
			}
			if st := c.Stats(); st.ThrottledWaits != 2 || st.Requests != 3 {
				t.Errorf("client stats %+v, want 2 throttled waits over 3 requests", st)
			}
			if st := srv.Stats(); st.Throttled != 2 {
				t.Errorf("sandbox throttled %d, want 2", st.Throttled)
			}
		})
	}
}

// TestServerErrorsAreRetried: 503s are retried with backoff; a 4xx is not.
func TestServerErrorsAreRetried(t *testing.T) {
	_, c, _ := setup(t, qbtimesandbox.Options{Faults: qbtimesandbox.Faults{Fail: 2}}, small(3))
	users, err := c.ListUsers(t.Context())
	if err != nil || len(users) != 3 {
		t.Fatalf("users %d, %v; want 3 after two retries", len(users), err)
	}
	if st := c.Stats(); st.Retries != 2 {
		t.Errorf("retries %d, want 2", st.Retries)
	}
}

// TestBadTokenSaysSo: a wrong token is a 401 APIError matching
// ErrUnauthorized, with the API's message and no token in it.
func TestBadTokenSaysSo(t *testing.T) {
	srv, _, _ := setup(t, qbtimesandbox.Options{}, small(3))
	c, err := qbtime.NewClient(srv.URL(), "not-the-token")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListUsers(t.Context())
	var ae *qbtime.APIError
	if !errors.As(err, &ae) || !errors.Is(err, qbtime.ErrUnauthorized) {
		t.Fatalf("err = %v, want a 401 APIError", err)
	}
	if ae.StatusCode != 401 || ae.Code != 401 || !strings.Contains(ae.Message, "access token") || ae.Path != "/api/v1/users" {
		t.Errorf("APIError %+v", ae)
	}
	if strings.Contains(err.Error(), "not-the-token") {
		t.Errorf("error %q carries the token", err)
	}
	if st := c.Stats(); st.Retries != 0 {
		t.Errorf("a 401 was retried %d times", st.Retries)
	}
	if _, err := qbtime.NewClient(srv.URL(), " "); err == nil {
		t.Error("NewClient accepted an empty token")
	}
}

// TestClientLimiterKeepsUnderTheLimit: with a limit of 3 per minute the
// client waits before the fourth request and the sandbox throttles none.
func TestClientLimiterKeepsUnderTheLimit(t *testing.T) {
	srv, c, _ := setup(t, qbtimesandbox.Options{Limit: 3, Window: time.Minute}, small(3), qbtime.WithLimiter(3, time.Minute))
	for range 7 {
		if _, err := c.CurrentUser(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if st := srv.Stats(); st.Throttled != 0 || st.Requests != 7 {
		t.Errorf("sandbox %+v, want 7 requests, none throttled", st)
	}
	if st := c.Stats(); st.ThrottledWaits == 0 {
		t.Error("the client never waited for its limiter")
	}
}

// TestDeletedTimesheets: a deleted timesheet leaves /timesheets and shows
// in /timesheets_deleted since its deletion.
func TestDeletedTimesheets(t *testing.T) {
	firm := small(10)
	srv, c, ft := setup(t, qbtimesandbox.Options{}, firm)
	before := ft.Now()
	_ = ft.Sleep(t.Context(), time.Minute)
	gone := firm.Timesheets[4].ID
	if err := srv.Delete(gone); err != nil {
		t.Fatal(err)
	}
	del, err := c.ListDeletedTimesheets(t.Context(), before)
	if err != nil {
		t.Fatal(err)
	}
	if len(del) != 1 || del[0].ID != gone || del[0].Date != firm.Timesheets[4].Date.String() {
		t.Errorf("deleted %+v, want timesheet %d", del, gone)
	}
	if del, _ := c.ListDeletedTimesheets(t.Context(), ft.Now().Add(time.Second)); len(del) != 0 {
		t.Errorf("deleted since after the deletion: %+v, want none", del)
	}
	err = c.ListTimesheets(t.Context(), qbtime.TimesheetListOptions{IDs: []int64{gone}}, func(p qbtime.TimesheetPage) error {
		if len(p.Timesheets) != 0 {
			t.Errorf("deleted timesheet still listed: %+v", p.Timesheets)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestModifiedSince: only timesheets changed at or after the instant come
// back, running ones included.
func TestModifiedSince(t *testing.T) {
	firm := small(10)
	srv, c, ft := setup(t, qbtimesandbox.Options{}, firm)
	_ = ft.Sleep(t.Context(), time.Hour)
	mark := ft.Now()
	ts := firm.Timesheets[2]
	ts.Notes = "changed"
	if err := srv.Update(ts); err != nil {
		t.Fatal(err)
	}
	running := srv.Add(qbtimesandbox.Timesheet{UserID: ts.UserID, JobcodeID: ts.JobcodeID, Date: ts.Date, Start: mark, OnTheClock: true})
	var got []qbtime.Timesheet
	err := c.ListTimesheets(t.Context(), qbtime.TimesheetListOptions{ModifiedSince: mark}, func(p qbtime.TimesheetPage) error {
		got = append(got, p.Timesheets...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != ts.ID || got[0].Notes != "changed" || got[1].ID != running.ID || !got[1].OnTheClock || got[1].End != "" {
		t.Errorf("modified since: %+v, want the changed and the running timesheet", got)
	}
}

// TestTokenSource: with a token source the client sends its current
// token, so a refreshed token is used from the next request on.
func TestTokenSource(t *testing.T) {
	srv, _, _ := setup(t, qbtimesandbox.Options{}, small(3))
	src := &switchingSource{tok: "stale"}
	c, err := qbtime.NewClient(srv.URL(), "", qbtime.WithTokenSource(src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CurrentUser(t.Context()); !errors.Is(err, qbtime.ErrUnauthorized) {
		t.Fatalf("stale token: %v, want 401", err)
	}
	src.tok = srv.Token()
	if _, err := c.CurrentUser(t.Context()); err != nil {
		t.Fatalf("refreshed token: %v", err)
	}
}

type switchingSource struct{ tok string }

func (s *switchingSource) Token() (*oauth2.Token, error) {
	return &oauth2.Token{AccessToken: s.tok}, nil
}
