package config

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// decoder walks a yaml.Node tree and collects located errors. Walking nodes
// instead of unmarshalling into structs is what gives every error its line
// and field, and lets unknown and duplicate keys be reported at every level.
type decoder struct {
	file string
	errs ErrorList
}

func (d *decoder) add(line int, field, format string, args ...any) {
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// maxAliasDepth bounds alias chains; the parser rejects cycles, this only
// keeps a pathological document from costing more than a few steps.
const maxAliasDepth = 16

// deref follows aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxAliasDepth; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return "a value"
}

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// join appends a mapping key to a field path: rates.Bookkeeping, or
// rates["Tax Prep"] when the key is not a plain word.
func join(path, key string) string {
	if !plainKey.MatchString(key) {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// entry is one key/value pair of a mapping.
type entry struct {
	key   string
	kline int
	val   *yaml.Node // alias-resolved; may be a null scalar
}

// entries returns the pairs of mapping n, reporting non-string and duplicate
// keys. ok is false (and an error reported) when n is not a mapping.
func (d *decoder) entries(n *yaml.Node, path string) (es []entry, ok bool) {
	if n.Kind != yaml.MappingNode {
		d.add(n.Line, path, "want a mapping of key: value, got %s", describe(n))
		return nil, false
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k == nil || v == nil {
			continue
		}
		if k.Kind != yaml.ScalarNode || isNull(k) {
			d.add(k.Line, path, "keys must be plain text, got %s", describe(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.add(k.Line, join(path, k.Value), "duplicate key (first set on line %d)", first)
			continue
		}
		seen[k.Value] = k.Line
		es = append(es, entry{key: k.Value, kline: k.Line, val: v})
	}
	return es, true
}

// fields is a mapping with a fixed set of keys, such as one client.
type fields struct {
	d    *decoder
	path string
	line int
	bad  bool // not a mapping: the error is reported, lookups find nothing
	vals map[string]*yaml.Node
}

// fields checks that n is a mapping whose keys are all in known.
func (d *decoder) fields(n *yaml.Node, path string, known ...string) *fields {
	f := &fields{d: d, path: path, line: n.Line, vals: map[string]*yaml.Node{}}
	es, ok := d.entries(n, path)
	f.bad = !ok
	for _, e := range es {
		if !slices.Contains(known, e.key) {
			d.add(e.kline, join(path, e.key), "unknown key (known keys: %s)", strings.Join(known, ", "))
			continue
		}
		f.vals[e.key] = e.val
	}
	return f
}

func (f *fields) field(key string) string { return join(f.path, key) }

// node returns the value of key, or nil when it is absent or null.
func (f *fields) node(key string) *yaml.Node {
	n := f.vals[key]
	if isNull(n) {
		return nil
	}
	return n
}

// lineOf is the line of key's value, or of the mapping when it is absent.
func (f *fields) lineOf(key string) int {
	if n := f.vals[key]; n != nil {
		return n.Line
	}
	return f.line
}

func (f *fields) errorf(key, format string, args ...any) {
	f.d.add(f.lineOf(key), f.field(key), format, args...)
}

// scalar returns key's text; ok is false when absent, null, or not a scalar
// (the last reported).
func (f *fields) scalar(key string) (string, bool) {
	n := f.node(key)
	if n == nil {
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		f.errorf(key, "want a single value, got %s", describe(n))
		return "", false
	}
	return n.Value, true
}

// str returns key's text, reporting it missing when required.
func (f *fields) str(key string, required bool) string {
	s, ok := f.scalar(key)
	if !ok || strings.TrimSpace(s) == "" {
		if required && !f.bad && (f.node(key) == nil || ok) {
			f.errorf(key, "required")
		}
		return ""
	}
	return strings.TrimSpace(s)
}

// once records in seen that key is used by the item at path or, when an
// earlier item used it already, reports field as "duplicate <what> (also
// <that item's path>)".
func once[K comparable](f *fields, seen map[K]string, key K, path, field, what string) {
	if first, dup := seen[key]; dup {
		f.errorf(field, "duplicate %s (also %s)", what, first)
		return
	}
	seen[key] = path
}

// oneOf reads key as one of allowed, or def when it is absent (reported
// when required). A value not in allowed is reported as "unknown <key>",
// with want saying what is allowed, and def is returned.
func oneOf[T ~string](f *fields, key string, required bool, allowed []T, def T, want string) T {
	s := f.str(key, required)
	if s == "" {
		return def
	}
	if !slices.Contains(allowed, T(s)) {
		f.errorf(key, "unknown %s %q (want %s)", key, s, want)
		return def
	}
	return T(s)
}

// int returns key's whole-number value; ok is false when absent, null or
// not a whole number (the last reported).
func (f *fields) int(key string) (int64, bool) {
	s, ok := f.scalar(key)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		f.errorf(key, "%q is not a whole number", s)
		return 0, false
	}
	return v, true
}

// list returns the items of a sequence value (nil when absent), reporting a
// value that is not a list.
func (f *fields) list(key string) ([]*yaml.Node, bool) {
	n := f.node(key)
	if n == nil {
		return nil, false
	}
	if n.Kind != yaml.SequenceNode {
		f.errorf(key, "want a list, got %s", describe(n))
		return nil, false
	}
	items := make([]*yaml.Node, 0, len(n.Content))
	for _, it := range n.Content {
		if it = deref(it); it != nil {
			items = append(items, it)
		}
	}
	return items, true
}
