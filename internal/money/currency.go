package money

import (
	"fmt"
	"strings"
)

// Currency is an ISO 4217 alphabetic code such as "USD" or "CAD".
type Currency string

// exponents lists the ISO 4217 currencies whose minor unit is not 1/100.
// Source: ISO 4217 list one (SIX Financial Information), "Minor unit" column.
var exponents = map[Currency]int{
	"BHD": 3, "BIF": 0, "CLF": 4, "CLP": 0, "DJF": 0, "GNF": 0, "IQD": 3,
	"ISK": 0, "JOD": 3, "JPY": 0, "KMF": 0, "KRW": 0, "KWD": 3, "LYD": 3,
	"OMR": 3, "PYG": 0, "RWF": 0, "TND": 3, "UGX": 0, "UYI": 0, "UYW": 4,
	"VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}

// Exponent returns the number of decimal places of the currency's minor
// unit: 2 for USD, 0 for JPY, 3 for KWD.
func (c Currency) Exponent() int {
	if e, ok := exponents[c]; ok {
		return e
	}
	return 2
}

// ParseCurrency accepts a three-letter ISO code in any case ("cad") or the
// "Name - CODE" form of Harvest's CSV exports ("Swedish Krona - SEK").
func ParseCurrency(s string) (Currency, error) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, " - "); i >= 0 {
		s = strings.TrimSpace(s[i+3:])
	}
	if len(s) != 3 {
		return "", fmt.Errorf("currency %q: want a three-letter ISO 4217 code", s)
	}
	up := strings.ToUpper(s)
	for i := 0; i < 3; i++ {
		if up[i] < 'A' || up[i] > 'Z' {
			return "", fmt.Errorf("currency %q: want a three-letter ISO 4217 code", s)
		}
	}
	return Currency(up), nil
}

// MinorPerMajor returns 10^Exponent: 100 for USD, 1 for JPY.
func (c Currency) MinorPerMajor() int64 {
	m := int64(1)
	for range c.Exponent() {
		m *= 10
	}
	return m
}
