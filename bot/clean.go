package bot

import (
	"strings"
	"unicode"
)

// cleanText makes text a person typed safe to store and show: invalid UTF-8
// is dropped, and so are control characters (C0 but tab and line breaks,
// DEL, C1), which no one means to type and which Postgres refuses (a NUL
// in a text value is an error: "invalid byte sequence for encoding UTF8:
// 0x00", postgresql.org/docs/current/datatype-character.html).
func cleanText(s string) string {
	clean := true
	for _, r := range s {
		if r == unicode.ReplacementChar || isControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	s = strings.ToValidUTF8(s, "")
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}

func isControl(r rune) bool {
	switch r {
	case '\t', '\n', '\r':
		return false
	}
	return unicode.IsControl(r)
}
