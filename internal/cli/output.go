package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// The tables the commands print.

func printAging(w io.Writer, a billing.Aging, asOf billing.Date) {
	fmt.Fprintf(w, "AR aging as of %s\n\n", asOf)
	if len(a.Totals) == 0 {
		fmt.Fprintln(w, "no open invoices")
		return
	}
	dso := map[money.Currency]int64{}
	for _, d := range a.DSO {
		dso[d.Currency] = int64(d.Tenths)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "CURRENCY\tCURRENT\t1-30\t31-60\t61-90\t90+\tTOTAL\tINVOICES\tDSO (days)\t")
	for _, t := range a.Totals {
		cur := t.Currency
		d, ok := dso[cur]
		if !ok {
			d = -1
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t\n", cur,
			t.Buckets[0].Format(cur), t.Buckets[1].Format(cur), t.Buckets[2].Format(cur),
			t.Buckets[3].Format(cur), t.Buckets[4].Format(cur), t.Total.Format(cur), t.Invoices, tenths(d))
	}
	tw.Flush()
	if len(a.ByClient) > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CLIENT\tCURRENCY\tCURRENT\t1-30\t31-60\t61-90\t90+\tTOTAL")
		for _, r := range a.ByClient {
			cur := r.Currency
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, cur, r.Buckets[0].Format(cur), r.Buckets[1].Format(cur),
				r.Buckets[2].Format(cur), r.Buckets[3].Format(cur), r.Buckets[4].Format(cur), r.Total.Format(cur))
		}
		tw.Flush()
	}
}

func tenths(v int64) string {
	if v < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%d.%d", v/10, v%10)
}
