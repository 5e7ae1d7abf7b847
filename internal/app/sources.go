package app

import (
	"context"
	"errors"
	"fmt"

	"billbot/internal/config"
	"billbot/internal/setup"
	"billbot/internal/timesource/harvesttime"
	"billbot/internal/workflow"
)

// A SourceFunc builds one time source's adapter for one sync run.
type SourceFunc func(ctx context.Context, wf *workflow.Workflow) (workflow.TimeSource, error)

// ErrSourceNotConfigured is returned (wrapped, naming the settings to
// set) by Deployment.TimeSource for a source whose credentials are unset.
var ErrSourceNotConfigured = errors.New("time source not configured")

// TimeSource returns the builder of the named source's adapter over the
// environment's credentials; an error wrapping ErrSourceNotConfigured says
// which settings are missing.
func (d *Deployment) TimeSource(name config.TimeSource) (SourceFunc, error) {
	switch name.Effective() {
	case config.SourceHarvest:
		if d.Env.HarvestAccountID == "" && !d.Env.HarvestAccessToken.IsSet() {
			return nil, fmt.Errorf("harvest: %w: set HARVEST_ACCOUNT_ID and HARVEST_ACCESS_TOKEN (a personal access token from id.getharvest.com/developers)", ErrSourceNotConfigured)
		}
		return func(ctx context.Context, wf *workflow.Workflow) (workflow.TimeSource, error) {
			client, err := d.HarvestClient()
			if err != nil {
				return nil, err
			}
			src, err := harvesttime.New(ctx, wf, client)
			if err != nil {
				return nil, err // never a nil *Source in the interface
			}
			return src, nil
		}, nil
	}
	return nil, fmt.Errorf("%s: %w: billbot does not read it yet", name, ErrSourceNotConfigured)
}

// Catalog returns what setup reads from the named source when it is not
// Harvest (Harvest is read through setup.Sources.Harvest); nil for Harvest.
func (d *Deployment) Catalog(name config.TimeSource) (setup.Catalog, error) {
	switch name.Effective() {
	case config.SourceHarvest:
		return nil, nil
	}
	return nil, fmt.Errorf("%s: %w: billbot does not read it yet", name, ErrSourceNotConfigured)
}

// firmSource is the time source the stored configuration names; Harvest
// before one is stored.
func firmSource(ctx context.Context, wf *workflow.Workflow) (config.TimeSource, error) {
	firm, err := wf.LoadFirm(ctx)
	if errors.Is(err, workflow.ErrNoConfig) {
		return config.DefaultTimeSource, nil
	}
	if err != nil {
		return "", err
	}
	return firm.File.TimeSource.Effective(), nil
}
