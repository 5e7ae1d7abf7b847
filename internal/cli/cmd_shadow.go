package cli

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"billbot/internal/money"
	"billbot/internal/shadow"
	"billbot/internal/workflow"
)

func shadowCommand() command {
	var periodEnd, format string
	return command{
		name:    "shadow",
		summary: "Draft the cycle without writing to the ledger or posting to Slack, and compare it line by line with the invoices the firm issued in the ledger (QuickBooks or Xero); keeps the agreement rate of each cycle.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&periodEnd, "period-end", "", "compare the cycle ending this day (YYYY-MM-DD; default: every engagement's last closed cycle)")
			fs.StringVar(&format, "format", "text", "text or csv (one row per line compared)")
		},
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if err := flagsOnly("shadow", fs, format); err != nil {
				return err
			}
			var opts workflow.ShadowOptions
			if err := dayFlag("period-end", periodEnd, &opts.PeriodEnd); err != nil {
				return err
			}
			opts.Actor = "cli"
			_, wf, err := c.migratedWorkflow(ctx)
			if err != nil {
				return err
			}
			rep, err := wf.Shadow(ctx, opts)
			if err != nil {
				return err
			}
			if format == "csv" {
				return printShadowCSV(c.stdout, rep)
			}
			printShadowText(c.stdout, rep, wf.LedgerName())
			return nil
		},
	}
}

// statusText names a line status for people; ledger is the firm's
// ledger's name.
func statusText(s shadow.Status, ledger string) string {
	switch s {
	case shadow.OnlyBillbot:
		return "only in billbot (likely unbilled time)"
	case shadow.OnlyLedger:
		return "only in " + ledger
	}
	return string(s)
}

// printShadowText prints rep for people; ledger is the firm's ledger's
// name ("QuickBooks", "Xero").
func printShadowText(w io.Writer, rep workflow.ShadowReport, ledger string) {
	ends := make([]string, len(rep.PeriodEnds))
	for i, e := range rep.PeriodEnds {
		ends[i] = e.String()
	}
	fmt.Fprintf(w, "shadow of the cycles closing %s against the invoices dated %s to %s in %s\n", strings.Join(ends, ", "), rep.From, rep.To, ledger)
	fmt.Fprintf(w, "(nothing was written to %s, stored as a draft or posted to Slack)\n", ledger)
	fmt.Fprintln(w)
	printShadowSummary(w, rep.Report, ledger)
	if n := len(rep.Problems); n > 0 {
		fmt.Fprintf(w, "%d exception(s) would be raised: 'billbot draft --dry-run' lists them\n", n)
	}
	for _, cr := range rep.Clients {
		fmt.Fprintln(w)
		verdict := "agrees"
		if !cr.Agrees {
			verdict = "differs"
		}
		cur := cr.Currency
		fmt.Fprintf(w, "%s — %s: billbot %s (%s), %s %s (%s)\n", cr.Client, verdict,
			cr.BillbotTotal.Display(cur), orNone(cr.Invoices), ledger, cr.LedgerTotal.Display(cur), orNone(cr.Docs))
		for _, l := range cr.Lines {
			head := statusText(l.Status, ledger)
			if len(l.Diffs) > 0 {
				head += ": " + joinFields(l.Diffs)
			}
			fmt.Fprintf(w, "  %s\n", head)
			if l.Billbot != nil {
				b := l.Billbot
				fmt.Fprintf(w, "    billbot     %s\n", lineText(b.Item, b.Description, b.Qty, b.UnitPrice, b.Amount, cur))
			}
			if l.Ledger != nil {
				q := l.Ledger
				fmt.Fprintf(w, "    %-12s%s  [%s]\n", ledger, lineText(q.Item, q.Description, q.Qty, q.UnitPrice, q.Amount, cur), l.Doc)
			}
			if l.Status != shadow.Same {
				for _, e := range l.Entries {
					fmt.Fprintf(w, "      entry %s %s %s %s h %q\n", e.ExternalID, e.SpentDate, e.User, e.Hours, e.Notes)
				}
			}
		}
	}
	if len(rep.History) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "shadow cycles so far:")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  CYCLE END\tBY AMOUNT\tBY INVOICE\tSAME\tDIFFER\tONLY BILLBOT\tONLY "+strings.ToUpper(ledger)+"\tRUNS")
		for _, h := range rep.History {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\n", h.PeriodEnd, shadow.Percent(h.ByAmount()), shadow.Percent(h.ByInvoice()),
				h.Same, h.Differs, h.OnlyBillbot, h.OnlyLedger, h.Runs)
		}
		tw.Flush()
	}
}

// printShadowSummary prints the agreement lines.
func printShadowSummary(w io.Writer, rep shadow.Report, ledger string) {
	for _, a := range rep.Amounts {
		fmt.Fprintf(w, "agreement by amount (%s): %s — %s of %s on lines that agree\n", a.Currency,
			shadow.Percent(money.Ratio(int64(a.Agreed), int64(a.Compared))), a.Agreed.Display(a.Currency), a.Compared.Display(a.Currency))
	}
	fmt.Fprintf(w, "agreement by invoice: %s — %d of %d clients' invoices agree line for line\n",
		shadow.Percent(rep.ByInvoice()), rep.InvoicesAgreed, rep.InvoicesCompared)
	fmt.Fprintf(w, "lines: %d same, %d differ, %d only in billbot, %d only in %s\n",
		rep.Same, rep.Differs, rep.OnlyBillbot, rep.OnlyLedger, ledger)
}

func lineText(item, desc string, qty money.Hours, price, amount money.Amount, cur money.Currency) string {
	if item == "" {
		item = "(discount)"
	}
	return fmt.Sprintf("%s %q %s × %s = %s", item, desc, qty, price.Format(cur), amount.Format(cur))
}

func joinFields(fs []shadow.Field) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// printShadowCSV writes one row per compared line.
func printShadowCSV(w io.Writer, rep workflow.ShadowReport) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"client", "status", "differs", "currency",
		"billbot_invoice", "billbot_item", "billbot_description", "billbot_hours", "billbot_rate", "billbot_amount",
		"qbo_doc_number", "qbo_item", "qbo_description", "qbo_hours", "qbo_rate", "qbo_amount", "entries"})
	for _, cr := range rep.Clients {
		cur := cr.Currency
		for _, l := range cr.Lines {
			row := []string{cr.Client, string(l.Status), joinFields(l.Diffs), string(cur)}
			if b := l.Billbot; b != nil {
				row = append(row, l.Invoice, b.Item, b.Description, b.Qty.String(), b.UnitPrice.Format(cur), b.Amount.Format(cur))
			} else {
				row = append(row, "", "", "", "", "", "")
			}
			if q := l.Ledger; q != nil {
				row = append(row, l.Doc, q.Item, q.Description, q.Qty.String(), q.UnitPrice.Format(cur), q.Amount.Format(cur))
			} else {
				row = append(row, "", "", "", "", "", "")
			}
			var es []string
			for _, e := range l.Entries {
				es = append(es, fmt.Sprintf("%s %s %s %s h", e.ExternalID, e.SpentDate, e.User, e.Hours))
			}
			row = append(row, strings.Join(es, "; "))
			cw.Write(row)
		}
	}
	cw.Flush()
	return cw.Error()
}
