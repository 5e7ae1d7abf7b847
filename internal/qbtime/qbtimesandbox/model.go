package qbtimesandbox

import (
	"fmt"
	"slices"
	"time"

	"billbot/internal/billing"
)

// User is a QuickBooks Time user as the sandbox keeps it.
type User struct {
	ID                  int64
	FirstName, LastName string
	Email, Username     string
	Active              bool
	Admin               bool
	SubmittedTo         billing.Date // zero: never
	ApprovedTo          billing.Date // zero: never
	PayRate             string       // what the firm pays; admins only
	LastModified        time.Time
}

// Jobcode is a node of the jobcode tree; ParentID 0 is the top level.
type Jobcode struct {
	ID, ParentID int64
	Name         string
	ShortCode    string
	Type         string // regular (default), pto, paid_break, unpaid_break
	Billable     bool
	BillableRate string // decimal text, e.g. "150.00"; "" is 0
	Active       bool
	LastModified time.Time
}

// Timesheet is a timesheet: regular when Start is set (End zero while on
// the clock), manual otherwise.
type Timesheet struct {
	ID, UserID, JobcodeID int64
	Date                  billing.Date
	Start, End            time.Time
	Duration              int64 // seconds
	OnTheClock            bool
	Notes                 string
	CustomFields          map[string]string
	LastModified          time.Time
}

// Deleted is a deleted timesheet with its deletion time.
type Deleted struct {
	Timesheet
	DeletedAt time.Time
}

// Firm is a whole company to seed.
type Firm struct {
	Company    string
	Users      []User
	Jobcodes   []Jobcode
	Timesheets []Timesheet
}

// Seed replaces everything the server holds with f. Zero LastModified
// times become the server's now; zero ids are assigned.
func (s *Server) Seed(f Firm) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().Truncate(time.Second)
	s.company = f.Company
	s.users, s.userOrder = map[int64]*User{}, nil
	s.jobcodes, s.jobOrder, s.children = map[int64]*Jobcode{}, nil, map[int64][]int64{}
	s.timesheets, s.live, s.index, s.deleted = nil, nil, map[int64]int{}, nil
	s.queries = map[string][]int32{}
	s.rendered = map[[2]int64][]byte{}
	s.nextID = 1000
	for _, u := range f.Users {
		u := u
		if u.LastModified.IsZero() {
			u.LastModified = now
		}
		s.bump(u.ID)
		s.users[u.ID] = &u
		s.userOrder = append(s.userOrder, u.ID)
	}
	slices.Sort(s.userOrder)
	for _, j := range f.Jobcodes {
		j := j
		if j.LastModified.IsZero() {
			j.LastModified = now
		}
		if j.Type == "" {
			j.Type = "regular"
		}
		s.bump(j.ID)
		s.jobcodes[j.ID] = &j
		s.jobOrder = append(s.jobOrder, j.ID)
		s.children[j.ParentID] = append(s.children[j.ParentID], j.ID)
	}
	slices.Sort(s.jobOrder)
	s.timesheets = make([]Timesheet, 0, len(f.Timesheets))
	s.live = make([]bool, 0, len(f.Timesheets))
	for _, t := range f.Timesheets {
		if t.ID == 0 {
			s.nextID++
			t.ID = s.nextID
		}
		if t.LastModified.IsZero() {
			t.LastModified = now
		}
		s.bump(t.ID)
		s.index[t.ID] = len(s.timesheets)
		s.timesheets = append(s.timesheets, t)
		s.live = append(s.live, true)
	}
}

func (s *Server) bump(id int64) {
	if id > s.nextID {
		s.nextID = id
	}
}

// Add stores a new timesheet, last modified now, and returns it with its
// id.
func (s *Server) Add(t Timesheet) Timesheet {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	t.ID = s.nextID
	t.LastModified = s.stamp()
	s.index[t.ID] = len(s.timesheets)
	s.timesheets = append(s.timesheets, t)
	s.live = append(s.live, true)
	s.queries = map[string][]int32{}
	return t
}

// Update replaces the timesheet with t's id; its last_modified becomes now.
func (s *Server) Update(t Timesheet) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.index[t.ID]
	if !ok || !s.live[i] {
		return fmt.Errorf("qbtimesandbox: no timesheet %d", t.ID)
	}
	t.LastModified = s.stamp()
	s.timesheets[i] = t
	s.queries = map[string][]int32{}
	return nil
}

// Delete deletes timesheet id: it leaves /timesheets and shows in
// /timesheets_deleted with last_modified the deletion time
// (tsheetsteam.github.io/api_docs/ "The Timesheets Deleted Object").
func (s *Server) Delete(id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.index[id]
	if !ok || !s.live[i] {
		return fmt.Errorf("qbtimesandbox: no timesheet %d", id)
	}
	s.live[i] = false
	now := s.stamp()
	d := Deleted{Timesheet: s.timesheets[i], DeletedAt: now}
	d.LastModified = now
	s.deleted = append(s.deleted, d)
	s.queries = map[string][]int32{}
	return nil
}

// SetApprovedTo approves user's time up to and including date, as a
// manager's PUT to /users does; a later date than submitted_to moves
// submitted_to too (tsheetsteam.github.io/api_docs/ "The User Object":
// approved_to). The user's last_modified becomes now; its timesheets do
// not change.
func (s *Server) SetApprovedTo(userID int64, date billing.Date) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[userID]
	if !ok {
		return fmt.Errorf("qbtimesandbox: no user %d", userID)
	}
	u.ApprovedTo = date
	if date.After(u.SubmittedTo) {
		u.SubmittedTo = date
	}
	u.LastModified = s.stamp()
	delete(s.rendered, [2]int64{0, userID})
	return nil
}

// Timesheets returns the live timesheets, in the order they were added.
func (s *Server) Timesheets() []Timesheet {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Timesheet, 0, len(s.timesheets))
	for i, t := range s.timesheets {
		if s.live[i] {
			out = append(out, t)
		}
	}
	return out
}

// stamp is now as the API writes it: whole seconds
// (tsheetsteam.github.io/api_docs/ "last_modified":
// "YYYY-MM-DDThh:mm:ss±hh:mm").
func (s *Server) stamp() time.Time { return s.now().Truncate(time.Second) }
