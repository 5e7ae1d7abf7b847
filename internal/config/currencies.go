package config

import "billbot/internal/money"

// isoCurrencies is the set of ISO 4217 codes a client may be billed in: the
// active codes of ISO 4217 list one (SIX Financial Information), without
// precious metals (XAU, XAG, XPD, XPT), bond-market units (XBA–XBD), the
// SDR (XDR, XSU, XUA) and the testing and "no currency" codes (XTS, XXX).
// money.ParseCurrency checks only the shape; this catches typos like "USS".
var isoCurrencies = func() map[money.Currency]bool {
	codes := []string{
		"AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN",
		"BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV",
		"BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF",
		"CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUP", "CVE", "CZK",
		"DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP",
		"GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL",
		"HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
		"JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT",
		"LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD",
		"MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR",
		"MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
		"PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF",
		"SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD",
		"SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP",
		"TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU",
		"UYW", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG",
		"XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
	}
	m := make(map[money.Currency]bool, len(codes))
	for _, c := range codes {
		m[money.Currency(c)] = true
	}
	return m
}()

// knownCurrency reports whether c is an ISO 4217 code billbot accepts.
func knownCurrency(c money.Currency) bool { return isoCurrencies[c] }
