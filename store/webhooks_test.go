package store_test

import (
	"fmt"
	"testing"
	"time"

	"billbot/store"
	"billbot/store/storetest"
)

func inv(id string) store.RefreshRef { return store.RefreshRef{Entity: "Invoice", EntityID: id} }

// TestTakeWebhookOnce: a delivery posted again takes nothing; an event
// redelivered in another delivery takes nothing; events naming one invoice
// queue one refresh.
func TestTakeWebhookOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		now := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
		evs := []store.WebhookEvent{{Key: "e1", Ref: inv("130")}, {Key: "e2", Ref: inv("130")}, {Key: "e3", Ref: inv("131")}, {Key: "e3", Ref: inv("131")}}
		for i, want := range []int{3, 0, 0} {
			n, err := s.TakeWebhook(ctx, "d1", evs, now)
			if err != nil || n != want {
				t.Fatalf("take %d: %d, %v; want %d", i, n, err, want)
			}
		}
		if n, err := s.TakeWebhook(ctx, "d2", []store.WebhookEvent{{Key: "e1", Ref: inv("130")}, {Key: "e4", Ref: inv("132")}}, now); err != nil || n != 1 {
			t.Fatalf("other delivery: %d, %v; want 1 new event", n, err)
		}
		if n, _ := s.PendingRefreshes(ctx); n != 3 {
			t.Errorf("pending = %d, want 3 (130, 131, 132)", n)
		}
	})
}

// TestRefreshQueueClaims: claims lease rows, a second claimer gets the
// others, a refresh re-queued while claimed survives its finish, and an
// expired lease is claimed again.
func TestRefreshQueueClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		now := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
		var evs []store.WebhookEvent
		for i := range 5 {
			evs = append(evs, store.WebhookEvent{Key: fmt.Sprint("k", i), Ref: inv(fmt.Sprint(100 + i))})
		}
		if _, err := s.TakeWebhook(ctx, "d1", evs, now); err != nil {
			t.Fatal(err)
		}
		a, err := s.ClaimRefreshes(ctx, 3, now, time.Minute)
		if err != nil || len(a) != 3 {
			t.Fatalf("first claim: %v, %v", a, err)
		}
		b, err := s.ClaimRefreshes(ctx, 10, now, time.Minute)
		if err != nil || len(b) != 2 {
			t.Fatalf("second claim: %v, %v; want the 2 others", b, err)
		}
		if c, _ := s.ClaimRefreshes(ctx, 10, now.Add(30*time.Second), time.Minute); len(c) != 0 {
			t.Fatalf("claim while leased: %v", c)
		}
		// A new event for a claimed invoice: its refresh must run again.
		if _, err := s.TakeWebhook(ctx, "d2", []store.WebhookEvent{{Key: "k-new", Ref: a[0].RefreshRef}}, now); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishRefreshes(ctx, append(a, b...)); err != nil {
			t.Fatal(err)
		}
		left, err := s.ClaimRefreshes(ctx, 10, now, time.Minute)
		if err != nil || len(left) != 1 || left[0].RefreshRef != a[0].RefreshRef {
			t.Fatalf("after finish: %v, %v; want %v again", left, err, a[0].RefreshRef)
		}
		// Its worker dies: the lease runs out and another claims it.
		again, err := s.ClaimRefreshes(ctx, 10, now.Add(2*time.Minute), time.Minute)
		if err != nil || len(again) != 1 {
			t.Fatalf("after the lease: %v, %v", again, err)
		}
		if err := s.FinishRefreshes(ctx, again); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.PendingRefreshes(ctx); n != 0 {
			t.Errorf("pending = %d, want 0", n)
		}
		if n, err := s.PruneWebhookReceipts(ctx, now.Add(time.Second)); err != nil || n != 8 {
			t.Errorf("pruned %d, %v; want 8 receipts (2 deliveries, 6 events)", n, err)
		}
	})
}

// TestTakeWebhookLarge takes a delivery of 5,000 events in one go.
func TestTakeWebhookLarge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var evs []store.WebhookEvent
		for i := range 5000 {
			evs = append(evs, store.WebhookEvent{Key: fmt.Sprint("k", i), Ref: inv(fmt.Sprint(i))})
		}
		n, err := s.TakeWebhook(t.Context(), "big", evs, time.Now())
		if err != nil || n != 5000 {
			t.Fatalf("take: %d, %v", n, err)
		}
		if p, _ := s.PendingRefreshes(t.Context()); p != 5000 {
			t.Errorf("pending = %d", p)
		}
	})
}
