package money

import (
	"errors"
	"math"
	"testing"
)

func TestParseFormatRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		cur  Currency
		want Amount
		out  string
	}{
		{"1234.50", "USD", 123450, "1234.50"},
		{"187.5", "USD", 18750, "187.50"},
		{"-0.01", "USD", -1, "-0.01"},
		{"0", "USD", 0, "0.00"},
		{"-0", "USD", 0, "0.00"},
		{"12.", "USD", 1200, "12.00"},
		{".5", "USD", 50, "0.50"},
		{"+3.25", "USD", 325, "3.25"},
		{"1.2500", "USD", 125, "1.25"},
		{" 7.00 ", "USD", 700, "7.00"},
		{"000123.40", "USD", 12340, "123.40"},
		{"9999999999999999.99", "USD", 999999999999999999, "9999999999999999.99"},
		{"1500", "JPY", 1500, "1500"},
		{"-42", "JPY", -42, "-42"},
		{"1500.000", "JPY", 1500, "1500"},
		{"1.005", "KWD", 1005, "1.005"},
		{"0.001", "KWD", 1, "0.001"},
		{"-12.3", "KWD", -12300, "-12.300"},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in, tc.cur)
		if err != nil {
			t.Errorf("Parse(%q, %s): %v", tc.in, tc.cur, err)
			continue
		}
		if got != tc.want {
			t.Errorf("Parse(%q, %s) = %d, want %d", tc.in, tc.cur, got, tc.want)
		}
		if s := got.Format(tc.cur); s != tc.out {
			t.Errorf("Format(%d, %s) = %q, want %q", got, tc.cur, s, tc.out)
		}
		if back, err := Parse(got.Format(tc.cur), tc.cur); err != nil || back != got {
			t.Errorf("round trip of %q: %d, %v", tc.in, back, err)
		}
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		cur  Currency
		want error
	}{
		{"1.005", "USD", ErrPrecision},
		{"1.5", "JPY", ErrPrecision},
		{"0.0001", "KWD", ErrPrecision},
		{"1e3", "USD", ErrSyntax},
		{"1,000", "USD", ErrSyntax},
		{"", "USD", ErrSyntax},
		{"   ", "USD", ErrSyntax},
		{"--1", "USD", ErrSyntax},
		{"+-1", "USD", ErrSyntax},
		{"1.2.3", "USD", ErrSyntax},
		{".", "USD", ErrSyntax},
		{"-", "USD", ErrSyntax},
		{"1 000", "USD", ErrSyntax},
		{"$5", "USD", ErrSyntax},
		{"١٢", "USD", ErrSyntax}, // Arabic-Indic digits
		{"0x10", "USD", ErrSyntax},
		{"NaN", "USD", ErrSyntax},
		{"10000000000000000.00", "USD", ErrRange}, // 19 digits of cents
		{"99999999999999999999", "JPY", ErrRange},
	}
	for _, tc := range tests {
		_, err := Parse(tc.in, tc.cur)
		if !errors.Is(err, tc.want) {
			t.Errorf("Parse(%q, %s) error = %v, want %v", tc.in, tc.cur, err, tc.want)
		}
	}
}

func TestDisplay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a    Amount
		cur  Currency
		want string
	}{
		{1234567, "USD", "USD 12,345.67"},
		{-123456700, "USD", "USD -1,234,567.00"},
		{999, "USD", "USD 9.99"},
		{0, "USD", "USD 0.00"},
		{1500, "JPY", "JPY 1,500"},
		{100, "JPY", "JPY 100"},
		{1234567, "KWD", "KWD 1,234.567"},
	}
	for _, tc := range tests {
		if got := tc.a.Display(tc.cur); got != tc.want {
			t.Errorf("Display(%d, %s) = %q, want %q", tc.a, tc.cur, got, tc.want)
		}
	}
}

// TestLineAmount is the rounding table: hours × rate, rounded once, half
// away from zero, to the minor unit. Expected values are computed by hand.
func TestLineAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		hours, price string
		cur          Currency
		want         string
	}{
		{"0.33", "187.50", "USD", "61.88"},  // 61.875
		{"1.67", "187.50", "USD", "313.13"}, // 313.125
		{"7.5", "187.50", "USD", "1406.25"},
		{"1.33", "187.50", "USD", "249.38"}, // 249.375
		{"0.25", "187.50", "USD", "46.88"},  // 46.875
		{"0.33", "0.01", "USD", "0.00"},     // 0.0033
		{"1.67", "0.01", "USD", "0.02"},     // 0.0167
		{"7.5", "0.01", "USD", "0.08"},      // 0.075: half rounds up
		{"1.33", "0.01", "USD", "0.01"},     // 0.0133
		{"0.25", "0.01", "USD", "0.00"},     // 0.0025
		{"0.33", "195.00", "USD", "64.35"},
		{"1.67", "195.00", "USD", "325.65"},
		{"7.5", "195.00", "USD", "1462.50"},
		{"1.33", "195.00", "USD", "259.35"},
		{"0.25", "195.00", "USD", "48.75"},
		{"0.99", "187.50", "USD", "185.63"},  // 185.625: one rounding per line
		{"0.33", "-187.50", "USD", "-61.88"}, // away from zero
		{"0.25", "-0.01", "USD", "0.00"},     // -0.0025
		{"7.5", "-0.01", "USD", "-0.08"},     // -0.075
		{"1", "-1755.00", "USD", "-1755.00"},
		{"0", "195.00", "USD", "0.00"},
		{"1.5", "1001", "JPY", "1502"},     // 1501.5
		{"0.33", "12.345", "KWD", "4.074"}, // 4.07385
		{"0.0001", "0.01", "USD", "0.00"},
	}
	for _, tc := range tests {
		got := LineAmount(MustHours(tc.hours), MustParse(tc.price, tc.cur))
		if s := got.Format(tc.cur); s != tc.want {
			t.Errorf("LineAmount(%s h, %s %s) = %s, want %s", tc.hours, tc.price, tc.cur, s, tc.want)
		}
	}
}

func TestLineAmountOverflowPanics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		qty   Hours
		price Amount
	}{
		{math.MaxInt64, math.MaxInt64},
		{math.MinInt64, 2 * HoursScale},
		// The quotient is exactly 2^64-1 before rounding up: it used to wrap
		// to zero and pass as a valid amount.
		{9222449791875588249, 20002},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("LineAmount(%d, %d) did not panic", tc.qty, tc.price)
				}
			}()
			LineAmount(tc.qty, tc.price)
		}()
	}
	// The largest representable results still work.
	if got := LineAmount(HoursScale, math.MaxInt64); got != math.MaxInt64 {
		t.Errorf("LineAmount(1 h, MaxInt64) = %d", got)
	}
	if got := LineAmount(HoursScale, -math.MaxInt64); got != -math.MaxInt64 {
		t.Errorf("LineAmount(1 h, -MaxInt64) = %d", got)
	}
}

func TestPercentOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, p string
		want string
	}{
		{"185.63", "10", "18.56"},   // 18.563
		{"100.04", "12.5", "12.51"}, // 12.505
		{"100.00", "0", "0.00"},
		{"100.00", "100", "100.00"},
		{"-0.05", "10", "-0.01"}, // -0.005: away from zero
		{"0.05", "10", "0.01"},   // 0.005
		{"1000.00", "0.0001", "0.00"},
		{"33.33", "33.3333", "11.11"}, // 11.10998889
	}
	for _, tc := range tests {
		p, err := ParsePercent(tc.p)
		if err != nil {
			t.Fatal(err)
		}
		if got := PercentOf(MustParse(tc.a, "USD"), p).Format("USD"); got != tc.want {
			t.Errorf("PercentOf(%s, %s %%) = %s, want %s", tc.a, tc.p, got, tc.want)
		}
	}
}

func TestRatio(t *testing.T) {
	t.Parallel()
	tests := []struct {
		part, whole int64
		want        string
	}{
		{33, 40, "82.5"},
		{32, 40, "80"},
		{1, 3, "33.3333"},
		{2, 3, "66.6667"},
		{0, 40, "0"},
		{5, 0, "0"},
		{1, -2, "-50"},
		{-1, -2, "50"},
		{-1, 3, "-33.3333"},
		{40, 40, "100"},
	}
	for _, tc := range tests {
		if got := Ratio(tc.part, tc.whole).String(); got != tc.want {
			t.Errorf("Ratio(%d, %d) = %s, want %s", tc.part, tc.whole, got, tc.want)
		}
	}
}

func TestHoursAndPercent(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"1.33": "1.33", "7.5": "7.50", "0.1667": "0.1667", "8": "8.00", "-0.25": "-0.25", "0": "0.00"} {
		h, err := ParseHours(in)
		if err != nil {
			t.Fatalf("ParseHours(%q): %v", in, err)
		}
		if h.String() != want {
			t.Errorf("Hours(%q).String() = %q, want %q", in, h.String(), want)
		}
	}
	if _, err := ParseHours("0.12345"); !errors.Is(err, ErrPrecision) {
		t.Errorf("ParseHours(0.12345) error = %v, want ErrPrecision", err)
	}
	if m := MustHours("1.33").Minutes(); m != 80 { // 79.8
		t.Errorf("1.33 h = %d min, want 80", m)
	}
	if m := MustHours("0.25").Minutes(); m != 15 {
		t.Errorf("0.25 h = %d min, want 15", m)
	}
	for in, want := range map[string]string{"12.5": "12.5", "10": "10", "0": "0", "0.0001": "0.0001"} {
		p, err := ParsePercent(in)
		if err != nil || p.String() != want {
			t.Errorf("ParsePercent(%q) = %s, %v; want %s", in, p, err, want)
		}
	}
}

func TestCurrency(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Currency{"cad": "CAD", " USD ": "USD", "Swedish Krona - SEK": "SEK", "Kuwaiti Dinar - kwd": "KWD"} {
		if got, err := ParseCurrency(in); err != nil || got != want {
			t.Errorf("ParseCurrency(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "US", "USDX", "U5D", "Dollar - "} {
		if _, err := ParseCurrency(in); err == nil {
			t.Errorf("ParseCurrency(%q) succeeded", in)
		}
	}
	for c, want := range map[Currency][2]int64{"USD": {2, 100}, "JPY": {0, 1}, "KWD": {3, 1000}, "CLF": {4, 10000}} {
		if int64(c.Exponent()) != want[0] || c.MinorPerMajor() != want[1] {
			t.Errorf("%s: exponent %d, minor per major %d", c, c.Exponent(), c.MinorPerMajor())
		}
	}
}
