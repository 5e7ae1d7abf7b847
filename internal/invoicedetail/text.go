package invoicedetail

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteText writes the detail for a terminal: a header, each line with its
// entries indented under it, the totals, edits and disputes.
func WriteText(w io.Writer, d Detail) error {
	cur := d.Currency
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Invoice %s — %s (%s)\n", d.Number, d.Client, d.State)
	if !d.Period.Start.IsZero() {
		fmt.Fprintf(tw, "Period %s to %s", d.Period.Start, d.Period.End)
		if !d.DueDate.IsZero() {
			fmt.Fprintf(tw, ", due %s", d.DueDate)
		}
		fmt.Fprintln(tw)
	}
	if ds, ok := d.OpenDispute(); ok {
		fmt.Fprintf(tw, "DISPUTED since %s by %s: %s\n", d.timeText(ds.OpenedAt), ds.OpenedBy, oneLine(ds.Reason))
	}
	fmt.Fprintln(tw)
	for _, l := range d.Lines {
		fmt.Fprintf(tw, "%d. %s\t%s h\t@ %s\t%s\n", l.No, oneLine(l.Description), l.Qty, l.UnitPrice.Display(cur), l.Amount.Display(cur))
		if l.WrittenDown() {
			fmt.Fprintf(tw, "   written down from %s: %s\t\t\t\n", l.Original.Display(cur), oneLine(l.WriteDownReason))
		}
		for _, e := range l.Entries {
			fmt.Fprintf(tw, "   %s %s, %s\t%s h\t@ %s\t%s %s  %s\n", e.Date, oneLine(e.Staff), oneLine(e.Task), e.Hours, e.Rate.Display(cur), e.SourceName(), e.SourceID, oneLine(e.Notes))
		}
	}
	fmt.Fprintln(tw)
	fmt.Fprintf(tw, "Subtotal\t\t\t%s\n", d.Subtotal.Display(cur))
	if d.Discount != 0 {
		fmt.Fprintf(tw, "Discount\t\t\t%s\n", d.Discount.Display(cur))
	}
	if d.Credit != 0 {
		fmt.Fprintf(tw, "Retainer credit\t\t\t%s\n", d.Credit.Display(cur))
	}
	fmt.Fprintf(tw, "Total\t%s h\t\t%s\n", d.Hours, d.Total.Display(cur))
	if d.WriteDown() > 0 {
		fmt.Fprintf(tw, "Written down\t\t\t%s\n", d.WriteDown().Display(cur))
	}
	fmt.Fprintf(tw, "Entries\t%d\t\t\n", d.EntryCount())
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("invoice detail: %w", err)
	}
	if len(d.Edits) > 0 {
		fmt.Fprintln(w, "\nEdits:")
		for _, e := range d.Edits {
			fmt.Fprintf(w, "  %s %s: %s → %s — %s\n", d.timeText(e.At), e.Actor, e.TotalBefore.Display(cur), e.TotalAfter.Display(cur), oneLine(e.Reason))
		}
	}
	if len(d.Disputes) > 0 {
		fmt.Fprintln(w, "\nDisputes:")
		for _, ds := range d.Disputes {
			fmt.Fprintf(w, "  %s %s: %s", d.timeText(ds.OpenedAt), ds.OpenedBy, oneLine(ds.Reason))
			if !ds.Open() {
				fmt.Fprintf(w, " — resolved %s by %s: %s", d.timeText(ds.ResolvedAt), ds.ResolvedBy, ds.Outcome)
				if ds.Resolution != "" {
					fmt.Fprintf(w, " (%s)", oneLine(ds.Resolution))
				}
			}
			fmt.Fprintln(w)
		}
	}
	return nil
}

// CSVHeader is the first row of WriteCSV.
var CSVHeader = []string{"invoice", "line", "description", "line_qty", "line_rate", "line_amount", "original_amount", "writedown_reason",
	"entry_date", "staff", "task", "hours", "rate", "notes", "harvest_id"}

// WriteCSV writes one row per entry (a line without entries gets one row
// with the entry columns empty). Amounts are decimals in the invoice's
// currency, without symbols; cells that a spreadsheet would run as a
// formula are prefixed with a quote.
func WriteCSV(w io.Writer, d Detail) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(CSVHeader)
	cur := d.Currency
	for _, l := range d.Lines {
		base := []string{d.Number, strconv.Itoa(l.No), l.Description, l.Qty.String(), l.UnitPrice.Format(cur), l.Amount.Format(cur), l.Original.Format(cur), l.WriteDownReason}
		if len(l.Entries) == 0 {
			_ = cw.Write(safe(append(base, "", "", "", "", "", "", "")))
			continue
		}
		for _, e := range l.Entries {
			_ = cw.Write(safe(append(append([]string(nil), base...), e.Date.String(), e.Staff, e.Task, e.Hours.String(), e.Rate.Format(cur), e.Notes, e.SourceID)))
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("invoice detail csv: %w", err)
	}
	return nil
}

// safe defuses spreadsheet formulas in free text (OWASP CSV injection).
func safe(row []string) []string {
	for i, c := range row {
		if c != "" && strings.ContainsRune("=+@\t\r", rune(c[0])) || strings.HasPrefix(c, "-") && !isNumber(c) {
			row[i] = "'" + c
		}
	}
	return row
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64) // only to classify a cell; never money
	return err == nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
