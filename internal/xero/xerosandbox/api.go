package xerosandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// result is a handler's answer before it is written, so it can be stored
// for Idempotency-Key replay or dropped.
type result struct {
	status int
	body   any // nil: no body (204)
}

// api is the /api.xro/2.0/... pipeline: count, authenticate, check the
// tenant, throttle, inject faults, replay by Idempotency-Key, handle,
// maybe drop.
func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	rest := r.PathValue("rest")
	s.mu.Lock()
	s.calls[endpoint(r.Method, rest)]++
	s.mu.Unlock()
	if !s.authorized(r) {
		unauthorized(w)
		return
	}
	// Every Accounting API call names its organisation in xero-tenant-id; a
	// token without access to it gets 403
	// (developer.xero.com/documentation/guides/oauth2/auth-flow).
	if r.Header.Get("xero-tenant-id") != s.opts.TenantID {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"Type":null,"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful"}`))
		return
	}
	if problem, wait := s.admit(); problem != "" {
		s.throttled(w, problem, wait)
		return
	}
	released := false
	release := func() {
		if !released {
			released = true
			s.leave()
		}
	}
	defer release()
	s.remainingHeaders(w)

	body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if err != nil {
		return
	}
	drop := false
	switch kind := s.drawFault(); kind {
	case FaultThrottle:
		release()
		s.throttled(w, "minute", time.Second)
		return
	case FaultServerError:
		writeJSON(w, http.StatusInternalServerError, map[string]any{"ErrorNumber": 500, "Type": "UnknownErrorException", "Message": "An error occurred in Xero."})
		return
	case FaultUnavailable:
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	case FaultTimeout:
		select {
		case <-r.Context().Done():
		case <-time.After(s.opts.TimeoutHold):
		}
		hangUp(w)
		return
	case FaultDropAfterCommit:
		drop = true
	}

	key := r.Header.Get("Idempotency-Key")
	rkey := r.Method + " " + rest + " " + key
	if key != "" && r.Method != http.MethodGet {
		s.mu.Lock()
		rp, ok := s.keys[rkey]
		s.mu.Unlock()
		// A write sent again with the key of one Xero already handled gets
		// the first answer and changes nothing (docs/vendors.md §6.9).
		if ok && time.Since(rp.at) < s.opts.IdempotencyTTL {
			release()
			if drop {
				hangUp(w)
				return
			}
			writeRaw(w, rp.status, rp.body)
			return
		}
	}
	res := s.route(r, rest, body, key)
	var raw []byte
	if res.body != nil {
		raw, _ = json.Marshal(res.body)
	}
	if key != "" && r.Method != http.MethodGet {
		s.mu.Lock()
		s.keys[rkey] = replay{at: time.Now(), status: res.status, body: raw}
		s.mu.Unlock()
	}
	release() // the call is done before the answer is read
	if drop {
		hangUp(w)
		return
	}
	writeRaw(w, res.status, raw)
}

func writeRaw(w http.ResponseWriter, status int, raw []byte) {
	if raw == nil {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(raw)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	writeRaw(w, status, b)
}

// hangUp closes the connection without an answer.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func (s *Server) route(r *http.Request, rest string, body []byte, key string) result {
	unitdp4 := r.URL.Query().Get("unitdp") == "4"
	seg := splitPath(rest)
	switch {
	case r.Method == http.MethodGet && rest == "Contacts":
		return s.listContacts(r)
	case r.Method == http.MethodGet && rest == "Items":
		return s.listItems()
	case r.Method == http.MethodGet && rest == "Accounts":
		return ok(map[string]any{"Accounts": s.accountsJSON()})
	case r.Method == http.MethodGet && rest == "TaxRates":
		return ok(map[string]any{"TaxRates": s.taxRatesJSON()})
	case r.Method == http.MethodGet && rest == "Invoices":
		return s.listInvoices(r)
	case r.Method == http.MethodGet && len(seg) == 2 && seg[0] == "Invoices":
		return s.getInvoice(seg[1])
	case (r.Method == http.MethodPut || r.Method == http.MethodPost) && rest == "Invoices":
		return s.putInvoices(body, unitdp4, key, r.Method == http.MethodPost)
	case r.Method == http.MethodPost && len(seg) == 2 && seg[0] == "Invoices":
		return s.postInvoice(seg[1], body, unitdp4)
	case r.Method == http.MethodPost && len(seg) == 3 && seg[0] == "Invoices" && seg[2] == "Email":
		return s.email(seg[1])
	case r.Method == http.MethodPut && rest == "Payments":
		return s.putPayments(body)
	case r.Method == http.MethodPut && rest == "CreditNotes":
		return s.putCreditNotes(body, unitdp4)
	}
	return result{status: http.StatusNotFound, body: map[string]any{"Title": "Not Found", "Status": 404, "Detail": "The resource you're looking for cannot be found"}}
}

func ok(v any) result { return result{status: http.StatusOK, body: v} }

// validation is Xero's 400 body: ErrorNumber 10, ValidationException, the
// element with its ValidationErrors
// (developer.xero.com/documentation/api/accounting/responsecodes).
func validation(element map[string]any, msgs ...string) result {
	if element == nil {
		element = map[string]any{}
	}
	var ve []map[string]string
	for _, m := range msgs {
		ve = append(ve, map[string]string{"Message": m})
	}
	element["ValidationErrors"] = ve
	element["HasErrors"] = true
	return result{status: http.StatusBadRequest, body: map[string]any{
		"ErrorNumber": 10, "Type": "ValidationException", "Message": "A validation exception occurred",
		"Elements": []any{element}}}
}

func notFound() result {
	return result{status: http.StatusNotFound, body: map[string]any{"Title": "Not Found", "Status": 404, "Detail": "The resource you're looking for cannot be found"}}
}

// admit counts the call against Xero's limits (docs/vendors.md §6.10) and
// names the one exceeded, with how long until it frees a call.
func (s *Server) admit() (string, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.win = prune(s.win, now.Add(-s.opts.Window))
	s.day = prune(s.day, now.Add(-s.opts.DayWindow))
	switch {
	case s.opts.MaxConcurrent > 0 && s.inflight >= s.opts.MaxConcurrent:
		return "concurrent", time.Second
	case s.opts.PerDay > 0 && len(s.day) >= s.opts.PerDay:
		return "day", s.day[0].Add(s.opts.DayWindow).Sub(now)
	case s.opts.PerWindow > 0 && len(s.win) >= s.opts.PerWindow:
		return "minute", s.win[0].Add(s.opts.Window).Sub(now)
	case s.opts.AppPerWindow > 0 && len(s.win) >= s.opts.AppPerWindow:
		return "appminute", s.win[0].Add(s.opts.Window).Sub(now)
	}
	s.inflight++
	s.win = append(s.win, now)
	s.day = append(s.day, now)
	return "", 0
}

func (s *Server) leave() {
	s.mu.Lock()
	s.inflight--
	s.mu.Unlock()
}

// throttled answers 429 with Retry-After (whole seconds) and
// X-Rate-Limit-Problem (developer.xero.com/documentation/guides/oauth2/limits).
func (s *Server) throttled(w http.ResponseWriter, problem string, wait time.Duration) {
	switch ra := s.opts.RetryAfter; ra {
	case "-":
	case "":
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(max(1, secs)))
	default:
		w.Header().Set("Retry-After", ra)
	}
	w.Header().Set("X-Rate-Limit-Problem", problem)
	s.remainingHeaders(w)
	w.WriteHeader(http.StatusTooManyRequests)
}

// remainingHeaders are on every answer: what is left of each limit.
func (s *Server) remainingHeaders(w http.ResponseWriter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := w.Header()
	h.Set("X-MinLimit-Remaining", strconv.Itoa(max(0, s.opts.PerWindow-len(s.win))))
	h.Set("X-DayLimit-Remaining", strconv.Itoa(max(0, s.opts.PerDay-len(s.day))))
	h.Set("X-AppMinLimit-Remaining", strconv.Itoa(max(0, s.opts.AppPerWindow-len(s.win))))
}

func prune(ts []time.Time, after time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(after) {
		i++
	}
	return ts[i:]
}

func (s *Server) drawFault() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.forced) > 0 {
		k := s.forced[0]
		s.forced = s.forced[1:]
		return k
	}
	f := s.opts.Faults
	x := s.rng.Float64()
	for _, c := range []struct {
		p    float64
		kind string
	}{{f.Throttle, FaultThrottle}, {f.ServerError, FaultServerError}, {f.Unavailable, FaultUnavailable}, {f.Timeout, FaultTimeout}, {f.DropAfterCommit, FaultDropAfterCommit}} {
		if x < c.p {
			return c.kind
		}
		x -= c.p
	}
	return ""
}

func splitPath(p string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(p); i++ {
		if i == len(p) || p[i] == '/' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return out
}

// nextID makes a GUID-shaped id, as Xero's ids are; callers hold s.mu.
func (s *Server) nextID() string {
	s.seq++
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", s.seq, s.seq)
}
