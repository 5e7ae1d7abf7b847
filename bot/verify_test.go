package bot

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// The two worked examples of docs/vendors.md §1.1: Slack's documentation vector
// and slack-go's security_test.go vector.
func TestVerifySignatureVectors(t *testing.T) {
	t.Parallel()
	vectors := []struct {
		name, file, secret, sig string
		ts                      int64
	}{
		{
			name: "slack docs", file: "slack_signing_example.txt",
			secret: "8f742231b10e8888abcd99yyyzzz85a5", ts: 1531420618,
			sig: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
		},
		{
			name: "slack-go", file: "slack_signing_example_slackgo.txt",
			secret: "e6b19c573432dcc6b075501d51b51bb8", ts: 1531431954,
			sig: "v0=adada4ed31709aef585c2580ca3267678c6a8eaeb7e0c1aca3ee57b656886b2c",
		},
	}
	for _, v := range vectors {
		body, err := os.ReadFile("testdata/" + v.file)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.TrimRight(body, "\n")
		header := func(sig string) http.Header {
			h := http.Header{}
			h.Set("X-Slack-Signature", sig)
			h.Set("X-Slack-Request-Timestamp", strconv.FormatInt(v.ts, 10))
			return h
		}
		sent := time.Unix(v.ts, 0)
		tampered := append(bytes.Clone(body), 'x')
		cases := []struct {
			name   string
			header http.Header
			body   []byte
			secret string
			now    time.Time
			want   error
		}{
			{"valid at send time", header(v.sig), body, v.secret, sent, nil},
			{"valid 5 minutes later", header(v.sig), body, v.secret, sent.Add(5 * time.Minute), nil},
			{"valid 5 minutes early", header(v.sig), body, v.secret, sent.Add(-5 * time.Minute), nil},
			{"stale by 6 minutes", header(v.sig), body, v.secret, sent.Add(6 * time.Minute), slack.ErrExpiredTimestamp},
			{"from 6 minutes in the future", header(v.sig), body, v.secret, sent.Add(-6 * time.Minute), slack.ErrExpiredTimestamp},
			{"clock of today", header(v.sig), body, v.secret, time.Now(), slack.ErrExpiredTimestamp},
			{"tampered body", header(v.sig), tampered, v.secret, sent, slack.ErrInvalidSignature},
			{"wrong secret", header(v.sig), body, v.secret + "0", sent, slack.ErrInvalidSignature},
			{"empty secret", header(v.sig), body, "", sent, slack.ErrInvalidConfiguration},
			{"no v0 prefix", header(v.sig[3:]), body, v.secret, sent, slack.ErrInvalidSignature},
			{"short signature", header(v.sig[:40]), body, v.secret, sent, slack.ErrInvalidSignature},
			{"not hex", header("v0=" + string(bytes.Repeat([]byte("z"), 64))), body, v.secret, sent, slack.ErrInvalidSignature},
			{"no headers", http.Header{}, body, v.secret, sent, slack.ErrMissingHeaders},
		}
		for _, c := range cases {
			t.Run(v.name+"/"+c.name, func(t *testing.T) {
				err := verifySignature(c.header, c.body, c.secret, c.now)
				if !errors.Is(err, c.want) {
					t.Fatalf("verifySignature = %v, want %v", err, c.want)
				}
			})
		}
	}
}
