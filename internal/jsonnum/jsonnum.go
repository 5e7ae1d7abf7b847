// Package jsonnum keeps a JSON number as its exact decimal text, so that a
// ledger's amounts ("1861.08") never pass through float64: the wire side of
// the vendors' Decimal types (qbo.Decimal, xero.Decimal), which parse the
// text with internal/money.
package jsonnum

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Marshal writes text as a bare JSON number; empty text is null. Text that
// is not a JSON number is an error starting with vendor.
func Marshal(text, vendor string) ([]byte, error) {
	if text == "" {
		return []byte("null"), nil
	}
	var n json.Number
	if err := json.Unmarshal([]byte(text), &n); err != nil || text[0] == '"' {
		return nil, fmt.Errorf("%s: decimal %q is not a JSON number", vendor, text)
	}
	return []byte(text), nil
}

// Unmarshal reads a JSON number, or a number in a string (which some
// endpoints emit), and returns its exact text; null is empty text. Errors
// start with vendor.
func Unmarshal(b []byte, vendor string) (string, error) {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return "", nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", fmt.Errorf("%s: decimal: %w", vendor, err)
		}
		b = []byte(s)
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return "", fmt.Errorf("%s: decimal %q: %w", vendor, b, err)
	}
	return n.String(), nil
}
