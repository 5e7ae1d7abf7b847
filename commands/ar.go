package commands

import (
	"context"
	"regexp"
	"strings"

	"billbot/internal/billing"
	"billbot/internal/chart"
	"billbot/internal/chat"
	"billbot/internal/slackui"
	"billbot/internal/workflow"
)

// mentionRe matches a Slack user mention as slash-command text carries it
// with escaping on: <@U012ABC> or <@U012ABC|name>.
var mentionRe = regexp.MustCompile(`^<@([UW][A-Z0-9]+)(\|[^>]*)?>$`)

func (h *Handler) aging(ctx context.Context, firm *workflow.Firm, rd workflow.Reader, user, arg string) (chat.Reply, error) {
	var client, manager string
	if !rd.All {
		// A manager's own engagements, unless they name one of their
		// clients.
		manager = user
	}
	if arg != "" {
		if m := mentionRe.FindStringSubmatch(arg); m != nil {
			if !rd.All && m[1] != user {
				return chat.Reply{Text: ownClientsOnly}, nil
			}
			manager = m[1]
		} else if strings.HasPrefix(arg, "<@") || strings.HasPrefix(arg, "@") {
			return render(slackui.UsageError(AR, "Mention the manager with @ so Slack turns it into a link, like `/ar aging @dana`.")), nil
		} else {
			name, reply, ok, err := h.client(ctx, rd, arg)
			if !ok || err != nil {
				return reply, err
			}
			client, manager = name, ""
		}
	}
	return h.agingReply(ctx, firm, client, manager)
}

func (h *Handler) arClient(ctx context.Context, firm *workflow.Firm, rd workflow.Reader, arg string) (chat.Reply, error) {
	if arg == "" {
		return render(slackui.UsageError(AR, "Name the client, like `/ar client Acme Corp`.")), nil
	}
	name, reply, ok, err := h.client(ctx, rd, arg)
	if !ok || err != nil {
		return reply, err
	}
	return h.agingReply(ctx, firm, name, "")
}

// agingReply answers with the aging of client or manager (both empty: the
// firm) as of today in firm, the configuration the request was read with.
func (h *Handler) agingReply(ctx context.Context, firm *workflow.Firm, client, manager string) (chat.Reply, error) {
	asOf := firm.Today(h.now())
	a, err := h.wf.Aging(ctx, asOf, client, manager)
	if err != nil {
		return chat.Reply{}, err
	}
	r := render(slackui.AgingReply(AgingView(a, client, manager)))
	if len(a.Totals) > 0 {
		title := "AR aging — " + agingChartScope(client, manager) + ", as of " + asOf.String()
		r = h.withChartAfter(r, "ar-aging-"+asOf.String()+".png", title, a.Totals, func() ([]byte, error) {
			return chart.AgingPNG(title, a.Totals)
		})
	}
	return r, nil
}

// agingChartScope names the scope in a chart's title: plain text, no
// mention markup (a chart cannot resolve a user id to a name).
func agingChartScope(client, manager string) string {
	switch {
	case client != "":
		return client
	case manager != "":
		return "one manager's clients"
	}
	return "all clients"
}

// AgingView maps billing's aging report to its Slack view.
func AgingView(a billing.Aging, client, manager string) slackui.Aging {
	v := slackui.Aging{AsOf: a.AsOf, Client: client, Manager: manager}
	dso := map[string]int64{}
	for _, d := range a.DSO {
		dso[string(d.Currency)] = int64(d.Tenths)
	}
	for _, t := range a.Totals {
		c := slackui.CurrencyAging{
			Currency: t.Currency, Current: t.Buckets[billing.Current], Days1to30: t.Buckets[billing.Days1To30],
			Days31to60: t.Buckets[billing.Days31To60], Days61to90: t.Buckets[billing.Days61To90],
			Over90: t.Buckets[billing.Over90], Total: t.Total, DSO: -1,
		}
		if d, ok := dso[string(t.Currency)]; ok {
			c.DSO = d
		}
		v.Currencies = append(v.Currencies, c)
	}
	for _, inv := range a.Invoices {
		if inv.DaysPastDue <= 0 {
			continue
		}
		v.Overdue = append(v.Overdue, slackui.OverdueInvoice{
			InvoiceID: inv.ID, Client: inv.Client, DocNumber: inv.DocNumber,
			DaysPastDue: inv.DaysPastDue, Currency: inv.Currency, Balance: inv.Balance,
		})
	}
	return v
}
