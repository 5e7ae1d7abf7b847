package store_test

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"

	"billbot/store"
	"billbot/store/storetest"
)

// TestUpdateSecretSerialises runs read-modify-write updaters at once: each
// sees the previous one's value, so none is lost.
func TestUpdateSecretSerialises(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if err := s.PutSecret(ctx, "n", []byte("0")); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				err := s.UpdateSecret(ctx, "n", func(ct []byte) ([]byte, error) {
					return append(bytes.Clone(ct), '+'), nil
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got, err := s.Secret(ctx, "n")
		if err != nil || string(got) != "0++++++++" {
			t.Errorf("after 8 updates: %q, %v", got, err)
		}
		// nil leaves it; an error rolls back and comes back as is.
		boom := errors.New("boom")
		if err := s.UpdateSecret(ctx, "n", func([]byte) ([]byte, error) { return nil, nil }); err != nil {
			t.Error(err)
		}
		if err := s.UpdateSecret(ctx, "n", func([]byte) ([]byte, error) { return []byte("x"), boom }); err != boom {
			t.Errorf("fn error = %v", err)
		}
		if got, _ := s.Secret(ctx, "n"); string(got) != "0++++++++" {
			t.Errorf("after nil and failed updates: %q", got)
		}
		var seen []byte
		if err := s.UpdateSecret(ctx, "unset", func(ct []byte) ([]byte, error) { seen = ct; return nil, nil }); err != nil || seen != nil {
			t.Errorf("unset secret: %q, %v", seen, err)
		}
	})
}

func TestCheckKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		opensA := func(_ string, ct []byte) bool { return bytes.HasPrefix(ct, []byte("A:")) }
		opensB := func(_ string, ct []byte) bool { return bytes.HasPrefix(ct, []byte("B:")) }
		// No secrets, no fingerprint: the key is recorded.
		if err := s.CheckKey(ctx, "fpA", opensA); err != nil {
			t.Fatal(err)
		}
		// Nothing sealed yet: another key just replaces the fingerprint.
		if err := s.CheckKey(ctx, "fpB", opensB); err != nil {
			t.Fatal(err)
		}
		if err := s.CheckKey(ctx, "fpA", opensA); err != nil {
			t.Fatal(err)
		}
		if err := s.PutSecret(ctx, "qbo/oauth_token", []byte("A:token")); err != nil {
			t.Fatal(err)
		}
		if err := s.CheckKey(ctx, "fpA", opensA); err != nil {
			t.Errorf("right key: %v", err)
		}
		if err := s.CheckKey(ctx, "fpB", opensB); !errors.Is(err, store.ErrKeyMismatch) {
			t.Errorf("wrong key: %v, want ErrKeyMismatch", err)
		}
		if fp, _ := s.KeyFingerprint(ctx); fp != "fpA" {
			t.Errorf("fingerprint after a refused key = %q", fp)
		}
		// The fingerprint row is the store's own.
		if _, err := s.Secret(ctx, "billbot/key_fingerprint"); !errors.Is(err, store.ErrReservedSecret) {
			t.Errorf("reserved read: %v", err)
		}
		if err := s.PutSecret(ctx, "billbot/key_fingerprint", []byte("x")); !errors.Is(err, store.ErrReservedSecret) {
			t.Errorf("reserved write: %v", err)
		}
	})
}

// TestCheckKeyLegacy covers a database from before fingerprints: the key
// is accepted only if it opens what is stored.
func TestCheckKeyLegacy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if err := s.PutSecret(ctx, "qbo/oauth_token", []byte("A:token")); err != nil {
			t.Fatal(err)
		}
		err := s.CheckKey(ctx, "fpB", func(_ string, ct []byte) bool { return bytes.HasPrefix(ct, []byte("B:")) })
		if !errors.Is(err, store.ErrKeyMismatch) {
			t.Errorf("wrong key on a legacy database: %v", err)
		}
		if fp, _ := s.KeyFingerprint(ctx); fp != "" {
			t.Errorf("fingerprint recorded for a refused key: %q", fp)
		}
		if err := s.CheckKey(ctx, "fpA", func(_ string, ct []byte) bool { return bytes.HasPrefix(ct, []byte("A:")) }); err != nil {
			t.Fatal(err)
		}
		if fp, _ := s.KeyFingerprint(ctx); fp != "fpA" {
			t.Errorf("fingerprint = %q", fp)
		}
	})
}

func TestResealSecrets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if err := s.CheckKey(ctx, "fpA", func(string, []byte) bool { return true }); err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"one", "two", "three"} {
			if err := s.PutSecret(ctx, n, []byte("A:"+n)); err != nil {
				t.Fatal(err)
			}
		}
		reseal := func(name string, ct []byte) ([]byte, error) {
			if name == "billbot/key_fingerprint" {
				t.Error("the fingerprint row was offered for resealing")
			}
			if rest, ok := bytes.CutPrefix(ct, []byte("A:")); ok {
				return append([]byte("B:"), rest...), nil
			}
			return nil, nil
		}
		// A failure half-way changes nothing.
		_, err := s.ResealSecrets(ctx, "fpB", func(name string, ct []byte) ([]byte, error) {
			if name == "two" {
				return nil, errors.New("cannot open two")
			}
			return reseal(name, ct)
		})
		if err == nil || !strings.Contains(err.Error(), "cannot open two") {
			t.Fatalf("failed reseal: %v", err)
		}
		if got, _ := s.Secret(ctx, "one"); string(got) != "A:one" {
			t.Errorf("after a failed reseal: %q", got)
		}
		if fp, _ := s.KeyFingerprint(ctx); fp != "fpA" {
			t.Errorf("fingerprint after a failed reseal: %q", fp)
		}
		n, err := s.ResealSecrets(ctx, "fpB", reseal)
		if err != nil || n != 3 {
			t.Fatalf("reseal = %d, %v", n, err)
		}
		// Re-run: everything is already under B.
		if n, err := s.ResealSecrets(ctx, "fpB", reseal); err != nil || n != 0 {
			t.Errorf("re-run = %d, %v", n, err)
		}
		for _, name := range []string{"one", "two", "three"} {
			if got, _ := s.Secret(ctx, name); string(got) != "B:"+name {
				t.Errorf("%s = %q", name, got)
			}
		}
		if fp, _ := s.KeyFingerprint(ctx); fp != "fpB" {
			t.Errorf("fingerprint = %q", fp)
		}
	})
}
