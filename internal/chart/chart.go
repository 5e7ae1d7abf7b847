// Package chart draws billbot's PNG charts with gonum.org/v1/plot: AR aging
// by bucket (one panel per currency) and the twelve-month KPI trend.
//
// Charts are deterministic: a fixed size and resolution, gonum's bundled
// fonts, no timestamps. Money is plotted from integer minor units converted
// to floats for the axes only; every figure printed on a chart is
// formatted from the integer by package money.
package chart

import (
	"bytes"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"billbot/internal/money"
)

// Size of every chart, in pixels.
const (
	Width  = 900
	Height = 500
	dpi    = 96
)

// Colours of the charts' marks.
var (
	// BarColor fills aging bars.
	BarColor = color.RGBA{R: 0x2b, G: 0x6c, B: 0xb0, A: 0xff}
	// RealizationColor, LeakageColor, PaidInTermsColor and DSOColor draw
	// the KPI trend lines.
	RealizationColor = color.RGBA{R: 0x2b, G: 0x6c, B: 0xb0, A: 0xff}
	LeakageColor     = color.RGBA{R: 0xd9, G: 0x48, B: 0x1c, A: 0xff}
	PaidInTermsColor = color.RGBA{R: 0x2e, G: 0x9e, B: 0x4f, A: 0xff}
	DSOColor         = color.RGBA{R: 0x7b, G: 0x3f, B: 0xa0, A: 0xff}
)

// px converts pixels to plot lengths at the charts' resolution.
func px(n float64) vg.Length { return vg.Length(n) * vg.Inch / dpi }

// newPlot returns a plot with billbot's fonts (gonum's default Liberation
// face, fixed sizes).
func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(plot.DefaultFont, 13)
	p.X.Tick.Label.Font = font.From(plot.DefaultFont, 9)
	p.Y.Tick.Label.Font = font.From(plot.DefaultFont, 9)
	p.Y.Label.TextStyle.Font = font.From(plot.DefaultFont, 10)
	p.BackgroundColor = color.White
	return p
}

// render draws the plots in a grid of rows × cols tiles on one white
// canvas and encodes it as PNG.
func render(grid [][]*plot.Plot, title string) ([]byte, error) {
	c := vgimg.NewWith(vgimg.UseWH(px(Width), px(Height)), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(c)
	if title != "" {
		// The overall title sits in a band above the tiles.
		st := draw.TextStyle{Color: color.Black, Font: font.From(plot.DefaultFont, 14), XAlign: draw.XCenter, YAlign: draw.YTop, Handler: plot.DefaultTextHandler}
		dc.FillText(st, vg.Point{X: dc.Center().X, Y: dc.Max.Y - px(8)}, title)
		dc = draw.Crop(dc, 0, 0, 0, -px(34))
	}
	rows, cols := len(grid), len(grid[0])
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: px(16), PadY: px(12), PadTop: px(4), PadBottom: px(6), PadLeft: px(6), PadRight: px(12)}
	canvases := plot.Align(grid, tiles, dc)
	for i := range grid {
		for j, p := range grid[i] {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: encode PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// axisValue converts an amount in minor units to major units for an axis.
// The float never reaches a printed figure.
func axisValue(a money.Amount, cur money.Currency) float64 {
	return float64(a) / float64(cur.MinorPerMajor())
}

// niceMax rounds v up to a round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6
// or 8 times a power of ten), so the axis ends just above the tallest mark;
// 1 when v is not positive.
func niceMax(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	pow := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10} {
		if v <= m*pow {
			return m * pow
		}
	}
	return 10 * pow
}

// intTicks returns about five ticks between lo and hi (axis units) at a
// round step, computed in integers of 1/unit of an axis unit and labelled
// by format from those integers.
func intTicks(lo, hi float64, unit int64, format func(int64) string) []plot.Tick {
	if !(hi > lo) || unit <= 0 {
		return nil
	}
	raw := (hi - lo) / 5
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * pow
	for _, m := range []float64{1, 2, 5} {
		if raw <= m*pow {
			step = m * pow
			break
		}
	}
	s := max(int64(math.Round(step*float64(unit))), 1)
	first := int64(math.Ceil(lo*float64(unit)/float64(s))) * s
	var ticks []plot.Tick
	for v := first; float64(v) <= hi*float64(unit)+0.5; v += s {
		ticks = append(ticks, plot.Tick{Value: float64(v) / float64(unit), Label: format(v)})
		if len(ticks) > 50 {
			break
		}
	}
	return ticks
}
