package qbo

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The vector from Intuit's .NET SDK webhook tests
// (intuit/QuickBooks-V3-DotNET-SDK, Intuit.Ipp.WebhooksService.Test:
// WebhooksServiceTest.cs with the verifier token in AppSettings.json).
const (
	sdkVerifier  = "00faeec4-08d0-4996-bb37-698ae19f0149"
	sdkSignature = "6q+xGyMirJupwKTh2/WBl2NcdxzxqdIbk3sneKTxLWM="
	sdkPayload   = `{"eventNotifications":[{"realmId":"1269959970","dataChangeEvent":{"entities":[{"name":"Vendor","id":"40","operation":"Update","lastUpdated":"2016-10-05T03:09:04.000Z"},{"name":"Customer","id":"43","operation":"Create","lastUpdated":"2016-10-05T03:07:04.000Z"}]}}]}`
)

func TestVerifyWebhook(t *testing.T) {
	t.Parallel()
	reformatted := strings.Replace(sdkPayload, `"realmId":"1269959970"`, `"realmId": "1269959970"`, 1)
	tests := []struct {
		name, body, sig, verifier string
		want                      bool
	}{
		{"Intuit SDK vector", sdkPayload, sdkSignature, sdkVerifier, true},
		{"reformatted body", reformatted, sdkSignature, sdkVerifier, false},
		{"wrong verifier", sdkPayload, sdkSignature, "other", false},
		{"missing signature", sdkPayload, "", sdkVerifier, false},
		{"not base64", sdkPayload, "%%%", sdkVerifier, false},
		{"empty verifier", sdkPayload, SignWebhook([]byte(sdkPayload), ""), "", false},
	}
	for _, tc := range tests {
		if got := VerifyWebhook([]byte(tc.body), tc.sig, tc.verifier); got != tc.want {
			t.Errorf("%s: VerifyWebhook = %v, want %v", tc.name, got, tc.want)
		}
	}
	if SignWebhook([]byte(sdkPayload), sdkVerifier) != sdkSignature {
		t.Error("SignWebhook disagrees with the SDK vector")
	}
}

func TestParseWebhook(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	tests := []struct {
		name string
		body string
		want []Event
	}{
		{"legacy (SDK payload)", sdkPayload, []Event{
			{RealmID: "1269959970", Entity: "Vendor", ID: "40", Operation: "Update", At: at("2016-10-05T03:09:04Z")},
			{RealmID: "1269959970", Entity: "Customer", ID: "43", Operation: "Create", At: at("2016-10-05T03:07:04Z")},
		}},
		{"cloudevents", `[{"specversion":"1.0","id":"e1","source":"intuit","type":"qbo.invoice.updated.v1","datacontenttype":"application/json","time":"2026-11-02T10:00:00Z","intuitentityid":"130","intuitaccountid":"111","data":{}},
		  {"specversion":"1.0","id":"e2","source":"intuit","type":"qbo.payment.created.v1","time":"2026-11-02T10:01:00Z","intuitentityid":"7","intuitaccountid":"222","data":{}}]`,
			[]Event{
				{RealmID: "111", Entity: "Invoice", ID: "130", Operation: "Update", At: at("2026-11-02T10:00:00Z")},
				{RealmID: "222", Entity: "Payment", ID: "7", Operation: "Create", At: at("2026-11-02T10:01:00Z")},
			}},
	}
	for _, tc := range tests {
		got, skipped, err := ParseWebhook([]byte(tc.body))
		if err != nil || len(skipped) > 0 {
			t.Fatalf("%s: %v, skipped %v", tc.name, err, skipped)
		}
		if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreFields(Event{}, "Key")); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	for _, bad := range []string{"", "42", `{"eventNotifications":`, `[1,2`} {
		if _, _, err := ParseWebhook([]byte(bad)); err == nil {
			t.Errorf("ParseWebhook(%q): want error", bad)
		}
	}
}

func TestWebhookHandler(t *testing.T) {
	t.Parallel()
	got := make(chan Delivery, 1)
	h := WebhookHandler(sdkVerifier, "1269959970", func(ctx context.Context, d Delivery) error {
		got <- d
		return nil
	}, nil)
	post := func(body, sig string) int {
		r := httptest.NewRequest(http.MethodPost, "/webhooks/qbo", strings.NewReader(body))
		if sig != "" {
			r.Header.Set(SignatureHeader, sig)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	if code := post(sdkPayload, ""); code != http.StatusUnauthorized {
		t.Errorf("unsigned: %d", code)
	}
	if code := post(strings.ReplaceAll(sdkPayload, ",", ", "), sdkSignature); code != http.StatusUnauthorized {
		t.Errorf("reformatted: %d", code)
	}
	big := bytes.Repeat([]byte(" "), maxWebhookBody+1)
	if code := post(string(big), SignWebhook(big, sdkVerifier)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized: %d", code)
	}
	select {
	case d := <-got:
		t.Fatalf("sink called for a rejected delivery: %v", d)
	default:
	}
	if code := post(sdkPayload, sdkSignature); code != http.StatusOK {
		t.Fatalf("valid: %d", code)
	}
	select {
	case d := <-got:
		if len(d.Events) != 2 || d.Events[0].ID != "40" || len(d.ID) != 64 {
			t.Errorf("delivery = %+v", d)
		}
	default:
		t.Fatal("sink not called before the 200")
	}

	other := WebhookHandler(sdkVerifier, "999", func(context.Context, Delivery) error {
		t.Error("sink called for another realm")
		return nil
	}, nil)
	r := httptest.NewRequest(http.MethodPost, "/webhooks/qbo", strings.NewReader(sdkPayload))
	r.Header.Set(SignatureHeader, sdkSignature)
	w := httptest.NewRecorder()
	other.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Errorf("other realm: %d, want 200 (ignored)", w.Code)
	}
}
