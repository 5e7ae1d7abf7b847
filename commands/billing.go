package commands

import (
	"context"
	"slices"
	"strings"

	"billbot/internal/billing"
	"billbot/internal/chat"
	"billbot/internal/slackui"
	"billbot/internal/workflow"
	"billbot/store"
)

func (h *Handler) exceptions(ctx context.Context, rd workflow.Reader, arg string) (chat.Reply, error) {
	client, reply, ok, err := h.optionalClient(ctx, rd, arg)
	if !ok || err != nil {
		return reply, err
	}
	exs, err := h.wf.OpenExceptions(ctx, client)
	if err != nil {
		return chat.Reply{}, err
	}
	if !rd.All {
		exs = slices.DeleteFunc(exs, func(ex store.Exception) bool { return !rd.Sees(ex.Client) })
	}
	return render(slackui.ExceptionsReply(h.wf.GroupExceptions(exs), client)), nil
}

// optionalClient resolves an optional client argument: "" for all clients;
// ok is false when the name matched no client and reply suggests some.
func (h *Handler) optionalClient(ctx context.Context, rd workflow.Reader, arg string) (string, chat.Reply, bool, error) {
	if arg == "" {
		return "", chat.Reply{}, true, nil
	}
	return h.client(ctx, rd, arg)
}

// client resolves a client name typed by a person: exact or
// case-insensitive, else suggestions for near misses. A reader limited to
// some clients is matched (and offered suggestions) among those only, so
// the names of other clients never show.
func (h *Handler) client(ctx context.Context, rd workflow.Reader, query string) (string, chat.Reply, bool, error) {
	var name string
	var suggestions []string
	var err error
	if rd.All {
		name, suggestions, err = h.wf.ResolveClient(ctx, query)
	} else {
		name, suggestions = workflow.MatchName(query, rd.Clients)
	}
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
		reply.Blocks = append(reply.Blocks, slackui.NotInChannel(nic.Channel, nic.Drafts))
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

func (h *Handler) status(ctx context.Context, rd workflow.Reader, arg string) (chat.Reply, error) {
	client, reply, ok, err := h.optionalClient(ctx, rd, arg)
	if !ok || err != nil {
		return reply, err
	}
	if client != "" || rd.All {
		s, err := h.wf.Status(ctx, client)
		if err != nil {
			return chat.Reply{}, err
		}
		return render(slackui.StatusReply(s)), nil
	}
	// A manager's own clients, summed.
	sum := slackui.Status{Client: "the clients you manage"}
	for _, name := range rd.Clients {
		s, err := h.wf.Status(ctx, name)
		if err != nil {
			return chat.Reply{}, err
		}
		sum.AsOf = s.AsOf
		for _, p := range [][2]*slackui.StatusCount{{&sum.Pending, &s.Pending}, {&sum.Held, &s.Held}, {&sum.Sent, &s.Sent}, {&sum.Overdue, &s.Overdue}} {
			addCount(p[0], *p[1])
		}
	}
	return render(slackui.StatusReply(sum)), nil
}

// addCount adds c's count and per-currency totals to into.
func addCount(into *slackui.StatusCount, c slackui.StatusCount) {
	into.Count += c.Count
next:
	for _, t := range c.Totals {
		for i := range into.Totals {
			if into.Totals[i].Currency == t.Currency {
				into.Totals[i].Amount += t.Amount
				continue next
			}
		}
		into.Totals = append(into.Totals, t)
	}
	slices.SortFunc(into.Totals, func(a, b slackui.CurrencyAmount) int { return strings.Compare(string(a.Currency), string(b.Currency)) })
}
