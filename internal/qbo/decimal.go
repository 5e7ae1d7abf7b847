package qbo

import (
	"billbot/internal/jsonnum"
	"billbot/internal/money"
)

// Decimal is a JSON number on the QBO wire (Amount, UnitPrice, Qty,
// TotalAmt, Balance) kept as its exact decimal text. It marshals as a bare
// JSON number and never passes through float64, so "1861.08" stays
// "1861.08". The zero Decimal ("") is "absent" and is omitted by omitempty.
type Decimal string

// AmountDecimal writes a money amount as QBO expects it: a plain decimal with
// the currency's number of fractional digits.
func AmountDecimal(a money.Amount, cur money.Currency) Decimal {
	return Decimal(a.Format(cur))
}

// HoursDecimal writes a quantity of hours ("1.33", "7.50") for Qty.
func HoursDecimal(h money.Hours) Decimal { return Decimal(h.String()) }

// Amount parses d into minor units of cur. A value with more decimals than
// the currency has is an error, never silently rounded; absent is zero.
func (d Decimal) Amount(cur money.Currency) (money.Amount, error) {
	if d == "" {
		return 0, nil
	}
	return money.Parse(string(d), cur)
}

// Hours parses d as a quantity of hours; absent is zero.
func (d Decimal) Hours() (money.Hours, error) {
	if d == "" {
		return 0, nil
	}
	return money.ParseHours(string(d))
}

// MarshalJSON writes the decimal text as a JSON number.
func (d Decimal) MarshalJSON() ([]byte, error) { return jsonnum.Marshal(string(d), "qbo") }

// UnmarshalJSON accepts a JSON number (or a number in a string, which some
// QBO endpoints emit) and keeps its exact text.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	text, err := jsonnum.Unmarshal(b, "qbo")
	if err != nil {
		return err
	}
	*d = Decimal(text)
	return nil
}
