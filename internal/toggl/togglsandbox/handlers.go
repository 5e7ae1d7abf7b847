package togglsandbox

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
)

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /api/v9/me", s.me)
	m.HandleFunc("GET /api/v9/me/time_entries", s.myEntries)
	m.HandleFunc("GET /api/v9/workspaces/{wid}", s.ws(s.workspace))
	m.HandleFunc("GET /api/v9/workspaces/{wid}/preferences", s.ws(s.preferences))
	m.HandleFunc("GET /api/v9/workspaces/{wid}/clients", s.ws(s.clients))
	m.HandleFunc("GET /api/v9/workspaces/{wid}/projects", s.ws(s.projects))
	m.HandleFunc("GET /api/v9/workspaces/{wid}/tasks", s.ws(s.tasks))
	m.HandleFunc("GET /api/v9/workspaces/{wid}/workspace_users", s.ws(s.workspaceUsers))
	m.HandleFunc("GET /api/v9/workspaces/{wid}/project_users", s.ws(s.projectUsers))
	m.HandleFunc("GET /api/v9/workspaces/{wid}/timesheets", s.ws(s.timesheets))
	m.HandleFunc("POST /reports/api/v3/workspace/{wid}/search/time_entries", s.ws(s.search))
	s.mux = m
}

// ws checks the workspace id of the path: another workspace is 403, as
// for a user without access ("User does not have access to this
// resource", engineering.toggl.com/docs/api/approvals).
func (s *Server) ws(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("wid") != strconv.FormatInt(s.opts.WorkspaceID, 10) {
			writeJSON(w, http.StatusForbidden, []byte(`"User does not have access to this resource"`))
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		h(w, r)
	}
}

func send(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, []byte(`"encode"`))
		return
	}
	writeJSON(w, http.StatusOK, b)
}

// number writes a minor-unit amount as the JSON number Toggl sends; zero
// is null.
func number(a money.Amount, cur money.Currency) *json.Number {
	if a == 0 {
		return nil
	}
	n := json.Number(a.Format(cur))
	return &n
}

func (s *Server) currency(p *Project) money.Currency {
	if p != nil && p.Currency != "" {
		return p.Currency
	}
	if s.firm.Workspace.Currency != "" {
		return s.firm.Workspace.Currency
	}
	return "USD"
}

func (s *Server) me(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, email := "", ""
	for _, u := range s.firm.Users {
		if u.ID == s.opts.MeID {
			name, email = u.Name, u.Email
		}
	}
	send(w, map[string]any{"id": s.opts.MeID, "email": email, "fullname": name,
		"default_workspace_id": s.opts.WorkspaceID, "timezone": "UTC"})
}

func (s *Server) workspace(w http.ResponseWriter, _ *http.Request) {
	ws := s.firm.Workspace
	send(w, map[string]any{"id": s.opts.WorkspaceID, "organization_id": s.opts.WorkspaceID + 1, "name": ws.Name,
		"premium": ws.Approvals, "default_currency": s.currency(nil),
		"default_hourly_rate": number(ws.DefaultRate, s.currency(nil)), "rounding": 0, "rounding_minutes": 0,
		"at": s.opts.Now().UTC().Format(time.RFC3339)})
}

func (s *Server) preferences(w http.ResponseWriter, _ *http.Request) {
	var locked *string
	if d := s.firm.Workspace.LockedAt; !d.IsZero() {
		v := d.Time(time.UTC).Format(time.RFC3339)
		locked = &v
	}
	send(w, map[string]any{"report_locked_at": locked})
}

func (s *Server) clients(w http.ResponseWriter, _ *http.Request) {
	out := make([]map[string]any, 0, len(s.firm.Clients))
	for _, c := range s.firm.Clients {
		out = append(out, map[string]any{"id": c.ID, "wid": s.opts.WorkspaceID, "name": c.Name, "archived": c.Archived,
			"at": s.opts.Now().UTC().Format(time.RFC3339)})
	}
	send(w, out)
}

// page cuts a list by the page and per_page query parameters (1-based).
func page[T any](r *http.Request, all []T) []T {
	p, _ := strconv.Atoi(r.URL.Query().Get("page"))
	n, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if p < 1 {
		p = 1
	}
	if n < 1 || n > 200 {
		n = 200
	}
	lo := min((p-1)*n, len(all))
	return all[lo:min(lo+n, len(all))]
}

func (s *Server) projects(w http.ResponseWriter, r *http.Request) {
	out := make([]map[string]any, 0)
	for _, p := range page(r, s.firm.Projects) {
		cur := s.currency(&p)
		var client *int64
		if p.ClientID != 0 {
			client = &p.ClientID
		}
		var end *string
		if !p.EndDate.IsZero() {
			v := p.EndDate.String()
			end = &v
		}
		start := ""
		if !p.StartDate.IsZero() {
			start = p.StartDate.String()
		}
		out = append(out, map[string]any{"id": p.ID, "workspace_id": s.opts.WorkspaceID, "client_id": client, "name": p.Name,
			"active": p.Active, "billable": p.Billable, "rate": number(p.Rate, cur), "currency": cur,
			"fixed_fee": number(p.FixedFee, cur), "start_date": start, "end_date": end,
			"at": s.opts.Now().UTC().Format(time.RFC3339)})
	}
	send(w, out)
}

func (s *Server) tasks(w http.ResponseWriter, r *http.Request) {
	data := make([]map[string]any, 0)
	for _, t := range page(r, s.firm.Tasks) {
		data = append(data, map[string]any{"id": t.ID, "name": t.Name, "project_id": t.ProjectID,
			"workspace_id": s.opts.WorkspaceID, "active": t.Active, "at": s.opts.Now().UTC().Format(time.RFC3339)})
	}
	p, _ := strconv.Atoi(r.URL.Query().Get("page"))
	send(w, map[string]any{"data": data, "page": max(p, 1), "per_page": len(data), "total_count": len(s.firm.Tasks)})
}

func (s *Server) workspaceUsers(w http.ResponseWriter, _ *http.Request) {
	out := make([]map[string]any, 0, len(s.firm.Users))
	for i, u := range s.firm.Users {
		out = append(out, map[string]any{"id": int64(i + 1), "user_id": u.ID, "name": u.Name, "email": u.Email,
			"active": u.Active, "admin": u.Admin, "rate": number(u.Rate, s.currency(nil))})
	}
	send(w, out)
}

func (s *Server) project(id int64) *Project {
	for i := range s.firm.Projects {
		if s.firm.Projects[i].ID == id {
			return &s.firm.Projects[i]
		}
	}
	return nil
}

func (s *Server) projectUsers(w http.ResponseWriter, _ *http.Request) {
	out := make([]map[string]any, 0, len(s.firm.ProjectUsers))
	for _, pu := range s.firm.ProjectUsers {
		out = append(out, map[string]any{"id": pu.ID, "project_id": pu.ProjectID, "user_id": pu.UserID,
			"manager": pu.Manager, "rate": number(pu.Rate, s.currency(s.project(pu.ProjectID))),
			"at": s.opts.Now().UTC().Format(time.RFC3339)})
	}
	send(w, out)
}

// timesheets lists timesheets overlapping start_date..end_date; a
// workspace without approvals answers "402 Approvals are a premium
// feature" (engineering.toggl.com/docs/api/approvals).
func (s *Server) timesheets(w http.ResponseWriter, r *http.Request) {
	if !s.firm.Workspace.Approvals {
		writeJSON(w, http.StatusPaymentRequired, []byte(`"Approvals are a premium feature"`))
		return
	}
	from, _ := billing.ParseDate(r.URL.Query().Get("start_date"))
	to, _ := billing.ParseDate(r.URL.Query().Get("end_date"))
	out := make([]map[string]any, 0)
	for _, t := range s.firm.Timesheets {
		if (!to.IsZero() && t.Start.After(to)) || (!from.IsZero() && t.End.Before(from)) {
			continue
		}
		var decided *string
		if !t.DecidedAt.IsZero() {
			v := t.DecidedAt.UTC().Format(time.RFC3339)
			decided = &v
		}
		out = append(out, map[string]any{"timesheet_setup_id": 1, "member_id": t.MemberID, "approver_id": t.ApproverID,
			"start_date": t.Start.String(), "end_date": t.End.String(), "status": t.Status, "approved_or_rejected_at": decided})
	}
	send(w, out)
}

// myEntries is GET /me/time_entries?since=UNIX: "Get entries modified
// since this date using UNIX timestamp, including deleted ones"
// (engineering.toggl.com/docs/api/time_entries), the token user's only.
func (s *Server) myEntries(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	since, _ := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
	out := make([]map[string]any, 0)
	for _, e := range s.firm.Entries {
		if e.UserID != s.opts.MeID || e.At.Unix() < since {
			continue
		}
		if since == 0 && e.DeletedAt != nil {
			continue
		}
		m := map[string]any{"id": e.ID, "workspace_id": s.opts.WorkspaceID, "project_id": optional(e.ProjectID),
			"task_id": optional(e.TaskID), "user_id": e.UserID, "billable": e.Billable, "description": e.Description,
			"start": e.Start.UTC().Format(time.RFC3339), "stop": stop(e), "duration": e.Seconds,
			"at": e.At.UTC().Format(time.RFC3339), "server_deleted_at": nil}
		if e.Running() {
			// "For running entries should be negative, preferable -1".
			m["duration"] = -1
		}
		if e.DeletedAt != nil {
			m["server_deleted_at"] = e.DeletedAt.UTC().Format(time.RFC3339)
		}
		out = append(out, m)
	}
	send(w, out)
}

func optional(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func stop(e Entry) *string {
	if e.Running() {
		return nil
	}
	v := e.Start.Add(time.Duration(e.Seconds) * time.Second).UTC().Format(time.RFC3339)
	return &v
}

// searchBody is the detailed search's request
// (engineering.toggl.com/docs/reports/detailed_reports).
type searchBody struct {
	StartDate      string `json:"start_date"`
	EndDate        string `json:"end_date"`
	PageSize       int    `json:"page_size"`
	FirstID        int64  `json:"first_id"`
	FirstRowNumber int    `json:"first_row_number"`
}

// search answers the detailed search: the workspace's live entries that
// started on start_date..end_date, one row per entry (grouped false), in
// start order, page_size at a time. A page that is not the last carries
// X-Next-ID and X-Next-Row-Number, which the client sends back as first_id
// and first_row_number ("Supports pagination via X-Next-ID and
// X-Next-Row-Number headers returned in the response").
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	var b searchBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		writeJSON(w, http.StatusBadRequest, []byte(`"bad JSON"`))
		return
	}
	from, err1 := billing.ParseDate(b.StartDate)
	to, err2 := billing.ParseDate(b.EndDate)
	if err1 != nil || err2 != nil || to.Before(from) {
		// "End date … Should be greater than Start date."
		writeJSON(w, http.StatusBadRequest, []byte(`"start_date and end_date are required, end_date not before start_date"`))
		return
	}
	size := b.PageSize
	if size <= 0 || size > MaxPageSize {
		size = MaxPageSize
	}
	live := s.sorted(from, to)
	lo := 0
	if b.FirstRowNumber > 0 {
		lo = b.FirstRowNumber - 1
		// The row number is a position; the id pins it when entries
		// before it changed since the previous page.
		if lo >= len(live) || live[lo].ID != b.FirstID {
			if i := slices.IndexFunc(live, func(e *Entry) bool { return e.ID == b.FirstID }); i >= 0 {
				lo = i
			}
		}
	}
	lo = min(lo, len(live))
	hi := min(lo+size, len(live))
	rows := make([]searchRow, 0, hi-lo)
	for i := lo; i < hi; i++ {
		rows = append(rows, s.row(live[i], i+1))
	}
	s.stats.TimeEntries += len(rows)
	if hi < len(live) {
		w.Header().Set("X-Next-ID", strconv.FormatInt(live[hi].ID, 10))
		w.Header().Set("X-Next-Row-Number", strconv.Itoa(hi+1))
	}
	send(w, rows)
}

// rate is Toggl's billable rate of an entry, most specific first: the
// member's rate on the project, the project's, the member's workspace
// rate, the workspace's (Toggl Knowledge Center, "Billable rates").
func (s *Server) rate(e *Entry) money.Amount {
	for _, pu := range s.firm.ProjectUsers {
		if pu.ProjectID == e.ProjectID && pu.UserID == e.UserID && pu.Rate != 0 {
			return pu.Rate
		}
	}
	if p := s.project(e.ProjectID); p != nil && p.Rate != 0 {
		return p.Rate
	}
	for _, u := range s.firm.Users {
		if u.ID == e.UserID && u.Rate != 0 {
			return u.Rate
		}
	}
	return s.firm.Workspace.DefaultRate
}

// searchRow is one row of the detailed search's answer
// (engineering.toggl.com/docs/reports/detailed_reports).
type searchRow struct {
	UserID                int64        `json:"user_id"`
	Username              string       `json:"username"`
	ProjectID             *int64       `json:"project_id"`
	TaskID                *int64       `json:"task_id"`
	Billable              bool         `json:"billable"`
	Description           string       `json:"description"`
	TagIDs                []int64      `json:"tag_ids"`
	BillableAmountInCents *int64       `json:"billable_amount_in_cents"`
	HourlyRateInCents     *int64       `json:"hourly_rate_in_cents"`
	Currency              string       `json:"currency"`
	RowNumber             int          `json:"row_number"`
	TimeEntries           []searchItem `json:"time_entries"`
}

type searchItem struct {
	ID      int64   `json:"id"`
	Seconds int64   `json:"seconds"`
	Start   string  `json:"start"`
	Stop    *string `json:"stop"`
	At      string  `json:"at"`
}

type searchCache struct {
	version  int
	from, to billing.Date
	live     []*Entry
	valid    bool
}

// sorted returns the live entries started on from..to in start order,
// from the cache when nothing changed since it was built.
func (s *Server) sorted(from, to billing.Date) []*Entry {
	c := &s.cache
	if c.valid && c.version == s.version && c.from == from && c.to == to {
		return c.live
	}
	var live []*Entry
	p := billing.Period{Start: from, End: to}
	for i := range s.firm.Entries {
		e := &s.firm.Entries[i]
		if e.DeletedAt == nil && p.Contains(billing.DateOf(e.Start.UTC())) {
			live = append(live, e)
		}
	}
	slices.SortFunc(live, func(a, b *Entry) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID))
	})
	*c = searchCache{version: s.version, from: from, to: to, live: live, valid: true}
	return live
}

func (s *Server) row(e *Entry, n int) searchRow {
	p := s.project(e.ProjectID)
	cur := s.currency(p)
	name := ""
	for _, u := range s.firm.Users {
		if u.ID == e.UserID {
			name = u.Name
		}
	}
	var rateCents, amount *int64
	if rt := s.rate(e); rt != 0 {
		c := cents(rt, cur)
		rateCents = &c
		if e.Billable && !e.Running() {
			// hourly rate × seconds, rounded half up to the cent.
			a := (c*e.Seconds + 1800) / 3600
			amount = &a
		}
	}
	return searchRow{UserID: e.UserID, Username: name, ProjectID: optional(e.ProjectID), TaskID: optional(e.TaskID),
		Billable: e.Billable, Description: e.Description, TagIDs: []int64{}, BillableAmountInCents: amount,
		HourlyRateInCents: rateCents, Currency: string(cur), RowNumber: n,
		TimeEntries: []searchItem{{ID: e.ID, Seconds: e.Seconds, Start: e.Start.UTC().Format(time.RFC3339),
			Stop: stop(*e), At: e.At.UTC().Format(time.RFC3339)}}}
}

// cents is a minor-unit amount in hundredths of the currency's unit.
func cents(a money.Amount, cur money.Currency) int64 {
	per := cur.MinorPerMajor()
	return int64(a) * 100 / per
}
