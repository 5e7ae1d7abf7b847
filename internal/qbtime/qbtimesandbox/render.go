package qbtimesandbox

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"billbot/internal/billing"
)

// The wire shapes follow the docs' objects and example responses
// (tsheetsteam.github.io/api_docs/ "The User Object", "The Jobcode
// Object", "The Timesheet Object"): every list is an object keyed by id.

// instant writes a time as "YYYY-MM-DDThh:mm:ss±hh:mm".
func instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02T15:04:05-07:00")
}

// day writes a date; a never-set date is "0000-00-00", as the docs'
// example writes an empty hire_date.
func day(d billing.Date) string {
	if d.IsZero() {
		return "0000-00-00"
	}
	return d.String()
}

func number(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage("0")
	}
	return json.RawMessage(s)
}

type wireUser struct {
	ID                    int64           `json:"id"`
	FirstName             string          `json:"first_name"`
	LastName              string          `json:"last_name"`
	DisplayName           string          `json:"display_name"`
	GroupID               int64           `json:"group_id"`
	Active                bool            `json:"active"`
	EmployeeNumber        int64           `json:"employee_number"`
	Salaried              bool            `json:"salaried"`
	Exempt                bool            `json:"exempt"`
	Username              string          `json:"username"`
	Email                 string          `json:"email"`
	EmailVerified         bool            `json:"email_verified"`
	PayrollID             string          `json:"payroll_id"`
	HireDate              string          `json:"hire_date"`
	TermDate              string          `json:"term_date"`
	LastModified          string          `json:"last_modified"`
	LastActive            string          `json:"last_active"`
	Created               string          `json:"created"`
	ClientURL             string          `json:"client_url"`
	CompanyName           string          `json:"company_name"`
	SubmittedTo           string          `json:"submitted_to"`
	ApprovedTo            string          `json:"approved_to"`
	ManagerOfGroupIDs     []int64         `json:"manager_of_group_ids"`
	RequirePasswordChange bool            `json:"require_password_change"`
	PayRate               json.RawMessage `json:"pay_rate"`
	PayInterval           string          `json:"pay_interval"`
	Permissions           map[string]bool `json:"permissions"`
}

func (s *Server) writeUser(b *bytes.Buffer, u *User) {
	key := [2]int64{0, u.ID}
	if out, ok := s.rendered[key]; ok {
		b.Write(out)
		return
	}
	start := b.Len()
	defer func() { s.rendered[key] = bytes.Clone(b.Bytes()[start:]) }()
	w := wireUser{
		ID: u.ID, FirstName: u.FirstName, LastName: u.LastName, Active: u.Active,
		Username: u.Username, Email: u.Email, HireDate: "0000-00-00", TermDate: "0000-00-00",
		LastModified: instant(u.LastModified), Created: instant(u.LastModified),
		ClientURL: "sandbox", CompanyName: s.company,
		SubmittedTo: day(u.SubmittedTo), ApprovedTo: day(u.ApprovedTo),
		ManagerOfGroupIDs: []int64{}, PayRate: number(u.PayRate), PayInterval: "hour",
		Permissions: map[string]bool{"admin": u.Admin, "approve_timesheets": u.Admin, "mobile": true},
	}
	writeKeyed(b, u.ID, w)
}

type wireJobcode struct {
	ID                       int64           `json:"id"`
	ParentID                 int64           `json:"parent_id"`
	AssignedToAll            bool            `json:"assigned_to_all"`
	Billable                 bool            `json:"billable"`
	Active                   bool            `json:"active"`
	Type                     string          `json:"type"`
	HasChildren              bool            `json:"has_children"`
	BillableRate             json.RawMessage `json:"billable_rate"`
	ShortCode                string          `json:"short_code"`
	Name                     string          `json:"name"`
	LastModified             string          `json:"last_modified"`
	Created                  string          `json:"created"`
	FilteredCustomFieldItems string          `json:"filtered_customfielditems"`
	RequiredCustomFields     []int64         `json:"required_customfields"`
	Locations                []int64         `json:"locations"`
	ConnectWithQuickBooks    bool            `json:"connect_with_quickbooks"`
}

func (s *Server) writeJobcode(b *bytes.Buffer, j *Jobcode) {
	key := [2]int64{1, j.ID}
	if out, ok := s.rendered[key]; ok {
		b.Write(out)
		return
	}
	start := b.Len()
	defer func() { s.rendered[key] = bytes.Clone(b.Bytes()[start:]) }()
	writeKeyed(b, j.ID, wireJobcode{
		ID: j.ID, ParentID: j.ParentID, Billable: j.Billable, Active: j.Active, Type: j.Type,
		HasChildren: len(s.children[j.ID]) > 0, BillableRate: number(j.BillableRate),
		ShortCode: j.ShortCode, Name: j.Name, LastModified: instant(j.LastModified), Created: instant(j.LastModified),
		RequiredCustomFields: []int64{}, Locations: []int64{},
	})
}

type wireTimesheet struct {
	ID            int64             `json:"id"`
	UserID        int64             `json:"user_id"`
	JobcodeID     int64             `json:"jobcode_id"`
	Start         string            `json:"start"`
	End           string            `json:"end"`
	Duration      int64             `json:"duration"`
	Date          string            `json:"date"`
	TZ            int               `json:"tz"`
	TZStr         string            `json:"tz_str"`
	Type          string            `json:"type"`
	Location      string            `json:"location"`
	OnTheClock    bool              `json:"on_the_clock"`
	Locked        int               `json:"locked"`
	Notes         string            `json:"notes"`
	CustomFields  map[string]string `json:"customfields"`
	AttachedFiles []int64           `json:"attached_files"`
	LastModified  string            `json:"last_modified"`
}

// writeTimesheet writes a timesheet: a manual one has empty start and end,
// a running one an empty end ("Manual timesheets have a date and a
// duration"; on_the_clock: "not clocked out, so end time is empty").
func writeTimesheet(b *bytes.Buffer, t *Timesheet) {
	w := wireTimesheet{
		ID: t.ID, UserID: t.UserID, JobcodeID: t.JobcodeID, Duration: t.Duration, Date: t.Date.String(),
		TZStr: "tsUTC", Type: "manual", OnTheClock: t.OnTheClock, Notes: t.Notes,
		CustomFields: t.CustomFields, AttachedFiles: []int64{}, LastModified: instant(t.LastModified),
	}
	if w.CustomFields == nil {
		w.CustomFields = map[string]string{}
	}
	if !t.Start.IsZero() {
		w.Type, w.Start, w.End = "regular", instant(t.Start), instant(t.End)
	}
	writeKeyed(b, t.ID, w)
}

func writeKeyed(b *bytes.Buffer, id int64, v any) {
	b.WriteByte('"')
	b.WriteString(strconv.FormatInt(id, 10))
	b.WriteString(`":`)
	out, err := json.Marshal(v)
	if err != nil {
		panic(err) // the wire structs always marshal
	}
	b.Write(out)
}
