package slackui

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"billbot/internal/billing"
)

func TestEsc(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Acme Corp", "Acme Corp"},
		{"Smith & Sons <Ltd>", "Smith &amp; Sons &lt;Ltd&gt;"},
		{"<!channel>", "&lt;!channel&gt;"},
		{"*bold* stays", "*bold* stays"},
	}
	for _, tt := range tests {
		if got := esc(tt.in); got != tt.want {
			t.Errorf("esc(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestClip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		n        int
		want     string
	}{
		{"short", "abc", 3, "abc"},
		{"cut", "abcdef", 4, "abc…"},
		{"runes", "ééééé", 3, "éé…"},
		{"entity", "ab &amp; cd", 5, "ab …"},
		{"link", "see <https://x.example|here>", 10, "see …"},
		{"mention", "hi <@U0PARTNER1> there", 8, "hi …"},
		{"closed entity", "a &amp; bcdefgh", 9, "a &amp; …"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := clipMrkdwn(tt.in, tt.n)
			if got != tt.want {
				t.Errorf("clipMrkdwn(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
			if utf8.RuneCountInString(got) > tt.n {
				t.Errorf("%q longer than %d", got, tt.n)
			}
		})
	}
}

func TestPackSectionsSplitsAtLimit(t *testing.T) {
	t.Parallel()
	item := strings.Repeat("x", 1000)
	blocks := packSections("p", []string{item, item, item, strings.Repeat("y", 5000)})
	checkBlocks(t, blocks, nil)
	if len(blocks) != 3 {
		t.Errorf("%d sections, want 3 (two items, one item, one clipped item)", len(blocks))
	}
}

func TestFormatDates(t *testing.T) {
	t.Parallel()
	if got := formatDate(billing.MustDate("2026-10-31")); got != "Oct 31, 2026" {
		t.Errorf("formatDate = %q", got)
	}
	if got := formatDate(billing.Date{}); got != "—" {
		t.Errorf("formatDate(zero) = %q", got)
	}
	periods := map[string]billing.Period{
		"Oct 1 – Oct 31, 2026":        october,
		"Dec 16, 2026 – Jan 15, 2027": {Start: billing.MustDate("2026-12-16"), End: billing.MustDate("2027-01-15")},
		"Nov 16 – Nov 30, 2026":       {Start: billing.MustDate("2026-11-16"), End: billing.MustDate("2026-11-30")},
		"Jan 1, 2026 – —":             {Start: billing.MustDate("2026-01-01")},
	}
	for want, p := range periods {
		if got := formatPeriod(p); got != want {
			t.Errorf("formatPeriod(%v) = %q, want %q", p, got, want)
		}
	}
	at := time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC) // 1:30 AM EDT, before the switch to EST
	if got := formatTime(at, newYork(t)); got != "Nov 1, 2026, 1:30 AM EDT" {
		t.Errorf("formatTime = %q", got)
	}
}

func TestTenths(t *testing.T) {
	t.Parallel()
	for in, want := range map[int64]string{0: "0.0", 7: "0.7", 423: "42.3", -15: "-1.5"} {
		if got := tenths(in); got != want {
			t.Errorf("tenths(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestMention(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"U0PARTNER1": "<@U0PARTNER1>", "": "", "<!here>": "&lt;!here&gt;"} {
		if got := mention(in); got != want {
			t.Errorf("mention(%q) = %q, want %q", in, got, want)
		}
	}
}
