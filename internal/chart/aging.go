package chart

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// MaxAgingPanels is how many currencies an aging chart shows, one panel
// each; further currencies are named in the title as left out.
const MaxAgingPanels = 6

// AgingPNG draws open balances by aging bucket (current, 1–30, 31–60,
// 61–90, 90+ days past due) as bars, one panel per currency of totals (the
// per-currency rows of billing.Aging.Totals): amounts of two currencies are
// never on one axis. Each bar is labelled with its amount as package money
// writes it.
func AgingPNG(title string, totals []billing.AgingRow) ([]byte, error) {
	if len(totals) == 0 {
		return nil, errors.New("chart: nothing outstanding to draw")
	}
	shown := totals
	if len(shown) > MaxAgingPanels {
		shown = shown[:MaxAgingPanels]
		title += fmt.Sprintf(" (first %d of %d currencies)", MaxAgingPanels, len(totals))
	}
	rows, cols := agingLayout(len(shown))
	grid := make([][]*plot.Plot, rows)
	for i := range grid {
		grid[i] = make([]*plot.Plot, cols)
	}
	barWidth := px(float64(Width) / float64(cols) * 0.55 / billing.NumBuckets)
	for i, row := range shown {
		p, err := agingPanel(row, barWidth)
		if err != nil {
			return nil, err
		}
		grid[i/cols][i%cols] = p
	}
	return render(grid, title)
}

// agingLayout tiles n panels: side by side up to two, else two rows.
func agingLayout(n int) (rows, cols int) {
	if n <= 2 {
		return 1, n
	}
	return 2, (n + 1) / 2
}

func agingPanel(row billing.AgingRow, barWidth vg.Length) (*plot.Plot, error) {
	cur := row.Currency
	p := newPlot(string(cur) + " · total " + row.Total.Display(cur))
	names := make([]string, billing.NumBuckets)
	values := make(plotter.Values, billing.NumBuckets)
	labels := plotter.XYLabels{XYs: make(plotter.XYs, billing.NumBuckets), Labels: make([]string, billing.NumBuckets)}
	var lo, hi int64
	for b := range billing.NumBuckets {
		a := row.Buckets[b]
		names[b] = billing.Bucket(b).String()
		values[b] = axisValue(a, cur)
		labels.XYs[b] = plotter.XY{X: float64(b), Y: max(values[b], 0)}
		labels.Labels[b] = bareAmount(a, cur)
		lo, hi = min(lo, int64(a)), max(hi, int64(a))
	}
	bars, err := plotter.NewBarChart(values, barWidth)
	if err != nil {
		return nil, fmt.Errorf("chart: aging bars: %w", err)
	}
	bars.Color = BarColor
	bars.LineStyle.Width = 0
	p.Add(bars)
	lbl, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, fmt.Errorf("chart: aging labels: %w", err)
	}
	for i := range lbl.TextStyle {
		lbl.TextStyle[i].Font = font.From(plot.DefaultFont, 8)
		lbl.TextStyle[i].XAlign = draw.XCenter
		lbl.TextStyle[i].YAlign = draw.YBottom
	}
	lbl.Offset.Y = px(3)
	p.Add(lbl)
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.5, float64(billing.NumBuckets)-0.5
	// The axis leaves headroom above the tallest bar for its label.
	p.Y.Min = math.Min(0, axisValue(money.Amount(lo), cur)*1.15)
	p.Y.Max = niceMax(axisValue(money.Amount(hi), cur) * 1.15)
	p.Y.Tick.Marker = moneyTicker(cur)
	p.Y.Label.Text = string(cur)
	return p, nil
}

// bareAmount is a as money displays it, without the currency code (the
// panel's title names it).
func bareAmount(a money.Amount, cur money.Currency) string {
	return strings.TrimPrefix(a.Display(cur), string(cur)+" ")
}

// moneyTicker marks an axis of major units at a round step computed in
// integer minor units, each label written by package money.
func moneyTicker(cur money.Currency) plot.Ticker {
	unit := cur.MinorPerMajor()
	return plot.TickerFunc(func(lo, hi float64) []plot.Tick {
		return intTicks(lo, hi, unit, func(v int64) string {
			s := bareAmount(money.Amount(v), cur)
			if v%unit == 0 {
				s, _, _ = strings.Cut(s, ".")
			}
			return s
		})
	})
}
