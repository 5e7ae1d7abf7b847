package setup

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalise(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"Acme Corp", "acme"},
		{"ACME, Inc.", "acme"},
		{"Acme Corporation", "acme"},
		{"Smith & Jones LLC", "smith and jones"},
		{"Smith and Jones, L.L.C.", "smith and jones"},
		{"  Brown   Holdings  Ltd ", "brown holdings"},
		{"O'Brien Family Trust", "obrien family trust"},
		{"The Widget Co.", "widget"},
		{"Company", "company"},
		{"Inc. Magazine Inc", "inc magazine"},
		{"Café Müller GmbH", "café müller gmbh"},
		{"Tax Prep", "tax prep"},
		{"tax-prep", "tax prep"},
		{"", ""},
	} {
		if got := Normalise(tc.in); got != tc.want {
			t.Errorf("Normalise(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestIndexFind(t *testing.T) {
	t.Parallel()
	ix := NewIndex([]string{"Acme Corp", "Smith & Jones LLC", "Brown Holdings", "Brown Holdings Ltd", "Twin", "Twin"})
	for _, tc := range []struct {
		name string
		want Found
	}{
		{"Acme Corp", Found{Index: 0, Confidence: Exact}},
		{"ACME, Inc.", Found{Index: 0, Confidence: Normalised}},
		{"Smith and Jones", Found{Index: 1, Confidence: Normalised}},
		{"Brown Holdings", Found{Index: 2, Confidence: Exact}}, // exact beats two normalised
		{"brown holdings inc", Found{Index: -1, Confidence: Ambiguous, Candidates: []int{2, 3}}},
		{"Twin", Found{Index: -1, Confidence: Ambiguous, Candidates: []int{4, 5}}},
		{"Nobody LLC", Found{Index: -1, Confidence: NoMatch}},
		{"LLC", Found{Index: -1, Confidence: NoMatch}},
		{"...", Found{Index: -1, Confidence: NoMatch}},
	} {
		if got := ix.Find(tc.name); !cmp.Equal(got, tc.want) {
			t.Errorf("Find(%q) = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
