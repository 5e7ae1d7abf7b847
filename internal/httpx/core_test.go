package httpx

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestCoreSettings(t *testing.T) {
	var c Core
	c.Init(time.Minute, "billbot")
	if c.HTTP.Timeout != time.Minute || c.UserAgent != "billbot" || c.MaxRetries() != 4 || c.Logger == nil || c.Now == nil || c.Sleep == nil {
		t.Fatalf("defaults: timeout %s, user agent %q, %d retries", c.HTTP.Timeout, c.UserAgent, c.MaxRetries())
	}
	hc := &http.Client{}
	c.SetHTTPClient(hc, time.Minute)
	if hc.Timeout != 0 || c.HTTP == hc || c.HTTP.Timeout != time.Minute {
		t.Errorf("SetHTTPClient: given %v, using %v; want a copy with the timeout", hc.Timeout, c.HTTP.Timeout)
	}
	c.SetRetry(-1, 0, time.Second)
	if c.MaxRetries() != 4 || c.Base != 500*time.Millisecond || c.Cap != time.Second {
		t.Errorf("SetRetry(-1, 0, 1s): %d %s %s", c.MaxRetries(), c.Base, c.Cap)
	}
	c.SetRetry(0, 0, 0)
	if c.MaxRetries() != 0 {
		t.Errorf("SetRetry(0, …): %d retries, want none", c.MaxRetries())
	}
	if d := c.Backoff(3); d < 500*time.Millisecond || d > time.Second {
		t.Errorf("Backoff(3) = %s, want within [0.5s, 1s]", d)
	}
	c.Requests.Add(3)
	c.Throttled.Add(1)
	if r, re, th := c.Counts(); r != 3 || re != 0 || th != 1 {
		t.Errorf("Counts = %d %d %d", r, re, th)
	}
}

type failingSource struct{}

func (failingSource) Token() (*oauth2.Token, error) { return nil, errors.New("revoked") }

func TestBearer(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "https://api.example.com/", nil)
	if err := Bearer(req, "acme", "tok", nil); err != nil || req.Header.Get("Authorization") != "Bearer tok" {
		t.Errorf("fixed token: %v, %q", err, req.Header.Get("Authorization"))
	}
	src := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "fresh"})
	if err := Bearer(req, "acme", "tok", src); err != nil || req.Header.Get("Authorization") != "Bearer fresh" {
		t.Errorf("token source: %v, %q", err, req.Header.Get("Authorization"))
	}
	if err := Bearer(req, "acme", "", failingSource{}); err == nil || err.Error() != "acme: get OAuth2 token: revoked" {
		t.Errorf("failing source: %v", err)
	}
}
