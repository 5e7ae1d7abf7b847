package qbo

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// intuitLegacySample is the legacy payload as Intuit documents it
// (developer.intuit.com/app/developer/qbo/docs/develop/webhooks): its
// lastUpdated carries an offset without a colon.
const intuitLegacySample = `{"eventNotifications":[{"realmId":"1185883450","dataChangeEvent":{"entities":[{"name":"Customer","id":"1","operation":"Create","lastUpdated":"2015-10-05T14:42:19-0700"},{"name":"Vendor","id":"1","operation":"Create","lastUpdated":"2015-10-05T14:42:19-0700"}]}}]}`

func TestParseWebhookTimeOffsets(t *testing.T) {
	t.Parallel()
	want := time.Date(2015, 10, 5, 21, 42, 19, 0, time.UTC)
	for _, s := range []string{"2015-10-05T14:42:19-0700", "2015-10-05T14:42:19-07:00", "2015-10-05T21:42:19Z", "2015-10-05T21:42:19.000Z", "2015-10-05T14:42:19.000-0700"} {
		body := strings.ReplaceAll(intuitLegacySample, "2015-10-05T14:42:19-0700", s)
		evs, skipped, err := ParseWebhook([]byte(body))
		if err != nil || len(skipped) > 0 || len(evs) != 2 {
			t.Errorf("lastUpdated %q: %d events, skipped %v, %v", s, len(evs), skipped, err)
			continue
		}
		if !evs[0].At.Equal(want) {
			t.Errorf("lastUpdated %q = %v, want %v", s, evs[0].At, want)
		}
	}
	// One key per change: the same change in another offset form is the
	// same event; another lastUpdated is another.
	a, _, _ := ParseWebhook([]byte(intuitLegacySample))
	b, _, _ := ParseWebhook([]byte(strings.ReplaceAll(intuitLegacySample, "14:42:19-0700", "21:42:19Z")))
	c, _, _ := ParseWebhook([]byte(strings.Replace(intuitLegacySample, "14:42:19-0700", "14:42:20-0700", 1)))
	if a[0].Key == "" || a[0].Key != b[0].Key || a[0].Key == c[0].Key || a[0].Key == a[1].Key {
		t.Errorf("keys: %q %q %q %q", a[0].Key, b[0].Key, c[0].Key, a[1].Key)
	}
}

// logBuffer collects log lines for assertions.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestWebhookBadEventsSkipped posts correctly signed deliveries over real
// HTTP: Intuit's documented legacy sample, and a CloudEvents array mixing a
// good invoice event with an unknown type and malformed events. Each is
// answered 200 with the good events processed and the others logged; a
// bad signature is still 401.
func TestWebhookBadEventsSkipped(t *testing.T) {
	t.Parallel()
	const verifier = "verifier-token"
	var (
		mu  sync.Mutex
		got []Event
	)
	logs := &logBuffer{}
	h := WebhookHandler(verifier, "", func(_ context.Context, d Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, d.Events...)
		return nil
	}, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	srv := httptest.NewServer(h)
	defer srv.Close()
	post := func(body, sig string) int {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/webhooks/qbo", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(SignatureHeader, sig)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	if code := post(intuitLegacySample, SignWebhook([]byte(intuitLegacySample), verifier)); code != http.StatusOK {
		t.Errorf("Intuit's legacy sample: HTTP %d, want 200", code)
	}
	mixed := `[{"specversion":"1.0","id":"ok-1","source":"intuit","type":"qbo.invoice.updated.v1","time":"2026-11-02T10:00:00Z","intuitentityid":"130","intuitaccountid":"111","data":{}},
	{"specversion":"1.0","id":"odd-1","source":"intuit","type":"qbo.timeactivity.reviewed","time":"2026-11-02T10:00:00Z","intuitentityid":"9","intuitaccountid":"111"},
	{"specversion":"1.0","id":"odd-2","source":"intuit","type":"payroll.run.completed.v1","time":"2026-11-02T10:00:00Z","intuitentityid":"9","intuitaccountid":"111"},
	{"specversion":"1.0","source":"intuit","type":"qbo.invoice.updated.v1","time":"2026-11-02T10:00:00Z","intuitentityid":"131","intuitaccountid":"111"},
	{"specversion":"1.0","id":"bad-time","type":"qbo.invoice.updated.v1","time":"yesterday","intuitentityid":"132","intuitaccountid":"111"},
	"not an object",
	{"specversion":"1.0","id":"ok-2","source":"intuit","type":"qbo.payment.created.v1","time":"2026-11-02T10:01:00-05:00","intuitentityid":"7","intuitaccountid":"111","data":{}}]`
	if code := post(mixed, SignWebhook([]byte(mixed), verifier)); code != http.StatusOK {
		t.Errorf("mixed CloudEvents delivery: HTTP %d, want 200", code)
	}
	if code := post(mixed, SignWebhook([]byte(mixed), "another-verifier")); code != http.StatusUnauthorized {
		t.Errorf("badly signed delivery: HTTP %d, want 401", code)
	}

	mu.Lock()
	var ids []string
	for _, e := range got {
		ids = append(ids, e.Entity+":"+e.ID)
	}
	mu.Unlock()
	if want := "Customer:1 Vendor:1 Invoice:130 Payment:7"; strings.Join(ids, " ") != want {
		t.Errorf("events processed = %v, want %s", ids, want)
	}
	out := logs.String()
	for _, want := range []string{
		`level=INFO msg="qbo webhook event skipped" reason="event[1]: event odd-1: unknown event type`,
		`level=INFO msg="qbo webhook event skipped" reason="event[2]: event odd-2: unknown event type`,
		`level=WARN msg="qbo webhook event skipped" reason="event[3]: event without id"`,
		`level=WARN msg="qbo webhook event skipped" reason="event[4]: event bad-time: time:`,
		`level=WARN msg="qbo webhook event skipped" reason="event[5]: malformed event:`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s\nlog:\n%s", want, out)
		}
	}
}

func TestWebhookSinkErrorIs503(t *testing.T) {
	t.Parallel()
	h := WebhookHandler(sdkVerifier, "", func(context.Context, Delivery) error { return errors.New("database down") }, nil)
	r := httptest.NewRequest(http.MethodPost, "/webhooks/qbo", strings.NewReader(sdkPayload))
	r.Header.Set(SignatureHeader, sdkSignature)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("sink failure: HTTP %d, want 503 (Intuit retries)", w.Code)
	}
}
