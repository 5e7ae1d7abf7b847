package commands

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"billbot/internal/answers"
	"billbot/internal/chat"
	"billbot/internal/slackui"
)

// FileUploader stores a file in Slack and returns its id; with channel
// empty the file is shared nowhere. *bot.Messenger implements it.
type FileUploader interface {
	UploadFile(ctx context.Context, channel, filename, title string, data []byte) (string, error)
}

// chartTimeout bounds drawing and uploading one chart.
const chartTimeout = 30 * time.Second

// WithCharts makes /ar aging and /billing kpis replies show a PNG chart.
// The chart is uploaded without a channel, so it is shared nowhere, and
// shown by an image block of the reply (slack_file; docs/vendors.md §1.8):
// the reply is ephemeral, and so stays the chart. Without an uploader
// replies are text only.
//
// A chart is drawn and uploaded once per process for the same data: the
// Slack file's id is remembered by a hash of the title and the exact data
// drawn (the last ChartFiles charts), and a reply showing the same chart
// again shows that file. /ar aging does not wait for a new chart: it
// follows the reply (see withChartAfter).
func (h *Handler) WithCharts(u FileUploader) *Handler {
	h.files = u
	return h.WithChartMemory(ChartFiles)
}

// ChartFiles is how many uploaded charts' Slack files a Handler remembers
// by default.
const ChartFiles = 64

// WithChartMemory sets how many uploaded charts' Slack files h remembers
// (after WithCharts); n <= 0: none, every reply draws and uploads its
// chart.
func (h *Handler) WithChartMemory(n int) *Handler {
	h.charts = nil
	if n > 0 {
		h.charts = answers.NewMemo[[sha256.Size]byte, string](n)
	}
	return h
}

// ChartStats counts the charts drawn and uploaded (Computed) and those
// shown again from an earlier upload (Hits).
func (h *Handler) ChartStats() answers.Stats { return h.charts.Stats() }

// chartKey hashes what a chart shows: its title and the data drawn.
func chartKey(filename, title string, data any) ([sha256.Size]byte, error) {
	b, err := json.Marshal(struct {
		File, Title string
		Data        any
	}{filename, title, data})
	if err != nil {
		return [sha256.Size]byte{}, fmt.Errorf("hash chart data: %w", err)
	}
	return sha256.Sum256(b), nil
}

// withChart appends an image block showing the PNG that draw makes of
// data, once uploaded, or the file uploaded earlier for the same title and
// data. A chart that cannot be drawn or uploaded is logged and left out:
// the text reply still goes.
func (h *Handler) withChart(ctx context.Context, r chat.Reply, filename, title string, data any, draw func() ([]byte, error)) chat.Reply {
	if h.files == nil || len(r.Blocks) >= slackui.MaxMessageBlocks {
		return r
	}
	key, err := chartKey(filename, title, data)
	if err != nil {
		h.logger.Warn("chart not drawn; replying without it", "chart", filename, "err", err)
		return r
	}
	if img, ok := h.chartBlock(ctx, key, filename, title, draw); ok {
		r.Blocks = append(r.Blocks, img)
	}
	return r
}

// withChartAfter is withChart for a reply that should not wait for a new
// chart: a chart uploaded earlier for the same title and data is shown in
// the reply at once; a new one is drawn and uploaded after the reply has
// gone (chat.Reply.Then) and follows it as a second ephemeral message of
// its own. Drawing costs milliseconds of CPU a chart, which a burst of
// questions about many clients would otherwise add to every reply.
func (h *Handler) withChartAfter(r chat.Reply, filename, title string, data any, draw func() ([]byte, error)) chat.Reply {
	if h.files == nil || len(r.Blocks) >= slackui.MaxMessageBlocks {
		return r
	}
	key, err := chartKey(filename, title, data)
	if err != nil {
		h.logger.Warn("chart not drawn; replying without it", "chart", filename, "err", err)
		return r
	}
	if id, ok := h.charts.Get(key); ok {
		r.Blocks = append(r.Blocks, chartImage(id, title))
		return r
	}
	r.Then = func(ctx context.Context) chat.Reply {
		img, ok := h.chartBlock(ctx, key, filename, title, draw)
		if !ok {
			return chat.Reply{}
		}
		return chat.Reply{Text: title, Blocks: []slack.Block{img}}
	}
	return r
}

// chartBlock is the image block of the chart keyed key: drawn and uploaded
// unless an earlier upload of it is remembered. ok is false (and the
// failure logged) when it could not be drawn or uploaded.
func (h *Handler) chartBlock(ctx context.Context, key [sha256.Size]byte, filename, title string, draw func() ([]byte, error)) (slack.Block, bool) {
	ctx, cancel := context.WithTimeout(ctx, chartTimeout)
	defer cancel()
	id, err := h.charts.Do(ctx, key, func(ctx context.Context) (string, error) {
		png, err := draw()
		if err != nil {
			return "", fmt.Errorf("draw: %w", err)
		}
		return h.files.UploadFile(ctx, "", filename, title, png)
	})
	if err != nil {
		h.logger.Warn("chart not drawn or not uploaded; replying without it", "chart", filename, "err", err)
		return nil, false
	}
	return chartImage(id, title), true
}

// chartImage shows the uploaded Slack file id.
func chartImage(id, title string) slack.Block {
	return slack.NewImageBlockSlackFile(&slack.SlackFileObject{ID: id}, title, "chart",
		slack.NewTextBlockObject(slack.PlainTextType, title, false, false))
}
