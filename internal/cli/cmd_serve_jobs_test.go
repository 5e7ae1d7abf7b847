package cli

import (
	"io"
	"path/filepath"
	"testing"
)

// TestServePicksUpConfigImport: serve started before the first `config
// import` schedules nothing; once a configuration is stored, its next check
// schedules the firm's jobs — no restart.
func TestServePicksUpConfigImport(t *testing.T) {
	dir := t.TempDir()
	c := &cli{getenv: func(k string) string {
		if k == "BILLBOT_DATA_DIR" {
			return dir
		}
		return ""
	}, stdout: io.Discard, stderr: io.Discard}
	t.Cleanup(c.close)
	if err := c.setup("serve"); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	st, err := c.migrated(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.app.Billbot(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	set := b.Jobs()
	w := b.Scheduler(set)
	t.Cleanup(func() { _ = w.Stop(t.Context()) })
	if _, err := w.Check(ctx); err != nil || w.Current() != nil {
		t.Fatalf("before config import: err %v, scheduler %v; want none", err, w.Current())
	}
	if _, _, err := runCLI(t, dir, nil, "config", "import", filepath.Join("..", "..", "examples", "firm.yml")); err != nil {
		t.Fatalf("config import: %v", err)
	}
	if changed, err := w.Check(ctx); err != nil || !changed || w.Current() == nil {
		t.Fatalf("after config import: changed %v, err %v; want the jobs scheduled", changed, err)
	}
	if n := len(w.Current().Entries()); n != len(set) {
		t.Errorf("%d jobs scheduled, want %d", n, len(set))
	}
}
