package qbtimesandbox

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"billbot/internal/billing"
)

func (s *Server) routes() {
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /api/v1/current_user", s.currentUser)
	s.mux.HandleFunc("GET /api/v1/users", s.listUsers)
	s.mux.HandleFunc("GET /api/v1/jobcodes", s.listJobcodes)
	s.mux.HandleFunc("GET /api/v1/timesheets", s.listTimesheets)
	s.mux.HandleFunc("GET /api/v1/timesheets_deleted", s.listDeleted)
}

// maxLimit is the page size: "Default is 200. Max is 200. … Setting limit
// less than 1 or greater than 200 will result in an error"
// (tsheetsteam.github.io/api_docs/ "Retrieve Timesheets").
const maxLimit = 200

// paging reads page and limit. The docs do not give the error's status;
// the sandbox answers 417, the code for malformed parameters
// (tsheetsteam.github.io/api_docs/ "4xx response codes").
func paging(q url.Values) (page, limit int, msg string) {
	page, limit = 1, maxLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return 0, 0, "limit must be an integer from 1 to 200"
		}
		limit = n
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, 0, "page must be a positive integer"
		}
		page = n
	}
	return page, limit, ""
}

// window returns the [lo, hi) bounds of page in n results and whether
// more follow: "If true, it means that there is another page of objects
// that can be retrieved" (tsheetsteam.github.io/api_docs/ "Response
// Formats").
func window(n, page, limit int) (lo, hi int, more bool) {
	lo = min((page-1)*limit, n)
	hi = min(lo+limit, n)
	return lo, hi, hi < n
}

func ids(v string) (map[int64]bool, bool) {
	if v == "" {
		return nil, true
	}
	out := map[int64]bool{}
	for _, p := range strings.Split(v, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
		if err != nil {
			return nil, false
		}
		out[n] = true
	}
	return out, true
}

// yesNoBoth reads a yes/no/both filter with its default.
func yesNoBoth(v, def string) (string, bool) {
	if v == "" {
		v = def
	}
	return v, v == "yes" || v == "no" || v == "both"
}

func keep(filter string, v bool) bool {
	return filter == "both" || (filter == "yes") == v
}

func (s *Server) currentUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var u *User
	for _, id := range s.userOrder {
		if s.users[id].Admin {
			u = s.users[id]
			break
		}
	}
	if u == nil && len(s.userOrder) > 0 {
		u = s.users[s.userOrder[0]]
	}
	var b bytes.Buffer
	b.WriteString(`{"results":{"users":{`)
	if u != nil {
		s.writeUser(&b, u)
	}
	b.WriteString(`}},"more":false,"supplemental_data":{}}`)
	writeBody(w, b.Bytes())
}

// listUsers serves GET /users: ids and active (default yes) filters,
// ordered by id (tsheetsteam.github.io/api_docs/ "Retrieve Users").
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, limit, msg := paging(q)
	want, ok := ids(q.Get("ids"))
	active, ok2 := yesNoBoth(q.Get("active"), "yes")
	if msg != "" || !ok || !ok2 {
		writeError(w, http.StatusExpectationFailed, "bad filter: "+msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var sel []*User
	for _, id := range s.userOrder {
		u := s.users[id]
		if (want == nil || want[id]) && keep(active, u.Active) {
			sel = append(sel, u)
		}
	}
	lo, hi, more := window(len(sel), page, limit)
	var b bytes.Buffer
	b.WriteString(`{"results":{"users":{`)
	for i, u := range sel[lo:hi] {
		if i > 0 {
			b.WriteByte(',')
		}
		s.writeUser(&b, u)
	}
	b.WriteString(`}},"more":` + strconv.FormatBool(more) + `,"supplemental_data":{}}`)
	writeBody(w, b.Bytes())
}

// listJobcodes serves GET /jobcodes: ids, parent_ids (default -1: all),
// active (default yes) and type (default regular) filters, ordered by id
// (tsheetsteam.github.io/api_docs/ "Retrieve Jobcodes").
func (s *Server) listJobcodes(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, limit, msg := paging(q)
	want, ok := ids(q.Get("ids"))
	parents, ok2 := ids(q.Get("parent_ids"))
	active, ok3 := yesNoBoth(q.Get("active"), "yes")
	typ := q.Get("type")
	if typ == "" {
		typ = "regular"
	}
	if msg != "" || !ok || !ok2 || !ok3 {
		writeError(w, http.StatusExpectationFailed, "bad filter: "+msg)
		return
	}
	if parents[-1] {
		parents = nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var sel []*Jobcode
	for _, id := range s.jobOrder {
		j := s.jobcodes[id]
		if (want == nil || want[id]) && (parents == nil || parents[j.ParentID]) && keep(active, j.Active) && (typ == "all" || typ == j.Type) {
			sel = append(sel, j)
		}
	}
	lo, hi, more := window(len(sel), page, limit)
	var b bytes.Buffer
	b.WriteString(`{"results":{"jobcodes":{`)
	for i, j := range sel[lo:hi] {
		if i > 0 {
			b.WriteByte(',')
		}
		s.writeJobcode(&b, j)
	}
	b.WriteString(`}},"more":` + strconv.FormatBool(more) + `,"supplemental_data":{}}`)
	writeBody(w, b.Bytes())
}

// tsFilter is a parsed timesheet query.
type tsFilter struct {
	ids, users, jobcodes map[int64]bool
	start, end           billing.Date
	since, before        time.Time
	onTheClock           string
}

// parseTSFilter reads the filters of GET /timesheets and GET
// /timesheets_deleted. One of ids, start_date, modified_since or
// modified_before is required (tsheetsteam.github.io/api_docs/ "Retrieve
// Timesheets"); without it the sandbox answers 417, "missing required
// parameters" ("4xx response codes").
func parseTSFilter(q url.Values, deleted bool) (tsFilter, string) {
	var f tsFilter
	var ok bool
	if f.ids, ok = ids(q.Get("ids")); !ok {
		return f, "ids: not a list of ids"
	}
	if f.users, ok = ids(q.Get("user_ids")); !ok {
		return f, "user_ids: not a list of ids"
	}
	if f.jobcodes, ok = ids(q.Get("jobcode_ids")); !ok {
		return f, "jobcode_ids: not a list of ids"
	}
	for _, d := range []struct {
		name string
		dst  *billing.Date
	}{{"start_date", &f.start}, {"end_date", &f.end}} {
		if v := q.Get(d.name); v != "" {
			t, err := billing.ParseDate(v)
			if err != nil {
				return f, d.name + ": want YYYY-MM-DD"
			}
			*d.dst = t
		}
	}
	for _, d := range []struct {
		name string
		dst  *time.Time
	}{{"modified_since", &f.since}, {"modified_before", &f.before}} {
		if v := q.Get(d.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return f, d.name + ": want YYYY-MM-DDThh:mm:ss±hh:mm"
			}
			*d.dst = t
		}
	}
	// on_the_clock: "'yes', 'no', or 'both'. Default is 'no'."
	if f.onTheClock, ok = yesNoBoth(q.Get("on_the_clock"), "no"); !ok && !deleted {
		return f, "on_the_clock: want yes, no or both"
	}
	hasDates := !f.start.IsZero()
	if deleted {
		// The deleted feed needs both start_date and end_date
		// (tsheetsteam.github.io/api_docs/ "Retrieve Timesheets Deleted").
		hasDates = !f.start.IsZero() && !f.end.IsZero()
		f.onTheClock = "both"
	}
	if f.ids == nil && !hasDates && f.since.IsZero() && f.before.IsZero() {
		return f, "one of ids, start_date or modified_since is required"
	}
	return f, ""
}

// under reports whether jobcode id is one of want or under one of them:
// jobcode_ids returns "time recorded against these jobcodes or one of
// their children".
func (s *Server) under(id int64, want map[int64]bool) bool {
	for n := 0; id != 0 && n < 64; n++ {
		if want[id] {
			return true
		}
		j, ok := s.jobcodes[id]
		if !ok {
			return false
		}
		id = j.ParentID
	}
	return false
}

func (f tsFilter) match(s *Server, t *Timesheet, modified time.Time) bool {
	switch {
	case f.ids != nil && !f.ids[t.ID],
		f.users != nil && !f.users[t.UserID],
		!f.start.IsZero() && t.Date.Before(f.start),
		!f.end.IsZero() && t.Date.After(f.end),
		// The docs say "modified since" without saying whether the
		// instant itself is included; the sandbox includes it.
		!f.since.IsZero() && modified.Before(f.since),
		!f.before.IsZero() && !modified.Before(f.before),
		!keep(f.onTheClock, t.OnTheClock),
		f.jobcodes != nil && !s.under(t.JobcodeID, f.jobcodes):
		return false
	}
	return true
}

// listTimesheets serves GET /timesheets: the filters of parseTSFilter,
// page/limit/more, and supplemental_data (default yes) with the users and
// jobcodes the page refers to (tsheetsteam.github.io/api_docs/ "Retrieve
// Timesheets", "Response Formats"). Results come in the order the
// timesheets were added; the docs give no order.
func (s *Server) listTimesheets(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, limit, msg := paging(q)
	f, fmsg := parseTSFilter(q, false)
	supp, ok := yesNoBoth(q.Get("supplemental_data"), "yes")
	if msg == "" {
		msg = fmsg
	}
	if msg != "" || !ok || supp == "both" {
		if msg == "" {
			msg = "supplemental_data: want yes or no"
		}
		writeError(w, http.StatusExpectationFailed, msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := canonical(q)
	sel, ok := s.queries[key]
	if !ok {
		for i := range s.timesheets {
			if s.live[i] && f.match(s, &s.timesheets[i], s.timesheets[i].LastModified) {
				sel = append(sel, int32(i))
			}
		}
		s.queries[key] = sel
	}
	lo, hi, more := window(len(sel), page, limit)
	var b bytes.Buffer
	b.Grow((hi - lo) * 400)
	b.WriteString(`{"results":{"timesheets":{`)
	users, jobs := map[int64]bool{}, map[int64]bool{}
	for n, i := range sel[lo:hi] {
		if n > 0 {
			b.WriteByte(',')
		}
		t := &s.timesheets[i]
		writeTimesheet(&b, t)
		users[t.UserID] = true
		jobs[t.JobcodeID] = true
	}
	s.stats.Timesheets += hi - lo
	b.WriteString(`}},"more":` + strconv.FormatBool(more) + `,"supplemental_data":{`)
	if supp == "yes" {
		s.writeSupplemental(&b, users, jobs)
	}
	b.WriteString(`}}`)
	writeBody(w, b.Bytes())
}

// listDeleted serves GET /timesheets_deleted: deleted timesheets, their
// last_modified the deletion time, modified_since selecting by it
// (tsheetsteam.github.io/api_docs/ "Retrieve Timesheets Deleted": "Only
// timesheets deleted since this date/time will be returned").
func (s *Server) listDeleted(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, limit, msg := paging(q)
	f, fmsg := parseTSFilter(q, true)
	if msg == "" {
		msg = fmsg
	}
	if msg != "" {
		writeError(w, http.StatusExpectationFailed, msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var sel []*Deleted
	for i := range s.deleted {
		d := &s.deleted[i]
		if f.match(s, &d.Timesheet, d.DeletedAt) {
			sel = append(sel, d)
		}
	}
	lo, hi, more := window(len(sel), page, limit)
	var b bytes.Buffer
	b.WriteString(`{"results":{"timesheets_deleted":{`)
	for n, d := range sel[lo:hi] {
		if n > 0 {
			b.WriteByte(',')
		}
		writeTimesheet(&b, &d.Timesheet)
	}
	b.WriteString(`}},"more":` + strconv.FormatBool(more) + `,"supplemental_data":{}}`)
	writeBody(w, b.Bytes())
}

// canonical is the query without paging, the key of the query cache.
func canonical(q url.Values) string {
	c := url.Values{}
	for k, v := range q {
		if k != "page" && k != "limit" && k != "supplemental_data" {
			c[k] = v
		}
	}
	return c.Encode()
}

// writeSupplemental writes the users and jobcodes of a page. Each
// timesheet's jobcode comes with its ancestors, as in the docs' example,
// unless Options.NoAncestors.
func (s *Server) writeSupplemental(b *bytes.Buffer, users, jobs map[int64]bool) {
	if !s.opts.NoAncestors {
		for id := range jobs {
			for j, ok := s.jobcodes[id]; ok && j.ParentID != 0; j, ok = s.jobcodes[j.ParentID] {
				jobs[j.ParentID] = true
			}
		}
	}
	b.WriteString(`"users":{`)
	first := true
	for _, id := range sortedKeys(users) {
		if u, ok := s.users[id]; ok {
			if !first {
				b.WriteByte(',')
			}
			first = false
			s.writeUser(b, u)
		}
	}
	b.WriteString(`},"jobcodes":{`)
	first = true
	for _, id := range sortedKeys(jobs) {
		if j, ok := s.jobcodes[id]; ok {
			if !first {
				b.WriteByte(',')
			}
			first = false
			s.writeJobcode(b, j)
		}
	}
	b.WriteString(`}`)
}

func sortedKeys(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func writeBody(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
