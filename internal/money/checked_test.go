package money

import (
	"errors"
	"math"
	"testing"
)

func TestCheckedArithmetic(t *testing.T) {
	big := Amount(math.MaxInt64)
	for _, tc := range []struct {
		name string
		fn   func() (Amount, error)
		want Amount
		ok   bool
	}{
		{"add", func() (Amount, error) { return Add(150, -50) }, 100, true},
		{"add wraps", func() (Amount, error) { return Add(big, 1) }, 0, false},
		{"add wraps negative", func() (Amount, error) { return Add(-big, -2) }, 0, false},
		{"sub", func() (Amount, error) { return Sub(-5, 10) }, -15, true},
		{"sub of min", func() (Amount, error) { return Sub(0, minAmount) }, 0, false},
		{"sub wraps", func() (Amount, error) { return Sub(-big, 2) }, 0, false},
		{"mul", func() (Amount, error) { return Mul(MustHours("1.5"), 2001) }, 3002, true},
		{"mul overflows", func() (Amount, error) { return Mul(MustHours("99999999"), MustParse("999999999999999.99", "USD")) }, 0, false},
		{"percentage", func() (Amount, error) { return Percentage(1005, 10*PercentScale) }, 101, true},
		{"percentage overflows", func() (Amount, error) { return Percentage(big, 100*PercentScale+1) }, 0, false},
		{"bounded", func() (Amount, error) { return Bounded(-MaxAmount) }, -MaxAmount, true},
		{"beyond the bound", func() (Amount, error) { return Bounded(MaxAmount + 1) }, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.fn()
			if tc.ok && (err != nil || got != tc.want) {
				t.Fatalf("got %d, %v; want %d", got, err, tc.want)
			}
			if !tc.ok && !errors.Is(err, ErrOverflow) {
				t.Fatalf("got %d, %v; want ErrOverflow", got, err)
			}
		})
	}
	if _, err := AddHours(Hours(math.MaxInt64), 1); !errors.Is(err, ErrOverflow) {
		t.Errorf("AddHours wrapped: %v", err)
	}
}
