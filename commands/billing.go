package commands

import (
	"context"
	"strings"

	"billbot/internal/billing"
	"billbot/internal/chat"
	"billbot/internal/slackui"
	"billbot/internal/workflow"
)

func (h *Handler) exceptions(ctx context.Context, arg string) (chat.Reply, error) {
	if _, err := h.wf.LoadFirm(ctx); err != nil {
		return chat.Reply{}, err // no configuration yet: say so, not "no exceptions"
	}
	client, reply, ok, err := h.optionalClient(ctx, arg)
	if !ok || err != nil {
		return reply, err
	}
	exs, err := h.wf.OpenExceptions(ctx, client)
	if err != nil {
		return chat.Reply{}, err
	}
	return render(slackui.ExceptionsReply(workflow.GroupExceptions(exs), client)), nil
}

// optionalClient resolves an optional client argument: "" for all clients;
// ok is false when the name matched no client and reply suggests some.
func (h *Handler) optionalClient(ctx context.Context, arg string) (string, chat.Reply, bool, error) {
	if arg == "" {
		return "", chat.Reply{}, true, nil
	}
	return h.client(ctx, arg)
}

// client resolves a client name typed by a person: exact or
// case-insensitive, else suggestions for near misses.
func (h *Handler) client(ctx context.Context, query string) (string, chat.Reply, bool, error) {
	name, suggestions, err := h.wf.ResolveClient(ctx, query)
	if err != nil {
		return "", chat.Reply{}, false, err
	}
	if name == "" {
		return "", render(slackui.ClientSuggestions(query, suggestions)), false, nil
	}
	return name, chat.Reply{}, true, nil
}

func (h *Handler) run(ctx context.Context, user, arg string) (chat.Reply, error) {
	var opts workflow.DraftOptions
	if arg != "" {
		if len(strings.Fields(arg)) != 1 {
			return render(slackui.UsageError(Billing, "`run` takes at most one date, like `/billing run 2026-10-31`.")), nil
		}
		d, err := billing.ParseDate(arg)
		if err != nil {
			return render(slackui.UsageError(Billing, "“"+arg+"” is not a date: write it as YYYY-MM-DD.")), nil
		}
		opts.PeriodEnd = d
	}
	firm, err := h.wf.LoadFirm(ctx)
	if err != nil {
		return chat.Reply{}, err
	}
	if !firm.IsApprover(user, nil) && user != firm.File.BillingManager {
		return chat.Reply{Text: "Only firm approvers and the billing manager can start a billing run."}, nil
	}
	opts.Actor = user
	rep, err := h.wf.Draft(ctx, opts)
	if nic, ok := workflow.OnlyNotInChannel(err); ok {
		// The drafts are made and wait to be posted: the summary says how.
		reply := render(slackui.RunSummary(RunView(rep, user)))
		reply.Blocks = append(reply.Blocks, nic.Block())
		return reply, nil
	}
	if err != nil {
		return chat.Reply{}, err
	}
	return render(slackui.RunSummary(RunView(rep, user))), nil
}

// RunView maps a draft report to its Slack summary.
func RunView(rep workflow.DraftReport, by string) slackui.Run {
	r := slackui.Run{By: by, Drafted: len(rep.Invoices), Unchanged: rep.Existing}
	if len(rep.PeriodEnds) == 1 {
		r.PeriodEnd = rep.PeriodEnds[0]
	}
	for _, inv := range rep.Invoices {
		switch {
		case inv.Supplemental:
			r.Supplemental++
		case inv.Replenish:
			r.Replenishments++
		}
	}
	r.Totals = workflow.InvoiceTotals(rep.Invoices)
	for _, p := range rep.Problems {
		if p.Holds {
			r.Exceptions++
		}
	}
	return r
}

func (h *Handler) status(ctx context.Context, arg string) (chat.Reply, error) {
	client, reply, ok, err := h.optionalClient(ctx, arg)
	if !ok || err != nil {
		return reply, err
	}
	s, err := h.wf.Status(ctx, client)
	if err != nil {
		return chat.Reply{}, err
	}
	return render(slackui.StatusReply(s)), nil
}
