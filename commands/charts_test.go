package commands_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"

	"billbot/bot"
	"billbot/commands"
	"billbot/internal/chart"
	"billbot/internal/chat"
	"billbot/internal/slacksandbox"
	"billbot/store"
	"billbot/store/storetest"
)

// withSandboxCharts gives the fixture's handler a Messenger over a Slack
// sandbox for its charts.
func withSandboxCharts(t *testing.T, f *fixture) *slacksandbox.Server {
	t.Helper()
	sb := slacksandbox.New(slacksandbox.Options{})
	t.Cleanup(sb.Close)
	f.h.WithCharts(bot.NewMessenger(slacksandbox.SlackClient(sb, slacksandbox.DefaultToken), bot.MessengerConfig{}))
	return sb
}

// imageFileIDs returns the slack_file ids of the reply's image blocks.
func imageFileIDs(t *testing.T, r chat.Reply) []string {
	t.Helper()
	var bs []struct {
		Type      string `json:"type"`
		SlackFile *struct {
			ID string `json:"id"`
		} `json:"slack_file"`
		ImageURL string `json:"image_url"`
	}
	raw, _ := json.Marshal(r.Blocks)
	if err := json.Unmarshal(raw, &bs); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, b := range bs {
		if b.Type != "image" {
			continue
		}
		if b.SlackFile == nil || b.ImageURL != "" {
			t.Errorf("image block without slack_file or with a public URL: %s", raw)
			continue
		}
		ids = append(ids, b.SlackFile.ID)
	}
	return ids
}

// checkChart checks the sandbox holds id as a private (unshared) PNG of the
// charts' size.
func checkChart(t *testing.T, sb *slacksandbox.Server, id string) {
	t.Helper()
	f, ok := sb.File(id)
	if !ok || !f.Completed {
		t.Fatalf("file %s not held by Slack: %+v", id, f)
	}
	if f.Channel != "" {
		t.Errorf("chart shared in %s; it must stay private to the ephemeral reply", f.Channel)
	}
	img, err := png.Decode(bytes.NewReader(f.Data))
	if err != nil {
		t.Fatalf("file %s is not a PNG: %v", id, err)
	}
	if got := img.Bounds().Size(); got != image.Pt(chart.Width, chart.Height) {
		t.Errorf("chart size %v", got)
	}
}

// TestAgingChart: /ar aging answers ephemerally with an image block of a
// chart uploaded to Slack and shared nowhere.
func TestAgingChart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, true)
		sb := withSandboxCharts(t, f)
		f.sent("Acme Corp", managerA, "2026-09-30", "1000.00")
		f.sent("Birch & Daughters", managerB, "2026-11-30", "500.00")

		r := f.do(viewer, commands.AR, "aging")
		if r.InChannel {
			t.Error("/ar aging answered in the channel")
		}
		if r.Text != "AR for all clients: USD 1,500.00" {
			t.Errorf("text %q", r.Text)
		}
		ids := imageFileIDs(t, r)
		if len(ids) != 1 {
			t.Fatalf("%d image blocks, want 1:\n%s", len(ids), blocks(r))
		}
		checkChart(t, sb, ids[0])
		for _, c := range sb.Calls() {
			if c.Method == "files.completeUploadExternal" && c.Channel != "" {
				t.Errorf("completeUploadExternal with channel_id %s", c.Channel)
			}
		}
		for _, ch := range []string{"C1"} {
			if msgs := sb.Messages(ch); len(msgs) != 0 {
				t.Errorf("messages in %s: %+v", ch, msgs)
			}
		}
		// Nothing outstanding: no chart.
		if r := f.do(viewer, commands.AR, "aging <@U0NOBODY|x>"); len(imageFileIDs(t, r)) != 0 {
			t.Error("a chart of nothing")
		}
	})
}

// TestAgingChartFollowsTheReply: /ar aging does not wait for a new chart.
// The reply carries the text at once and leaves the chart for after the
// ack; the follow-up is the chart alone, uploaded then. Asked again about
// the same figures, the reply shows the uploaded chart at once and leaves
// nothing for later.
func TestAgingChartFollowsTheReply(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, true)
		sb := withSandboxCharts(t, f)
		f.sent("Acme Corp", managerA, "2026-09-30", "1000.00")
		cmd := chat.Command{TeamID: "T1", ChannelID: "C1", UserID: viewer, Command: commands.AR, Text: "aging"}

		r, err := f.h.HandleCommand(t.Context(), cmd)
		if err != nil {
			t.Fatal(err)
		}
		if ids := imageFileIDs(t, r); len(ids) != 0 || r.Then == nil {
			t.Fatalf("first reply: images %v, follow-up %v; want the text alone and the chart to follow", ids, r.Then != nil)
		}
		if n := len(sb.Files()); n != 0 {
			t.Fatalf("%d files uploaded before the reply went", n)
		}
		text := blocks(r)
		next := r.Then(t.Context())
		ids := imageFileIDs(t, next)
		if len(ids) != 1 || len(next.Blocks) != 1 || next.Then != nil || !strings.HasPrefix(next.Text, "AR aging — all clients, as of ") {
			t.Fatalf("follow-up %q: %d blocks, images %v, further follow-up %v", next.Text, len(next.Blocks), ids, next.Then != nil)
		}
		checkChart(t, sb, ids[0])

		again, err := f.h.HandleCommand(t.Context(), cmd)
		if err != nil {
			t.Fatal(err)
		}
		if got := imageFileIDs(t, again); len(got) != 1 || got[0] != ids[0] || again.Then != nil {
			t.Errorf("second reply: images %v (want [%s] at once), follow-up %v", got, ids[0], again.Then != nil)
		}
		if n := len(sb.Files()); n != 1 {
			t.Errorf("%d files uploaded, want 1", n)
		}
		// The text part is the same either way.
		again.Blocks = again.Blocks[:len(again.Blocks)-1]
		if blocks(again) != text {
			t.Errorf("the text part changed:\n%s\nvs\n%s", blocks(again), text)
		}
	})
}

// failingUploader refuses every upload.
type failingUploader struct{ calls int }

func (u *failingUploader) UploadFile(context.Context, string, string, string, []byte) (string, error) {
	u.calls++
	return "", errors.New("files.getUploadURLExternal: missing_scope")
}

// TestChartUploadFails: the text reply still goes, without an image.
func TestChartUploadFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, true)
		u := &failingUploader{}
		f.h.WithCharts(u)
		f.sent("Acme Corp", managerA, "2026-09-30", "1000.00")
		r := f.do(viewer, commands.AR, "aging")
		if u.calls != 1 || r.Text != "AR for all clients: USD 1,000.00" || len(imageFileIDs(t, r)) != 0 {
			t.Errorf("calls %d, reply %q\n%s", u.calls, r.Text, blocks(r))
		}
	})
}

// TestKPIChart: /billing kpis shows the firm's twelve-month trend to a
// reader of everything; a manager who sees only their clients gets none.
func TestKPIChart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, true)
		sb := withSandboxCharts(t, f)
		f.sent("Acme Corp", managerA, "2026-10-31", "1000.00")
		r := f.do(approver, commands.Billing, "kpis 2026-10")
		ids := imageFileIDs(t, r)
		if len(ids) != 1 || r.InChannel {
			t.Fatalf("approver's /billing kpis: %d image blocks, in channel %v", len(ids), r.InChannel)
		}
		checkChart(t, sb, ids[0])
		if f, _ := sb.File(ids[0]); !strings.HasPrefix(f.Name, "kpis-2026-10") {
			t.Errorf("file name %q", f.Name)
		}
		if r := f.do(managerB, commands.Billing, "kpis 2026-10"); len(imageFileIDs(t, r)) != 0 {
			t.Error("a manager limited to their clients got the firm's trend")
		}
	})
}
