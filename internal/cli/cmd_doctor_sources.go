package cli

import (
	"context"
	"errors"
	"fmt"

	"billbot/internal/app"
)

// doctorTimeSources checks Toggl Track and QuickBooks Time when their
// settings are given: the credentials reach the workspace or company.
func (c *cli) doctorTimeSources(ctx context.Context, report func(name string, err error, ok string), skip func(name, why string)) {
	if tc, err := c.app.TogglClient(); errors.Is(err, app.ErrSourceNotConfigured) {
		skip("toggl", "TOGGL_API_TOKEN not set")
	} else if err != nil {
		report("toggl", err, "")
	} else if ws, err := tc.GetWorkspace(ctx); err != nil {
		report("toggl", fmt.Errorf("%w (check TOGGL_API_TOKEN and TOGGL_WORKSPACE_ID)", err), "")
	} else {
		report("toggl", nil, fmt.Sprintf("workspace %d (%s)", ws.ID, ws.Name))
	}
	if qc, err := c.app.QuickBooksTimeClient(); errors.Is(err, app.ErrSourceNotConfigured) {
		skip("qb-time", "QUICKBOOKS_TIME_ACCESS_TOKEN not set")
	} else if err != nil {
		report("qb-time", err, "")
	} else if u, err := qc.CurrentUser(ctx); err != nil {
		report("qb-time", fmt.Errorf("%w (check QUICKBOOKS_TIME_ACCESS_TOKEN)", err), "")
	} else {
		report("qb-time", nil, fmt.Sprintf("signed in as %s %s (user %d)", u.FirstName, u.LastName, u.ID))
	}
}
