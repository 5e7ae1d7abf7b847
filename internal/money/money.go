// Package money holds billbot's exact arithmetic: amounts in integer minor
// units of a currency, hours and percentages as scaled integers, and the one
// rounding rule (half-up, away from zero) used wherever a product is taken.
//
// Nothing here uses float64. Decimal strings are parsed digit by digit and
// formatted back exactly, so "187.50" round-trips as "187.50".
package money

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// ErrSyntax is returned (wrapped) for text that is not a plain decimal number.
var ErrSyntax = errors.New("not a decimal number")

// ErrPrecision is returned (wrapped) for a decimal with more fractional digits
// than the target allows, e.g. "1.005" for US dollars.
var ErrPrecision = errors.New("too many decimal places")

// ErrRange is returned (wrapped) for a number too large to hold.
var ErrRange = errors.New("number out of range")

// Amount is a quantity of money in minor units of its currency: cents for
// USD, yen for JPY, fils for BHD. The currency is carried alongside, never
// inside, so that a column of amounts stays a column of integers.
type Amount int64

// Hours is a duration in ten-thousandths of an hour. Harvest reports
// rounded_hours with two decimals ("1.33", "0.25"); four decimals leave room
// for exports that carry more without ever falling back to floats.
type Hours int64

// HoursScale is the number of Hours units in one hour.
const HoursScale = 10000

// hoursDecimals is the number of fractional digits Hours can hold.
const hoursDecimals = 4

// Percent is a percentage in ten-thousandths of a percent: "12.5" is 125000.
type Percent int64

// PercentScale is the number of Percent units in one percent.
const PercentScale = 10000

const percentDecimals = 4

// parseDecimal parses s as an optionally signed decimal with at most maxFrac
// fractional digits and returns it scaled by 10^maxFrac. It accepts "12",
// "12.", "12.5", ".5", "-3.25" and rejects exponents, thousands separators,
// spaces inside the number and anything else.
func parseDecimal(s string, maxFrac int) (int64, error) {
	orig := s
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("%q: %w", orig, ErrSyntax)
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	intPart, fracPart, hasDot := strings.Cut(s, ".")
	if intPart == "" && fracPart == "" {
		return 0, fmt.Errorf("%q: %w", orig, ErrSyntax)
	}
	if hasDot && strings.ContainsRune(fracPart, '.') {
		return 0, fmt.Errorf("%q: %w", orig, ErrSyntax)
	}
	for _, part := range []string{intPart, fracPart} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return 0, fmt.Errorf("%q: %w", orig, ErrSyntax)
			}
		}
	}
	// Trailing zeros beyond the allowed precision carry no value: "1.2500" is
	// a valid two-decimal amount.
	fracPart = strings.TrimRight(fracPart, "0")
	if len(fracPart) > maxFrac {
		return 0, fmt.Errorf("%q allows at most %d: %w", orig, maxFrac, ErrPrecision)
	}
	intPart = strings.TrimLeft(intPart, "0")
	digits := intPart + fracPart + strings.Repeat("0", maxFrac-len(fracPart))
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return 0, nil
	}
	if len(digits) > 18 {
		return 0, fmt.Errorf("%q: %w", orig, ErrRange)
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q: %w", orig, ErrRange)
	}
	if neg {
		v = -v
	}
	return v, nil
}

// formatDecimal writes v / 10^frac with exactly frac fractional digits.
func formatDecimal(v int64, frac int) string {
	var b strings.Builder
	u := uint64(v)
	if v < 0 {
		b.WriteByte('-')
		u = uint64(-v) // two's complement: correct for MinInt64 too
	}
	digits := strconv.FormatUint(u, 10)
	if frac == 0 {
		b.WriteString(digits)
		return b.String()
	}
	if len(digits) <= frac {
		digits = strings.Repeat("0", frac-len(digits)+1) + digits
	}
	b.WriteString(digits[:len(digits)-frac])
	b.WriteByte('.')
	b.WriteString(digits[len(digits)-frac:])
	return b.String()
}

// trimDecimal formats like formatDecimal but drops trailing fractional zeros
// down to minFrac digits: 1.5000 hours prints "1.5" with minFrac 0.
func trimDecimal(v int64, frac, minFrac int) string {
	s := formatDecimal(v, frac)
	if frac == 0 {
		return s
	}
	dot := strings.IndexByte(s, '.')
	end := len(s)
	for end > dot+1+minFrac && s[end-1] == '0' {
		end--
	}
	if end == dot+1 {
		end = dot
	}
	return s[:end]
}

// ParseHours parses a decimal number of hours such as "1.33", "0.25" or "7.5".
func ParseHours(s string) (Hours, error) {
	v, err := parseDecimal(s, hoursDecimals)
	if err != nil {
		return 0, fmt.Errorf("hours %w", err)
	}
	return Hours(v), nil
}

// MustHours is ParseHours for constants in tests and examples; it panics on
// bad input.
func MustHours(s string) Hours {
	h, err := ParseHours(s)
	if err != nil {
		panic(err)
	}
	return h
}

// String formats h as a plain decimal with at least two fractional digits:
// "1.33", "7.50", "0.1667".
func (h Hours) String() string { return trimDecimal(int64(h), hoursDecimals, 2) }

// Minutes returns h in whole minutes, rounded half-up.
func (h Hours) Minutes() int64 { return roundDiv(int64(h)*60, HoursScale) }

// ParsePercent parses a percentage such as "10", "12.5" or "0".
func ParsePercent(s string) (Percent, error) {
	v, err := parseDecimal(s, percentDecimals)
	if err != nil {
		return 0, fmt.Errorf("percent %w", err)
	}
	return Percent(v), nil
}

// String formats p without trailing zeros: "12.5", "10".
func (p Percent) String() string { return trimDecimal(int64(p), percentDecimals, 0) }

// Parse parses a decimal amount of cur such as "1234.50" into minor units. A
// value with more decimals than the currency has ("1.005" USD, "1.5" JPY) is
// an error, never silently rounded.
func Parse(s string, cur Currency) (Amount, error) {
	v, err := parseDecimal(s, cur.Exponent())
	if err != nil {
		return 0, fmt.Errorf("amount in %s %w", cur, err)
	}
	return Amount(v), nil
}

// MustParse is Parse for constants in tests and examples; it panics on bad
// input.
func MustParse(s string, cur Currency) Amount {
	a, err := Parse(s, cur)
	if err != nil {
		panic(err)
	}
	return a
}

// Format writes a as a plain decimal in cur with exactly the currency's
// number of fractional digits: "1234.50", "-0.01", "1500" (JPY).
func (a Amount) Format(cur Currency) string { return formatDecimal(int64(a), cur.Exponent()) }

// Display writes a for people: thousands separators and the currency code,
// "USD 12,345.67".
func (a Amount) Display(cur Currency) string {
	s := a.Format(cur)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if hasFrac {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return string(cur) + " " + out
}

// roundDiv returns n/d rounded half away from zero. d must be positive.
func roundDiv(n, d int64) int64 {
	q, r := n/d, n%d
	if r < 0 {
		r = -r
	}
	if 2*r >= d {
		if n < 0 {
			q--
		} else {
			q++
		}
	}
	return q
}

// mulDivRound returns a*b/d rounded half away from zero, computing the
// product in 128 bits so that large quantities cannot overflow silently. It
// reports false when the result does not fit in an int64.
func mulDivRound(a, b, d int64) (int64, bool) {
	neg := (a < 0) != (b < 0)
	ua, ub := abs64(a), abs64(b)
	hi, lo := bits.Mul64(ua, ub)
	if hi >= uint64(d) {
		return 0, false
	}
	q, r := bits.Div64(hi, lo, uint64(d))
	// Check the range before rounding: q may be 2^64-1, and q++ would wrap
	// to zero and pass as a valid result.
	if q > math.MaxInt64 {
		return 0, false
	}
	if r >= uint64(d)-r { // 2r >= d without overflow: half rounds up
		q++
	}
	if q > math.MaxInt64 {
		return 0, false
	}
	if neg {
		return -int64(q), true
	}
	return int64(q), true
}

func abs64(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}

// LineAmount is billbot's one rounding rule for a priced quantity: qty × unit
// price, rounded half-up (away from zero) to the currency's minor unit. QBO
// rejects a SalesItemLine whose Amount is not UnitPrice × Qty to the cent
// ("Amount is not equal to UnitPrice * Qty"), and this is how its sandbox and
// billbot both compute that product.
func LineAmount(qty Hours, unitPrice Amount) Amount {
	v, ok := mulDivRound(int64(qty), int64(unitPrice), HoursScale)
	if !ok {
		panic(fmt.Sprintf("money: %s × %d overflows", qty, unitPrice))
	}
	return Amount(v)
}

// PercentOf returns p percent of a, rounded half-up to the minor unit: the
// amount of a percentage discount.
func PercentOf(a Amount, p Percent) Amount {
	v, ok := mulDivRound(int64(a), int64(p), 100*PercentScale)
	if !ok {
		panic(fmt.Sprintf("money: %s%% of %d overflows", p, a))
	}
	return Amount(v)
}

// Ratio returns part/whole as a Percent, rounded half-up; zero when whole is
// zero. It is used for retainer consumption ("82.5 % of the block used").
func Ratio(part, whole int64) Percent {
	if whole == 0 {
		return 0
	}
	if whole < 0 {
		// mulDivRound divides by an unsigned divisor: move the sign to part.
		if whole == math.MinInt64 || part == math.MinInt64 {
			panic("money: ratio overflows")
		}
		part, whole = -part, -whole
	}
	v, ok := mulDivRound(part, 100*PercentScale, whole)
	if !ok {
		panic("money: ratio overflows")
	}
	return Percent(v)
}
