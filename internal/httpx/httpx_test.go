package httpx

import (
	"bytes"
	"strings"
	"testing"
)

func TestBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.example.com":        "https://api.example.com/",
		"https://api.example.com/v2":     "https://api.example.com/v2/",
		"http://127.0.0.1:8080/v2/":      "http://127.0.0.1:8080/v2/",
		"https://api.example.com/?x=1":   "https://api.example.com/?x=1",
		"https://api.example.com/a/b/c/": "https://api.example.com/a/b/c/",
	} {
		u, ok := BaseURL(in)
		if !ok || u.String() != want {
			t.Errorf("BaseURL(%q) = %v, %v; want %s", in, u, ok, want)
		}
	}
	for _, in := range []string{"", "api.example.com", "/v2/", "https://", "://x", "http://[::1"} {
		if u, ok := BaseURL(in); ok {
			t.Errorf("BaseURL(%q) = %v, want refused", in, u)
		}
	}
}

func TestErrorBodyIsBounded(t *testing.T) {
	big := strings.Repeat("x", MaxErrorBody+100)
	if got := ErrorBody(strings.NewReader(big)); len(got) != MaxErrorBody {
		t.Fatalf("ErrorBody read %d bytes, want %d", len(got), MaxErrorBody)
	}
	if got := ErrorBody(bytes.NewReader([]byte(`{"error":"x"}`))); string(got) != `{"error":"x"}` {
		t.Fatalf("ErrorBody = %q", got)
	}
}
