package bot

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"billbot/internal/chat"
	"billbot/internal/slacksandbox"
)

// TestHTTPFailedFollowUpReachesTheUser: a modal is closed by the ack, so
// when the work after it fails the person learns it in their DM with
// billbot: the message of a user error as is, else the generic failure
// with its reference.
func TestHTTPFailedFollowUpReachesTheUser(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"user error", &chat.UserError{Msg: "The Acme invoice is sent and can no longer be held."}, "The Acme invoice is sent and can no longer be held."},
		{"unexpected error", errors.New("pq: invalid byte sequence"), "Sorry, something went wrong"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newHTTPEnv(t, time.Minute)
			e.ints.view = func(context.Context, chat.ViewSubmission) (chat.ViewResponse, func(context.Context) error, error) {
				return chat.ViewResponse{}, func(context.Context) error { return c.err }, nil
			}
			status, body := e.do(e.signer.ViewSubmission(e.url("/slack/interactions"), slacksandbox.ViewSubmission{
				TeamID: "T0FIRM", UserID: "U0PARTNER1", ViewID: "V1", CallbackID: chat.CallbackHold, PrivateMetadata: "1",
			}))
			if status != http.StatusOK || body != "" {
				t.Fatalf("ack %d %q, want an empty 200 (the modal closes)", status, body)
			}
			e.h.Wait()
			msgs := e.slack.Messages(slacksandbox.DMChannel("U0PARTNER1"))
			if len(msgs) != 1 || !strings.Contains(msgs[0].Text, c.want) {
				t.Errorf("DMs to the submitter = %+v, want one saying %q", msgs, c.want)
			}
			if strings.Contains(e.logs.String(), `"level":"ERROR"`) != (c.name == "unexpected error") {
				t.Errorf("ERROR lines only for unexpected errors:\n%s", e.logs.String())
			}
		})
	}
}

// TestHTTPControlCharactersNeverReachHandlers: text people type arrives
// without NUL and other control characters (Postgres refuses \x00 in text
// columns), and as valid UTF-8; line breaks and tabs stay.
func TestHTTPControlCharactersNeverReachHandlers(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t, time.Minute)
	e.do(e.signer.ViewSubmission(e.url("/slack/interactions"), slacksandbox.ViewSubmission{
		TeamID: "T0FIRM", UserID: "U0PARTNER1", ViewID: "V1", CallbackID: chat.CallbackHold, PrivateMetadata: "1\x00",
		Values: map[string]map[string]slacksandbox.Input{"reason": {"text": {Value: "client\x00 disputes\x1b[2J\u0085 hours\nline two\ttab\xff"}}},
	}))
	e.do(e.signer.SlashCommand(e.url("/slack/commands"), commandForm("/ar", "client Acme\x00\x07 Corp\xff", "")))
	e.h.Wait()
	views := e.ints.Views()
	if len(views) != 1 {
		t.Fatalf("submissions = %d", len(views))
	}
	if got, want := views[0].Values["reason"]["text"], "client disputes[2J hours\nline two\ttab\uFFFD"; got != want {
		// (JSON carries the invalid byte as U+FFFD, which is valid text.)
		t.Errorf("reason = %q, want %q", got, want)
	}
	if views[0].PrivateMetadata != "1" {
		t.Errorf("private_metadata = %q", views[0].PrivateMetadata)
	}
	if calls := e.cmds.Calls(); len(calls) != 1 || calls[0].Text != "client Acme Corp" {
		t.Errorf("command text = %+v", calls)
	}
}
