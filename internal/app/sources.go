package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"billbot/internal/config"
	"billbot/internal/qbtime"
	"billbot/internal/setup"
	"billbot/internal/timesource/harvesttime"
	"billbot/internal/timesource/qbtimetime"
	"billbot/internal/timesource/toggltime"
	"billbot/internal/toggl"
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
	case config.SourceToggl:
		if _, err := d.TogglClient(); err != nil {
			return nil, err
		}
		return func(ctx context.Context, wf *workflow.Workflow) (workflow.TimeSource, error) {
			client, err := d.TogglClient()
			if err != nil {
				return nil, err
			}
			approval := config.DefaultTogglApproval
			if firm, err := wf.LoadFirm(ctx); err == nil {
				approval = firm.File.TogglApproval.Effective()
			}
			src, err := toggltime.New(ctx, wf, client, toggltime.Options{Approval: togglApproval(approval)})
			if err != nil {
				return nil, err
			}
			return src, nil
		}, nil
	case config.SourceQuickBooksTime:
		if _, err := d.QuickBooksTimeClient(); err != nil {
			return nil, err
		}
		return func(ctx context.Context, wf *workflow.Workflow) (workflow.TimeSource, error) {
			client, err := d.QuickBooksTimeClient()
			if err != nil {
				return nil, err
			}
			src, err := qbtimetime.New(ctx, wf, client)
			if err != nil {
				return nil, err
			}
			return src, nil
		}, nil
	}
	return nil, fmt.Errorf("%s: %w: billbot does not read it", name, ErrSourceNotConfigured)
}

// togglApproval is firm.toggl.approval in toggltime's terms.
func togglApproval(a config.TogglApproval) string {
	switch a.Effective() {
	case config.TogglLockedPeriods:
		return toggltime.ApprovalLockedPeriods
	case config.TogglAll:
		return toggltime.ApprovalAll
	}
	return toggltime.ApprovalTimesheets
}

// TogglClient builds the Toggl Track client from the environment; its
// error wraps ErrSourceNotConfigured when neither setting is set.
func (d *Deployment) TogglClient() (*toggl.Client, error) {
	e := d.Env
	if !e.TogglAPIToken.IsSet() && e.TogglWorkspaceID == "" {
		return nil, fmt.Errorf("toggl: %w: set TOGGL_API_TOKEN (Profile settings in Toggl Track) and TOGGL_WORKSPACE_ID", ErrSourceNotConfigured)
	}
	if !e.TogglAPIToken.IsSet() || e.TogglWorkspaceID == "" {
		return nil, errors.New("toggl is not fully configured: set both TOGGL_API_TOKEN and TOGGL_WORKSPACE_ID")
	}
	ws, err := strconv.ParseInt(e.TogglWorkspaceID, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("TOGGL_WORKSPACE_ID: %w", err)
	}
	return toggl.NewClient(e.TogglAPIURL, e.TogglReportsURL, e.TogglAPIToken.Reveal(), ws, toggl.WithLogger(d.Logger))
}

// QuickBooksTimeClient builds the QuickBooks Time client from the
// environment; its error wraps ErrSourceNotConfigured when the token is
// unset.
func (d *Deployment) QuickBooksTimeClient() (*qbtime.Client, error) {
	if !d.Env.QuickBooksTimeToken.IsSet() {
		return nil, fmt.Errorf("quickbooks_time: %w: set QUICKBOOKS_TIME_ACCESS_TOKEN (an access token from QuickBooks Time's API add-on)", ErrSourceNotConfigured)
	}
	return qbtime.NewClient(d.Env.QuickBooksTimeAPIURL, d.Env.QuickBooksTimeToken.Reveal(), qbtime.WithLogger(d.Logger))
}

// Catalog returns what setup reads from the named source when it is not
// Harvest (Harvest is read through setup.Sources.Harvest); nil for Harvest.
func (d *Deployment) Catalog(name config.TimeSource) (setup.Catalog, error) {
	switch name.Effective() {
	case config.SourceHarvest:
		return nil, nil
	case config.SourceToggl:
		client, err := d.TogglClient()
		if err != nil {
			return nil, err
		}
		return toggltime.NewCatalog(client), nil
	case config.SourceQuickBooksTime:
		client, err := d.QuickBooksTimeClient()
		if err != nil {
			return nil, err
		}
		return qbtimetime.NewCatalog(client), nil
	}
	return nil, fmt.Errorf("%s: %w: billbot does not read it", name, ErrSourceNotConfigured)
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
