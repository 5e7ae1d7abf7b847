package setup

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// diff lists the fields where the file (have) differs from what setup
// would now write (want). The file wins; the lines only inform. With
// missing, keys setup would write that the file lacks are listed too.
func diff(label string, have, want *yaml.Node, missing bool) []string {
	var out []string
	for i := 0; i+1 < len(want.Content); i += 2 {
		key, w := want.Content[i].Value, want.Content[i+1]
		h := get(have, key)
		switch {
		case h == nil && missing:
			out = append(out, fmt.Sprintf("changed: %s: %s is not in the file; setup would write %s", label, key, canon(w)))
		case h == nil:
		case canon(h) != canon(w):
			out = append(out, fmt.Sprintf("changed: %s: %s: the file keeps %s; setup now reads %s", label, key, canon(h), canon(w)))
		}
	}
	return out
}

// canon renders a value the same way whatever its YAML style: scalars as
// their text, mappings with sorted keys, sequences in order.
func canon(n *yaml.Node) string {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return n.Value
	case yaml.AliasNode:
		return canon(n.Alias)
	case yaml.SequenceNode:
		parts := make([]string, len(n.Content))
		for i, c := range n.Content {
			parts[i] = canon(c)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case yaml.MappingNode:
		var parts []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			parts = append(parts, canon(n.Content[i])+": "+canon(n.Content[i+1]))
		}
		slices.Sort(parts)
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return ""
}
