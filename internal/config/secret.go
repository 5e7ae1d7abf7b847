package config

import "log/slog"

// redacted is what every printing path shows instead of a secret.
const redacted = "[redacted]"

// Secret is a credential read from the environment. Printing it in any way
// (fmt verbs, slog, JSON, YAML) shows "[redacted]", so an Env can be logged
// or dumped by mistake without leaking a token. Call Reveal where the value
// is really needed: an Authorization header, an HMAC key.
type Secret string

// Reveal returns the secret's text.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s != "" }

// String implements fmt.Stringer without revealing the value.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer so %#v does not reveal the value either.
func (s Secret) GoString() string { return redacted }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText implements encoding.TextMarshaler (JSON, YAML) without
// revealing the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
