package harvestsandbox

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"billbot/internal/billing"
)

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /v2/time_entries", s.listTimeEntries)
	m.HandleFunc("GET /v2/clients", s.listClients)
	m.HandleFunc("GET /v2/projects", s.listProjects)
	m.HandleFunc("GET /v2/projects/{id}/task_assignments", s.listTaskAssignments)
	m.HandleFunc("GET /v2/projects/{id}/user_assignments", s.listUserAssignments)
	m.HandleFunc("GET /v2/company", s.getCompany)
	m.HandleFunc("GET /v2/users", s.listUsers)
	m.HandleFunc("GET /v2/task_assignments", s.listAllTaskAssignments)
	m.HandleFunc("GET /v2/user_assignments", s.listAllUserAssignments)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// Harvest's 404 body is not documented; billbot reads only the status.
		writeJSON(w, http.StatusNotFound, []byte(`{"status":404,"error":"Not Found"}`))
	})
	s.mux = m
}

// entryFilter is the parsed query of GET /v2/time_entries.
type entryFilter struct {
	updatedSince        time.Time
	from, to            billing.Date
	running             *bool
	projectID, clientID int64
}

// parseEntryFilter reads the filters Harvest documents for "List all time
// entries" (help.getharvest.com/api-v2/timesheets-api/timesheets/time-entries/).
// A malformed value is a 422, Harvest's status for processing errors.
func parseEntryFilter(q url.Values) (entryFilter, string) {
	var f entryFilter
	if v := q.Get("updated_since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return f, "updated_since must be an ISO 8601 date and time"
		}
		f.updatedSince = t
	}
	for _, d := range []struct {
		name string
		dst  *billing.Date
	}{{"from", &f.from}, {"to", &f.to}} {
		if v := q.Get(d.name); v != "" {
			t, err := billing.ParseDate(v)
			if err != nil {
				return f, d.name + " must be a date YYYY-MM-DD"
			}
			*d.dst = t
		}
	}
	if v := q.Get("is_running"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, "is_running must be true or false"
		}
		f.running = &b
	}
	for _, id := range []struct {
		name string
		dst  *int64
	}{{"project_id", &f.projectID}, {"client_id", &f.clientID}} {
		if v := q.Get(id.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return f, id.name + " must be an integer"
			}
			*id.dst = n
		}
	}
	return f, ""
}

func (f entryFilter) key() string {
	var b strings.Builder
	if !f.updatedSince.IsZero() {
		b.WriteString("u" + f.updatedSince.UTC().Format(time.RFC3339))
	}
	b.WriteString("|f" + f.from.String() + "|t" + f.to.String())
	if f.running != nil {
		b.WriteString("|r" + strconv.FormatBool(*f.running))
	}
	b.WriteString("|p" + itoa(f.projectID) + "|c" + itoa(f.clientID))
	return b.String()
}

func (f entryFilter) match(e *Entry) bool {
	// updated_since: "only return time entries that have been updated since
	// the given date and time"; taken as inclusive.
	if !f.updatedSince.IsZero() && e.UpdatedAt.Before(f.updatedSince) {
		return false
	}
	// from/to filter on spent_date, both inclusive.
	if !f.from.IsZero() && e.SpentDate.Before(f.from) {
		return false
	}
	if !f.to.IsZero() && e.SpentDate.After(f.to) {
		return false
	}
	if f.running != nil && e.IsRunning != *f.running {
		return false
	}
	if f.projectID != 0 && e.ProjectID != f.projectID {
		return false
	}
	if f.clientID != 0 && e.ClientID != f.clientID {
		return false
	}
	return true
}

func (s *Server) listTimeEntries(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, msg := parseEntryFilter(q)
	if msg != "" {
		writeJSON(w, http.StatusUnprocessableEntity, []byte(`{"message":`+string(appendString(nil, msg))+`}`))
		return
	}
	s.mu.Lock()
	// The matching positions are cached per filter until the data changes,
	// so walking a million entries page by page stays linear.
	key := f.key()
	hits, ok := s.queries[key]
	if !ok {
		hits = make([]int32, 0, len(s.entries))
		for i := range s.entries {
			if f.match(&s.entries[i]) {
				hits = append(hits, int32(i))
			}
		}
		s.queries[key] = hits
	}
	// About 1.1 kB an entry: size the body once.
	s.writeList(w, r, "time_entries", len(hits), 1100, func(b []byte, i int) []byte {
		s.stats.TimeEntries++
		return s.appendEntry(b, &s.entries[hits[i]])
	})
}

// listClients serves GET /v2/clients
// (help.getharvest.com/api-v2/clients-api/clients/clients/).
func (s *Server) listClients(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.writeList(w, r, "clients", len(s.clientOrder), 0, func(b []byte, i int) []byte {
		c := s.clients[s.clientOrder[i]]
		b = append(b, `{"id":`...)
		b = strconv.AppendInt(b, c.ID, 10)
		b = append(b, `,"name":`...)
		b = appendString(b, c.Name)
		b = append(b, `,"is_active":`...)
		b = appendBool(b, c.IsActive)
		b = append(b, `,"address":`...)
		b = appendNullString(b, c.Address)
		b = append(b, `,"statement_key":`...)
		b = appendString(b, "sk"+itoa(c.ID))
		b = append(b, `,"created_at":`...)
		b = appendTime(b, c.CreatedAt)
		b = append(b, `,"updated_at":`...)
		b = appendTime(b, c.UpdatedAt)
		b = append(b, `,"currency":`...)
		b = appendString(b, string(c.Currency))
		b = append(b, '}')
		return b
	})
}

// listProjects serves GET /v2/projects
// (help.getharvest.com/api-v2/projects-api/projects/projects/).
func (s *Server) listProjects(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.writeList(w, r, "projects", len(s.projectOrder), 0, func(b []byte, i int) []byte {
		pr := s.projects[s.projectOrder[i]]
		c := s.clients[pr.ClientID]
		cur := c.Currency
		b = append(b, `{"id":`...)
		b = strconv.AppendInt(b, pr.ID, 10)
		b = append(b, `,"name":`...)
		b = appendString(b, pr.Name)
		b = append(b, `,"code":`...)
		b = appendString(b, pr.Code)
		b = append(b, `,"is_active":`...)
		b = appendBool(b, pr.IsActive)
		b = append(b, `,"is_billable":`...)
		b = appendBool(b, pr.IsBillable)
		b = append(b, `,"is_fixed_fee":`...)
		b = appendBool(b, pr.IsFixedFee)
		b = append(b, `,"bill_by":`...)
		b = appendString(b, pr.BillBy)
		b = append(b, `,"budget":`...)
		if pr.Budget != 0 {
			b = appendAmount(b, pr.Budget, cur)
			b = append(b, `,"budget_by":"project_cost"`...)
		} else {
			b = append(b, `null,"budget_by":"none"`...)
		}
		b = append(b, `,"budget_is_monthly":false,"notify_when_over_budget":false,"over_budget_notification_percentage":80.0,"show_budget_to_all":false,"created_at":`...)
		b = appendTime(b, pr.CreatedAt)
		b = append(b, `,"updated_at":`...)
		b = appendTime(b, pr.UpdatedAt)
		b = append(b, `,"starts_on":`...)
		b = appendNullString(b, pr.StartsOn.String())
		b = append(b, `,"ends_on":`...)
		b = appendNullString(b, pr.EndsOn.String())
		b = append(b, `,"over_budget_notification_date":null,"notes":"","cost_budget":null,"cost_budget_include_expenses":false,"hourly_rate":`...)
		if pr.BillBy == "Project" {
			b = appendAmount(b, pr.HourlyRate, cur)
		} else {
			b = append(b, "null"...)
		}
		b = append(b, `,"fee":`...)
		if pr.IsFixedFee {
			b = appendAmount(b, pr.Fee, cur)
		} else {
			b = append(b, "null"...)
		}
		b = append(b, `,"client":{"id":`...)
		b = strconv.AppendInt(b, c.ID, 10)
		b = append(b, `,"name":`...)
		b = appendString(b, c.Name)
		b = append(b, `,"currency":`...)
		b = appendString(b, string(cur))
		b = append(b, "}}"...)
		return b
	})
}

// projectFor resolves {id} of /v2/projects/{id}/…, answering 404 for an
// unknown project.
func (s *Server) projectFor(w http.ResponseWriter, r *http.Request) (Project, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.mu.Lock()
	p, ok := s.projects[id]
	s.mu.Unlock()
	if err != nil || !ok {
		writeJSON(w, http.StatusNotFound, []byte(`{"status":404,"error":"Not Found"}`))
		return Project{}, false
	}
	return p, true
}

// listTaskAssignments serves GET /v2/projects/{id}/task_assignments
// (help.getharvest.com/api-v2/projects-api/projects/task-assignments/).
func (s *Server) listTaskAssignments(w http.ResponseWriter, r *http.Request) {
	pr, ok := s.projectFor(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	var mine []TaskAssignment
	for _, ta := range s.taskAssignments {
		if ta.ProjectID == pr.ID {
			mine = append(mine, ta)
		}
	}
	cur := s.clients[pr.ClientID].Currency
	s.writeList(w, r, "task_assignments", len(mine), 0, func(b []byte, i int) []byte {
		return s.appendTaskAssignment(b, &mine[i], cur, true)
	})
}

// listUserAssignments serves GET /v2/projects/{id}/user_assignments
// (help.getharvest.com/api-v2/projects-api/projects/user-assignments/).
func (s *Server) listUserAssignments(w http.ResponseWriter, r *http.Request) {
	pr, ok := s.projectFor(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	var mine []UserAssignment
	for _, ua := range s.userAssignments {
		if ua.ProjectID == pr.ID {
			mine = append(mine, ua)
		}
	}
	cur := s.clients[pr.ClientID].Currency
	s.writeList(w, r, "user_assignments", len(mine), 0, func(b []byte, i int) []byte {
		return s.appendUserAssignment(b, &mine[i], cur, true)
	})
}

// getCompany serves GET /v2/company
// (help.getharvest.com/api-v2/company-api/company/company/).
func (s *Server) getCompany(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	co := s.company
	s.mu.Unlock()
	b := []byte(`{"base_uri":"https://sandbox.harvestapp.com","full_domain":"sandbox.harvestapp.com","name":`)
	b = appendString(b, co.Name)
	b = append(b, `,"is_active":true,"week_start_day":`...)
	b = appendString(b, co.WeekStartDay)
	b = append(b, `,"wants_timestamp_timers":false,"time_format":"hours_minutes","date_format":"%Y-%m-%d","plan_type":"sponsored","expense_feature":true,"invoice_feature":true,"estimate_feature":true,"approval_feature":`...)
	b = appendBool(b, co.ApprovalFeature)
	b = append(b, `,"clock":"12h","currency_code_display":"iso_code_none","currency_symbol_display":"symbol_before","decimal_symbol":".","thousands_separator":",","color_scheme":"orange","weekly_capacity":126000}`...)
	writeJSON(w, http.StatusOK, b)
}
