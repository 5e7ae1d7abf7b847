package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"billbot/internal/billing"
	"billbot/internal/chart"
	"billbot/internal/workflow"
	"billbot/store"
)

func draftCommand() command {
	var periodEnd string
	var dryRun bool
	return command{
		name:    "draft",
		summary: "Draft invoices for the cycle ending --period-end (default: every engagement's last closed cycle), create them in the ledger (QuickBooks or Xero) and post them to Slack; --dry-run only shows them.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&periodEnd, "period-end", "", "draft the cycle ending this day (YYYY-MM-DD)")
			fs.BoolVar(&dryRun, "dry-run", false, "compute drafts and exceptions, store and send nothing")
		},
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if fs.NArg() > 0 {
				return usagef("draft takes no arguments, only flags")
			}
			var opts workflow.DraftOptions
			if err := dayFlag("period-end", periodEnd, &opts.PeriodEnd); err != nil {
				return err
			}
			opts.DryRun, opts.Actor = dryRun, "cli"
			_, wf, err := c.migratedWorkflow(ctx)
			if err != nil {
				return err
			}
			rep, err := wf.Draft(ctx, opts)
			if err != nil {
				return err
			}
			printDraftReport(c.stdout, rep, dryRun)
			return nil
		},
	}
}

func printDraftReport(w io.Writer, rep workflow.DraftReport, dryRun bool) {
	ends := make([]string, len(rep.PeriodEnds))
	for i, e := range rep.PeriodEnds {
		ends[i] = e.String()
	}
	verb := "drafted"
	if dryRun {
		verb = "would draft (dry run: nothing stored or sent)"
	}
	fmt.Fprintf(w, "cycles closing %s: %s %d invoice(s)", strings.Join(ends, ", "), verb, len(rep.Invoices))
	if rep.Existing > 0 {
		fmt.Fprintf(w, ", %d already drafted", rep.Existing)
	}
	fmt.Fprintf(w, ", %d entries wait for a later cycle\n", rep.Pending)
	if rep.Resolved > 0 {
		fmt.Fprintf(w, "%d exception(s) no longer apply under the current configuration: closed, their entries billed\n", rep.Resolved)
	}
	fmt.Fprintln(w)
	if len(rep.Invoices) > 0 {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "INVOICE\tCLIENT\tPERIOD\tHOURS\tTOTAL\tDUE\tLINES")
		for _, inv := range rep.Invoices {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\n", inv.Key, inv.Client, inv.Period, inv.Hours, inv.Total.Display(inv.Currency), inv.DueDate, len(inv.Lines))
		}
		tw.Flush()
		for _, t := range workflow.InvoiceTotals(rep.Invoices) {
			fmt.Fprintf(w, "total %s\n", t.Amount.Display(t.Currency))
		}
		fmt.Fprintln(w)
	}
	printProblems(w, rep.Problems)
}

func printProblems(w io.Writer, problems []billing.Problem) {
	if len(problems) == 0 {
		fmt.Fprintln(w, "no exceptions")
		return
	}
	byCode := map[billing.ExceptionCode][]billing.Problem{}
	for _, p := range problems {
		byCode[p.Code] = append(byCode[p.Code], p)
	}
	codes := make([]string, 0, len(byCode))
	for code := range byCode {
		codes = append(codes, string(code))
	}
	sort.Strings(codes)
	fmt.Fprintf(w, "%d exception(s):\n", len(problems))
	for _, code := range codes {
		ps := byCode[billing.ExceptionCode(code)]
		fmt.Fprintf(w, "  %s (%d)\n", code, len(ps))
		for _, p := range ps {
			fmt.Fprintf(w, "    - %s\n      fix: %s\n", p.Message, p.Fix)
		}
	}
}

func exceptionsCommand() command {
	var client string
	return command{
		name:    "exceptions",
		summary: "List open billing exceptions, grouped by kind, with the fix for each.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&client, "client", "", "only this client's exceptions")
		},
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if fs.NArg() > 0 {
				return usagef("exceptions takes no arguments, only flags")
			}
			st, err := c.store(ctx)
			if err != nil {
				return err
			}
			exs, err := st.Exceptions(ctx, store.ExceptionFilter{Client: client, OpenOnly: true})
			if err != nil {
				return err
			}
			problems := make([]billing.Problem, len(exs))
			for i, e := range exs {
				problems[i] = e.Problem
			}
			printProblems(c.stdout, problems)
			return nil
		},
	}
}

func arAgingCommand() command {
	var asOf, client, manager, chartFile string
	return command{
		name:    "ar aging",
		summary: "Accounts receivable aging buckets (current, 1–30, 31–60, 61–90, 90+ days past due) and DSO, per currency.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&asOf, "as-of", "", "age as of this day (YYYY-MM-DD; default today in the firm's time zone)")
			fs.StringVar(&client, "client", "", "only this client")
			fs.StringVar(&manager, "manager", "", "only this engagement manager's clients (Slack user id)")
			fs.StringVar(&chartFile, "chart", "", "also write a PNG bar chart of the buckets, one panel per currency, to this file")
		},
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if fs.NArg() > 0 {
				return usagef("ar aging takes no arguments, only flags")
			}
			if err := checkChartFile(chartFile); err != nil {
				return err
			}
			_, wf, firm, err := c.firm(ctx)
			if err != nil {
				return err
			}
			day := firm.Today(c.now())
			if err := dayFlag("as-of", asOf, &day); err != nil {
				return err
			}
			a, err := wf.Aging(ctx, day, client, manager)
			if err != nil {
				return err
			}
			printAging(c.stdout, a, day)
			if chartFile != "" {
				if len(a.Totals) == 0 {
					return fmt.Errorf("--chart: nothing outstanding as of %s, no chart written", day)
				}
				png, err := chart.AgingPNG(agingChartTitle(client, manager, day), a.Totals)
				if err != nil {
					return err
				}
				return writeChartFile(chartFile, png)
			}
			return nil
		},
	}
}

// agingChartTitle names the scope of `ar aging --chart`.
func agingChartTitle(client, manager string, day billing.Date) string {
	scope := "all clients"
	switch {
	case client != "":
		scope = client
	case manager != "":
		scope = "clients managed by " + manager
	}
	return "AR aging — " + scope + ", as of " + day.String()
}
