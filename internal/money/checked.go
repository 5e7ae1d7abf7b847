package money

import (
	"errors"
	"fmt"
)

// MaxAmount bounds one invoice line's amount and one invoice's total, in
// minor units either way: 10^12 (ten billion dollars, or a hundred million
// in a three-decimal currency). No firm billbot serves bills that much on
// one invoice; anything beyond it is a typo or an attack, refused as a
// validation error long before int64 could wrap.
const MaxAmount Amount = 1_000_000_000_000

// ErrOverflow is returned (wrapped) when a sum or product does not fit in
// an int64 or goes beyond MaxAmount.
var ErrOverflow = errors.New("amount out of range")

// Add returns a + b, or ErrOverflow when the sum does not fit in an int64.
func Add(a, b Amount) (Amount, error) {
	s, ok := add64(int64(a), int64(b))
	if !ok {
		return 0, fmt.Errorf("money: %d + %d: %w", a, b, ErrOverflow)
	}
	return Amount(s), nil
}

// Sub returns a − b, or ErrOverflow when the difference does not fit.
func Sub(a, b Amount) (Amount, error) {
	if b == minAmount {
		return 0, fmt.Errorf("money: %d − %d: %w", a, b, ErrOverflow)
	}
	return Add(a, -b)
}

// AddHours returns a + b, or ErrOverflow when the sum does not fit.
func AddHours(a, b Hours) (Hours, error) {
	s, ok := add64(int64(a), int64(b))
	if !ok {
		return 0, fmt.Errorf("money: %s h + %s h: %w", a, b, ErrOverflow)
	}
	return Hours(s), nil
}

// Mul is LineAmount checked: qty × unit price rounded half-up to the minor
// unit, or ErrOverflow when the product does not fit in an int64.
func Mul(qty Hours, unitPrice Amount) (Amount, error) {
	v, ok := mulDivRound(int64(qty), int64(unitPrice), HoursScale)
	if !ok {
		return 0, fmt.Errorf("money: %s × %d: %w", qty, unitPrice, ErrOverflow)
	}
	return Amount(v), nil
}

// Percentage is PercentOf checked: p percent of a, rounded half-up, or
// ErrOverflow when it does not fit.
func Percentage(a Amount, p Percent) (Amount, error) {
	v, ok := mulDivRound(int64(a), int64(p), 100*PercentScale)
	if !ok {
		return 0, fmt.Errorf("money: %s%% of %d: %w", p, a, ErrOverflow)
	}
	return Amount(v), nil
}

// Bounded returns a when −MaxAmount ≤ a ≤ MaxAmount, else ErrOverflow.
func Bounded(a Amount) (Amount, error) {
	if a > MaxAmount || a < -MaxAmount {
		return 0, fmt.Errorf("money: %d minor units is beyond the bound of %d: %w", a, MaxAmount, ErrOverflow)
	}
	return a, nil
}

const minAmount = Amount(-1 << 63)

// add64 adds with overflow detection: the sum overflowed exactly when both
// operands have one sign and the sum the other.
func add64(a, b int64) (int64, bool) {
	s := a + b
	if (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0) {
		return 0, false
	}
	return s, true
}
