package metrics

import (
	"strings"
	"testing"
)

// parseSample reads one sample line of the text format 0.0.4, undoing the
// label value escapes, so tests check that what is written reads back.
func parseSample(t *testing.T, line string) (name string, labels [][2]string, value string) {
	t.Helper()
	i := strings.IndexAny(line, "{ ")
	if i <= 0 {
		t.Fatalf("no metric name in %q", line)
	}
	name, rest := line[:i], line[i:]
	if rest[0] == '{' {
		rest = rest[1:]
		for rest[0] != '}' {
			eq := strings.Index(rest, `="`)
			if eq <= 0 {
				t.Fatalf("bad label in %q", line)
			}
			ln := rest[:eq]
			rest = rest[eq+2:]
			var v strings.Builder
			for {
				if rest == "" {
					t.Fatalf("unterminated label value in %q", line)
				}
				c := rest[0]
				rest = rest[1:]
				if c == '"' {
					break
				}
				if c == '\\' {
					switch rest[0] {
					case '\\':
						v.WriteByte('\\')
					case '"':
						v.WriteByte('"')
					case 'n':
						v.WriteByte('\n')
					default:
						t.Fatalf("bad escape in %q", line)
					}
					rest = rest[1:]
					continue
				}
				v.WriteByte(c)
			}
			labels = append(labels, [2]string{ln, v.String()})
			rest = strings.TrimPrefix(rest, ",")
		}
		rest = rest[1:]
	}
	if !strings.HasPrefix(rest, " ") {
		t.Fatalf("no value in %q", line)
	}
	return name, labels, rest[1:]
}
