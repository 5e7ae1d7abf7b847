package oauthstore

import (
	"context"

	"golang.org/x/oauth2"
)

// spentKept is how many exchanged refresh tokens a Spent remembers.
const spentKept = 8

// Spent is the refresh tokens one token source has exchanged (the last
// few), so that it never sends one twice: a ledger that rotates refresh
// tokens refuses a second exchange, and the refusal would look like a
// revoked connection. Its zero value remembers none; it is not safe for
// concurrent use (the source's lock guards it).
type Spent struct {
	tokens []string
}

// Exchange trades the refresh token rt for a new token through cfg
// (ctx's oauth2.HTTPClient, if any, carries the call). An rt exchanged
// before is not sent again: Exchange returns spent instead.
func (s *Spent) Exchange(ctx context.Context, cfg *oauth2.Config, rt string, spent error) (*oauth2.Token, error) {
	for _, t := range s.tokens {
		if t == rt {
			return nil, spent
		}
	}
	s.tokens = append(s.tokens, rt)
	if len(s.tokens) > spentKept {
		s.tokens = s.tokens[1:]
	}
	return cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: rt}).Token()
}

// Kept forgets the refresh token exchanged last: the ledger handed it back
// with the new token, so it is still the current one, not spent.
func (s *Spent) Kept() {
	s.tokens = s.tokens[:len(s.tokens)-1]
}
