package qbtime_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"billbot/internal/qbtime"
)

// TestEmptyListsDecode: an empty result or supplemental_data written as []
// instead of {} decodes as empty, and the rest of the answer still reads.
func TestEmptyListsDecode(t *testing.T) {
	bodies := map[string]string{
		"/api/v1/timesheets":         `{"results":{"timesheets":[]},"more":false,"supplemental_data":[]}`,
		"/api/v1/users":              `{"results":{"users":{"7":{"id":7,"first_name":"Kim","last_name":"Allen","approved_to":"2026-10-31","customfields":[],"notes":"say \"users\":[] here"}}},"more":false,"supplemental_data": [ ]}`,
		"/api/v1/timesheets_deleted": `{"results":{"timesheets_deleted":[]},"more":false}`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(bodies[r.URL.Path]))
	}))
	t.Cleanup(srv.Close)
	c, err := qbtime.NewClient(srv.URL+"/api/v1/", "tok")
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	err = c.ListTimesheets(t.Context(), qbtime.TimesheetListOptions{IDs: []int64{1}}, func(p qbtime.TimesheetPage) error {
		pages++
		if len(p.Timesheets) != 0 || p.More {
			t.Errorf("page %+v, want empty", p)
		}
		return nil
	})
	if err != nil || pages != 1 {
		t.Fatalf("timesheets: %d pages, %v", pages, err)
	}
	users, err := c.ListUsers(t.Context())
	if err != nil || len(users) != 1 || users[0].Name() != "Kim Allen" || users[0].ApprovedTo != "2026-10-31" {
		t.Fatalf("users %+v, %v", users, err)
	}
	if del, err := c.ListDeletedTimesheets(t.Context(), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil || len(del) != 0 {
		t.Fatalf("deleted %+v, %v", del, err)
	}
}
