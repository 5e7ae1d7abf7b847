package jobs

import (
	"context"
	"slices"
	"testing"

	"billbot/internal/config"
	"billbot/internal/workflow"
)

// TestBillingJobsAreTheConfiguredOnes: every job the firm configuration
// schedules has its file here, under the name the schedules use.
func TestBillingJobsAreTheConfiguredOnes(t *testing.T) {
	noHarvest := func(context.Context) (workflow.TimeSource, error) { return nil, nil }
	var names []string
	for _, j := range Billing(nil, noHarvest) {
		names = append(names, j.Name())
	}
	want := []string{config.JobSync, config.JobDraft, config.JobCollections, config.JobApprovals}
	if !slices.Equal(names, want) {
		t.Errorf("jobs %v, want %v", names, want)
	}
}
