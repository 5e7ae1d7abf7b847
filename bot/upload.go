package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/slack-go/slack"
)

// UploadFile stores data in Slack as a file named filename and returns its
// id, in Slack's three steps (docs/vendors.md §1.8): files.getUploadURLExternal,
// the bytes to the one-time upload URL, files.completeUploadExternal. With
// channel empty the file stays private to the bot, to be shown in an image
// block (slack_file) of a reply only its reader sees; with a channel it is
// shared there, paced like a post. Each step sits out 429s. Needs the
// files:write scope.
func (m *Messenger) UploadFile(ctx context.Context, channel, filename, title string, data []byte) (string, error) {
	if len(data) == 0 {
		return "", errors.New("bot: upload of an empty file")
	}
	var up *slack.GetUploadURLExternalResponse
	err := m.retry(ctx, "files.getUploadURLExternal", func() (err error) {
		up, err = m.api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{
			FileName: filename, FileSize: len(data), AltTxt: title,
		})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("bot: upload %s: files.getUploadURLExternal: %w", filename, err)
	}
	err = m.retry(ctx, "upload_url", func() error {
		return m.api.UploadToURL(ctx, slack.UploadToURLParameters{UploadURL: up.UploadURL, Reader: bytes.NewReader(data), Filename: filename})
	})
	if err != nil {
		return "", fmt.Errorf("bot: upload %s: sending the bytes: %w", filename, withoutURL(err))
	}
	if channel != "" {
		if err := m.pace(ctx, channel); err != nil {
			return "", err
		}
	}
	err = m.retry(ctx, "files.completeUploadExternal", func() error {
		_, err := m.api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{
			Files: []slack.FileSummary{{ID: up.FileID, Title: title}}, Channel: channel,
		})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("bot: upload %s: files.completeUploadExternal: %w", filename, err)
	}
	return up.FileID, nil
}

// withoutURL drops the request URL from a transport error: the upload URL
// is a credential for the file and stays out of logs.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
