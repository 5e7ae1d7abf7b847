package money

import (
	"errors"
	"math"
	"math/big"
	"testing"
)

var fuzzCurrencies = []Currency{"USD", "JPY", "KWD"}

// FuzzParse checks that Parse never panics, fails only with its sentinel
// errors, and that parse → format → parse gives the same amount.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1234.50", "-0.01", "0", "1.005", "1e3", "1,000", "", "--1", "1.2.3", ".5", "12.", "+3", " 7 ",
		"999999999999999999", "1000000000000000000", "0.000", "-.", "١"} {
		for i := range fuzzCurrencies {
			f.Add(s, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, s string, ci uint8) {
		cur := fuzzCurrencies[int(ci)%len(fuzzCurrencies)]
		a, err := Parse(s, cur)
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrPrecision) && !errors.Is(err, ErrRange) {
				t.Fatalf("Parse(%q, %s): unexpected error kind %v", s, cur, err)
			}
			return
		}
		out := a.Format(cur)
		b, err := Parse(out, cur)
		if err != nil || b != a {
			t.Fatalf("Parse(%q) = %d, Format = %q, Parse again = %d, %v", s, a, out, b, err)
		}
		_ = a.Display(cur)
	})
}

// FuzzParseHours checks ParseHours the same way through Hours.String.
func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"1.33", "0.25", "7.5", "0.1667", "0.12345", "-1", "8", "", "1e2", "99999999999999.9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHours(s)
		if err != nil {
			return
		}
		out := h.String()
		back, err := ParseHours(out)
		if err != nil || back != h {
			t.Fatalf("ParseHours(%q) = %d, String = %q, ParseHours again = %d, %v", s, h, out, back, err)
		}
	})
}

// FuzzLineAmount compares LineAmount with exact big-integer arithmetic:
// the same half-away-from-zero result, or a panic exactly when the result
// does not fit in an int64.
func FuzzLineAmount(f *testing.F) {
	f.Add(int64(3300), int64(18750))
	f.Add(int64(75000), int64(-1))
	f.Add(int64(9222449791875588249), int64(20002))
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64))
	f.Fuzz(func(t *testing.T, q, p int64) {
		num := new(big.Int).Mul(big.NewInt(q), big.NewInt(p))
		neg := num.Sign() < 0
		num.Abs(num)
		quo, rem := new(big.Int).QuoRem(num, big.NewInt(HoursScale), new(big.Int))
		if new(big.Int).Mul(rem, big.NewInt(2)).Cmp(big.NewInt(HoursScale)) >= 0 {
			quo.Add(quo, big.NewInt(1))
		}
		if neg {
			quo.Neg(quo)
		}
		fits := quo.IsInt64() && quo.Int64() != math.MinInt64 // MinInt64 is refused: its magnitude is not an int64
		var got Amount
		panicked := func() (failed bool) {
			defer func() { failed = recover() != nil }()
			got = LineAmount(Hours(q), Amount(p))
			return false
		}()
		switch {
		case fits && panicked:
			t.Fatalf("LineAmount(%d, %d) panicked, want %s", q, p, quo)
		case !fits && !panicked:
			t.Fatalf("LineAmount(%d, %d) = %d, want a panic (exact %s)", q, p, got, quo)
		case fits && int64(got) != quo.Int64():
			t.Fatalf("LineAmount(%d, %d) = %d, want %s", q, p, got, quo)
		}
	})
}
