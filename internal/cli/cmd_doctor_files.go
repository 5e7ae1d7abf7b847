package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"
)

// doctorFileUploads checks the bot token may upload files (scope
// files:write), which the charts of /ar aging and /billing kpis need
// (docs/vendors.md §1.8). It asks files.getUploadURLExternal for an upload
// URL and stops there: an upload that is never completed is discarded by
// Slack, so nothing is stored or shared.
func doctorFileUploads(ctx context.Context, api *slack.Client, report func(string, error, string)) {
	_, err := api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{FileName: "billbot-doctor.png", FileSize: 1})
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &se) && se.Err == "missing_scope":
		report("slack", errors.New("the bot token cannot upload files: add the files:write bot scope (see manifest.yml) and reinstall the app; until then /ar aging and /billing kpis answer without their charts"), "")
	case err != nil:
		report("slack", fmt.Errorf("files.getUploadURLExternal: %w", err), "")
	default:
		report("slack", nil, "may upload files (files:write): /ar aging and /billing kpis show charts")
	}
}
