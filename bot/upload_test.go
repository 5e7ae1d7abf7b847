package bot

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestUploadFilePrivate stores a file without sharing it, sitting out a
// 429 on the way.
func TestUploadFilePrivate(t *testing.T) {
	t.Parallel()
	m, sb, _ := newMessengerEnv(t)
	ctx := context.Background()
	data := []byte("\x89PNG\r\n\x1a\n chart")
	sb.FailNext("files.completeUploadExternal", "file_not_found")
	if _, err := m.UploadFile(ctx, "", "aging.png", "AR aging", data); err == nil || !strings.Contains(err.Error(), "file_not_found") {
		t.Fatalf("upload with a failing complete: %v, want its error", err)
	}
	id, err := m.UploadFile(ctx, "", "aging.png", "AR aging", data)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := sb.File(id)
	if !ok || !f.Completed || f.Channel != "" || !bytes.Equal(f.Data, data) || f.Title != "AR aging" {
		t.Errorf("file %+v", f)
	}
	if len(sb.Messages("C0BILLING")) != 0 {
		t.Error("a private upload posted a message")
	}
}

// TestUploadFileRetries429 waits out Retry-After on each Web API step.
func TestUploadFileRetries429(t *testing.T) {
	t.Parallel()
	m, sb, clock := newMessengerEnv(t)
	ctx := context.Background()
	sb.SetRateLimit("files.completeUploadExternal", 1, time.Minute)
	if _, err := m.UploadFile(ctx, "", "a.png", "a", []byte("a")); err != nil {
		t.Fatal(err)
	}
	id, err := m.UploadFile(ctx, "", "b.png", "b", []byte("b"))
	if err != nil {
		t.Fatalf("second upload (rate limited once): %v", err)
	}
	if f, _ := sb.File(id); !f.Completed {
		t.Errorf("file %+v not completed", f)
	}
	if len(clock.Sleeps()) == 0 {
		t.Error("no wait after 429")
	}
}

// TestUploadFileShared shares the file in a channel.
func TestUploadFileShared(t *testing.T) {
	t.Parallel()
	m, sb, _ := newMessengerEnv(t)
	id, err := m.UploadFile(context.Background(), "C0BILLING", "kpis.png", "KPIs", []byte("png"))
	if err != nil {
		t.Fatal(err)
	}
	msgs := sb.Messages("C0BILLING")
	if len(msgs) != 1 || len(msgs[0].Files) != 1 || msgs[0].Files[0] != id {
		t.Errorf("channel messages %+v", msgs)
	}
	if _, err := m.UploadFile(context.Background(), "", "empty.png", "", nil); err == nil {
		t.Error("an empty file was uploaded")
	}
}
