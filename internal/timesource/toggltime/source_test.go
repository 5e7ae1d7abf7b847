package toggltime_test

import (
	"errors"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/timesource/toggltime"
	"billbot/internal/toggl"
	"billbot/internal/toggl/togglsandbox"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

var (
	now     = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	october = billing.Period{Start: billing.MustDate("2026-10-01"), End: billing.MustDate("2026-10-31")}
)

// fixture is a sandbox with a generated October and a client for it, paced
// at a millisecond so tests run fast while the limiter still works.
func fixture(t *testing.T, entries int, approvals bool) (*togglsandbox.Server, togglsandbox.Firm, *toggl.Client) {
	t.Helper()
	srv := togglsandbox.New(togglsandbox.Options{Interval: time.Millisecond})
	firm := togglsandbox.Generate(11, togglsandbox.GenerateOptions{Entries: entries, Clients: 3, Users: 4,
		From: october.Start, To: october.End, Now: now, Approvals: approvals})
	srv.Seed(firm)
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := toggl.NewClient(srv.URL(), srv.ReportsURL(), srv.Token(), srv.WorkspaceID(), toggl.WithInterval(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return srv, firm, c
}

func source(t *testing.T, st *store.Store, c *toggl.Client, approval string) *toggltime.Source {
	t.Helper()
	wf := workflow.New(workflow.Deps{Store: st, Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)})
	src, err := toggltime.New(t.Context(), wf, c, toggltime.Options{Approval: approval})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func stored(t *testing.T, st *store.Store) map[string]billing.TimeEntry {
	t.Helper()
	es, err := st.UnallocatedEntries(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]billing.TimeEntry{}
	for _, e := range es {
		out[e.Source+"/"+e.ExternalID] = e
	}
	return out
}

// TestPullMapsEntriesAndTwiceChangesNothing: every October entry arrives
// once, in billbot's terms (Toggl's ids, names, exact hours, the most
// specific rate, running and approval as Toggl says), and a second pull
// changes nothing.
func TestPullMapsEntriesAndTwiceChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, firm, c := fixture(t, 120, true)
		src := source(t, st, c, toggltime.ApprovalTimesheets)
		rep, err := src.Pull(t.Context(), workflow.PullOptions{Window: october})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Fetched != 120 || rep.Inserted != 120 || rep.WindowSeen != 120 || rep.Requests == 0 || rep.Cursor == "" {
			t.Fatalf("first pull %+v", rep)
		}
		got := stored(t, st)
		if len(got) != 120 {
			t.Fatalf("%d entries stored, want 120", len(got))
		}
		approved := 0
		for _, want := range firm.Entries {
			e, ok := got["toggl/"+strconv.FormatInt(want.ID, 10)]
			if !ok {
				t.Fatalf("entry %d missing", want.ID)
			}
			var p togglsandbox.Project
			for _, pp := range firm.Projects {
				if pp.ID == want.ProjectID {
					p = pp
				}
			}
			if e.ProjectID != want.ProjectID || e.ClientID != p.ClientID || e.UserID != want.UserID || e.Project != p.Name {
				t.Errorf("entry %d ids: %+v", want.ID, e)
			}
			if e.Task == "" || e.Currency != "USD" || e.Billable != want.Billable || e.Running != want.Running() {
				t.Errorf("entry %d: %+v", want.ID, e)
			}
			if !want.Running() && e.Hours != toggl.Hours(want.Seconds) {
				t.Errorf("entry %d: %s hours for %d s", want.ID, e.Hours, want.Seconds)
			}
			if e.Rate != expectedRate(firm, want) {
				t.Errorf("entry %d: rate %d, want %d", want.ID, e.Rate, expectedRate(firm, want))
			}
			inSheet := false
			for _, ts := range firm.Timesheets {
				if ts.MemberID == want.UserID && (billing.Period{Start: ts.Start, End: ts.End}).Contains(billing.DateOf(want.Start)) {
					inSheet = true
				}
			}
			if e.Approved != (inSheet && !want.Running()) {
				t.Errorf("entry %d approved=%v, in an approved timesheet=%v", want.ID, e.Approved, inSheet)
			}
			if e.Approved {
				approved++
			}
		}
		if approved == 0 || approved == 120 {
			t.Errorf("%d of 120 approved: the fixture should approve some weeks only", approved)
		}
		again, err := src.Pull(t.Context(), workflow.PullOptions{Window: october})
		if err != nil {
			t.Fatal(err)
		}
		if again.Inserted != 0 || again.Updated != 0 || again.Removed != 0 || again.Unchanged != 120 {
			t.Errorf("second pull %+v, want 120 unchanged", again)
		}
	})
}

// expectedRate is Toggl's most specific rate of e, in cents.
func expectedRate(f togglsandbox.Firm, e togglsandbox.Entry) money.Amount {
	for _, pu := range f.ProjectUsers {
		if pu.ProjectID == e.ProjectID && pu.UserID == e.UserID && pu.Rate != 0 {
			return pu.Rate
		}
	}
	for _, p := range f.Projects {
		if p.ID == e.ProjectID && p.Rate != 0 {
			return p.Rate
		}
	}
	for _, u := range f.Users {
		if u.ID == e.UserID && u.Rate != 0 {
			return u.Rate
		}
	}
	return f.Workspace.DefaultRate
}

// TestPullNoticesEditsAndDeletions: an edit is an update; a deletion in
// the window is removed, or flagged when the entry is already invoiced.
func TestPullNoticesEditsAndDeletions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		srv, firm, c := fixture(t, 30, false)
		src := source(t, st, c, toggltime.ApprovalAll)
		if _, err := src.Pull(t.Context(), workflow.PullOptions{Window: october}); err != nil {
			t.Fatal(err)
		}
		got := stored(t, st)
		billedEntry := got["toggl/"+strconv.FormatInt(firm.Entries[1].ID, 10)]
		if _, _, err := st.SaveDraft(t.Context(), invoice(billedEntry), "billbot"); err != nil {
			t.Fatal(err)
		}
		edited := firm.Entries[2]
		edited.Description = "corrected notes"
		if !srv.Update(edited) || !srv.Delete(firm.Entries[0].ID) || !srv.Delete(firm.Entries[1].ID) {
			t.Fatal("sandbox refused the changes")
		}
		rep, err := src.Pull(t.Context(), workflow.PullOptions{Window: october})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Removed != 1 || len(rep.Flagged) != 1 || rep.Flagged[0] != billedEntry.ID || rep.Updated != 1 || rep.WindowSeen != 28 {
			t.Errorf("report %+v: want 1 removed, the invoiced one flagged, 1 updated, 28 seen", rep)
		}
		after := stored(t, st)
		if _, ok := after["toggl/"+strconv.FormatInt(firm.Entries[0].ID, 10)]; ok {
			t.Error("the deleted entry is still live")
		}
		if e := after["toggl/"+strconv.FormatInt(edited.ID, 10)]; e.Notes != "corrected notes" {
			t.Errorf("edited entry has notes %q", e.Notes)
		}
	})
}

func invoice(e billing.TimeEntry) billing.Invoice {
	amount := money.LineAmount(e.Hours, e.Rate)
	return billing.Invoice{
		Key: "toggl-test-2026-10", Client: e.Client, Currency: e.Currency, Period: october,
		InvoiceDate: billing.MustDate("2026-11-01"), DueDate: billing.MustDate("2026-12-01"),
		Engagements: []string{"eng"}, Partners: []string{"U0PARTNER1"}, Managers: []string{"U0MANAGER1"},
		Lines: []billing.Line{{Kind: billing.LineHourly, Engagement: "eng", Task: e.Task, Item: "Services", Description: e.Task,
			ServiceDate: october.End, Qty: e.Hours, UnitPrice: e.Rate, Amount: amount, EntryIDs: []int64{e.ID}}},
		Subtotal: amount, Total: amount, Hours: e.Hours,
	}
}

// TestApprovalModes: the three ways a Toggl entry becomes approved.
func TestApprovalModes(t *testing.T) {
	lock := billing.MustDate("2026-10-15")
	for _, tc := range []struct {
		mode    string
		prepare func(*togglsandbox.Server, togglsandbox.Firm)
		want    func(togglsandbox.Entry) bool
	}{
		{toggltime.ApprovalAll, nil, func(e togglsandbox.Entry) bool { return !e.Running() }},
		{toggltime.ApprovalLockedPeriods, func(s *togglsandbox.Server, _ togglsandbox.Firm) { s.Lock(lock) },
			func(e togglsandbox.Entry) bool { return !e.Running() && !billing.DateOf(e.Start).After(lock) }},
		{toggltime.ApprovalTimesheets, func(s *togglsandbox.Server, f togglsandbox.Firm) {
			s.Approve(f.Users[0].ID, billing.MustDate("2026-10-05"), billing.MustDate("2026-10-11"))
		}, func(e togglsandbox.Entry) bool {
			return !e.Running() && e.UserID == 9_000_001 && (billing.Period{Start: billing.MustDate("2026-10-05"), End: billing.MustDate("2026-10-11")}).Contains(billing.DateOf(e.Start))
		}},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			st := storetest.SQLite(t)
			srv, _, c := fixture(t, 200, false)
			if tc.mode == toggltime.ApprovalTimesheets {
				f := srv.Firm()
				f.Workspace.Approvals = true
				srv.Seed(f)
			}
			if tc.prepare != nil {
				tc.prepare(srv, srv.Firm())
			}
			if _, err := source(t, st, c, tc.mode).Pull(t.Context(), workflow.PullOptions{Window: october}); err != nil {
				t.Fatal(err)
			}
			got := stored(t, st)
			n := 0
			for _, e := range srv.Firm().Entries {
				s := got["toggl/"+strconv.FormatInt(e.ID, 10)]
				if s.Approved != tc.want(e) {
					t.Errorf("entry %d on %s approved=%v, want %v", e.ID, billing.DateOf(e.Start), s.Approved, tc.want(e))
				}
				if s.Approved {
					n++
				}
			}
			if n == 0 || n == 200 {
				t.Errorf("%d of 200 approved; the case should approve some only", n)
			}
		})
	}
}

// TestApprovalsWithoutTheFeature: a workspace without timesheet approvals
// fails the pull in "approvals" mode with a message naming the other modes.
func TestApprovalsWithoutTheFeature(t *testing.T) {
	st := storetest.SQLite(t)
	_, _, c := fixture(t, 5, false)
	_, err := source(t, st, c, toggltime.ApprovalTimesheets).Pull(t.Context(), workflow.PullOptions{Window: october})
	if err == nil || !errors.Is(err, toggl.ErrPremium) {
		t.Fatalf("err %v, want ErrPremium", err)
	}
}

// TestIDsDoNotCollideWithHarvest: a Harvest entry and a Toggl entry with
// the same numeric id are two entries.
func TestIDsDoNotCollideWithHarvest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, firm, c := fixture(t, 3, false)
		id := strconv.FormatInt(firm.Entries[0].ID, 10)
		h := billing.TimeEntry{Source: "harvest", ExternalID: id, Project: "P", Client: "C", Task: "T", User: "U",
			SpentDate: billing.MustDate("2026-10-02"), Hours: money.MustHours("1"), Currency: "USD", Billable: true}
		if _, err := st.UpsertEntries(t.Context(), []billing.TimeEntry{h}, now); err != nil {
			t.Fatal(err)
		}
		if _, err := source(t, st, c, toggltime.ApprovalAll).Pull(t.Context(), workflow.PullOptions{Window: october}); err != nil {
			t.Fatal(err)
		}
		got := stored(t, st)
		if _, ok := got["harvest/"+id]; !ok {
			t.Error("the Harvest entry is gone")
		}
		if _, ok := got["toggl/"+id]; !ok || len(got) != 4 {
			t.Errorf("%d entries: %v; want the Harvest one and 3 from Toggl", len(got), keys(got))
		}
	})
}

func keys(m map[string]billing.TimeEntry) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestCatalogRead: setup's listing of a workspace.
func TestCatalogRead(t *testing.T) {
	_, firm, c := fixture(t, 60, false)
	l, err := toggltime.NewCatalog(c).Read(t.Context(), billing.MustDate("2026-10-20"))
	if err != nil {
		t.Fatal(err)
	}
	if l.FirmName != "Generated CPAs" || len(l.Clients) != 3 || len(l.Projects) != len(firm.Projects) || len(l.Users) != 4 {
		t.Fatalf("listing %s: %d clients, %d projects, %d users", l.FirmName, len(l.Clients), len(l.Projects), len(l.Users))
	}
	p0 := l.Projects[0]
	if p0.BillBy != "People" || len(p0.People) != 1 || p0.People[0].HourlyRate != "225.00" || len(p0.Tasks) != 3 || p0.HourlyRate != "195.00" {
		t.Errorf("first project %+v", p0)
	}
	fixed := 0
	for _, p := range l.Projects {
		if p.FixedFee {
			fixed++
			if p.Fee != "2500.00" {
				t.Errorf("fixed fee %q", p.Fee)
			}
		}
	}
	if fixed == 0 {
		t.Error("no fixed-fee project")
	}
	if l.Users[1].Rate != "125.00" || l.Clients[0].Currency != "USD" {
		t.Errorf("user %+v, client %+v", l.Users[1], l.Clients[0])
	}
	want := 0
	for _, e := range firm.Entries {
		if e.Billable && !e.Running() && billing.DateOf(e.Start).Before(billing.MustDate("2026-10-20")) {
			want++
		}
	}
	if l.History.Entries != want || want == 0 || l.Requests < 7 {
		t.Errorf("history %+v over %d requests, want %d entries", l.History, l.Requests, want)
	}
}
