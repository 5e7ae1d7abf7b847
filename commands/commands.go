// Package commands answers billbot's slash commands, /billing and /ar. A
// handler parses the text, asks the workflows, and returns a reply rendered
// by slackui; it never talks to Slack itself. Unknown or malformed text gets
// a usage message and changes nothing.
package commands

import (
	"context"
	"crypto/sha256"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"billbot/internal/answers"
	"billbot/internal/chat"
	"billbot/internal/slackui"
	"billbot/internal/workflow"
)

// Slash commands billbot registers (see manifest.yml).
const (
	Billing = "/billing"
	AR      = "/ar"
)

// Names lists every slash command a Handler answers.
func Names() []string { return []string{Billing, AR} }

// Handler answers slash commands.
type Handler struct {
	wf     *workflow.Workflow
	now    func() time.Time
	logger *slog.Logger
	files  FileUploader // nil: no charts (see WithCharts)
	charts *answers.Memo[[sha256.Size]byte, string]
}

// New returns a Handler over the workflows.
func New(wf *workflow.Workflow, now func() time.Time, logger *slog.Logger) *Handler {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{wf: wf, now: now, logger: logger}
}

// HandleCommand answers one slash command.
func (h *Handler) HandleCommand(ctx context.Context, c chat.Command) (chat.Reply, error) {
	// Slack escapes &, < and > in command text (should_escape is on for
	// /ar so mentions arrive as <@U…|name>); names typed by people are
	// matched in their plain form.
	sub, rest := splitFirst(unescape(c.Text))
	if c.Command != Billing && c.Command != AR {
		return chat.Reply{}, &workflow.UserError{Msg: "billbot does not answer " + c.Command + "."}
	}
	firm, err := h.wf.LoadFirm(ctx)
	if errors.Is(err, workflow.ErrNoConfig) {
		return chat.Reply{Text: noConfig}, nil
	}
	if err != nil {
		return chat.Reply{}, err
	}
	rd := firm.Reader(c.UserID)
	if !rd.Allowed() {
		return chat.Reply{Text: slackui.NoAccessText}, nil
	}
	var reply chat.Reply
	// What only reads (/ar, /billing status) asks the workflows under this
	// firm: one read of the configuration a command. /billing run may
	// change the clients' QuickBooks mapping, and reads it afresh.
	read := workflow.WithFirm(ctx, firm)
	switch c.Command {
	case Billing:
		switch strings.ToLower(sub) {
		case "exceptions", "exception":
			reply, err = h.exceptions(ctx, rd, rest)
		case "run":
			reply, err = h.run(ctx, c.UserID, rest)
		case "status":
			reply, err = h.status(read, rd, rest)
			if client, ok := statusClient(read, h, rest); err == nil && ok {
				reply, err = h.withDisputed(read, reply, c.UserID, client)
			}
		case "shadow":
			reply, err = h.shadow(ctx, rd, rest)
		case "invoice":
			reply, err = h.invoice(ctx, c.UserID, rest)
		case "history":
			reply, err = h.history(ctx, c.UserID, rest)
		case "kpis", "kpi":
			reply, err = h.kpis(ctx, rd, rest)
		case "help", "":
			reply = render(slackui.HelpReply(Billing))
		default:
			reply = render(slackui.UsageError(Billing, "I don't know “"+sub+"”."))
		}
	case AR:
		switch strings.ToLower(sub) {
		case "aging", "ageing":
			reply, err = h.aging(read, firm, rd, c.UserID, rest)
			if err == nil {
				reply, err = h.withDisputed(read, reply, c.UserID, "")
			}
		case "client":
			reply, err = h.arClient(read, firm, rd, rest)
		case "help", "":
			reply = render(slackui.HelpReply(AR))
		default:
			reply = render(slackui.UsageError(AR, "I don't know “"+sub+"”."))
		}
	}
	var ue *workflow.UserError
	if errors.As(err, &ue) {
		return chat.Reply{Text: ue.Msg}, nil
	}
	if errors.Is(err, workflow.ErrNoConfig) {
		return chat.Reply{Text: noConfig}, nil
	}
	return reply, err
}

// Answers that hold nothing of the firm.
const (
	noConfig       = "billbot has no firm configuration yet: an administrator runs `billbot config import FILE`."
	ownClientsOnly = "You can see only the clients of the engagements you manage: `/ar aging` shows them."
)

// render wraps a slackui renderer's output as a reply.
func render(text string, blocks []slack.Block) chat.Reply {
	return chat.Reply{Text: text, Blocks: blocks}
}

// unescape undoes Slack's escaping of &, < and > outside of mentions.
func unescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(s)
}

// splitFirst returns the first word of s and the trimmed rest.
func splitFirst(s string) (string, string) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " \t\n"); i >= 0 {
		return s[:i], strings.TrimSpace(s[i+1:])
	}
	return s, ""
}
