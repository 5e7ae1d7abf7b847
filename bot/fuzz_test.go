package bot

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"billbot/internal/slacksandbox"
)

// FuzzInteractionPayload sends correctly signed interaction requests whose
// payload is arbitrary: billbot must answer every one without a panic and
// without a server error, and a payload it cannot read reaches no handler.
func FuzzInteractionPayload(f *testing.F) {
	for _, seed := range []string{
		`{"type":"block_actions","user":{"id":"U1"},"actions":[{"action_id":"approve_invoice","value":"1"}]}`,
		`{"type":"view_submission","user":{"id":"U1"},"view":{"callback_id":"hold_invoice_modal","private_metadata":"1","state":{"values":{"hold_reason":{"value":{"type":"plain_text_input","value":"x"}}}}}}`,
		`{"type":"block_actions","actions":[]}`,
		`{"type":"shortcut"}`, `{}`, `[]`, `null`, `{"type":`, "", "\x00\xff",
	} {
		f.Add(seed)
	}
	clock := newFakeClock()
	sb := slacksandbox.New(slacksandbox.Options{Now: clock.Now})
	f.Cleanup(sb.Close)
	logger, _ := newTestLogger()
	ints := &fakeInteractions{}
	h, err := NewHTTP(HTTPConfig{
		SigningSecret: testSecret, Identity: testIdentity, Commands: &fakeCommands{}, Interactions: ints, Events: &fakeEvents{},
		Deduper:   NewMemoryDeduper(time.Hour),
		Responder: NewResponder(slacksandbox.SlackClient(sb, slacksandbox.DefaultToken), nil, logger, ResponderClock(clock.Now)),
		Logger:    logger, Now: clock.Now, AckBudget: 50 * time.Millisecond,
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(h.Wait)
	handler := h.Handler()
	signer := slacksandbox.Signer{Secret: testSecret, Now: clock.Now}
	f.Fuzz(func(t *testing.T, payload string) {
		body := []byte(url.Values{"payload": {payload}}.Encode())
		req := signer.Request("http://billbot.test/slack/interactions", "application/x-www-form-urlencoded", body)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("payload %q: HTTP %d %s", payload, rec.Code, rec.Body.String())
		}
		if rec.Code != http.StatusOK && !bytes.Contains(rec.Body.Bytes(), []byte("")) {
			t.Fatalf("unexpected answer %d", rec.Code)
		}
	})
}
