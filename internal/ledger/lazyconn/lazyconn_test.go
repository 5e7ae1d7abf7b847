package lazyconn

import (
	"context"
	"errors"
	"testing"
)

var errNotConnected = errors.New("not connected")

type client struct{ key string }

// TestGetFollowsTheKey: nothing before a connection, and a failed build is
// not retried at once while the key stays; one client per key, rebuilt
// when the key changes.
func TestGetFollowsTheKey(t *testing.T) {
	ctx := context.Background()
	key, builds := "", map[string]int{}
	src := Source[string, client]{
		Vendor:       "Books",
		NotConnected: errNotConnected,
		Key:          func(context.Context) (string, error) { return key, nil },
		Build: func(_ context.Context, k string) (*client, error) {
			builds[k]++
			if k == "" {
				return nil, nil
			}
			return &client{k}, nil
		},
	}
	var c Conn[string, client]
	for range 2 {
		if _, err := c.Get(ctx, src); !errors.Is(err, errNotConnected) {
			t.Fatalf("before a connection: %v, want the not-connected error", err)
		}
	}
	if builds[""] != 1 || c.Current() != nil {
		t.Errorf("builds before a connection %d, current %v; want one and none", builds[""], c.Current())
	}
	key = "a"
	first, err := c.Get(ctx, src)
	if err != nil || first.key != "a" {
		t.Fatalf("after the connection: %v, %v", first, err)
	}
	if again, _ := c.Get(ctx, src); again != first || c.Current() != first {
		t.Error("the client was rebuilt though the key did not change")
	}
	key = "b"
	if second, _ := c.Get(ctx, src); second == first || second.key != "b" {
		t.Errorf("after a reconnect: %v, want a new client", second)
	}
}

// TestGetNamesTheVendor: a failed read of the connection names the ledger
// and wraps the cause.
func TestGetNamesTheVendor(t *testing.T) {
	cause := errors.New("db down")
	var c Conn[int64, client]
	_, err := c.Get(context.Background(), Source[int64, client]{
		Vendor: "Books",
		Key:    func(context.Context) (int64, error) { return 0, cause },
	})
	if !errors.Is(err, cause) || err.Error() != "Books: read the connection: db down" {
		t.Errorf("err = %v", err)
	}
}

// TestWith: the call is made on the client got, or not at all.
func TestWith(t *testing.T) {
	ctx := context.Background()
	got := func(context.Context) (int, error) { return 2, nil }
	failed := func(context.Context) (int, error) { return 0, errNotConnected }
	if r, err := With(ctx, got, func(n int) (int, error) { return n * 3, nil }); r != 6 || err != nil {
		t.Errorf("With = %d, %v", r, err)
	}
	if r, s, err := With2(ctx, failed, func(n int) (int, string, error) { return n, "called", nil }); r != 0 || s != "" || !errors.Is(err, errNotConnected) {
		t.Errorf("With2 without a client = %d, %q, %v", r, s, err)
	}
}
