package config

import (
	"strings"
	"testing"
)

// TestLedgerWrite parses, validates and round-trips firm.ledger_write.
func TestLedgerWrite(t *testing.T) {
	t.Parallel()
	base := string(readTestdata(t, "base.yml"))
	tests := []struct {
		name, add string
		want      LedgerWrite
		msg       string // a fragment of the error; "" for none
	}{
		{"default", "", LedgerAtDraft, ""},
		{"at_draft", "  ledger_write: at_draft\n", LedgerAtDraft, ""},
		{"at_approval", "  ledger_write: at_approval\n", LedgerAtApproval, ""},
		{"unknown", "  ledger_write: later\n", "", `firm.ledger_write: "later" is not one of at_draft, at_approval`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := strings.Replace(base, "  home_currency: USD\n", "  home_currency: USD\n"+tt.add, 1)
			f, err := ParseFirm("firm.yml", []byte(src))
			if tt.msg != "" {
				if err == nil || !strings.Contains(err.Error(), tt.msg) {
					t.Fatalf("error = %v, want one containing %q", err, tt.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.LedgerWrite != tt.want {
				t.Fatalf("ledger_write = %q, want %q", f.LedgerWrite, tt.want)
			}
			out, err := Export(f)
			if err != nil {
				t.Fatal(err)
			}
			g, err := ParseFirm("export.yml", out)
			if err != nil {
				t.Fatalf("re-parse export: %v\n%s", err, out)
			}
			if g.LedgerWrite != f.LedgerWrite {
				t.Fatalf("round trip: %q, want %q\n%s", g.LedgerWrite, f.LedgerWrite, out)
			}
			if exported := strings.Contains(string(out), "ledger_write"); exported != (tt.want == LedgerAtApproval) {
				t.Errorf("ledger_write exported = %v, want only when not the default:\n%s", exported, out)
			}
		})
	}
}
