package jobs

import (
	"context"
	"errors"
	"testing"
)

func TestLocalLocker(t *testing.T) {
	t.Parallel()
	var l LocalLocker // the zero value is ready
	ctx := t.Context()

	unlock, ok, err := l.TryLock(ctx, "a")
	if !ok || err != nil {
		t.Fatalf("first TryLock(a) = %v, %v", ok, err)
	}
	if u, ok, err := l.TryLock(ctx, "a"); ok || err != nil || u != nil {
		t.Fatalf("second TryLock(a) = %v, %v; want held", ok, err)
	}
	unlockB, ok, err := l.TryLock(ctx, "b")
	if !ok || err != nil {
		t.Fatalf("TryLock(b) = %v, %v; keys are independent", ok, err)
	}
	unlock()
	unlock() // idempotent: must not release a later holder's lock
	again, ok, _ := l.TryLock(ctx, "a")
	if !ok {
		t.Fatal("TryLock(a) after unlock: want it free")
	}
	unlock() // stale unlock from the first holder
	if _, ok, _ := l.TryLock(ctx, "a"); ok {
		t.Fatal("a stale unlock released the current holder's lock")
	}
	again()
	unlockB()

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, ok, err := l.TryLock(cancelled, "c"); ok || !errors.Is(err, context.Canceled) {
		t.Errorf("TryLock with a cancelled context = %v, %v", ok, err)
	}
}
