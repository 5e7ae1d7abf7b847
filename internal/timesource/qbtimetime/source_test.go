package qbtimetime_test

import (
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/qbtime"
	"billbot/internal/qbtime/qbtimesandbox"
	"billbot/internal/timesource/qbtimetime"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// clock is a hand-moved clock shared by the sandbox, the client and the
// store.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type rig struct {
	clk *clock
	srv *qbtimesandbox.Server
	st  *store.Store
	src *qbtimetime.Source
}

func newRig(t *testing.T, st *store.Store, firm qbtimesandbox.Firm) *rig {
	t.Helper()
	clk := &clock{now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	srv := qbtimesandbox.New(qbtimesandbox.Options{Now: clk.Now})
	srv.Seed(firm)
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := qbtime.NewClient(srv.URL(), srv.Token(), qbtime.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	wf := workflow.New(workflow.Deps{Store: st, Now: clk.Now, Logger: slog.New(slog.DiscardHandler)})
	src, err := qbtimetime.New(t.Context(), wf, c)
	if err != nil {
		t.Fatal(err)
	}
	return &rig{clk: clk, srv: srv, st: st, src: src}
}

func (r *rig) pull(t *testing.T, window billing.Period) workflow.SourceReport {
	t.Helper()
	r.clk.Advance(time.Minute)
	rep, err := r.src.Pull(t.Context(), workflow.PullOptions{Window: window})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func (r *rig) entries(t *testing.T) map[string]billing.TimeEntry {
	t.Helper()
	es, err := r.st.UnallocatedEntries(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]billing.TimeEntry{}
	for _, e := range es {
		out[e.Source+"/"+e.ExternalID] = e
	}
	return out
}

func gen(n int, approvedTo billing.Date) qbtimesandbox.Firm {
	return qbtimesandbox.Generate(11, qbtimesandbox.GenerateOptions{
		Timesheets: n, Customers: 3, Users: 4,
		From: billing.MustDate("2026-09-01"), To: billing.MustDate("2026-10-31"), ApprovedTo: approvedTo,
		Now: time.Date(2026, 10, 31, 18, 0, 0, 0, time.UTC), // last modified two days before the rig's clock
	})
}

// TestPullTwiceChangesNothing: the first pull stores every timesheet in
// billbot's terms; the second fetches the overlap again and changes
// nothing.
func TestPullTwiceChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		firm := gen(450, billing.MustDate("2026-10-15"))
		r := newRig(t, st, firm)
		rep := r.pull(t, billing.Period{})
		if rep.Fetched != 450 || rep.Inserted != 450 || rep.Requests < 4 || rep.Cursor == "" || !rep.UpdatedSince.IsZero() {
			t.Fatalf("first pull %+v, want 450 inserted by a full sync over several requests", rep)
		}
		got := r.entries(t)
		if len(got) != 450 {
			t.Fatalf("%d entries stored, want 450", len(got))
		}
		jobs := qbtime.Jobcodes{}
		for _, j := range firm.Jobcodes {
			jobs[j.ID] = qbtime.Jobcode{ID: j.ID, ParentID: j.ParentID, Name: j.Name, Billable: j.Billable, Type: j.Type}
		}
		for _, ts := range firm.Timesheets {
			e, ok := got[qbtime.Source+"/"+strconv.FormatInt(ts.ID, 10)]
			if !ok {
				t.Fatalf("timesheet %d not stored", ts.ID)
			}
			cust, proj, task, _ := jobs.Place(ts.JobcodeID)
			want := !ts.Date.After(billing.MustDate("2026-10-15"))
			if e.ProjectID != proj.ID || e.ClientID != cust.ID || e.Task != task || e.UserID != ts.UserID ||
				e.Hours != qbtime.HoursOf(ts.Duration) || e.Rate != 0 || e.Currency != "USD" ||
				e.Billable != jobs[ts.JobcodeID].Billable || e.Approved != want || e.Running || e.SpentDate != ts.Date {
				t.Fatalf("timesheet %+v stored as %+v", ts, e)
			}
			if e.Approved && e.ApprovedAt.IsZero() {
				t.Fatalf("approved entry %s has no ApprovedAt", e.ExternalID)
			}
		}
		again := r.pull(t, billing.Period{Start: billing.MustDate("2026-10-01"), End: billing.MustDate("2026-10-31")})
		if again.Inserted != 0 || again.Updated != 0 || again.Removed != 0 || again.UpdatedSince.IsZero() || again.WindowSeen == 0 {
			t.Errorf("second pull %+v, want nothing changed by an incremental sync", again)
		}
		if again.Fetched != again.Unchanged {
			t.Errorf("second pull fetched %d, %d unchanged", again.Fetched, again.Unchanged)
		}
	})
}

// TestApprovedToMovingForwardApproves: approving a user's time up to a
// date changes the user, not the timesheets; the next pull still approves
// exactly that user's entries up to that date, stamping ApprovedAt with
// the pull's time, and the pull after changes nothing.
func TestApprovedToMovingForwardApproves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		firm := gen(200, billing.MustDate("2026-08-01"))
		r := newRig(t, st, firm)
		r.pull(t, billing.Period{})
		for k, e := range r.entries(t) {
			if e.Approved {
				t.Fatalf("%s approved before any approval", k)
			}
		}
		user := firm.Users[1].ID
		// Another user's edit moves the cursor past the seeded timesheets,
		// so modified_since no longer returns them.
		var other qbtimesandbox.Timesheet
		for _, ts := range firm.Timesheets {
			if ts.UserID != user {
				other = ts
				break
			}
		}
		other.Notes = "edited"
		if err := r.srv.Update(other); err != nil {
			t.Fatal(err)
		}
		if rep := r.pull(t, billing.Period{}); rep.Updated != 1 || rep.Inserted != 0 {
			t.Fatalf("pull after one edit %+v, want that one timesheet updated", rep)
		}
		through := billing.MustDate("2026-10-10")
		if err := r.srv.SetApprovedTo(user, through); err != nil {
			t.Fatal(err)
		}
		r.clk.Advance(time.Hour) // past the cursor's overlap
		rep := r.pull(t, billing.Period{})
		pulledAt := r.clk.Now()
		want := 0
		for _, ts := range firm.Timesheets {
			if ts.UserID == user && !ts.Date.After(through) {
				want++
			}
		}
		if want == 0 || rep.Updated != want {
			t.Fatalf("pull after approval %+v, want %d updated", rep, want)
		}
		n := 0
		for k, e := range r.entries(t) {
			should := e.UserID == user && !e.SpentDate.After(through)
			if e.Approved != should {
				t.Errorf("%s (user %d, %s) approved %v, want %v", k, e.UserID, e.SpentDate, e.Approved, should)
			}
			if should {
				n++
				if !e.ApprovedAt.Equal(pulledAt) {
					t.Errorf("%s approved at %s, want the pull's time %s", k, e.ApprovedAt, pulledAt)
				}
			}
		}
		if n != want {
			t.Errorf("%d approved, want %d", n, want)
		}
		if rep := r.pull(t, billing.Period{}); rep.Updated != 0 || rep.Inserted != 0 {
			t.Errorf("pull after that %+v, want nothing changed", rep)
		}
	})
}

// TestDeletionsAreRemoved: a timesheet deleted inside the open window is
// noticed by re-reading the window, one deleted outside it through the
// deleted-timesheets feed; both leave the store, the rest stay.
func TestDeletionsAreRemoved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		firm := gen(120, billing.MustDate("2026-10-31"))
		r := newRig(t, st, firm)
		window := billing.Period{Start: billing.MustDate("2026-10-01"), End: billing.MustDate("2026-10-31")}
		r.pull(t, window)
		var inside, outside qbtimesandbox.Timesheet
		for _, ts := range firm.Timesheets {
			switch {
			case inside.ID == 0 && !ts.Date.Before(window.Start):
				inside = ts
			case outside.ID == 0 && ts.Date.Before(window.Start):
				outside = ts
			}
		}
		r.clk.Advance(time.Hour)
		for _, id := range []int64{inside.ID, outside.ID} {
			if err := r.srv.Delete(id); err != nil {
				t.Fatal(err)
			}
		}
		rep := r.pull(t, window)
		if rep.Removed != 2 || len(rep.Flagged) != 0 {
			t.Fatalf("pull %+v, want 2 removed", rep)
		}
		got := r.entries(t)
		if len(got) != 118 {
			t.Errorf("%d entries left, want 118", len(got))
		}
		for _, id := range []int64{inside.ID, outside.ID} {
			if _, ok := got[qbtime.Source+"/"+strconv.FormatInt(id, 10)]; ok {
				t.Errorf("deleted timesheet %d still stored", id)
			}
		}
		if rep := r.pull(t, window); rep.Removed != 0 || rep.Inserted != 0 || rep.Updated != 0 {
			t.Errorf("pull after that %+v, want nothing changed", rep)
		}
	})
}

// TestSameIDAsHarvestIsAnotherEntry: ids are per source, so a Harvest
// entry and a QuickBooks Time timesheet with the same number are two
// entries.
func TestSameIDAsHarvestIsAnotherEntry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		firm := gen(5, billing.MustDate("2026-10-31"))
		r := newRig(t, st, firm)
		id := strconv.FormatInt(firm.Timesheets[0].ID, 10)
		harvestEntry := billing.TimeEntry{Source: "harvest", ExternalID: id, SpentDate: billing.MustDate("2026-10-01"),
			Hours: money.MustHours("2"), Currency: "USD", Billable: true, Client: "Acme", Project: "Acme"}
		if _, err := st.UpsertEntries(t.Context(), []billing.TimeEntry{harvestEntry}, r.clk.Now()); err != nil {
			t.Fatal(err)
		}
		rep := r.pull(t, billing.Period{})
		if rep.Inserted != 5 {
			t.Fatalf("pull %+v, want 5 inserted", rep)
		}
		got := r.entries(t)
		h, q := got["harvest/"+id], got[qbtime.Source+"/"+id]
		if len(got) != 6 || h.ID == 0 || q.ID == 0 || h.ID == q.ID || h.Hours != money.MustHours("2") {
			t.Errorf("entries %d; harvest %+v, quickbooks time %+v: want two apart", len(got), h, q)
		}
	})
}
