// Package setup turns what Harvest, QuickBooks Online and Slack hold into a
// first firm configuration: it matches Harvest clients to QBO customers and
// Harvest tasks to QBO items, guesses each engagement's terms, and writes
// the YAML that `billbot config import` reads, with every decision a person
// must still make listed as a comment. Re-run against an existing file it
// keeps what is there and adds what is new. Everything here is pure except
// Gather, which reads the vendors through small interfaces.
package setup

import (
	"strings"
	"unicode"
)

// Confidence says how a name was matched.
type Confidence string

// Match confidences, from surest to none.
const (
	Exact      Confidence = "exact"      // the same text
	Normalised Confidence = "normalised" // the same once case, punctuation, legal suffixes, "&"/"and" and spaces are ignored
	Ambiguous  Confidence = "ambiguous"  // several candidates fit equally well
	NoMatch    Confidence = "none"
)

// legalSuffixes are dropped from the end of a normalised name: "Acme,
// Inc." and "ACME" are the same customer.
var legalSuffixes = map[string]bool{
	"inc": true, "incorporated": true, "llc": true, "ltd": true, "limited": true,
	"corp": true, "corporation": true, "co": true, "company": true, "plc": true, "llp": true,
}

// Normalise folds a name for matching: lower case, "&" read as "and",
// punctuation as spaces, legal suffixes (Inc, LLC, Ltd, Corp, …) dropped
// from the end, runs of spaces collapsed. Apostrophes join ("O'Brien" →
// "obrien"). A name made only of a suffix ("Company") keeps it.
func Normalise(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r == '&' || r == '+':
			b.WriteString(" and ")
		case r == '\'' || r == '’' || r == '.':
			// joined: "O'Brien", "L.L.C." → "llc"
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	for len(words) > 1 && legalSuffixes[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	if len(words) > 1 && words[0] == "the" {
		words = words[1:]
	}
	return strings.Join(words, " ")
}

// Index finds names among candidates, exactly or normalised.
type Index struct {
	names []string
	exact map[string][]int
	norm  map[string][]int
}

// NewIndex indexes names; matches are positions in names.
func NewIndex(names []string) *Index {
	ix := &Index{names: names, exact: map[string][]int{}, norm: map[string][]int{}}
	for i, n := range names {
		ix.exact[n] = append(ix.exact[n], i)
		ix.norm[Normalise(n)] = append(ix.norm[Normalise(n)], i)
	}
	return ix
}

// Found is the outcome of one lookup: the position of the match (-1 when
// there is none or it is ambiguous), how sure it is, and every candidate
// when ambiguous.
type Found struct {
	Index      int
	Confidence Confidence
	Candidates []int
}

// Find looks name up: one exact match first, else one normalised match.
// Two candidates with the same text, or the same normalised text without
// an exact winner, are Ambiguous.
func (ix *Index) Find(name string) Found {
	if hits := ix.exact[name]; len(hits) == 1 {
		return Found{Index: hits[0], Confidence: Exact}
	} else if len(hits) > 1 {
		return Found{Index: -1, Confidence: Ambiguous, Candidates: hits}
	}
	key := Normalise(name)
	if key == "" {
		return Found{Index: -1, Confidence: NoMatch}
	}
	switch hits := ix.norm[key]; len(hits) {
	case 0:
		return Found{Index: -1, Confidence: NoMatch}
	case 1:
		return Found{Index: hits[0], Confidence: Normalised}
	default:
		return Found{Index: -1, Confidence: Ambiguous, Candidates: hits}
	}
}

// Name returns the candidate name at position i.
func (ix *Index) Name(i int) string { return ix.names[i] }
