package chart

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/money"
)

func agingRows() []billing.AgingRow {
	usd := money.Currency("USD")
	return []billing.AgingRow{
		{Currency: usd, Buckets: [billing.NumBuckets]money.Amount{
			money.MustParse("12500.00", usd), money.MustParse("8200.50", usd), money.MustParse("4100.00", usd),
			money.MustParse("1500.25", usd), money.MustParse("950.00", usd)}, Total: money.MustParse("27250.75", usd)},
	}
}

func trend() billing.KPITrend {
	through := billing.MustDate("2026-11-30")
	t := billing.KPITrend{Currency: "USD", Through: through}
	firsts, asOf := billing.TrendMonths(through, trendMonths)
	for i := range firsts {
		m := billing.KPIPoint{Month: firsts[i], AsOf: asOf[i]}
		if i != 4 { // a month without invoices: a gap
			m.Realization, m.RealizationOK = billing.BasisPoints(8800+i*50), true
			m.PaidWithinTerms, m.PaidWithinTermsOK = billing.BasisPoints(7000+(i%3)*400), true
		}
		if i < 11 {
			m.Leakage, m.LeakageOK = billing.BasisPoints(300+(i%4)*60), true
		}
		m.DSOTenths, m.DSOOK = 384+i*7, true
		t.Points = append(t.Points, m)
	}
	return t
}

// trendMonths is how many months the test trend has.
const trendMonths = 12

// decode decodes b as PNG and checks its size.
func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if got := img.Bounds().Size(); got != image.Pt(Width, Height) {
		t.Fatalf("size %v, want %dx%d", got, Width, Height)
	}
	return img
}

func same(c color.Color, want color.RGBA) bool {
	r, g, b, a := c.RGBA()
	wr, wg, wb, wa := want.RGBA()
	return r == wr && g == wg && b == wb && a == wa
}

// near reports whether c is within a small distance of want per channel
// (anti-aliased edges blend into the background).
func near(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, w uint8) bool {
		v := int(a>>8) - int(w)
		return v >= -48 && v <= 48
	}
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

// runs counts the runs of pixels of colour want along row y.
func runs(img image.Image, y int, want color.RGBA) int {
	n, in := 0, false
	for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
		on := same(img.At(x, y), want)
		if on && !in {
			n++
		}
		in = on
	}
	return n
}

// TestWriteSamples writes sample charts to the directory CHART_DUMP names,
// for a person to look at; skipped without it.
func TestWriteSamples(t *testing.T) {
	if os.Getenv("CHART_DUMP") == "" {
		t.Skip("CHART_DUMP not set")
	}
	b, err := AgingPNG("AR aging — all clients, as of 2026-12-15", agingRows())
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(os.Getenv("CHART_DUMP")+"/aging.png", b, 0o644)
	two := append(agingRows(), billing.AgingRow{Currency: "JPY", Buckets: [5]money.Amount{120000, 0, 56000, 0, 9000}, Total: 185000})
	b, _ = AgingPNG("AR aging — two currencies", append(two, two...)[:3])
	os.WriteFile(os.Getenv("CHART_DUMP")+"/aging3.png", b, 0o644)
	b, err = KPITrendPNG("Billing figures · December 2025 – November 2026", trend())
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(os.Getenv("CHART_DUMP")+"/kpis.png", b, 0o644)
}

var white = color.RGBA{0xff, 0xff, 0xff, 0xff}

// TestAgingPNG checks the aging chart by pixel facts, not bytes: its size,
// a white background, five bars in the bar colour across a row just above
// the axis, the tallest bar (Current) reaching higher than the smallest
// (90+), and the same picture on every run.
func TestAgingPNG(t *testing.T) {
	b, err := AgingPNG("AR aging — all clients", agingRows())
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, b)
	for _, pt := range []image.Point{{0, 0}, {Width - 1, 0}, {0, Height - 1}, {Width - 1, Height - 1}, {Width / 2, 3}} {
		if !same(img.At(pt.X, pt.Y), white) {
			t.Errorf("background at %v is %v, want white", pt, img.At(pt.X, pt.Y))
		}
	}
	// The bars stand on the x axis near the bottom: find the lowest row
	// with bar colour, then count bars a few pixels above it.
	base := -1
	for y := Height - 1; y >= 0 && base < 0; y-- {
		if runs(img, y, BarColor) > 0 {
			base = y
		}
	}
	if base < Height*3/4 {
		t.Fatalf("lowest bar pixel at row %d, want in the bottom quarter", base)
	}
	if n := runs(img, base-3, BarColor); n != billing.NumBuckets {
		t.Errorf("%d bars across row %d, want %d", n, base-3, billing.NumBuckets)
	}
	// Current (12,500) is drawn in the left fifth and is the tallest: at a
	// row at two thirds of the way up only it shows.
	var top int
	for y := 0; y < Height; y++ {
		if runs(img, y, BarColor) > 0 {
			top = y
			break
		}
	}
	if n := runs(img, top+2, BarColor); n != 1 {
		t.Errorf("%d bars at the tallest bar's top (row %d), want 1", n, top+2)
	}
	leftFifth := false
	for x := 0; x < Width/5+40; x++ {
		if same(img.At(x, top+2), BarColor) {
			leftFifth = true
		}
	}
	if !leftFifth {
		t.Error("the tallest bar is not the Current bucket on the left")
	}
	again, _ := AgingPNG("AR aging — all clients", agingRows())
	if !bytes.Equal(b, again) {
		t.Error("two renders of the same figures differ")
	}
}

// TestAgingPNGPerCurrency draws one panel per currency: two currencies,
// two rows of bars side by side, each of its own bars (a zero bucket draws
// no bar).
func TestAgingPNGPerCurrency(t *testing.T) {
	rows := append(agingRows(), billing.AgingRow{Currency: "JPY",
		Buckets: [billing.NumBuckets]money.Amount{120000, 0, 56000, 0, 9000}, Total: 185000})
	b, err := AgingPNG("AR aging", rows)
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, b)
	base := -1
	for y := Height - 1; y >= 0 && base < 0; y-- {
		if runs(img, y, BarColor) > 0 {
			base = y
		}
	}
	if n := runs(img, base-3, BarColor); n != 5+3 {
		t.Errorf("%d bars across both panels, want 8 (5 USD, 3 JPY)", n)
	}
	if _, err := AgingPNG("AR aging", nil); err == nil {
		t.Error("an empty aging drew a chart")
	}
}

// TestKPITrendPNG checks the trend chart: size, white background, the
// realization line's colour in the upper panel and DSO's in the lower,
// and twelve month dots of DSO along its line.
func TestKPITrendPNG(t *testing.T) {
	b, err := KPITrendPNG("Billing figures", trend())
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, b)
	if !same(img.At(0, 0), white) || !same(img.At(Width-1, Height-1), white) {
		t.Error("background is not white")
	}
	count := func(col color.RGBA, y0, y1 int) int {
		n := 0
		for y := y0; y < y1; y++ {
			for x := 0; x < Width; x++ {
				if same(img.At(x, y), col) {
					n++
				}
			}
		}
		return n
	}
	if count(RealizationColor, 0, Height/2) == 0 || count(RealizationColor, Height/2, Height) != 0 {
		t.Error("realization is not drawn in the upper panel only")
	}
	if count(DSOColor, Height/2, Height) == 0 || count(DSOColor, 0, Height/2) != 0 {
		t.Error("DSO is not drawn in the lower panel only")
	}
	if count(LeakageColor, 0, Height/2) == 0 || count(PaidInTermsColor, 0, Height/2) == 0 {
		t.Error("leakage or paid-within-terms line missing")
	}
	// The DSO line rises steadily; its dots make the widest runs on the
	// row through a dot's centre: count columns where DSO colour spans at
	// least 6 rows (a dot, not the 2.5-pixel line).
	dots := 0
	inDot := false
	for x := 0; x < Width; x++ {
		tall := 0
		for y := Height / 2; y < Height; y++ {
			if near(img.At(x, y), DSOColor) {
				tall++
			}
		}
		on := tall >= 6
		if on && !inDot {
			dots++
		}
		inDot = on
	}
	if dots != trendMonths {
		t.Errorf("%d DSO dots, want %d", dots, trendMonths)
	}
	if _, err := KPITrendPNG("x", billing.KPITrend{}); err == nil {
		t.Error("an empty trend drew a chart")
	}
}

func TestIntTicks(t *testing.T) {
	got := intTicks(0, 20000, 100, func(v int64) string { return bareAmount(money.Amount(v), "USD") })
	var labels []string
	for _, tk := range got {
		labels = append(labels, tk.Label)
	}
	want := []string{"0.00", "5,000.00", "10,000.00", "15,000.00", "20,000.00"}
	if len(labels) != len(want) {
		t.Fatalf("ticks %v, want %v", labels, want)
	}
	for i := range want {
		if labels[i] != want[i] {
			t.Fatalf("ticks %v, want %v", labels, want)
		}
	}
}

func BenchmarkAgingPNG(b *testing.B) {
	rows := agingRows()
	for b.Loop() {
		if _, err := AgingPNG("AR aging", rows); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKPITrendPNG(b *testing.B) {
	tr := trend()
	for b.Loop() {
		if _, err := KPITrendPNG("Billing figures", tr); err != nil {
			b.Fatal(err)
		}
	}
}
