package qbosandbox

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// api is the /v3/company/{realm}/... pipeline: count, authenticate,
// throttle, inject faults, replay by requestid, handle, maybe drop.
func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	rest := r.PathValue("rest")
	s.mu.Lock()
	s.calls[endpoint(r.Method, rest)]++
	s.mu.Unlock()
	w.Header().Set("intuit_tid", s.tid())

	if !s.authorized(r) {
		// 401 body as QBO sends it for an expired or invalid token
		// (lower-case keys, type AUTHENTICATION).
		writeJSON(w, http.StatusUnauthorized, []byte(`{"fault":{"error":[{"message":"message=AuthenticationFailed; errorCode=003200; statusCode=401","detail":"Token expired or invalid","code":"3200"}],"type":"AUTHENTICATION"},"time":"`+s.opts.Now().Format(time.RFC3339)+`"}`))
		return
	}
	if other, ok := s.otherCompany(r); ok {
		if r.PathValue("realm") != other || rest != "companyinfo/"+other {
			writeJSON(w, http.StatusForbidden, s.marshal(faultResult(http.StatusForbidden, "AuthorizationFault", "003100", "ApplicationAuthorizationFailed", "the token is not for this company")))
			return
		}
		s.mu.Lock()
		name := s.others[other]
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, s.marshal(result{status: http.StatusOK, body: map[string]any{"CompanyInfo": map[string]any{
			"Id": other, "CompanyName": name, "LegalName": name, "Country": "US", "SyncToken": "0"}}}))
		return
	}
	if r.PathValue("realm") != s.opts.RealmID {
		writeJSON(w, http.StatusForbidden, s.marshal(faultResult(http.StatusForbidden, "AuthorizationFault", "003100", "ApplicationAuthorizationFailed", "the token is not for this company")))
		return
	}
	batch := rest == "batch"
	if !s.admit(batch) {
		// docs/vendors.md §2.8: beyond the limits QBO answers 429.
		if s.opts.RetryAfter != "" {
			w.Header().Set("Retry-After", s.opts.RetryAfter)
		}
		writeJSON(w, http.StatusTooManyRequests, s.marshal(faultResult(http.StatusTooManyRequests, "ThrottleExceeded", "003001", "ThrottleExceeded", "The request exceeded the maximum number of requests allowed")))
		return
	}
	defer s.leave()

	// Read the body first: only then does net/http notice a client that
	// hangs up, which ends a held "timeout" request.
	body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if err != nil {
		return
	}
	drop := false
	switch kind := s.drawFault(); kind {
	case FaultThrottle:
		if s.opts.RetryAfter != "" {
			w.Header().Set("Retry-After", s.opts.RetryAfter)
		}
		writeJSON(w, http.StatusTooManyRequests, s.marshal(faultResult(http.StatusTooManyRequests, "ThrottleExceeded", "003001", "ThrottleExceeded", "injected")))
		return
	case FaultServerError:
		writeJSON(w, http.StatusInternalServerError, s.marshal(faultResult(http.StatusInternalServerError, "SystemFault", "10000", "An application error has occurred while processing your request", "injected")))
		return
	case FaultUnavailable:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "<html><body>Service Unavailable</body></html>")
		return
	case FaultTimeout:
		t := time.NewTimer(s.opts.TimeoutHold)
		defer t.Stop()
		select {
		case <-r.Context().Done():
		case <-t.C:
		}
		hangUp(w)
		return
	case FaultDropAfterCommit:
		drop = true
	}

	rid := r.URL.Query().Get("requestid")
	var out []byte
	status := 0
	s.mu.Lock()
	if old, ok := s.replays[rid]; ok && rid != "" {
		// docs/vendors.md §2.5: a repeated requestid gets the original response
		// and is not executed again.
		out, status = old.body, old.status
	} else {
		res := s.route(r, rest, body, rid)
		out, status = s.marshal(res), res.status
		if rid != "" && status/100 == 2 {
			s.replays[rid] = stored{status: status, body: out}
		}
	}
	s.mu.Unlock()
	if drop {
		hangUp(w)
		return
	}
	writeJSON(w, status, out)
}

// hangUp closes the connection without writing a response.
func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

// route dispatches under s.mu.
func (s *Server) route(r *http.Request, rest string, body []byte, rid string) result {
	q := r.URL.Query()
	if q.Get("minorversion") == "" {
		// Real QBO falls back to an old minor version; the sandbox insists so
		// that a client forgetting it is caught (docs/vendors.md §2.1).
		return faultResult(http.StatusBadRequest, "ValidationFault", "2010", "Request has invalid or unsupported property", "minorversion is required by this sandbox")
	}
	parts := strings.Split(rest, "/")
	switch {
	case r.Method == http.MethodGet && rest == "query":
		return s.query(q.Get("query"))
	case r.Method == http.MethodGet && rest == "cdc":
		return s.cdc(q.Get("entities"), q.Get("changedSince"))
	case r.Method == http.MethodPost && rest == "batch":
		return s.batch(body, rid)
	case r.Method == http.MethodPost && rest == "invoice":
		switch q.Get("operation") {
		case "":
			return s.writeInvoice(body, rid)
		case "void":
			return s.voidInvoice(body)
		case "delete":
			return s.deleteInvoice(body)
		}
		return faultResult(http.StatusBadRequest, "ValidationFault", "2010", "Request has invalid or unsupported property", "operation "+q.Get("operation"))
	case r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "invoice" && parts[2] == "send":
		return s.sendInvoice(parts[1], q.Get("sendTo"))
	case r.Method == http.MethodGet && len(parts) == 2:
		if parts[0] == "companyinfo" {
			return s.companyInfo()
		}
		return s.read(entityName(parts[0]), parts[1])
	}
	return faultResult(http.StatusBadRequest, "ValidationFault", "4000", "Unsupported operation", fmt.Sprintf("%s %s", r.Method, rest))
}

// faultResult builds a Fault body (docs/vendors.md §2.4).
func faultResult(status int, typ, code, msg, detail string) result {
	return result{status: status, body: map[string]any{"Fault": faultBody(typ, code, msg, detail)}}
}

func faultBody(typ, code, msg, detail string) map[string]any {
	return map[string]any{
		"Error": []map[string]string{{"Message": msg, "Detail": detail, "code": code}},
		"type":  typ,
	}
}

func (s *Server) tid() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("1-%08x-%016x", s.rng.Uint32(), s.rng.Uint64())
}

// admit applies the concurrency and per-window limits.
func (s *Server) admit(batch bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.win = prune(s.win, now.Add(-s.opts.Window))
	s.batchWin = prune(s.batchWin, now.Add(-s.opts.Window))
	if s.opts.MaxConcurrent > 0 && s.inflight >= s.opts.MaxConcurrent {
		return false
	}
	if s.opts.PerWindow > 0 && len(s.win) >= s.opts.PerWindow {
		return false
	}
	if batch && s.opts.BatchPerWindow > 0 && len(s.batchWin) >= s.opts.BatchPerWindow {
		return false
	}
	s.inflight++
	s.win = append(s.win, now)
	if batch {
		s.batchWin = append(s.batchWin, now)
	}
	return true
}

func (s *Server) leave() {
	s.mu.Lock()
	s.inflight--
	s.mu.Unlock()
}

func prune(ts []time.Time, after time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(after) {
		i++
	}
	return append(ts[:0], ts[i:]...)
}

// drawFault returns a forced fault, else a random one, else "".
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
	}{
		{f.Throttle, FaultThrottle}, {f.ServerError, FaultServerError}, {f.Unavailable, FaultUnavailable},
		{f.Timeout, FaultTimeout}, {f.DropAfterCommit, FaultDropAfterCommit},
	} {
		if x < c.p {
			return c.kind
		}
		x -= c.p
	}
	return ""
}

// otherCompany returns the realm of a bearer token granted for another
// company than the sandbox's (see AuthorizeAs).
func (s *Server) otherCompany(r *http.Request) (string, bool) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	defer s.mu.Unlock()
	realm, ok := s.realmOf[tok]
	return realm, ok
}
