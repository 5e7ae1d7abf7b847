package cli

import (
	"strings"
	"testing"
)

// sync shows the same progress bar as import: a running count while the
// source has announced no total, then done of total.
func TestSyncProgressBar(t *testing.T) {
	var out strings.Builder
	b := newSyncBar(&out)
	b.progress(120, 0)
	// Without a maximum the bar is a spinner that counts in CurrentBytes.
	if st := b.bar.State(); st.CurrentBytes != 120 || st.Max != -1 || st.Description != "synced entries" {
		t.Fatalf("before a total: %+v", st)
	}
	b.progress(500, 2000)
	b.progress(1500, 2000)
	if st := b.bar.State(); st.CurrentNum != 1500 || st.Max != 2000 || st.Description != "synced entries" {
		t.Fatalf("with a total: %+v", st)
	}
	if !strings.Contains(out.String(), "synced entries") || !strings.Contains(out.String(), "/2000)") {
		t.Errorf("the bar as drawn: %q", out.String())
	}
	b.clear()
}
