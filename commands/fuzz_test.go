package commands

import (
	"os"
	"path/filepath"
	"testing"

	"billbot/internal/chat"
	"billbot/internal/config"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// FuzzHandleCommand answers arbitrary slash-command text from a user who is
// not an approver: never a panic, never an error (bad input gets a usage
// message), and nothing in the store changes.
func FuzzHandleCommand(f *testing.F) {
	for _, seed := range []string{
		"", "help", "exceptions", "exceptions acme", "run", "run 2026-10-31", "run 2026-13-45", "status",
		"status Prairie Grain Co-op", "aging", "aging <@U07KOWALSKI|kim>", "aging <@", "client", "client &amp; co",
		"  EXCEPTIONS   lakeshore  ", "aging @dana", "\x00", "run 2026-10-31 extra", "ｅｘｃｅｐｔｉｏｎｓ",
	} {
		f.Add("/billing", seed)
		f.Add("/ar", seed)
	}
	raw, err := os.ReadFile(filepath.Join("..", "examples", "firm.yml"))
	if err != nil {
		f.Fatal(err)
	}
	firm, err := config.ParseFirm("firm.yml", raw)
	if err != nil {
		f.Fatal(err)
	}
	st := storetest.SQLite(f)
	_, clients, engs := firm.Billing()
	if err := st.SaveConfig(f.Context(), raw, clients, engs, "test"); err != nil {
		f.Fatal(err)
	}
	h := New(workflow.New(workflow.Deps{Store: st}), nil, nil)
	count := func(t *testing.T) (int, int) {
		invs, err := st.Invoices(t.Context(), store.InvoiceFilter{})
		if err != nil {
			t.Fatal(err)
		}
		exs, err := st.Exceptions(t.Context(), store.ExceptionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(invs), len(exs)
	}
	f.Fuzz(func(t *testing.T, command, text string) {
		if command != Billing && command != AR {
			command = Billing
		}
		i0, e0 := count(t)
		reply, err := h.HandleCommand(t.Context(), chat.Command{UserID: "UFUZZ", Command: command, Text: text})
		if err != nil {
			t.Fatalf("%s %q: %v", command, text, err)
		}
		if reply.Text == "" && len(reply.Blocks) == 0 {
			t.Fatalf("%s %q: empty reply", command, text)
		}
		if i1, e1 := count(t); i1 != i0 || e1 != e0 {
			t.Fatalf("%s %q changed the store: invoices %d→%d, exceptions %d→%d", command, text, i0, i1, e0, e1)
		}
	})
}
