package app

import (
	"context"
	"slices"
	"testing"

	"billbot/internal/config"
)

// TestAssembleWithoutVendors: a billbot over a store alone has the four
// scheduled jobs and a runner that can lock (in process).
func TestAssembleWithoutVendors(t *testing.T) {
	b := Assemble(Parts{})
	var names []string
	for _, j := range b.Jobs() {
		names = append(names, j.Name())
	}
	if want := []string{config.JobSync, config.JobDraft, config.JobCollections, config.JobApprovals}; !slices.Equal(names, want) {
		t.Errorf("jobs %v, want %v", names, want)
	}
	if r := b.Runner(); r.Locker == nil || r.AlreadyRan == nil {
		t.Errorf("runner without a lock or an already-ran test: %+v", r)
	}
	if s, err := b.Syncer(context.Background()); s != nil || err != nil {
		t.Errorf("Syncer without Harvest = %v, %v; want none", s, err)
	}
}
