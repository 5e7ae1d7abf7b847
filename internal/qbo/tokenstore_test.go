package qbo

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/secrets"
)

// memSecrets is a SecretStore in memory.
type memSecrets struct {
	mu       sync.Mutex
	m        map[string][]byte
	notFound error
}

func (s *memSecrets) PutSecret(_ context.Context, name string, ct []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string][]byte{}
	}
	s.m[name] = bytes.Clone(ct)
	return nil
}

func (s *memSecrets) Secret(_ context.Context, name string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ct, ok := s.m[name]
	if !ok {
		if s.notFound != nil {
			return nil, s.notFound
		}
		return nil, ErrSecretNotFound
	}
	return ct, nil
}

func testBox(t *testing.T) *secrets.Box {
	t.Helper()
	b, err := secrets.NewBox(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{3}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEncryptedTokenStore(t *testing.T) {
	t.Parallel()
	ms := &memSecrets{}
	st := NewEncryptedTokenStore(ms, testBox(t))
	if _, _, err := st.Load(t.Context()); !errors.Is(err, ErrNoToken) {
		t.Fatalf("empty Load err = %v, want ErrNoToken", err)
	}
	exp := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	tok := (&oauth2.Token{AccessToken: "AT-secret", RefreshToken: "RT-secret", TokenType: "bearer", Expiry: exp}).
		WithExtra(map[string]any{extraRefreshExpiresIn: float64(8726400)})
	before := time.Now()
	if err := st.Save(t.Context(), tok, "4620816365"); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(ms.m[DefaultTokenSecretName], []byte("RT-secret")) {
		t.Fatal("token stored in clear")
	}
	got, realm, err := st.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if realm != "4620816365" || got.AccessToken != "AT-secret" || got.RefreshToken != "RT-secret" || !got.Expiry.Equal(exp) {
		t.Errorf("Load = %+v, %q", got, realm)
	}
	rexp := RefreshTokenExpiry(got, time.Now())
	if d := rexp.Sub(before); d < 8726399*time.Second || d > 8726500*time.Second {
		t.Errorf("refresh expiry %s is %s after save, want ~101 days", rexp, d)
	}

	// The store's own not-found error is adapted with WithNotFound.
	storeErr := errors.New("store: not found")
	ms2 := &memSecrets{notFound: storeErr}
	st2 := NewEncryptedTokenStore(ms2, testBox(t), WithNotFound(func(err error) bool { return errors.Is(err, storeErr) }))
	if _, _, err := st2.Load(t.Context()); !errors.Is(err, ErrNoToken) {
		t.Errorf("adapted not-found: %v", err)
	}
	// A ciphertext moved to another name does not open.
	ms.m["other"] = ms.m[DefaultTokenSecretName]
	if _, _, err := NewEncryptedTokenStore(ms, testBox(t), WithSecretName("other")).Load(t.Context()); !errors.Is(err, secrets.ErrOpen) {
		t.Errorf("swapped secret: %v", err)
	}
}
