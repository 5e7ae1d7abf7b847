package workflow_test

import (
	"strings"
	"testing"

	"billbot/internal/config"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// TestWithFirmIsReadOnce: under WithFirm, LoadFirm answers with the firm
// given, even after the stored configuration changed; without it, LoadFirm
// sees the change. The clients LoadFirm shares are the firm's own.
func TestWithFirmIsReadOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		ctx := t.Context()
		before, err := e.wf.LoadFirm(ctx)
		if err != nil {
			t.Fatal(err)
		}
		renamed := strings.Replace(firmYAML, "name: ", "name: Renamed ", 1)
		parsed, err := config.ParseFirm("renamed", []byte(renamed))
		if err != nil {
			t.Fatal(err)
		}
		_, clients, engs := parsed.Billing()
		if err := e.store.SaveConfig(ctx, []byte(renamed), clients, engs, "test"); err != nil {
			t.Fatal(err)
		}
		under, err := e.wf.LoadFirm(workflow.WithFirm(ctx, before))
		if err != nil {
			t.Fatal(err)
		}
		if under.File.Name != before.File.Name || len(under.Clients) != len(before.Clients) {
			t.Errorf("under WithFirm: firm %q, want the one given, %q", under.File.Name, before.File.Name)
		}
		after, err := e.wf.LoadFirm(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after.File.Name == before.File.Name || !strings.HasPrefix(after.File.Name, "Renamed ") {
			t.Errorf("after the change: firm %q, want the renamed one", after.File.Name)
		}
	})
}
