package commands

import (
	"context"
	"time"

	"github.com/slack-go/slack"

	"billbot/internal/chat"
	"billbot/internal/slackui"
)

// FileUploader stores a file in Slack and returns its id; with channel
// empty the file is shared nowhere. *bot.Messenger implements it.
type FileUploader interface {
	UploadFile(ctx context.Context, channel, filename, title string, data []byte) (string, error)
}

// chartTimeout bounds drawing and uploading one chart: the reply waits for
// it (after Slack's ack, through the response_url).
const chartTimeout = 30 * time.Second

// WithCharts makes /ar aging and /billing kpis replies show a PNG chart.
// The chart is uploaded without a channel, so it is shared nowhere, and
// shown by an image block of the reply (slack_file; docs/vendors.md §1.8):
// the reply is ephemeral, and so stays the chart. Without an uploader
// replies are text only.
func (h *Handler) WithCharts(u FileUploader) *Handler {
	h.files = u
	return h
}

// withChart appends an image block showing the PNG draw returns, once
// uploaded. A chart that cannot be drawn or uploaded is logged and left
// out: the text reply still goes.
func (h *Handler) withChart(ctx context.Context, r chat.Reply, filename, title string, draw func(context.Context) ([]byte, error)) chat.Reply {
	if h.files == nil || len(r.Blocks) >= slackui.MaxMessageBlocks {
		return r
	}
	ctx, cancel := context.WithTimeout(ctx, chartTimeout)
	defer cancel()
	png, err := draw(ctx)
	if err != nil {
		h.logger.Warn("chart not drawn; replying without it", "chart", filename, "err", err)
		return r
	}
	id, err := h.files.UploadFile(ctx, "", filename, title, png)
	if err != nil {
		h.logger.Warn("chart upload failed; replying without it", "chart", filename, "err", err)
		return r
	}
	img := slack.NewImageBlockSlackFile(&slack.SlackFileObject{ID: id}, title, "chart",
		slack.NewTextBlockObject(slack.PlainTextType, title, false, false))
	r.Blocks = append(r.Blocks, img)
	return r
}
