package metrics

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The rules below follow the Prometheus data model
// (https://prometheus.io/docs/concepts/data_model/) and the text format
// 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/).

// validate checks the metric and label names, and histogram buckets.
func (d *desc) validate() error {
	if !validName(d.name, true) {
		return fmt.Errorf("metrics: invalid metric name %q", d.name)
	}
	seen := make(map[string]bool, len(d.labels))
	for _, l := range d.labels {
		if !validName(l, false) || strings.HasPrefix(l, "__") {
			return fmt.Errorf("metrics: %s: invalid label name %q", d.name, l)
		}
		if d.kind == "histogram" && l == "le" {
			return fmt.Errorf("metrics: %s: label name \"le\" is reserved for histogram buckets", d.name)
		}
		if seen[l] {
			return fmt.Errorf("metrics: %s: duplicate label name %q", d.name, l)
		}
		seen[l] = true
	}
	if d.kind == "histogram" {
		if len(d.buckets) == 0 {
			return errors.New("metrics: " + d.name + ": histogram needs at least one finite bucket")
		}
		for i, b := range d.buckets {
			if math.IsNaN(b) || math.IsInf(b, 0) || (i > 0 && b <= d.buckets[i-1]) {
				return fmt.Errorf("metrics: %s: buckets must be finite and strictly increasing", d.name)
			}
		}
	}
	return nil
}

// validName reports whether s matches [a-zA-Z_:][a-zA-Z0-9_:]* (metric
// names) or [a-zA-Z_][a-zA-Z0-9_]* (label names, colon not allowed).
func validName(s string, colon bool) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') ||
			(colon && r == ':') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// helpEscaper escapes a HELP docstring: backslash and line feed.
var helpEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`)

// labelEscaper escapes a label value: backslash, double quote, line feed.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func escapeHelp(s string) string { return helpEscaper.Replace(strings.ToValidUTF8(s, "\uFFFD")) }

// escapeLabel escapes a label value; family.with already made it valid UTF-8.
func escapeLabel(s string) string { return labelEscaper.Replace(s) }

// formatFloat writes a sample value or bucket bound as Go's ParseFloat and
// Prometheus read it, with the format's spellings of the special values.
func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, +1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// writeSample writes `name{l1="v1",...,extra="ev"} value\n`; the extra pair
// (the histogram's le) is omitted when extraName is empty.
func writeSample(b *bytes.Buffer, name string, names, values []string, extraName, extraValue, value string) {
	b.WriteString(name)
	if len(names) > 0 || extraName != "" {
		b.WriteByte('{')
		for i, n := range names {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(n)
			b.WriteString(`="`)
			b.WriteString(escapeLabel(values[i]))
			b.WriteByte('"')
		}
		if extraName != "" {
			if len(names) > 0 {
				b.WriteByte(',')
			}
			b.WriteString(extraName)
			b.WriteString(`="`)
			b.WriteString(extraValue)
			b.WriteByte('"')
		}
		b.WriteByte('}')
	}
	b.WriteByte(' ')
	b.WriteString(value)
	b.WriteByte('\n')
}
