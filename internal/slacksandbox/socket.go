package slacksandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Socket Mode, as docs/vendors.md §1.9 describes it
// (https://docs.slack.dev/apis/events-api/using-socket-mode): the app
// calls apps.connections.open with its app-level token, dials the URL it
// gets, receives hello, then envelopes, each of which it acknowledges by
// envelope_id, and reconnects through a new apps.connections.open when the
// socket says disconnect.

// Socket Mode constants of the sandbox.
const (
	// DefaultAppToken is the only app-level token apps.connections.open
	// accepts unless Options.AppToken names another.
	DefaultAppToken = "xapp-1-A0BILLBOT-1-sandbox"
	// SocketAckDeadline is how long Slack waits for an envelope's ack
	// (docs/vendors.md §1.2, §1.9); Ack.Late reports an ack past it.
	SocketAckDeadline = 3 * time.Second
	// SocketEventRetries is how often the Events API retries an event
	// that was not acknowledged (docs/vendors.md §1.2).
	SocketEventRetries = 3
	// DefaultSocketPingInterval is how often the sandbox sends a WebSocket
	// ping on each connection. Slack pings its Socket Mode connections and
	// slack-go reconnects when 30 s pass without one; the interval is the
	// sandbox's choice, shorter than that.
	DefaultSocketPingInterval = 5 * time.Second
)

// Envelope types (docs/vendors.md §1.9).
const (
	EnvelopeSlashCommands = "slash_commands"
	EnvelopeInteractive   = "interactive"
	EnvelopeEventsAPI     = "events_api"
)

// DisconnectRefresh and DisconnectWarning are the reasons a disconnect
// message gives: the connection is being refreshed and the app should
// connect again at once, or it will be closed shortly (docs/vendors.md §1.9).
const (
	DisconnectRefresh = "refresh_requested"
	DisconnectWarning = "warning"
)

// Envelope is one delivery over Socket Mode. Its exported fields are what
// was sent; Acked and Wait tell what came back.
type Envelope struct {
	ID                     string
	Type                   string
	Payload                json.RawMessage
	AcceptsResponsePayload bool
	// RetryAttempt and RetryReason are set on an Events API redelivery;
	// RetryOf is then the envelope_id of the delivery it repeats.
	RetryAttempt int
	RetryReason  string
	RetryOf      string

	hub    *socketHub
	acked  chan struct{}
	ack    Ack
	conn   int       // connection the envelope was written to, 0 while queued
	sentAt time.Time // sandbox clock
	// retried: an Events API envelope that was redelivered; failed: an
	// interaction Slack gave up on (the user saw an error).
	retried, failed bool
}

// Ack is an envelope's acknowledgement as the sandbox received it.
type Ack struct {
	EnvelopeID string
	// Payload is the ack's payload, nil when it had none: the immediate
	// reply to a slash command, the response_action of a view submission.
	Payload json.RawMessage
	// Conn is the connection the ack arrived on (connections count from 1).
	Conn int
	// Delay is the time from the envelope's delivery to its ack on the
	// sandbox clock.
	Delay time.Duration
}

// Late reports an ack Slack would not have waited for.
func (a Ack) Late() bool { return a.Delay > SocketAckDeadline }

// Acked returns the envelope's ack, if it has come.
func (e *Envelope) Acked() (Ack, bool) {
	e.hub.mu.Lock()
	defer e.hub.mu.Unlock()
	select {
	case <-e.acked:
		return e.ack, true
	default:
		return Ack{}, false
	}
}

// Wait blocks until the envelope is acknowledged or ctx ends.
func (e *Envelope) Wait(ctx context.Context) (Ack, error) {
	select {
	case <-e.acked:
		a, _ := e.Acked()
		return a, nil
	case <-ctx.Done():
		return Ack{}, fmt.Errorf("envelope %s (%s) not acknowledged: %w", e.ID, e.Type, ctx.Err())
	}
}

// socketHub is the Socket Mode side of the sandbox. It has its own lock:
// apps.connections.open runs under Server.mu and then takes hub.mu, never
// the other way round.
type socketHub struct {
	now          func() time.Time
	pingInterval time.Duration
	upgrader     websocket.Upgrader

	mu      sync.Mutex
	seq     int
	tickets map[string]bool
	opens   int
	conns   map[int]*socketConn // open connections by id
	envs    []*Envelope
	byID    map[string]*Envelope
	queue   []*Envelope // waiting for a connection that may carry them
	stray   []string    // problems with acks: unknown or repeated envelope ids
	closed  bool
}

type socketConn struct {
	id       int
	ws       *websocket.Conn
	wmu      sync.Mutex // one writer at a time (gorilla/websocket)
	draining bool       // disconnect sent: no new envelopes go here
	done     chan struct{}
}

func newSocketHub(now func() time.Time, ping time.Duration) *socketHub {
	if ping <= 0 {
		ping = DefaultSocketPingInterval
	}
	return &socketHub{
		now: now, pingInterval: ping,
		// slack-go dials with Origin https://api.slack.com.
		upgrader: websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }},
		tickets:  map[string]bool{}, conns: map[int]*socketConn{}, byID: map[string]*Envelope{},
	}
}

func init() {
	methods["apps.connections.open"] = (*Server).appsConnectionsOpen
}

// appLevelMethods authenticate with the app-level token, not the bot token
// (https://docs.slack.dev/reference/methods/apps.connections.open).
var appLevelMethods = map[string]bool{"apps.connections.open": true}

// authError checks a Web API call's token. Every method answers not_authed
// without a token and invalid_auth for a token it does not know; a token
// of the wrong kind — a bot token where an app-level token is needed, or
// the other way round — is not_allowed_token_type (docs/vendors.md §1.9).
func (s *Server) authError(method, token string) string {
	appToken := s.opts.AppToken
	if appToken == "" {
		appToken = DefaultAppToken
	}
	appLevel := strings.HasPrefix(token, "xapp-")
	switch {
	case token == "":
		return "not_authed"
	case appLevelMethods[method] != appLevel:
		return "not_allowed_token_type"
	case appLevel && token != appToken:
		return "invalid_auth"
	case !appLevel && token != s.opts.Token:
		return "invalid_auth"
	}
	return ""
}

// appsConnectionsOpen answers apps.connections.open with a WebSocket URL
// good for one connection.
func (s *Server) appsConnectionsOpen(_ params, _ *Call) (map[string]any, string) {
	h := s.sock
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	ticket := fmt.Sprintf("sandbox-%08d", h.seq)
	h.tickets[ticket] = true
	u := "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/link/?" + url.Values{"ticket": {ticket}, "app_id": {AppID}}.Encode()
	return map[string]any{"url": u}, ""
}

// serveLink is the WebSocket end of a URL apps.connections.open handed out.
func (s *Server) serveLink(w http.ResponseWriter, r *http.Request) {
	h := s.sock
	ticket := r.URL.Query().Get("ticket")
	h.mu.Lock()
	ok := h.tickets[ticket] && !h.closed
	delete(h.tickets, ticket)
	h.mu.Unlock()
	if !ok {
		http.Error(w, "invalid or used ticket: call apps.connections.open for a new URL", http.StatusUnauthorized)
		return
	}
	ws, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered
	}
	h.mu.Lock()
	h.opens++
	c := &socketConn{id: h.opens, ws: ws, done: make(chan struct{})}
	h.conns[c.id] = c
	live := 0
	for _, o := range h.conns {
		if !o.draining {
			live++
		}
	}
	h.mu.Unlock()

	// hello, as Slack sends it on every new connection (docs/vendors.md §1.9).
	hello := map[string]any{
		"type": "hello", "num_connections": live,
		"debug_info":      map[string]any{"host": fmt.Sprintf("applink-sandbox-%d", c.id), "build_number": 1, "approximate_connection_time": 18060},
		"connection_info": map[string]any{"app_id": AppID},
	}
	if c.write(hello) != nil {
		h.drop(c)
		return
	}
	go h.ping(c)
	h.flush()
	h.read(c)
}

// write sends one JSON message on c.
func (c *socketConn) write(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return c.ws.WriteJSON(v)
}

// ping sends a WebSocket ping at once and then every interval until c closes.
func (h *socketHub) ping(c *socketConn) {
	t := time.NewTicker(h.pingInterval)
	defer t.Stop()
	for {
		if c.ws.WriteControl(websocket.PingMessage, []byte("sandbox"), time.Now().Add(10*time.Second)) != nil {
			return
		}
		select {
		case <-c.done:
			return
		case <-t.C:
		}
	}
}

// read records the acks that arrive on c until it closes.
func (h *socketHub) read(c *socketConn) {
	defer h.drop(c)
	for {
		_, raw, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		var msg struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(raw, &msg) != nil || msg.EnvelopeID == "" {
			h.problem(fmt.Sprintf("connection %d sent what is not an ack: %.200s", c.id, raw))
			continue
		}
		h.acknowledge(c.id, msg.EnvelopeID, msg.Payload)
	}
}

func (h *socketHub) problem(p string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.stray = append(h.stray, p)
}

// acknowledge records an ack. Slack matches acks by envelope_id; the
// sandbox accepts one on any of the app's connections (slack-go may send
// an ack on the connection opened after the one that carried the envelope).
func (h *socketHub) acknowledge(conn int, id string, payload json.RawMessage) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e, ok := h.byID[id]
	if !ok {
		h.stray = append(h.stray, fmt.Sprintf("ack for unknown envelope %s on connection %d", id, conn))
		return
	}
	select {
	case <-e.acked:
		h.stray = append(h.stray, fmt.Sprintf("envelope %s acknowledged twice", id))
		return
	default:
	}
	if len(payload) == 0 || string(payload) == "null" {
		payload = nil
	}
	e.ack = Ack{EnvelopeID: id, Payload: payload, Conn: conn, Delay: h.now().Sub(e.sentAt)}
	close(e.acked)
}

// drop forgets a closed connection; envelopes queued for it stay queued.
func (h *socketHub) drop(c *socketConn) {
	h.mu.Lock()
	if _, ok := h.conns[c.id]; ok {
		delete(h.conns, c.id)
		close(c.done)
	}
	h.mu.Unlock()
	_ = c.ws.Close()
}

// pick returns the connection new envelopes go to: the newest one that has
// not been told to disconnect. Slack spreads envelopes over an app's
// connections; the sandbox keeps to one so runs repeat.
func (h *socketHub) pick() *socketConn {
	var best *socketConn
	for _, c := range h.conns {
		if !c.draining && (best == nil || c.id > best.id) {
			best = c
		}
	}
	return best
}

// flush writes queued envelopes to a connection that may carry them.
func (h *socketHub) flush() {
	for {
		h.mu.Lock()
		c := h.pick()
		if c == nil || len(h.queue) == 0 || h.closed {
			h.mu.Unlock()
			return
		}
		e := h.queue[0]
		h.queue = h.queue[1:]
		e.conn, e.sentAt = c.id, h.now()
		frame := e.frame()
		h.mu.Unlock()
		if err := c.write(frame); err != nil {
			h.mu.Lock()
			e.conn = 0
			h.queue = append([]*Envelope{e}, h.queue...)
			h.mu.Unlock()
			h.drop(c)
		}
	}
}

// frame is the envelope as it goes over the socket.
func (e *Envelope) frame() map[string]any {
	f := map[string]any{
		"envelope_id": e.ID, "type": e.Type, "payload": e.Payload,
		"accepts_response_payload": e.AcceptsResponsePayload,
	}
	if e.Type == EnvelopeEventsAPI {
		f["retry_attempt"], f["retry_reason"] = e.RetryAttempt, e.RetryReason
	}
	return f
}

// enqueue registers an envelope and delivers it as soon as a connection can
// take it.
func (s *Server) enqueue(typ string, payload any, acceptsResponse bool, retry *Envelope) *Envelope {
	raw, err := json.Marshal(payload)
	if err != nil {
		panic("slacksandbox: " + err.Error())
	}
	h := s.sock
	h.mu.Lock()
	h.seq++
	e := &Envelope{
		ID: fmt.Sprintf("%08x-5a4d-4b0c-8e1f-%012x", h.seq, h.seq), Type: typ, Payload: raw,
		AcceptsResponsePayload: acceptsResponse, hub: h, acked: make(chan struct{}),
	}
	if retry != nil {
		e.RetryAttempt, e.RetryReason, e.RetryOf = retry.RetryAttempt+1, "timeout", retry.ID
	}
	h.envs = append(h.envs, e)
	h.byID[e.ID] = e
	h.queue = append(h.queue, e)
	h.mu.Unlock()
	h.flush()
	return e
}

// SocketSlashCommand delivers a slash command over Socket Mode: the same
// fields as Signer.SlashCommand, as a JSON payload. The ack may carry the
// command's immediate reply (accepts_response_payload is true); later
// replies go to the response_url. Slack sends is_enterprise_install as the
// string "false" here (github.com/slack-go/slack/issues/1265).
func (s *Server) SocketSlashCommand(fields url.Values) *Envelope {
	f := slashCommandFields(fields)
	p := map[string]any{"is_enterprise_install": "false"}
	for k := range f {
		p[k] = f.Get(k)
	}
	return s.enqueue(EnvelopeSlashCommands, p, true, nil)
}

// SocketBlockAction delivers a button click over Socket Mode: the payload
// Signer.BlockAction sends. A click's ack carries nothing.
func (s *Server) SocketBlockAction(a BlockAction) *Envelope {
	return s.enqueue(EnvelopeInteractive, blockActionPayload(s.opts.Now(), a), false, nil)
}

// SocketViewSubmission delivers a modal submit over Socket Mode: the
// payload Signer.ViewSubmission sends. The ack's payload is the
// response_action, if any (an empty ack closes the modal).
func (s *Server) SocketViewSubmission(v ViewSubmission) *Envelope {
	return s.enqueue(EnvelopeInteractive, viewSubmissionPayload(v), true, nil)
}

// SocketEvent delivers an Events API callback (the JSON body Signer.Event
// sends) over Socket Mode.
func (s *Server) SocketEvent(body []byte) *Envelope {
	return s.enqueue(EnvelopeEventsAPI, json.RawMessage(body), false, nil)
}

// SocketDisconnect sends a disconnect with reason to every open connection
// and stops giving them envelopes: the app must call apps.connections.open
// and connect again, and envelopes wait for that. It returns how many
// connections were told.
func (s *Server) SocketDisconnect(reason string) int {
	h := s.sock
	h.mu.Lock()
	var told []*socketConn
	for _, c := range h.conns {
		if !c.draining {
			c.draining = true
			told = append(told, c)
		}
	}
	h.mu.Unlock()
	for _, c := range told {
		msg := map[string]any{"type": "disconnect", "reason": reason, "debug_info": map[string]any{"host": fmt.Sprintf("applink-sandbox-%d", c.id)}}
		if c.write(msg) != nil {
			h.drop(c)
		}
	}
	return len(told)
}

// SocketRetryUnacked does what Slack does when an envelope's ack does not
// come in time (docs/vendors.md §1.2, §1.9): an Events API envelope is
// delivered again with retry_attempt one higher and retry_reason set, up
// to SocketEventRetries times; a slash command or interaction is not
// retried (the user saw an error) and is reported by AckProblems. It
// returns the redeliveries. The sandbox has no timer: a test calls it when
// it has decided the deadline has passed.
func (s *Server) SocketRetryUnacked() []*Envelope {
	h := s.sock
	h.mu.Lock()
	var again []*Envelope
	for _, e := range h.envs {
		select {
		case <-e.acked:
			continue
		default:
		}
		if e.retried || e.failed || e.conn == 0 {
			continue
		}
		if e.Type == EnvelopeEventsAPI && e.RetryAttempt < SocketEventRetries {
			e.retried = true
			again = append(again, e)
			continue
		}
		e.failed = true
	}
	h.mu.Unlock()
	var out []*Envelope
	for _, e := range again {
		out = append(out, s.enqueue(e.Type, e.Payload, e.AcceptsResponsePayload, e))
	}
	return out
}

// Envelopes returns every envelope so far, in order.
func (s *Server) Envelopes() []*Envelope {
	h := s.sock
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*Envelope(nil), h.envs...)
}

// AckProblems lists what Slack would hold against the app, in a stable
// order: envelopes delivered and not acknowledged (Events API ones that
// were then retried are not listed, their retries are), interactions given
// up on, acks for unknown envelopes, repeated acks, and messages that are
// not acks. A clean run has none.
func (s *Server) AckProblems() []string {
	h := s.sock
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, e := range h.envs {
		select {
		case <-e.acked:
			continue
		default:
		}
		switch {
		case e.retried:
		case e.failed:
			out = append(out, fmt.Sprintf("%s envelope %s was not acknowledged in time and is not retried", e.Type, e.ID))
		case e.conn == 0:
			out = append(out, fmt.Sprintf("%s envelope %s is still waiting for a connection", e.Type, e.ID))
		default:
			out = append(out, fmt.Sprintf("%s envelope %s is not acknowledged", e.Type, e.ID))
		}
	}
	stray := append([]string(nil), h.stray...)
	sort.Strings(stray)
	return append(out, stray...)
}

// SocketOpens is how many WebSocket connections have been opened.
func (s *Server) SocketOpens() int {
	h := s.sock
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.opens
}

// SocketConnections is how many connections are open and not told to
// disconnect.
func (s *Server) SocketConnections() int {
	h := s.sock
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, c := range h.conns {
		if !c.draining {
			n++
		}
	}
	return n
}

// close ends every connection; Server.Close calls it.
func (h *socketHub) close() {
	h.mu.Lock()
	h.closed = true
	conns := make([]*socketConn, 0, len(h.conns))
	for _, c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()
	for _, c := range conns {
		c.wmu.Lock()
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "sandbox closed"), time.Now().Add(time.Second))
		c.wmu.Unlock()
		h.drop(c)
	}
}
