package harvestsandbox

import (
	"net/http"
	"slices"
	"strconv"
)

// listUsers serves GET /v2/users
// (help.getharvest.com/api-v2/users-api/users/users/#list-all-users):
// every user, active and archived, ordered by id, paged like the other
// lists.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	ids := make([]int64, 0, len(s.users))
	for id := range s.users {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	s.writeList(w, r, "users", len(ids), 0, func(b []byte, i int) []byte {
		u := s.users[ids[i]]
		b = append(b, `{"id":`...)
		b = strconv.AppendInt(b, u.ID, 10)
		b = append(b, `,"first_name":`...)
		b = appendString(b, u.FirstName)
		b = append(b, `,"last_name":`...)
		b = appendString(b, u.LastName)
		b = append(b, `,"email":`...)
		b = appendString(b, u.Email)
		b = append(b, `,"telephone":"","timezone":"Eastern Time (US & Canada)","has_access_to_all_future_projects":false,"is_contractor":false,"is_active":`...)
		b = appendBool(b, !u.Archived)
		b = append(b, `,"weekly_capacity":126000,"default_hourly_rate":`...)
		b = appendAmount(b, u.Rate, "USD") // the account currency; rates are decimals
		b = append(b, `,"cost_rate":null,"roles":[],"access_roles":[`...)
		roles := u.Roles
		if len(roles) == 0 {
			roles = []string{"member"}
		}
		for j, role := range roles {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendString(b, role)
		}
		b = append(b, `],"avatar_url":"","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"}`...)
		return b
	})
}

// listAllTaskAssignments serves GET /v2/task_assignments, every project's
// task assignments with their project
// (help.getharvest.com/api-v2/projects-api/projects/task-assignments/#list-all-task-assignments),
// filtered by is_active when given.
func (s *Server) listAllTaskAssignments(w http.ResponseWriter, r *http.Request) {
	active, ok := activeFilter(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	var mine []int
	for i, ta := range s.taskAssignments {
		if active == nil || ta.IsActive == *active {
			mine = append(mine, i)
		}
	}
	s.writeList(w, r, "task_assignments", len(mine), 0, func(b []byte, i int) []byte {
		ta := &s.taskAssignments[mine[i]]
		return s.appendTaskAssignment(b, ta, s.clients[s.projects[ta.ProjectID].ClientID].Currency, true)
	})
}

// listAllUserAssignments serves GET /v2/user_assignments, every project's
// user assignments with their project and user
// (help.getharvest.com/api-v2/projects-api/projects/user-assignments/#list-all-user-assignments),
// filtered by is_active when given.
func (s *Server) listAllUserAssignments(w http.ResponseWriter, r *http.Request) {
	active, ok := activeFilter(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	var mine []int
	for i, ua := range s.userAssignments {
		if active == nil || ua.IsActive == *active {
			mine = append(mine, i)
		}
	}
	s.writeList(w, r, "user_assignments", len(mine), 0, func(b []byte, i int) []byte {
		ua := &s.userAssignments[mine[i]]
		return s.appendUserAssignment(b, ua, s.clients[s.projects[ua.ProjectID].ClientID].Currency, true)
	})
}

// activeFilter parses is_active; a malformed value is a 422.
func activeFilter(w http.ResponseWriter, r *http.Request) (*bool, bool) {
	v := r.URL.Query().Get("is_active")
	if v == "" {
		return nil, true
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, []byte(`{"message":"is_active must be true or false"}`))
		return nil, false
	}
	return &b, true
}
