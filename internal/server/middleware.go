package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// unmatchedRoute labels requests no pattern matched (404, 405), so paths
// chosen by clients never become metric labels.
const unmatchedRoute = "unmatched"

// middleware gives each request an id, recovers panics as 500, counts and
// times it, and writes one access log line. The log line carries the route
// pattern, never the URL: query strings may hold OAuth codes.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.now()
		id := requestID(r.Header.Get(RequestIDHeader))
		w.Header().Set(RequestIDHeader, id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		rec := &recorder{ResponseWriter: w}

		defer func() {
			v := recover()
			if v == nil {
				s.observe(r, rec.statusCode(), start)
				return
			}
			if v != http.ErrAbortHandler {
				s.log.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
					slog.String("request_id", id), slog.String("route", route(r)),
					slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
			}
			if rec.wrote || v == http.ErrAbortHandler {
				// The status line is gone already: count a 500, then let
				// net/http abort the connection so the client sees a broken
				// response rather than a silently truncated one.
				s.observe(r, http.StatusInternalServerError, start)
				panic(http.ErrAbortHandler)
			}
			writeText(rec, http.StatusInternalServerError, "internal server error (request id "+id+")")
			s.observe(r, http.StatusInternalServerError, start)
		}()
		next.ServeHTTP(rec, r)
	})
}

// observe records the metrics and the access log line for one request.
func (s *Server) observe(r *http.Request, status int, start time.Time) {
	rt := route(r)
	elapsed := s.now().Sub(start)
	method := methodLabel(r.Method)
	s.requests.Inc(rt, method, strconv.Itoa(status))
	s.duration.Observe(elapsed.Seconds(), rt)
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "http request",
		slog.String("method", method), slog.String("route", rt), slog.Int("status", status),
		slog.Int64("duration_ms", elapsed.Milliseconds()), slog.String("request_id", RequestID(r.Context())))
}

// route is the matched pattern without its method ("GET /healthz" →
// "/healthz"). ServeMux sets r.Pattern on the request it routes; a nested
// ServeMux (the Slack transport) refines it on the same request.
func route(r *http.Request) string {
	p := r.Pattern
	if _, after, ok := strings.Cut(p, " "); ok {
		p = after
	}
	if p == "" {
		return unmatchedRoute
	}
	return p
}

// methodLabel bounds the method label to the standard methods.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

// recorder remembers the status code written through it.
type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	// 1xx other than 101 are informational; the final status comes later.
	if !r.wrote && (code >= 200 || code == http.StatusSwitchingProtocols) {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.status, r.wrote = http.StatusOK, true
	}
	return r.ResponseWriter.Write(b)
}

// Flush lets streaming handlers flush through the recorder.
func (r *recorder) Flush() {
	if !r.wrote {
		r.status, r.wrote = http.StatusOK, true
	}
	_ = http.NewResponseController(r.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *recorder) statusCode() int {
	if r.status == 0 {
		return http.StatusOK // nothing written: net/http sends 200.
	}
	return r.status
}
