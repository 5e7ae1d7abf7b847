package httpx

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestClip(t *testing.T) {
	if got := Clip("short"); got != "short" {
		t.Errorf("Clip(short) = %q", got)
	}
	long := strings.Repeat("x", MaxMessage+1)
	if got := Clip(long); got != long[:MaxMessage]+"…" {
		t.Errorf("Clip(%d bytes) = %d bytes, want %d and an ellipsis", len(long), len(got), MaxMessage)
	}
}

func TestDrainStopsAtTheCap(t *testing.T) {
	body := strings.NewReader(strings.Repeat("x", MaxErrorBody+10))
	Drain(body)
	if rest, _ := io.ReadAll(body); len(rest) != 10 {
		t.Errorf("%d bytes left, want 10", len(rest))
	}
}

func TestStatusLine(t *testing.T) {
	if got, want := StatusLine("acme", "GET", "/v2/x", 404, ""), "acme: GET /v2/x: 404 Not Found"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := StatusLine("acme", "POST", "/y", 422, "bad"), "acme: POST /y: 422 bad"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestUnauthorized(t *testing.T) {
	for status, want := range map[int]bool{401: true, 403: true, 404: false, 500: false} {
		if Unauthorized(status) != want {
			t.Errorf("Unauthorized(%d) = %v", status, !want)
		}
	}
}

func TestCall(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "https://api.example.com/v2/x?token=no", nil)
	if m, p := Call(&http.Response{Request: req}); m != "GET" || p != "/v2/x" {
		t.Errorf("Call = %q %q, want GET /v2/x", m, p)
	}
	if m, p := Call(&http.Response{}); m != "" || p != "" {
		t.Errorf("Call without request = %q %q", m, p)
	}
}

func TestTransportError(t *testing.T) {
	cause := errors.New("connection reset")
	err := fmt.Errorf("wrapped: %w", &TransportError{Vendor: "acme", Err: cause})
	if !IsTransport(err) || !errors.Is(err, cause) {
		t.Errorf("%v: want a transport error wrapping its cause", err)
	}
	if got := (&TransportError{Vendor: "acme", Err: cause}).Error(); got != "acme: connection reset" {
		t.Errorf("text %q", got)
	}
	if IsTransport(cause) {
		t.Error("a plain error counts as a transport error")
	}
}
