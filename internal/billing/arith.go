package billing

import "math/bits"

// mulDivHalfUp returns a×b÷c rounded half-up, for non-negative a and b and
// positive c, with a 128-bit product so that large receivables cannot
// overflow. The quotient must fit in an int64.
func mulDivHalfUp(a, b, c int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	q, r := bits.Div64(hi, lo, uint64(c))
	if r >= uint64(c)-r {
		q++
	}
	return int64(q)
}
