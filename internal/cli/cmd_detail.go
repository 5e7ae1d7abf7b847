package cli

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"billbot/internal/billing"
	"billbot/internal/invoicedetail"
	"billbot/internal/workflow"
)

// parseInterleaved lets flags follow the positional arguments
// (`invoice show 1042 --format csv`): Go's flag package stops at the first
// argument, so the rest is parsed again.
func parseInterleaved(fs *flag.FlagSet) ([]string, error) {
	var pos []string
	for fs.NArg() > 0 {
		pos = append(pos, fs.Arg(0))
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return nil, err
		}
	}
	return pos, nil
}

// dayFlag parses the day (YYYY-MM-DD) given to flag --name into *dst; an
// empty value leaves *dst as it is, a bad one is a usage error naming the
// flag.
func dayFlag(name, value string, dst *billing.Date) error {
	if value == "" {
		return nil
	}
	d, err := billing.ParseDate(value)
	if err != nil {
		return usagef("--%s: %v", name, err)
	}
	*dst = d
	return nil
}

func checkFormat(f string) error {
	if f != "text" && f != "csv" {
		return usagef("--format is text or csv, not %q", f)
	}
	return nil
}

// flagsOnly refuses positional arguments to the command name (one that
// takes only flags) and a --format other than text or csv.
func flagsOnly(name string, fs *flag.FlagSet, format string) error {
	if fs.NArg() > 0 {
		return usagef("%s takes no arguments, only flags", name)
	}
	return checkFormat(format)
}

func invoiceShowCommand() command {
	var format string
	return command{
		name: "invoice show", args: "NUMBER",
		summary: "An invoice's lines with the time entries behind each (date, staff, task, hours, rate, notes, id at the time source), its write-downs and disputes. NUMBER is the ledger's invoice number (QuickBooks DocNumber, Xero InvoiceNumber) or billbot's id (#42). Prints a fresh signed link to the detail page (valid 180 days) when BILLBOT_ENCRYPTION_KEY is set.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&format, "format", "text", "text or csv")
		},
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			pos, err := parseInterleaved(fs)
			if err != nil {
				return usagef("invoice show: %v", err)
			}
			if len(pos) != 1 {
				return usagef("invoice show takes one invoice NUMBER")
			}
			if err := checkFormat(format); err != nil {
				return err
			}
			st, wf, err := c.migratedWorkflow(ctx)
			if err != nil {
				return err
			}
			d, err := wf.InvoiceDetail(ctx, pos[0])
			if err != nil {
				return usagef("%v", err)
			}
			if format == "csv" {
				return invoicedetail.WriteCSV(c.stdout, d)
			}
			if err := invoicedetail.WriteText(c.stdout, d); err != nil {
				return err
			}
			inv, err := st.InvoiceByNumber(ctx, pos[0])
			if err != nil {
				return err
			}
			if link, exp := wf.DetailLink(inv.Key); link != "" {
				fmt.Fprintf(c.stdout, "\nDetail page (until %s): %s\n", exp.UTC().Format("2006-01-02"), link)
			}
			return nil
		},
	}
}

func auditCommand() command {
	var invoice, since, actor, format string
	return command{
		name:    "audit",
		summary: "The audit trail: every event with its actor, time (firm time zone), before → after and reason, oldest first.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&invoice, "invoice", "", "only this invoice (QuickBooks DocNumber or #id)")
			fs.StringVar(&since, "since", "", "only events on or after this day (YYYY-MM-DD, firm time zone)")
			fs.StringVar(&actor, "actor", "", "only events by this Slack user id (or billbot, qbo, cli)")
			fs.StringVar(&format, "format", "text", "text or csv")
		},
		run: func(ctx context.Context, c *cli, fs *flag.FlagSet) error {
			if err := flagsOnly("audit", fs, format); err != nil {
				return err
			}
			_, wf, firm, err := c.firm(ctx)
			if err != nil {
				return err
			}
			q := workflow.AuditQuery{Invoice: invoice}
			q.Filter.Actor = strings.TrimSpace(actor)
			var day billing.Date
			if err := dayFlag("since", since, &day); err != nil {
				return err
			}
			if since != "" {
				q.Filter.Since = day.Time(firm.Location())
			}
			lines, err := wf.AuditTrail(ctx, q)
			if err != nil {
				return err
			}
			return writeAudit(c.stdout, lines, firm.Location(), format)
		},
	}
}

// writeAudit prints audit lines as a table or CSV; times in loc.
func writeAudit(w io.Writer, lines []workflow.AuditLine, loc *time.Location, format string) error {
	if format == "csv" {
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"id", "time", "actor", "action", "subject_type", "subject_id", "change", "reason"})
		for _, l := range lines {
			_ = cw.Write(csvSafe([]string{fmt.Sprint(l.ID), l.At.In(loc).Format(time.RFC3339), l.Actor, l.Action, l.SubjectType, l.SubjectID, l.Change, l.Note}))
		}
		cw.Flush()
		return cw.Error()
	}
	if len(lines) == 0 {
		fmt.Fprintln(w, "no audit events match")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tACTOR\tACTION\tSUBJECT\tCHANGE\tREASON")
	for _, l := range lines {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s %s\t%s\t%s\n", l.At.In(loc).Format("2006-01-02 15:04 MST"), l.Actor, l.Action, l.SubjectType, l.SubjectID,
			oneLineText(l.Change), oneLineText(l.Note))
	}
	return tw.Flush()
}

func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }

// csvSafe defuses spreadsheet formulas in free text.
func csvSafe(row []string) []string {
	for i, c := range row {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			row[i] = "'" + c
		}
	}
	return row
}
