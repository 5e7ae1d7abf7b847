package harvestsandbox

import (
	"fmt"
	"slices"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// Company is the account's settings as GET /v2/company shows them.
type Company struct {
	Name            string
	ApprovalFeature bool // timesheet approval on: entries can become is_closed
	WeekStartDay    string
}

// Client is a Harvest client (the firm's customer).
type Client struct {
	ID        int64
	Name      string
	Currency  money.Currency
	IsActive  bool
	Address   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Project is a Harvest project of one client.
type Project struct {
	ID         int64
	ClientID   int64
	Name       string
	Code       string
	IsActive   bool
	IsBillable bool
	IsFixedFee bool
	BillBy     string       // "Project", "Tasks", "People" or "none"
	HourlyRate money.Amount // project rate, when BillBy is "Project"
	Fee        money.Amount // fixed fee, when IsFixedFee
	Budget     money.Amount // zero serves null
	StartsOn   billing.Date
	EndsOn     billing.Date
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Task is a kind of work ("Tax Prep", "Bookkeeping").
type Task struct {
	ID   int64
	Name string
}

// User is a person tracking time.
type User struct {
	ID        int64
	FirstName string
	LastName  string
	Rate      money.Amount // default billable rate
	Email     string
	Archived  bool     // served as is_active: false
	Roles     []string // access_roles; empty serves ["member"]
}

// Name is how Harvest shows the user on time entries.
func (u User) Name() string { return u.FirstName + " " + u.LastName }

// TaskAssignment puts a task on a project with its billable flag and rate.
type TaskAssignment struct {
	ID         int64
	ProjectID  int64
	TaskID     int64
	Billable   bool
	IsActive   bool
	HourlyRate money.Amount
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// UserAssignment puts a person on a project with their rate.
type UserAssignment struct {
	ID               int64
	ProjectID        int64
	UserID           int64
	IsProjectManager bool
	IsActive         bool
	UseDefaultRates  bool
	HourlyRate       money.Amount
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Entry is a time entry. Names and assignments are looked up from the ids
// when it is served.
type Entry struct {
	ID           int64
	SpentDate    billing.Date
	UserID       int64
	ClientID     int64
	ProjectID    int64
	TaskID       int64
	Hours        money.Hours
	RoundedHours money.Hours // zero: same as Hours
	Notes        string
	IsClosed     bool // approved via timesheet approval
	IsBilled     bool
	IsRunning    bool
	Billable     bool
	// BillableRate is in minor units of the client's currency; NoRate
	// serves it as null, as Harvest does for non-billable time.
	BillableRate money.Amount
	NoRate       bool
	CostRate     money.Amount
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// GeneratedFirm is a whole account: what Seed loads and Generate makes.
type GeneratedFirm struct {
	Company         Company
	Clients         []Client
	Projects        []Project
	Tasks           []Task
	Users           []User
	TaskAssignments []TaskAssignment
	UserAssignments []UserAssignment
	Entries         []Entry
}

// Seed replaces everything the server holds with firm.
func (s *Server) Seed(firm GeneratedFirm) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.company = firm.Company
	s.clients = map[int64]Client{}
	s.clientOrder = nil
	for _, c := range firm.Clients {
		s.clients[c.ID] = c
		s.clientOrder = append(s.clientOrder, c.ID)
	}
	s.projects = map[int64]Project{}
	s.projectOrder = nil
	for _, p := range firm.Projects {
		s.projects[p.ID] = p
		s.projectOrder = append(s.projectOrder, p.ID)
	}
	s.tasks = map[int64]Task{}
	for _, t := range firm.Tasks {
		s.tasks[t.ID] = t
	}
	s.users = map[int64]User{}
	for _, u := range firm.Users {
		s.users[u.ID] = u
	}
	s.taskAssignments = slices.Clone(firm.TaskAssignments)
	s.userAssignments = slices.Clone(firm.UserAssignments)
	s.uaByPU = map[[2]int64]UserAssignment{}
	for _, ua := range s.userAssignments {
		s.uaByPU[[2]int64{ua.ProjectID, ua.UserID}] = ua
	}
	s.taByPT = map[[2]int64]TaskAssignment{}
	for _, ta := range s.taskAssignments {
		s.taByPT[[2]int64{ta.ProjectID, ta.TaskID}] = ta
	}
	s.entries = make([]Entry, len(firm.Entries))
	copy(s.entries, firm.Entries)
	s.nextID = 1
	for _, e := range s.entries {
		s.nextID = max(s.nextID, e.ID+1)
	}
	s.resort()
}

// Add stores new entries. A zero ID is assigned; zero CreatedAt and
// UpdatedAt become the server clock's now. It returns the ids.
func (s *Server) Add(entries ...Entry) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC().Truncate(time.Second)
	ids := make([]int64, 0, len(entries))
	for _, e := range entries {
		if e.ID == 0 {
			e.ID = s.nextID
		}
		s.nextID = max(s.nextID, e.ID+1)
		if e.CreatedAt.IsZero() {
			e.CreatedAt = now
		}
		if e.UpdatedAt.IsZero() {
			e.UpdatedAt = now
		}
		s.entries = append(s.entries, e)
		ids = append(ids, e.ID)
	}
	s.resort()
	return ids
}

// Update changes entry id with fn and bumps its updated_at to the server
// clock's now, as any edit in Harvest does.
func (s *Server) Update(id int64, fn func(*Entry)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.index[id]
	if !ok {
		return fmt.Errorf("harvestsandbox: no time entry %d", id)
	}
	before := s.entries[i].SpentDate
	fn(&s.entries[i])
	s.entries[i].ID = id
	s.entries[i].UpdatedAt = s.now().UTC().Truncate(time.Second)
	if s.entries[i].SpentDate != before {
		s.resort()
	} else {
		s.queries = map[string][]int32{}
	}
	return nil
}

// Delete removes entry id. Harvest keeps no tombstone: a deleted entry just
// stops appearing, which is why billbot re-reads the open window.
func (s *Server) Delete(id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.index[id]
	if !ok {
		return fmt.Errorf("harvestsandbox: no time entry %d", id)
	}
	s.entries = slices.Delete(s.entries, i, i+1)
	s.resort()
	return nil
}

// Entry returns a copy of entry id.
func (s *Server) Entry(id int64) (Entry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.index[id]
	if !ok {
		return Entry{}, false
	}
	return s.entries[i], true
}

// Len returns the number of time entries held.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

// resort restores Harvest's order, spent_date with the most recently
// created entries first (help.getharvest.com/api-v2/timesheets-api/timesheets/time-entries/
// "List all time entries"), rebuilds the id index and drops cached queries.
// Callers hold s.mu.
func (s *Server) resort() {
	slices.SortStableFunc(s.entries, func(a, b Entry) int {
		if c := b.SpentDate.Compare(a.SpentDate); c != 0 {
			return c
		}
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		switch {
		case a.ID > b.ID:
			return -1
		case a.ID < b.ID:
			return 1
		}
		return 0
	})
	s.index = make(map[int64]int, len(s.entries))
	for i, e := range s.entries {
		s.index[e.ID] = i
	}
	s.queries = map[string][]int32{}
}
