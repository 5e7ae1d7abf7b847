package commands

import (
	"context"
	"strings"
	"time"

	"billbot/internal/billing"
	"billbot/internal/chart"
	"billbot/internal/chat"
	"billbot/internal/slackui"
	"billbot/internal/workflow"
)

// kpis answers /billing kpis [YYYY-MM]: the month's billing figures
// (default: last month). A manager who is not an approver sees only the
// realization of the clients they manage.
func (h *Handler) kpis(ctx context.Context, rd workflow.Reader, arg string) (chat.Reply, error) {
	firm, err := h.wf.LoadFirm(ctx)
	if err != nil {
		return chat.Reply{}, err
	}
	from, to, ok := MonthOf(strings.TrimSpace(arg), firm.Today(h.now()))
	if !ok {
		return render(slackui.UsageError(Billing, "“"+arg+"” is not a month: write it as YYYY-MM, like `/billing kpis 2026-10`.")), nil
	}
	rep, err := h.wf.KPIs(ctx, from, to)
	if err != nil {
		return chat.Reply{}, err
	}
	r := render(slackui.KPIReply("Billing figures · "+workflow.MonthTitle(from), workflow.KPISections(rep, rd)))
	if rd.All {
		// The trend is firm-wide: a manager who sees only their own
		// clients' realization gets no chart.
		title := "Billing figures · twelve months to " + workflow.MonthTitle(from)
		if h.files != nil {
			t, err := h.wf.KPITrend(ctx, to, workflow.TrendMonths)
			if err != nil {
				h.logger.Warn("chart not drawn; replying without it", "chart", "kpis", "err", err)
				return r, nil
			}
			r = h.withChart(ctx, r, "kpis-"+from.String()[:7]+".png", title, t, func() ([]byte, error) {
				return chart.KPITrendPNG(title, t)
			})
		}
	}
	return r, nil
}

// MonthOf returns the first and last day of the month arg names
// ("2026-10"), or of the month before today's when arg is empty.
func MonthOf(arg string, today billing.Date) (from, to billing.Date, ok bool) {
	var first time.Time
	if arg == "" {
		first = time.Date(today.Year, today.Month-1, 1, 0, 0, 0, 0, time.UTC)
	} else {
		t, err := time.Parse("2006-01", arg)
		if err != nil {
			return from, to, false
		}
		first = t
	}
	return billing.DateOf(first), billing.DateOf(first.AddDate(0, 1, -1)), true
}
