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
	p := parsePage(r.URL.Query(), len(ids))
	lo, hi := p.bounds()
	b := []byte(`{"users":[`)
	for i, id := range ids[lo:hi] {
		if i > 0 {
			b = append(b, ',')
		}
		u := s.users[id]
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
	}
	s.mu.Unlock()
	b = append(b, ']')
	writeJSON(w, http.StatusOK, appendPagination(b, r, p))
}
