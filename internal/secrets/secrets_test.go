package secrets

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func testKey(t *testing.T) string {
	t.Helper()
	return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, KeySize))
}

func TestNewBoxKeys(t *testing.T) {
	t.Parallel()
	raw := bytes.Repeat([]byte{0xfb}, KeySize)
	tests := []struct {
		name string
		key  string
		ok   bool
	}{
		{"std padded", base64.StdEncoding.EncodeToString(raw), true},
		{"url unpadded", base64.RawURLEncoding.EncodeToString(raw), true},
		{"surrounding space", " " + base64.StdEncoding.EncodeToString(raw) + "\n", true},
		{"16 bytes", base64.StdEncoding.EncodeToString(raw[:16]), false},
		{"33 bytes", base64.StdEncoding.EncodeToString(append(raw, 1)), false},
		{"not base64", "not-a-key!!", false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewBox(tc.key)
			if (err == nil) != tc.ok {
				t.Fatalf("NewBox err = %v, want ok=%v", err, tc.ok)
			}
			if err != nil {
				if !errors.Is(err, ErrKey) {
					t.Errorf("err = %v, want ErrKey", err)
				}
				if tc.key != "" && strings.Contains(err.Error(), strings.TrimSpace(tc.key)) {
					t.Errorf("error repeats the key: %v", err)
				}
			}
		})
	}
}

func TestSealOpen(t *testing.T) {
	t.Parallel()
	box, err := NewBox(testKey(t))
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte(`{"refresh_token":"RT-very-secret"}`)
	ct, err := box.Seal(secret, "qbo/token")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(ct, []byte("very-secret")) {
		t.Fatal("ciphertext contains plaintext")
	}
	ct2, _ := box.Seal(secret, "qbo/token")
	if bytes.Equal(ct, ct2) {
		t.Error("two seals of one value are equal: nonce not random")
	}
	got, err := box.Open(ct, "qbo/token")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, secret) {
		t.Errorf("Open = %q, want %q", got, secret)
	}

	other, _ := NewBox(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{8}, KeySize)))
	flip := func(i int) []byte {
		c := bytes.Clone(ct)
		c[i] ^= 1
		return c
	}
	bad := []struct {
		name string
		box  *Box
		ct   []byte
		ad   string
	}{
		{"tampered nonce", box, flip(0), "qbo/token"},
		{"tampered body", box, flip(len(ct) / 2), "qbo/token"},
		{"tampered tag", box, flip(len(ct) - 1), "qbo/token"},
		{"truncated", box, ct[:10], "qbo/token"},
		{"wrong associated data", box, ct, "slack/token"},
		{"wrong key", other, ct, "qbo/token"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			pt, err := tc.box.Open(tc.ct, tc.ad)
			if !errors.Is(err, ErrOpen) {
				t.Fatalf("Open err = %v, want ErrOpen", err)
			}
			if pt != nil {
				t.Errorf("Open returned plaintext %q on failure", pt)
			}
			if strings.Contains(err.Error(), "very-secret") {
				t.Errorf("error leaks plaintext: %v", err)
			}
		})
	}
}

func TestFingerprint(t *testing.T) {
	t.Parallel()
	keyA := bytes.Repeat([]byte{7}, KeySize)
	a1, _ := NewBox(base64.StdEncoding.EncodeToString(keyA))
	a2, _ := NewBox(base64.RawURLEncoding.EncodeToString(keyA))
	b, _ := NewBox(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{8}, KeySize)))
	if a1.Fingerprint() == "" || a1.Fingerprint() != a2.Fingerprint() {
		t.Errorf("same key, different fingerprints: %q %q", a1.Fingerprint(), a2.Fingerprint())
	}
	if a1.Fingerprint() == b.Fingerprint() {
		t.Error("different keys share a fingerprint")
	}
	// HMAC-SHA256(key, label), never the key or a plain hash of it.
	if strings.Contains(a1.Fingerprint(), base64.StdEncoding.EncodeToString(keyA)) || len(a1.Fingerprint()) != 64 {
		t.Errorf("fingerprint %q", a1.Fingerprint())
	}
}

func TestNewKeyMakesAUsableFreshKey(t *testing.T) {
	a, b := NewKey(), NewKey()
	if a == b {
		t.Fatal("NewKey returned the same key twice")
	}
	box, err := NewBox(a)
	if err != nil {
		t.Fatalf("NewBox(NewKey()) = %v", err)
	}
	sealed, err := box.Seal([]byte("token"), "name")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := box.Open(sealed, "name"); err != nil || string(got) != "token" {
		t.Fatalf("Open = %q, %v", got, err)
	}
}
