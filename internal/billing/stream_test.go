package billing

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"billbot/internal/money"
)

// TestStreamIsAssess feeds the property test's firms to a Stream in a
// shuffled order, some entries through AddLater, and requires exactly
// Assess's result over the entries sorted as Stream documents: (SpentDate,
// ID), then the later ones by ID.
func TestStreamIsAssess(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			t.Parallel()
			in := randomInput(seed, 6000)
			// Same project, other names and currencies: what an orphan or a
			// currency mismatch names must not depend on the order.
			for i := range in.Entries {
				if i%5 == 0 {
					in.Entries[i].Project += fmt.Sprint(" v", i%3)
				}
				if i%11 == 0 {
					in.Entries[i].Currency = money.Currency([]string{"CAD", "GBP", ""}[i%3])
				}
			}
			later := map[int64]bool{}
			for i := 0; i < len(in.Entries); i += 9 {
				later[in.Entries[i].ID] = true
			}
			var first, rest []TimeEntry
			for _, e := range in.Entries {
				if later[e.ID] {
					rest = append(rest, e)
				} else {
					first = append(first, e)
				}
			}
			slices.SortFunc(first, func(a, b TimeEntry) int { return cmp.Or(a.SpentDate.Compare(b.SpentDate), cmp.Compare(a.ID, b.ID)) })
			slices.SortFunc(rest, func(a, b TimeEntry) int { return cmp.Compare(a.ID, b.ID) })
			rng := rand.New(rand.NewPCG(seed, 7))
			for _, end := range []Date{MustDate("2026-06-30"), MustDate("2026-06-14"), {}} {
				in.PeriodEnd = end
				sorted := in
				sorted.Entries = append(slices.Clone(first), rest...)
				want := Assess(sorted)

				s := NewStream(in)
				shuffled := slices.Clone(first)
				rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				for i := range shuffled {
					s.Add(&shuffled[i])
				}
				late := slices.Clone(rest)
				slices.Reverse(late)
				for i := range late {
					s.AddLater(&late[i])
				}
				got := s.Result()
				if diff := gocmp.Diff(want, got); diff != "" {
					t.Fatalf("period end %s: stream differs from Assess (-want +got):\n%s", end, diff)
				}
				if len(want.Problems) == 0 {
					t.Fatalf("period end %s: no problems to compare", end)
				}
			}
		})
	}
}
