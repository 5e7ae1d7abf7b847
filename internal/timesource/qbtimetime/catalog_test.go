package qbtimetime_test

import (
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/qbtime"
	"billbot/internal/qbtime/qbtimesandbox"
	"billbot/internal/timesource/qbtimetime"
)

// TestCatalogRead: customers, projects with their task paths and rates,
// users, and the billable stopped time before go-live, in setup's terms.
func TestCatalogRead(t *testing.T) {
	stamp := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	firm := qbtimesandbox.Firm{
		Company: "Example CPA",
		Users: []qbtimesandbox.User{
			{ID: 1, FirstName: "Pat", LastName: "Partner", Email: "pat@firm.example", Active: true, Admin: true},
			{ID: 2, FirstName: "Sam", LastName: "Staff", Email: "sam@firm.example", Active: false},
		},
		Jobcodes: []qbtimesandbox.Jobcode{
			{ID: 10, Name: "Acme", Billable: true, Active: true},
			{ID: 11, ParentID: 10, Name: "Audit", Billable: true, BillableRate: "0", Active: true},
			{ID: 12, ParentID: 11, Name: "Fieldwork", Billable: true, BillableRate: "175.50", Active: true},
			{ID: 13, ParentID: 12, Name: "Travel", Billable: false, Active: true},
			{ID: 14, ParentID: 10, Name: "Tax", Billable: true, BillableRate: "200", Active: true},
			{ID: 20, Name: "Solo Client", Billable: true, Active: true},
			{ID: 30, Name: "Vacation", Type: "pto", Active: true},
		},
		Timesheets: []qbtimesandbox.Timesheet{
			{UserID: 1, JobcodeID: 12, Date: billing.MustDate("2026-09-30"), Duration: 5400, LastModified: stamp},
			{UserID: 1, JobcodeID: 13, Date: billing.MustDate("2026-09-30"), Duration: 3600, LastModified: stamp},
			{UserID: 1, JobcodeID: 14, Date: billing.MustDate("2026-10-01"), Duration: 3600, LastModified: stamp},
			{UserID: 1, JobcodeID: 14, Date: billing.MustDate("2026-09-29"), Duration: 900, OnTheClock: true, Start: stamp, LastModified: stamp},
		},
	}
	srv := qbtimesandbox.New(qbtimesandbox.Options{})
	srv.Seed(firm)
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := qbtime.NewClient(srv.URL(), srv.Token())
	if err != nil {
		t.Fatal(err)
	}
	l, err := qbtimetime.NewCatalog(c).Read(t.Context(), billing.MustDate("2026-10-01"))
	if err != nil {
		t.Fatal(err)
	}
	if l.FirmName != "Example CPA" || len(l.Clients) != 2 || l.Clients[0].ID != 10 || l.Clients[1].Name != "Solo Client" {
		t.Errorf("firm %q, clients %+v", l.FirmName, l.Clients)
	}
	if len(l.Projects) != 3 {
		t.Fatalf("projects %+v, want Audit, Tax and Solo Client", l.Projects)
	}
	audit, tax, solo := l.Projects[0], l.Projects[1], l.Projects[2]
	if audit.ID != 11 || audit.ClientID != 10 || audit.BillBy != "Tasks" || audit.HourlyRate != "" || len(audit.Tasks) != 2 ||
		audit.Tasks[0].Task != "Fieldwork" || audit.Tasks[0].HourlyRate != "175.50" || audit.Tasks[1].Task != "Fieldwork / Travel" || audit.Tasks[1].Billable {
		t.Errorf("audit %+v", audit)
	}
	if tax.ID != 14 || tax.BillBy != "Project" || tax.HourlyRate != "200" || len(tax.Tasks) != 0 {
		t.Errorf("tax %+v", tax)
	}
	if solo.ID != 20 || solo.ClientID != 20 {
		t.Errorf("solo %+v", solo)
	}
	if len(l.Users) != 2 || l.Users[0].Name != "Pat Partner" || !l.Users[0].Admin || l.Users[1].Active || l.Users[0].Rate != "" {
		t.Errorf("users %+v", l.Users)
	}
	// Before 2026-10-01: 1.5 h billable (Fieldwork); Travel is not
	// billable, the 10-01 one is on go-live, the running one is not stopped.
	if l.History.Entries != 1 || l.History.Hours != money.MustHours("1.5") {
		t.Errorf("history %+v, want 1 entry of 1.5 h", l.History)
	}
	if l.Requests != 4 {
		t.Errorf("requests %d, want 4", l.Requests)
	}
}
