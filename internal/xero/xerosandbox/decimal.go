package xerosandbox

import (
	"encoding/json"
	"math/big"
	"strconv"
	"strings"
)

// parseScaled reads a JSON number as an integer scaled by 10^dp. tooFine
// is true when it has more than dp non-zero decimals; ok is false when it
// is not a plain decimal.
func parseScaled(n json.Number, dp int) (v int64, tooFine, ok bool) {
	s := strings.TrimSpace(string(n))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	ip, fp, _ := strings.Cut(s, ".")
	fp = strings.TrimRight(fp, "0")
	if ip == "" {
		ip = "0"
	}
	if len(fp) > dp {
		return 0, true, true
	}
	iv, err := strconv.ParseInt(ip+fp+strings.Repeat("0", dp-len(fp)), 10, 64)
	if err != nil {
		return 0, false, false
	}
	if neg {
		iv = -iv
	}
	return iv, false, true
}

// roundScaled rounds v (scaled by 10^from) to 10^to decimals, half away
// from zero.
func roundScaled(v int64, from, to int) int64 {
	return divRound(big.NewInt(v), pow10(from-to))
}

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// divRound is n / d rounded half away from zero (d > 0).
func divRound(n, d *big.Int) int64 {
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	r2 := new(big.Int).Mul(new(big.Int).Abs(r), big.NewInt(2))
	if r2.Cmp(d) >= 0 {
		if n.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q.Int64()
}

// lineAmount is Quantity × UnitAmount (both scaled by 10^4) rounded to
// cents, as Xero computes LineAmount
// (developer.xero.com/documentation/api-guides/rounding-in-xero: line
// totals at two decimals).
func lineAmount(qty, unit int64) int64 {
	p := new(big.Int).Mul(big.NewInt(qty), big.NewInt(unit))
	return divRound(p, pow10(6))
}

// tax is a line's tax in cents at rate (percent scaled by 10^4): on top of
// the amount (Exclusive) or inside it (Inclusive), rounded per line to two
// decimals (rounding-in-xero: "Xero calculates tax on a per line basis,
// rounding to two decimal places").
func tax(amount, rate int64, inclusive bool) int64 {
	n := new(big.Int).Mul(big.NewInt(amount), big.NewInt(rate))
	if inclusive {
		return divRound(n, big.NewInt(100*10000+rate))
	}
	return divRound(n, big.NewInt(100*10000))
}

// num writes v / 10^dp as a JSON number with exactly dp decimals.
func num(v int64, dp int) json.Number {
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v, 10)
	if dp > 0 {
		if len(s) <= dp {
			s = strings.Repeat("0", dp-len(s)+1) + s
		}
		s = s[:len(s)-dp] + "." + s[len(s)-dp:]
	}
	if neg {
		s = "-" + s
	}
	return json.Number(s)
}
