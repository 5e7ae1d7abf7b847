package workflow_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/workflow"
)

func TestMatchName(t *testing.T) {
	t.Parallel()
	names := []string{"Acme Corp", "Acme Holdings", "Birch & Daughters", "O'Brien Family Office", "Zed"}
	tests := []struct {
		query       string
		want        string
		suggestions []string
	}{
		{"Acme Corp", "Acme Corp", nil},
		{"acme corp", "Acme Corp", nil},
		{"  ACME   corp ", "Acme Corp", nil},
		{"birch & daughters", "Birch & Daughters", nil},
		{"acme", "", []string{"Acme Corp", "Acme Holdings"}},
		{"acme crop", "", []string{"Acme Corp"}},
		{"acme corpp", "", []string{"Acme Corp"}},
		{"brich", "", []string{"Birch & Daughters"}},
		{"birhc", "", []string{"Birch & Daughters"}},
		{"obrien", "", nil},
		{"o'brien", "", []string{"O'Brien Family Office"}},
		{"zebra", "", nil},
		{"zd", "", []string{"Zed"}},
		{"", "", nil},
	}
	for _, tt := range tests {
		got, sugg := workflow.MatchName(tt.query, names)
		if got != tt.want || !cmp.Equal(sugg, tt.suggestions) {
			t.Errorf("MatchName(%q) = %q, %q; want %q, %q", tt.query, got, sugg, tt.want, tt.suggestions)
		}
	}
}
