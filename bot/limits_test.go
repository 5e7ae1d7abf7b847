package bot

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// bodyTrap fails the test when anything reads the body it stands for.
type bodyTrap struct{ t *testing.T }

func (b bodyTrap) Read([]byte) (int, error) {
	b.t.Error("the body of an oversized request was read")
	return 0, io.EOF
}

func (bodyTrap) Close() error { return nil }

// TestHTTPOversizedContentLengthRefusedUnread: a Content-Length over the
// limit is refused from the header alone.
func TestHTTPOversizedContentLengthRefusedUnread(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t, time.Second)
	for _, path := range []string{"/slack/commands", "/slack/interactions", "/slack/events"} {
		req := httptest.NewRequest(http.MethodPost, path, nil)
		req.Body = bodyTrap{t}
		req.ContentLength = MaxBodyBytes + 1
		rec := httptest.NewRecorder()
		e.h.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: status %d, want 413", path, rec.Code)
		}
	}
}

// TestHTTPOversizedContentLengthFromOutside sends only the headers of a
// 2 MiB request over a real connection: the 413 comes back without
// billbot waiting for a body that never arrives.
func TestHTTPOversizedContentLengthFromOutside(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t, time.Second)
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// The deadline only bounds a hang (the old code waited for the body).
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, "POST /slack/commands HTTP/1.1\r\nHost: billbot\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 2097152\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", resp.StatusCode)
	}
}

// TestHTTPClientErrorsLoggedAtInfo: requests refused for the caller's fault
// are an INFO line each (with the status and why), never an ERROR: a
// stranger probing the URL must not page anyone.
func TestHTTPClientErrorsLoggedAtInfo(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t, time.Second)
	now := e.clock.Now()
	badSig, _ := http.NewRequest(http.MethodPost, e.url("/slack/commands"), strings.NewReader("a=b"))
	signRequest(t, badSig, "not-the-secret", []byte("a=b"), now)
	stale, _ := http.NewRequest(http.MethodPost, e.url("/slack/commands"), strings.NewReader("a=b"))
	signRequest(t, stale, testSecret, []byte("a=b"), now.Add(-time.Hour))
	huge := e.signer.Request(e.url("/slack/commands"), "application/x-www-form-urlencoded", []byte(strings.Repeat("a", MaxBodyBytes+1)))
	badForm := e.signer.Request(e.url("/slack/interactions"), "application/x-www-form-urlencoded", []byte("payload=%7Bnot-json"))
	badEvent := e.signer.Event(e.url("/slack/events"), []byte("{not json"))
	for _, c := range []struct {
		name string
		req  *http.Request
		want int
	}{
		{"bad signature", badSig, 401}, {"stale", stale, 401}, {"too large", huge, 413},
		{"bad form", badForm, 400}, {"bad event", badEvent, 400},
	} {
		rec := httptest.NewRecorder()
		e.h.Handler().ServeHTTP(rec, c.req)
		if rec.Code != c.want {
			t.Errorf("%s: status %d, want %d", c.name, rec.Code, c.want)
		}
	}
	var infos int
	for _, line := range strings.Split(strings.TrimSpace(e.logs.String()), "\n") {
		var rec struct {
			Level  string `json:"level"`
			Msg    string `json:"msg"`
			Status int    `json:"status"`
			Reason string `json:"reason"`
		}
		if json.Unmarshal([]byte(line), &rec) != nil {
			continue
		}
		if rec.Level == "ERROR" {
			t.Errorf("client error logged at ERROR: %s", line)
		}
		if rec.Level == "INFO" && rec.Msg == "slack request rejected" && rec.Status >= 400 && rec.Reason != "" {
			infos++
		}
	}
	if infos != 5 {
		t.Errorf("%d INFO 'slack request rejected' lines with status and reason, want 5:\n%s", infos, e.logs.String())
	}
	if strings.Contains(e.logs.String(), testSecret) {
		t.Error("the signing secret is in the log")
	}
}

func TestNewHTTPRefusesShortSigningSecret(t *testing.T) {
	t.Parallel()
	_, err := NewHTTP(HTTPConfig{SigningSecret: "short-secret", Identity: testIdentity, Commands: &fakeCommands{}, Interactions: &fakeInteractions{}, Responder: NewResponder(slack.New("xoxb-x"), nil, nil)})
	if err == nil || !strings.Contains(err.Error(), "SLACK_SIGNING_SECRET") {
		t.Errorf("err = %v, want a start-up error naming SLACK_SIGNING_SECRET", err)
	}
}
