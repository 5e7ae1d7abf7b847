package harvestsandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"billbot/internal/money"
)

// The JSON here is written by hand rather than through encoding/json so
// that the sandbox can serve a million entries quickly. Field names and
// order follow the example responses on Harvest's API pages.

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// appendString appends s as a JSON string.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x7f {
			enc, _ := json.Marshal(s)
			return append(b, enc...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendNullString(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendString(b, s)
}

func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339)
	return append(b, '"')
}

func appendBool(b []byte, v bool) []byte { return strconv.AppendBool(b, v) }

// appendAmount writes an amount as a JSON number with the currency's
// decimals ("100.00"), exactly.
func appendAmount(b []byte, a money.Amount, cur money.Currency) []byte {
	return append(b, a.Format(cur)...)
}

func appendIDName(b []byte, key string, id int64, name string) []byte {
	b = append(b, `"`+key+`":{"id":`...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, `,"name":`...)
	b = appendString(b, name)
	return append(b, '}')
}

// appendProjectRef writes "project":{"id":…,"name":…,"code":…}, the
// project reference of time entries and assignments.
func appendProjectRef(b []byte, id int64, p Project) []byte {
	b = append(b, `"project":{"id":`...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, `,"name":`...)
	b = appendString(b, p.Name)
	b = append(b, `,"code":`...)
	b = appendString(b, p.Code)
	return append(b, '}')
}

// appendEntry writes one time entry in the shape of
// help.getharvest.com/api-v2/timesheets-api/timesheets/time-entries/ "The
// time entry object". Callers hold s.mu.
func (s *Server) appendEntry(b []byte, e *Entry) []byte {
	c := s.clients[e.ClientID]
	p := s.projects[e.ProjectID]
	cur := c.Currency
	if cur == "" {
		cur = "USD"
	}
	rounded := e.RoundedHours
	if rounded == 0 {
		rounded = e.Hours
	}
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, e.ID, 10)
	b = append(b, `,"spent_date":"`...)
	b = append(b, e.SpentDate.String()...)
	b = append(b, `",`...)
	b = appendIDName(b, "user", e.UserID, s.users[e.UserID].Name())
	b = append(b, `,"client":{"id":`...)
	b = strconv.AppendInt(b, e.ClientID, 10)
	b = append(b, `,"name":`...)
	b = appendString(b, c.Name)
	b = append(b, `,"currency":`...)
	b = appendString(b, string(cur))
	b = append(b, "},"...)
	b = appendProjectRef(b, e.ProjectID, p)
	b = append(b, ',')
	b = appendIDName(b, "task", e.TaskID, s.tasks[e.TaskID].Name)
	b = append(b, `,"user_assignment":`...)
	if ua, ok := s.uaByPU[[2]int64{e.ProjectID, e.UserID}]; ok {
		b = s.appendUserAssignment(b, &ua, cur, false)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"task_assignment":`...)
	if ta, ok := s.taByPT[[2]int64{e.ProjectID, e.TaskID}]; ok {
		b = s.appendTaskAssignment(b, &ta, cur, false)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"hours":`...)
	b = append(b, e.Hours.String()...)
	b = append(b, `,"hours_without_timer":`...)
	b = append(b, e.Hours.String()...)
	b = append(b, `,"rounded_hours":`...)
	b = append(b, rounded.String()...)
	b = append(b, `,"notes":`...)
	b = appendNullString(b, e.Notes)
	b = append(b, `,"created_at":`...)
	b = appendTime(b, e.CreatedAt)
	b = append(b, `,"updated_at":`...)
	b = appendTime(b, e.UpdatedAt)
	// Approved entries are locked; the reasons are the ones Harvest shows
	// (docs/vendors.md §3.2, from the time-entries page).
	b = append(b, `,"is_locked":`...)
	b = appendBool(b, e.IsClosed)
	b = append(b, `,"locked_reason":`...)
	switch {
	case e.IsClosed && e.IsBilled:
		b = appendString(b, "Item Invoiced and Approved and Locked for this Time Period")
	case e.IsClosed:
		b = appendString(b, "Item Approved and Locked for this Time Period")
	default:
		b = append(b, "null"...)
	}
	b = append(b, `,"is_closed":`...)
	b = appendBool(b, e.IsClosed)
	b = append(b, `,"approval_status":`...)
	if e.IsClosed {
		b = append(b, `"approved"`...)
	} else {
		b = append(b, `"unsubmitted"`...)
	}
	b = append(b, `,"is_billed":`...)
	b = appendBool(b, e.IsBilled)
	b = append(b, `,"timer_started_at":`...)
	if e.IsRunning {
		b = appendTime(b, e.UpdatedAt)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"started_time":null,"ended_time":null,"is_running":`...)
	b = appendBool(b, e.IsRunning)
	b = append(b, `,"invoice":null,"external_reference":null,"billable":`...)
	b = appendBool(b, e.Billable)
	b = append(b, `,"budgeted":`...)
	b = appendBool(b, p.IsBillable)
	b = append(b, `,"billable_rate":`...)
	if e.NoRate || !e.Billable {
		b = append(b, "null"...)
	} else {
		b = appendAmount(b, e.BillableRate, cur)
	}
	b = append(b, `,"cost_rate":`...)
	b = appendAmount(b, e.CostRate, cur)
	return append(b, '}')
}

func (s *Server) appendUserAssignment(b []byte, ua *UserAssignment, cur money.Currency, refs bool) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, ua.ID, 10)
	b = append(b, `,"is_project_manager":`...)
	b = appendBool(b, ua.IsProjectManager)
	b = append(b, `,"is_active":`...)
	b = appendBool(b, ua.IsActive)
	b = append(b, `,"use_default_rates":`...)
	b = appendBool(b, ua.UseDefaultRates)
	b = append(b, `,"budget":null,"created_at":`...)
	b = appendTime(b, ua.CreatedAt)
	b = append(b, `,"updated_at":`...)
	b = appendTime(b, ua.UpdatedAt)
	b = append(b, `,"hourly_rate":`...)
	b = appendAmount(b, ua.HourlyRate, cur)
	if refs {
		p := s.projects[ua.ProjectID]
		b = append(b, ',')
		b = appendProjectRef(b, p.ID, p)
		b = append(b, ',')
		b = appendIDName(b, "user", ua.UserID, s.users[ua.UserID].Name())
	}
	return append(b, '}')
}

func (s *Server) appendTaskAssignment(b []byte, ta *TaskAssignment, cur money.Currency, refs bool) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, ta.ID, 10)
	b = append(b, `,"billable":`...)
	b = appendBool(b, ta.Billable)
	b = append(b, `,"is_active":`...)
	b = appendBool(b, ta.IsActive)
	b = append(b, `,"created_at":`...)
	b = appendTime(b, ta.CreatedAt)
	b = append(b, `,"updated_at":`...)
	b = appendTime(b, ta.UpdatedAt)
	b = append(b, `,"hourly_rate":`...)
	b = appendAmount(b, ta.HourlyRate, cur)
	b = append(b, `,"budget":null`...)
	if refs {
		p := s.projects[ta.ProjectID]
		b = append(b, ',')
		b = appendProjectRef(b, p.ID, p)
		b = append(b, ',')
		b = appendIDName(b, "task", ta.TaskID, s.tasks[ta.TaskID].Name)
	}
	return append(b, '}')
}

// page is the pagination of one list response.
type page struct {
	number, perPage, total int
}

func (p page) pages() int {
	if p.total == 0 {
		return 1
	}
	return (p.total + p.perPage - 1) / p.perPage
}

func (p page) bounds() (lo, hi int) {
	lo = min((p.number-1)*p.perPage, p.total)
	return lo, min(lo+p.perPage, p.total)
}

// parsePage reads page and per_page. per_page is clamped to 1..2000, 2000
// by default (help.getharvest.com/api-v2/introduction/overview/pagination/
// "per_page": "default and maximum 2000").
func parsePage(q url.Values, total int) page {
	per := 2000
	if v, err := strconv.Atoi(q.Get("per_page")); err == nil {
		per = min(max(v, 1), 2000)
	}
	n := 1
	if v, err := strconv.Atoi(q.Get("page")); err == nil && v > 1 {
		n = v
	}
	return page{number: n, perPage: per, total: total}
}

// writeList answers a list endpoint with the page of n items that page and
// per_page select, as {"<key>":[…], then Harvest's pagination fields}.
// item appends item i (0 ≤ i < n); itemSize, when not zero, is the
// expected bytes an item, to size the body once. Callers hold s.mu;
// writeList releases it before writing.
func (s *Server) writeList(w http.ResponseWriter, r *http.Request, key string, n, itemSize int, item func(b []byte, i int) []byte) {
	p := parsePage(r.URL.Query(), n)
	lo, hi := p.bounds()
	var b []byte
	if itemSize > 0 {
		b = make([]byte, 0, 64+(hi-lo)*itemSize)
	}
	b = append(b, `{"`+key+`":[`...)
	for i := lo; i < hi; i++ {
		if i > lo {
			b = append(b, ',')
		}
		b = item(b, i)
	}
	s.mu.Unlock()
	b = append(b, ']')
	writeJSON(w, http.StatusOK, appendPagination(b, r, p))
}

// appendPagination closes a list body with Harvest's pagination fields and
// full-URL links (help.getharvest.com/api-v2/introduction/overview/pagination/).
func appendPagination(b []byte, r *http.Request, p page) []byte {
	last := p.pages()
	b = append(b, `,"per_page":`...)
	b = strconv.AppendInt(b, int64(p.perPage), 10)
	b = append(b, `,"total_pages":`...)
	b = strconv.AppendInt(b, int64(last), 10)
	b = append(b, `,"total_entries":`...)
	b = strconv.AppendInt(b, int64(p.total), 10)
	b = append(b, `,"next_page":`...)
	b = appendPageNumber(b, p.number+1, p.number < last)
	b = append(b, `,"previous_page":`...)
	b = appendPageNumber(b, p.number-1, p.number > 1)
	b = append(b, `,"page":`...)
	b = strconv.AppendInt(b, int64(p.number), 10)
	b = append(b, `,"links":{"first":`...)
	b = appendString(b, pageURL(r, 1, p.perPage))
	b = append(b, `,"next":`...)
	if p.number < last {
		b = appendString(b, pageURL(r, p.number+1, p.perPage))
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"previous":`...)
	if p.number > 1 {
		b = appendString(b, pageURL(r, p.number-1, p.perPage))
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"last":`...)
	b = appendString(b, pageURL(r, last, p.perPage))
	return append(b, "}}"...)
}

func appendPageNumber(b []byte, n int, ok bool) []byte {
	if !ok {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, int64(n), 10)
}

// pageURL is the request's own URL with page and per_page replaced.
func pageURL(r *http.Request, n, per int) string {
	q := r.URL.Query()
	q.Set("page", strconv.Itoa(n))
	q.Set("per_page", strconv.Itoa(per))
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.Path + "?" + q.Encode()
}
