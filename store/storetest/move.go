package storetest

import (
	"context"
	"fmt"
	"slices"

	"billbot/internal/billing"
	"billbot/store"
)

// Move brings invoice id to state to the way billbot would, one legal
// transition at a time along the shortest path of billing.Transitions (a
// fixture's "sent" invoice goes through pending and approved), each a
// guarded store.Transition by actor. apply runs on the last step only.
func Move(ctx context.Context, s *store.Store, id int64, to store.InvoiceState, actor string, apply func(*store.Invoice)) (store.Invoice, error) {
	inv, err := s.Invoice(ctx, id)
	if err != nil {
		return inv, err
	}
	path := Path(inv.State, to)
	if path == nil {
		return inv, fmt.Errorf("storetest: invoice %d: no legal way from %s to %s", id, inv.State, to)
	}
	for i, st := range path {
		var last func(*store.Invoice)
		if i == len(path)-1 {
			last = apply
		}
		if inv, err = s.Transition(ctx, id, []store.InvoiceState{inv.State}, st, actor, "", last); err != nil {
			return inv, err
		}
	}
	return inv, nil
}

// Path returns the states after from on a shortest chain of legal
// transitions to to (ending with to), or nil when to cannot be reached.
// Among equally short chains, the earliest states of
// billing.InvoiceStates are preferred.
func Path(from, to store.InvoiceState) []store.InvoiceState {
	prev := map[store.InvoiceState]store.InvoiceState{from: from}
	queue := []store.InvoiceState{from}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, next := range billing.InvoiceStates {
			if _, seen := prev[next]; seen || !billing.CanTransition(cur, next) {
				continue
			}
			prev[next] = cur
			if next == to {
				var path []store.InvoiceState
				for st := to; st != from; st = prev[st] {
					path = append(path, st)
				}
				slices.Reverse(path)
				return path
			}
			queue = append(queue, next)
		}
	}
	return nil
}
