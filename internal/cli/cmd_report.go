package cli

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"billbot/internal/billing"
	"billbot/internal/chart"
	"billbot/internal/workflow"
)

// reportKinds are the `billbot report` subjects.
var reportKinds = []string{"kpis", "realization", "utilization", "leakage", "collections"}

// reportCommands are `report kpis` (every figure) and one command per
// section.
func reportCommands() []command {
	out := make([]command, len(reportKinds))
	for i, k := range reportKinds {
		out[i] = reportCommand(k)
	}
	return out
}

func reportCommand(kind string) command {
	var from, to, format, chartFile string
	summary := "The firm's " + kind + " figures over a period (definitions in docs/kpis.md)."
	if kind == "kpis" {
		summary = "The firm's billing figures over a period: realization, utilization, leakage, collections (definitions in docs/kpis.md)."
	}
	return command{
		name:    "report " + kind,
		summary: summary,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&from, "from", "", "first day (YYYY-MM-DD; default: the first day of last month)")
			fs.StringVar(&to, "to", "", "last day (YYYY-MM-DD; default: the last day of last month)")
			fs.StringVar(&format, "format", "text", "text or csv")
			if kind == "kpis" {
				fs.StringVar(&chartFile, "chart", "", "also write a PNG chart of the twelve months ending with --to's month to this file")
			}
		},
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if err := flagsOnly("report "+kind, fs, format); err != nil {
				return err
			}
			if err := checkChartFile(chartFile); err != nil {
				return err
			}
			_, wf, err := c.migratedWorkflow(ctx)
			if err != nil {
				return err
			}
			firm, err := wf.LoadFirm(ctx)
			if err != nil {
				return err
			}
			f, t, err := reportPeriod(from, to, firm.Today(c.now()))
			if err != nil {
				return err
			}
			rep, err := wf.KPIs(ctx, f, t)
			if err != nil {
				return err
			}
			if chartFile != "" {
				if err := writeKPIChart(ctx, wf, t, chartFile); err != nil {
					return err
				}
			}
			if format == "csv" {
				return writeKPICSV(c.stdout, rep, kind)
			}
			writeKPIText(c.stdout, rep, kind)
			return nil
		},
	}
}

// writeKPIChart writes the KPI trend of the twelve months ending with
// through's month as a PNG file.
func writeKPIChart(ctx context.Context, wf *workflow.Workflow, through billing.Date, file string) error {
	t, err := wf.KPITrend(ctx, through, workflow.TrendMonths)
	if err != nil {
		return err
	}
	png, err := chart.KPITrendPNG("Billing figures · twelve months to "+workflow.MonthTitle(through), t)
	if err != nil {
		return err
	}
	return writeChartFile(file, png)
}

// writeChartFile writes a chart; the file must end in .png.
func writeChartFile(file string, png []byte) error {
	if err := os.WriteFile(file, png, 0o644); err != nil {
		return fmt.Errorf("--chart: %w", err)
	}
	return nil
}

// checkChartFile refuses a --chart file name that is not a .png, before
// any work is done.
func checkChartFile(file string) error {
	if file != "" && !strings.HasSuffix(strings.ToLower(file), ".png") {
		return usagef("--chart: %q does not end in .png (the chart is a PNG image)", file)
	}
	return nil
}

// reportPeriod parses --from/--to; either defaults to last calendar month.
func reportPeriod(from, to string, today billing.Date) (billing.Date, billing.Date, error) {
	first := billing.Date{Year: today.Year, Month: today.Month, Day: 1}
	f, t := billing.DateOf(first.Time(time.UTC).AddDate(0, -1, 0)), first.AddDays(-1)
	if err := dayFlag("from", from, &f); err != nil {
		return f, t, err
	}
	if err := dayFlag("to", to, &t); err != nil {
		return f, t, err
	}
	if t.Before(f) {
		return f, t, usagef("--to %s is before --from %s", t, f)
	}
	return f, t, nil
}

func pct(bp billing.BasisPoints, ok bool) string {
	if !ok {
		return "—"
	}
	return bp.String()
}

func days(d billing.Durations, unit string) string {
	med, ok := d.Median()
	if !ok {
		return "—"
	}
	p90, _ := d.P90()
	return fmt.Sprintf("median %d %s, p90 %d %s (%d invoices)", med, unit, p90, unit, len(d))
}

// writeKPIText writes the sections of kind ("kpis": all of them).
func writeKPIText(w io.Writer, rep workflow.KPIReport, kind string) {
	all := kind == "kpis"
	fmt.Fprintf(w, "billing figures %s to %s\n", rep.From, rep.To)
	if all || kind == "realization" {
		fmt.Fprintln(w, "\nrealization (billed ÷ standard value)")
		for _, group := range []struct {
			name string
			rows []billing.RealizationRow
		}{{"partner", rep.ByPartner}, {"client", rep.ByClient}, {"staff", rep.ByStaff}} {
			for _, r := range group.rows {
				key := r.Key
				if group.name == "staff" {
					key = workflow.StaffName(key)
				}
				fmt.Fprintf(w, "  %-8s %-24s %8s  billed %s of %s\n", group.name, key, pct(r.Realization()), r.Billed.Display(r.Currency), r.Standard.Display(r.Currency))
			}
		}
		for _, wd := range rep.WriteDowns {
			reason := wd.Reason
			if reason == "" {
				reason = "(no reason given)"
			}
			fmt.Fprintf(w, "  write-down  %-30s %s on %d line(s)\n", reason, wd.Amount.Display(wd.Currency), wd.Lines)
		}
	}
	if all || kind == "utilization" {
		fmt.Fprintln(w, "\nutilization (billable ÷ capacity hours)")
		for _, u := range rep.Utilization {
			fmt.Fprintf(w, "  %-24s %8s  %s of %s h\n", u.Staff, pct(u.Utilization()), u.Billable, u.Capacity)
		}
	}
	if all || kind == "leakage" {
		fmt.Fprintln(w, "\nleakage (approved billable time on no sent invoice 15 days after its month closed)")
		if rep.LeakageThrough.IsZero() {
			fmt.Fprintln(w, "  — (no cycle of the period closed 15 days ago yet)")
		} else {
			fmt.Fprintf(w, "  %s: %s of %s h logged through %s\n", pct(rep.Leakage.Share()), rep.Leakage.Unbilled, rep.Leakage.Logged, rep.LeakageThrough)
		}
	}
	if all || kind == "collections" {
		c := rep.Collections
		fmt.Fprintln(w, "\ncollections")
		fmt.Fprintf(w, "  invoices sent        %d\n", c.Sent)
		fmt.Fprintf(w, "  error rate           %s (%d voided after sending)\n", pct(c.ErrorRate()), c.Corrected)
		fmt.Fprintf(w, "  paid within terms    %s (%d of %d paid)\n", pct(c.PaidWithinTerms()), c.PaidInTerms, c.Paid)
		fmt.Fprintf(w, "  billing lag          %s\n", days(c.BillingLag, "days"))
		fmt.Fprintf(w, "  approval latency     %s\n", days(c.ApprovalDelay, "h"))
		for _, d := range rep.DSO {
			fmt.Fprintf(w, "  DSO (%s)            %d.%d days as of %s\n", d.Currency, d.Tenths/10, d.Tenths%10, rep.To)
		}
		if n := len(rep.DSOTrend); n > 0 {
			for _, r := range workflow.DSOTrendRows(rep.DSOTrend) {
				fmt.Fprintf(w, "  DSO trend (%s)      %s  (month ends %s to %s)\n", r.Currency, strings.Join(r.Figures, " "),
					rep.DSOTrend[0].AsOf, rep.DSOTrend[n-1].AsOf)
			}
		}
	}
}

// writeKPICSV writes one row per figure: section, key, currency, value
// (basis points or days), numerator, denominator.
func writeKPICSV(out io.Writer, rep workflow.KPIReport, kind string) error {
	w := csv.NewWriter(out)
	all := kind == "kpis"
	row := func(rec ...string) { _ = w.Write(rec) }
	row("section", "key", "currency", "value", "numerator", "denominator")
	bp := func(b billing.BasisPoints, ok bool) string {
		if !ok {
			return ""
		}
		return b.String()
	}
	if all || kind == "realization" {
		for _, g := range []struct {
			name string
			rows []billing.RealizationRow
		}{{"realization_partner", rep.ByPartner}, {"realization_client", rep.ByClient}, {"realization_staff", rep.ByStaff}} {
			for _, r := range g.rows {
				row(g.name, r.Key, string(r.Currency), bp(r.Realization()), r.Billed.Format(r.Currency), r.Standard.Format(r.Currency))
			}
		}
		for _, wd := range rep.WriteDowns {
			row("write_down", wd.Reason, string(wd.Currency), wd.Amount.Format(wd.Currency), fmt.Sprint(wd.Lines), "")
		}
	}
	if all || kind == "utilization" {
		for _, u := range rep.Utilization {
			row("utilization", u.Staff, "", bp(u.Utilization()), u.Billable.String(), u.Capacity.String())
		}
	}
	if all || kind == "leakage" {
		row("leakage", rep.LeakageThrough.String(), "", bp(rep.Leakage.Share()), rep.Leakage.Unbilled.String(), rep.Leakage.Logged.String())
	}
	if all || kind == "collections" {
		c := rep.Collections
		row("error_rate", "", "", bp(c.ErrorRate()), fmt.Sprint(c.Corrected), fmt.Sprint(c.Sent))
		row("paid_within_terms", "", "", bp(c.PaidWithinTerms()), fmt.Sprint(c.PaidInTerms), fmt.Sprint(c.Paid))
		for _, d := range []struct {
			name string
			v    billing.Durations
		}{{"billing_lag_days", c.BillingLag}, {"approval_latency_hours", c.ApprovalDelay}} {
			med, ok := d.v.Median()
			p90, _ := d.v.P90()
			if ok {
				row(d.name+"_median", "", "", fmt.Sprint(med), "", fmt.Sprint(len(d.v)))
				row(d.name+"_p90", "", "", fmt.Sprint(p90), "", fmt.Sprint(len(d.v)))
			}
		}
		for _, d := range rep.DSO {
			row("dso_days", "", string(d.Currency), fmt.Sprintf("%d.%d", d.Tenths/10, d.Tenths%10), d.Receivables.Format(d.Currency), "")
		}
		for _, p := range rep.DSOTrend {
			for _, d := range p.DSO {
				row("dso_month_end_days", p.AsOf.String(), string(d.Currency), billing.FormatTenths(d.Tenths), d.Receivables.Format(d.Currency), "")
			}
		}
	}
	w.Flush()
	return w.Error()
}
