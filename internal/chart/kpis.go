package chart

import (
	"errors"
	"fmt"
	"image/color"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"billbot/internal/billing"
)

// KPITrendPNG draws the months of t: realization, leakage and the share
// paid within terms as percentage lines in the upper panel, DSO in days in
// the lower. A month whose figure is undefined leaves a gap in its line.
func KPITrendPNG(title string, t billing.KPITrend) ([]byte, error) {
	if len(t.Points) == 0 {
		return nil, errors.New("chart: no months to draw")
	}
	months := make([]string, len(t.Points))
	for i, m := range t.Points {
		months[i] = time.Month(m.Month.Month).String()[:3] + " " + fmt.Sprint(m.Month.Year%100)
	}
	pctPlot := newPlot("Realization, leakage, paid within terms (%; realization in " + string(t.Currency) + ")")
	series := []struct {
		name string
		col  color.Color
		get  func(billing.KPIPoint) figure
	}{
		{"Realization", RealizationColor, func(m billing.KPIPoint) figure { return figure{int64(m.Realization), m.RealizationOK} }},
		{"Leakage", LeakageColor, func(m billing.KPIPoint) figure { return figure{int64(m.Leakage), m.LeakageOK} }},
		{"Paid within terms", PaidInTermsColor, func(m billing.KPIPoint) figure {
			return figure{int64(m.PaidWithinTerms), m.PaidWithinTermsOK}
		}},
	}
	var top int64 = 10000 // 100 %
	for _, s := range series {
		vals := make([]figure, len(t.Points))
		for i, m := range t.Points {
			vals[i] = s.get(m)
			if vals[i].ok {
				top = max(top, vals[i].value)
			}
		}
		if err := addLine(pctPlot, s.name, s.col, vals, 100); err != nil {
			return nil, err
		}
	}
	pctPlot.Y.Min, pctPlot.Y.Max = 0, niceMax(float64(top)/100*1.05)
	pctPlot.Y.Tick.Marker = plot.TickerFunc(func(lo, hi float64) []plot.Tick {
		return intTicks(lo, hi, 100, func(bp int64) string { return trimZeros(billing.BasisPoints(bp).String()) })
	})
	pctPlot.Legend.Top = true
	pctPlot.Legend.Left = true
	pctPlot.Legend.TextStyle.Font.Size = 9
	pctPlot.Legend.Padding = px(3) // room between the rows for the dots

	dsoPlot := newPlot("DSO (days, " + string(t.Currency) + ")")
	vals := make([]figure, len(t.Points))
	var most int64 = 10 // tenths: at least one day of axis
	for i, m := range t.Points {
		vals[i] = figure{int64(m.DSOTenths), m.DSOOK}
		if m.DSOOK {
			most = max(most, int64(m.DSOTenths))
		}
	}
	if err := addLine(dsoPlot, "", DSOColor, vals, 10); err != nil {
		return nil, err
	}
	dsoPlot.Y.Min, dsoPlot.Y.Max = 0, niceMax(float64(most)/10*1.05)
	dsoPlot.Y.Tick.Marker = plot.TickerFunc(func(lo, hi float64) []plot.Tick {
		return intTicks(lo, hi, 10, func(tenths int64) string {
			if tenths%10 == 0 {
				return fmt.Sprint(tenths / 10)
			}
			return fmt.Sprintf("%d.%d", tenths/10, tenths%10)
		})
	})
	for _, p := range []*plot.Plot{pctPlot, dsoPlot} {
		p.NominalX(months...)
		p.X.Min, p.X.Max = -0.5, float64(len(months))-0.5
	}
	return render([][]*plot.Plot{{pctPlot}, {dsoPlot}}, title)
}

// figure is one exact value of a series (1/unit of an axis unit: basis
// points, tenths of a day) and whether the month has one.
type figure struct {
	value int64
	ok    bool
}

// addLine draws the defined values of vals (integers of 1/unit of an axis
// unit) as line segments with a dot per month, broken where a month has no
// value; name, when set, goes in the legend once.
func addLine(p *plot.Plot, name string, col color.Color, vals []figure, unit int64) error {
	style := draw.LineStyle{Color: col, Width: px(2.5)}
	var seg plotter.XYs
	first := true
	flush := func() error {
		if len(seg) == 0 {
			return nil
		}
		line, pts, err := plotter.NewLinePoints(seg)
		if err != nil {
			return fmt.Errorf("chart: %s line: %w", name, err)
		}
		line.LineStyle = style
		pts.GlyphStyle = draw.GlyphStyle{Color: col, Radius: px(3.5), Shape: draw.CircleGlyph{}}
		p.Add(line, pts)
		if name != "" && first {
			p.Legend.Add(name, line, pts)
			first = false
		}
		seg = nil
		return nil
	}
	for i, v := range vals {
		if !v.ok {
			if err := flush(); err != nil {
				return err
			}
			continue
		}
		seg = append(seg, plotter.XY{X: float64(i), Y: float64(v.value) / float64(unit)})
	}
	if err := flush(); err != nil {
		return err
	}
	if name != "" && first {
		// No month has a value: the legend still names the series.
		p.Legend.Add(name+" (no data)", &plotter.Line{LineStyle: style})
	}
	return nil
}

// trimZeros drops a percentage's ".00": "50.00%" is "50%".
func trimZeros(s string) string { return strings.Replace(s, ".00%", "%", 1) }
